"""e2e_hostile.py: clients written to break fake-imapd.

In every case, while the hostile client is at work:
- it gets the BAD or BYE that RFC 3501 asks for, and nothing it sent after
  a refusal runs as a command;
- another client is still answered within PROBE_S;
- the server's peak resident memory (VmHWM) stays under PEAK_BOUND_KIB.
Each case prints its peak on stderr, the figures the README quotes.
"""
import os
import shutil
import socket
import ssl
import tempfile
import threading
import time
import unittest

from harness import SLOW, assert_peak_rss, start_fake_imapd, status_kib, \
    wait_for
from imapd_client import Client, FakeImapd
from tlscert import make_self_signed

PROBE_S = 0.5 * SLOW            # valgrind: only "answered at all"
PEAK_BOUND_KIB = 32 * 1024
LIMIT = 10                   # --max-connections in the crowd case


class TlsImapd(FakeImapd):
    """A plaintext listener offering STARTTLS (addr) and a TLS one
    (tls_addr), with a certificate made for the test."""

    def __init__(self, cert, key, *args):
        self.proc, words = start_fake_imapd(
            ["--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",
             "--tls-cert", cert, "--tls-key", key] + list(args))
        plain = [w for w in words if not w.startswith("tls:")][0]
        tls = [w[4:] for w in words if w.startswith("tls:")][0]
        self.addr = (plain.rsplit(":", 1)[0], int(plain.rsplit(":", 1)[1]))
        self.tls_addr = (tls.rsplit(":", 1)[0], int(tls.rsplit(":", 1)[1]))


class HostileCase(unittest.TestCase):
    """What every hostile case checks."""

    def server(self, *args):
        srv = FakeImapd(*args)
        self.addCleanup(srv.__exit__)
        return srv

    def assert_served(self, srv, client=None):
        """A NOOP answered within PROBE_S: on a new connection (greeting
        included), or on `client`, one the server already admitted."""
        start = time.monotonic()
        c = client if client is not None else Client(srv, timeout=5)
        try:
            self.assertEqual(c.cmd("p1", "NOOP"), b"p1 OK NOOP completed\r\n")
        finally:
            if client is None:
                c.close()
        took = time.monotonic() - start
        self.assertLess(took, PROBE_S, "another client waited %.3f s" % took)

    def assert_bounded(self, srv):
        kib = status_kib(srv.proc.pid, "VmHWM")
        self.assertIsNotNone(kib, "fake-imapd is gone")
        assert_peak_rss(self, "%s: fake-imapd" % self.id().rsplit(".", 1)[1],
                        kib, PEAK_BOUND_KIB)

    def feed(self, sock, data):
        """Send data from a thread (the server may stop reading); at
        cleanup the socket is shut down first, which ends a sendall()
        the server no longer reads, and then the thread is joined."""
        def send():
            try:
                sock.sendall(data)
            except OSError:
                pass    # the server closed first: what some cases expect

        def stop():
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass    # already closed
            t.join(30)
            self.assertFalse(t.is_alive(), "the feeding thread is stuck")
        t = threading.Thread(target=send, daemon=True)
        t.start()
        self.addCleanup(stop)
        return t


class Hostile(HostileCase):
    def test_one_byte_per_second_held_only_until_the_unauth_timeout(self):
        """A slow-loris client: bytes that never make a command do not
        restart the pre-authentication timer."""
        srv = self.server("--autologout-unauth", "2s")
        h = Client(srv)
        h.s.settimeout(1.0)     # paces the trickle: one byte a second
        got, sent = b"", 0
        for byte in b"a1 NOOP " + b"x" * 30:
            try:
                h.s.send(bytes([byte]))
            except OSError:
                break
            sent += 1
            self.assert_served(srv)
            try:
                chunk = h.s.recv(4096)
            except socket.timeout:
                continue
            except ConnectionResetError:
                break
            got += chunk
            if not chunk:
                break
        self.assertEqual(got, b"* BYE autologout\r\n")
        # 2 s of trickle, and some slack for a slow machine: far from the
        # 38 s a timer restarted by every byte would have allowed.
        self.assertLess(sent, 10)
        self.assert_bounded(srv)

    def test_a_megabyte_line(self):
        srv = self.server()
        h = Client(srv)
        self.feed(h.s, b"a1 NOOP " + b"x" * (1 << 20) + b"\r\na2 LOGOUT\r\n")
        self.assert_served(srv)
        self.assertEqual(h.rest(), b"* BYE line too long\r\n")
        self.assert_bounded(srv)

    def test_synchronizing_literal_of_4294967295(self):
        srv = self.server()
        h = Client(srv)
        h.send(b"a1 LOGIN {4294967295}\r\n")
        self.assertEqual(h.line(), b"a1 BAD literal too large\r\n")
        self.assert_served(srv)
        self.assertEqual(h.cmd("a2", "NOOP"), b"a2 OK NOOP completed\r\n")
        self.assert_bounded(srv)

    def test_non_synchronizing_literal_of_4294967295(self):
        """The bytes after {4294967295+} are the literal's: the LOGOUT
        among them must never run.  The server says BYE rather than read
        4 GiB."""
        srv = self.server()
        h = Client(srv)
        self.feed(h.s, b"a1 LOGIN u {4294967295+}\r\na2 LOGOUT\r\n"
                  + b"a3 NOOP\r\n" * 1000)
        self.assert_served(srv)
        self.assertEqual(h.rest(), b"* BYE literal too large\r\n")
        self.assert_bounded(srv)

    def test_nul_bytes(self):
        """NUL is not a CHAR8 (RFC 3501 9): BAD wherever it comes, in a
        tag, a command, a quoted string or a literal; the session goes on."""
        srv = self.server()
        h = Client(srv)
        for line, want in [
                (b"a\x001 NOOP\r\n", b"* BAD malformed tag\r\n"),
                (b"a2 NO\x00OP\r\n", b"a2 BAD unknown command\r\n"),
                (b'a3 LOGIN "u\x00" p\r\n',
                 b"a3 BAD LOGIN expects a user name and a password\r\n"),
                (b"a4 LOGIN {2+}\r\nu\x00 p\r\n",
                 b"a4 BAD LOGIN expects a user name and a password\r\n"),
                (b"\x00" * 4096 + b"\r\n", b"* BAD malformed tag\r\n")]:
            h.send(line)
            self.assertEqual(h.line(), want, line[:40])
        self.assert_served(srv)
        self.assertEqual(h.cmd("a5", "NOOP"), b"a5 OK NOOP completed\r\n")
        self.assert_bounded(srv)

    def test_bare_lf(self):
        """RFC 3501 asks clients for CRLF; like Dovecot, fake-imapd takes a
        bare LF as the end of a line, the same way every time, so a line
        can never hide a second command from one reader and not the other."""
        srv = self.server()
        h = Client(srv)
        h.send(b"a1 NOOP\na2 NOOP\r\na3 FROB\n")
        self.assertEqual(h.line(), b"a1 OK NOOP completed\r\n")
        self.assertEqual(h.line(), b"a2 OK NOOP completed\r\n")
        self.assertEqual(h.line(), b"a3 BAD unknown command\r\n")
        self.assert_served(srv)
        self.assert_bounded(srv)

    def test_a_crowd_of_ten_times_the_limit(self):
        """10 x --max-connections at once: the first LIMIT are served, the
        rest get BYE [UNAVAILABLE] and are closed; the served keep being
        answered."""
        srv = self.server("--max-connections", str(LIMIT))
        crowd = []
        for _ in range(10 * LIMIT):
            s = socket.socket()
            self.addCleanup(s.close)
            s.setblocking(False)
            s.connect_ex(srv.addr)
            crowd.append(s)
        greetings = []
        for s in crowd:
            s.settimeout(10)
            line = b""
            while not line.endswith(b"\r\n"):
                chunk = s.recv(512)
                if not chunk:
                    break
                line += chunk
            greetings.append(line)
        served = [s for s, g in zip(crowd, greetings) if g.startswith(b"* OK")]
        refused = [g for g in greetings if g.startswith(b"* BYE")]
        self.assertEqual(len(served), LIMIT)
        self.assertEqual(len(refused), 9 * LIMIT)
        self.assertTrue(all(b"[UNAVAILABLE]" in g for g in refused))
        for s in served:
            s.sendall(b"p1 NOOP\r\n")
        for s in served:
            start = time.monotonic()
            self.assertEqual(s.recv(512), b"p1 OK NOOP completed\r\n")
            self.assertLess(time.monotonic() - start, PROBE_S)
        self.assert_bounded(srv)

    def test_a_client_that_vanishes_mid_literal(self):
        """One client goes with a FIN, one with an RST, each half way
        through a literal: their places are given back (with a limit of 2,
        two new clients are admitted) and nothing they sent runs."""
        srv = self.server("--max-connections", "2")
        for linger in (False, True):
            h = Client(srv)
            h.send(b"a1 LOGIN {1000}\r\n")
            self.assertEqual(h.line(), b"+ Ready for literal data\r\n")
            h.send(b"u" * 10 + b"\r\na2 LOGOUT\r\n")
            if linger:      # close() then sends an RST
                h.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                               b"\x01\x00\x00\x00\x00\x00\x00\x00")
            h.close()

        def admitted_two():
            a, b = Client(srv), Client(srv)
            ok = a.greeting.startswith(b"* OK") and \
                b.greeting.startswith(b"* OK")
            if ok:
                self.addCleanup(a.close)
                self.addCleanup(b.close)
            else:
                a.close()
                b.close()
            return (a, b) if ok else None
        a, b = wait_for(admitted_two, what="the vanished clients' places")
        self.assert_served(srv, a)
        self.assert_served(srv, b)
        self.assert_bounded(srv)


class HostileTls(HostileCase):
    """The TLS cases, with one certificate for the class."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="imapd-hostile-")
        cls.cert, cls.key = make_self_signed(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def tls_server(self):
        srv = TlsImapd(self.cert, self.key)
        self.addCleanup(srv.__exit__)
        return srv

    def test_commands_pipelined_after_starttls_are_discarded(self):
        """CVE-2011-0411: what came in clear after STARTTLS, in the same
        write, must never run, in clear or over TLS."""
        srv = self.tls_server()
        h = Client(srv)
        h.send(b"a STARTTLS\r\nb LOGIN u p\r\nc LOGOUT\r\n")
        self.assertEqual(h.line(), b"a OK Begin TLS negotiation now\r\n")
        self.assertEqual(h.buf, b"")
        ctx = ssl.create_default_context(cafile=self.cert)
        h.s = ctx.wrap_socket(h.s, server_hostname="127.0.0.1")
        # Still not logged in: b never ran, and neither did c.
        self.assertEqual(h.cmd("d", "SELECT INBOX"),
                         b"d BAD SELECT not allowed in this state\r\n")
        self.assert_served(srv)
        self.assert_bounded(srv)

    def test_garbage_instead_of_a_tls_handshake(self):
        srv = self.tls_server()
        h = socket.create_connection(srv.tls_addr, timeout=10)
        self.addCleanup(h.close)
        self.feed(h, os.urandom(64 * 1024))
        self.assert_served(srv)
        ctx = ssl.create_default_context(cafile=self.cert)
        with ctx.wrap_socket(socket.create_connection(srv.tls_addr, timeout=10),
                             server_hostname="127.0.0.1") as t:
            self.assertTrue(t.recv(512).startswith(b"* OK"))

        def closed():
            try:
                return h.recv(4096) == b""
            except ConnectionResetError:
                return True
        self.assertTrue(wait_for(closed, what="the garbage's close"))
        self.assert_bounded(srv)


if __name__ == "__main__":
    unittest.main(verbosity=2)
