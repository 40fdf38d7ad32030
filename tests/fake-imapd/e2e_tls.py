"""e2e_tls.py: TLS in fake-imapd: implicit TLS listeners, STARTTLS
(and its command injection), LOGINDISABLED, handshake failures in the
statistics, bad certificates, and the close modes over TLS seen in the
kernel's socket table. Real clients: curl, Python's imaplib and ssl, and
openssl s_client, each verifying a certificate made for the test."""
import imaplib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest

from imapd_client import FAKE_IMAPD, Client, FakeImapd, ServerCase, read_csv, run, wait_for
from harness import start_fake_imapd, tcp_states
from tlscert import make_self_signed

N = 6
CURL = shutil.which("curl")
OPENSSL = shutil.which("openssl")
CAPS = b"IMAP4rev1 LITERAL+ IDLE UNSELECT SASL-IR"


def setUpModule():
    global TMP, CERT, KEY
    TMP = tempfile.mkdtemp(prefix="imapd-tls-")
    CERT, KEY = make_self_signed(TMP)


def tearDownModule():
    shutil.rmtree(TMP, ignore_errors=True)


class TlsImapd(FakeImapd):
    """fake-imapd with a plaintext listener (self.addr, STARTTLS offered)
    and a TLS one (self.tls_addr), both on 127.0.0.1, kernel-chosen ports."""

    def __init__(self, *args):
        self.proc, words = start_fake_imapd(
            ["--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",
             "--tls-cert", CERT, "--tls-key", KEY] + list(args))
        plain = [w for w in words if not w.startswith("tls:")]
        tls = [w[4:] for w in words if w.startswith("tls:")]
        assert len(plain) == 1 and len(tls) == 1, words
        assert words[0] == plain[0], words  # plaintext listeners first
        self.addr = self._split(plain[0])
        self.tls_addr = self._split(tls[0])

    @staticmethod
    def _split(word):
        host, port = word.rsplit(":", 1)
        return host, int(port)


def context():
    """Verifies fake-imapd's certificate (its SAN holds 127.0.0.1)."""
    return ssl.create_default_context(cafile=CERT)


class Conn(Client):
    """A raw client that can switch to TLS in the middle (STARTTLS)."""

    def __init__(self, addr, tls=False):
        self.s = socket.create_connection(addr, timeout=10)
        self.buf = b""
        if tls:
            self.starttls()
        self.greeting = self.line()

    def starttls(self):
        self.s = context().wrap_socket(self.s, server_hostname=self.s.getpeername()[0])

    def line(self):
        """One line, read byte by byte: nothing after it is consumed, so
        what follows can be a TLS handshake."""
        data = b""
        while not data.endswith(b"\r\n"):
            c = self.s.recv(1)
            if not c:
                raise EOFError("closed after %r" % data)
            data += c
        return data


class OneServer(ServerCase):
    """One TLS-capable fake-imapd shared by the class's tests."""
    SERVER = TlsImapd
    ARGS = ("--messages", str(N), "--logout-close", "server")


class StartTls(OneServer):
    def conn(self, tls=False):
        c = Conn(self.srv.tls_addr if tls else self.srv.addr)
        self.addCleanup(c.close)
        return c

    def test_plaintext_advertises_starttls(self):
        c = self.conn()
        self.assertEqual(c.greeting, b"* OK [CAPABILITY " + CAPS + b" STARTTLS AUTH=PLAIN] fake-imapd ready\r\n")
        self.assertEqual(c.cmd("a", "CAPABILITY"),
                         b"* CAPABILITY " + CAPS + b" STARTTLS AUTH=PLAIN\r\na OK CAPABILITY completed\r\n")

    def test_starttls_then_no_starttls(self):
        c = self.conn()
        self.assertEqual(c.cmd("a", "STARTTLS"), b"a OK Begin TLS negotiation now\r\n")
        c.starttls()
        # No new greeting (RFC 3501 6.2.1); STARTTLS is gone.
        self.assertEqual(c.cmd("b", "CAPABILITY"),
                         b"* CAPABILITY " + CAPS + b" AUTH=PLAIN\r\nb OK CAPABILITY completed\r\n")
        self.assertEqual(c.cmd("c", "STARTTLS"), b"c BAD TLS is already active\r\n")
        self.assertEqual(c.cmd("d", "LOGIN u p"), b"d OK LOGIN completed\r\n")

    def test_pipelined_command_after_starttls_is_discarded(self):
        """CVE-2011-0411: "b NOOP" came in the same write as STARTTLS, in
        clear; it must never be answered, in clear or over TLS."""
        c = self.conn()
        c.s.sendall(b"a STARTTLS\r\nb NOOP\r\n")
        self.assertEqual(c.line(), b"a OK Begin TLS negotiation now\r\n")
        c.starttls()  # fails if anything in clear followed the OK
        self.assertEqual(c.cmd("c", "NOOP"), b"c OK NOOP completed\r\n")

    def test_starttls_after_login_is_bad(self):
        c = self.conn()
        c.cmd("a", "LOGIN u p")
        self.assertEqual(c.cmd("b", "STARTTLS"), b"b BAD STARTTLS not allowed in this state\r\n")
        self.assertNotIn(b"STARTTLS", c.cmd("c", "CAPABILITY"))

    def test_starttls_takes_no_arguments(self):
        c = self.conn()
        self.assertEqual(c.cmd("a", "STARTTLS now"), b"a BAD STARTTLS takes no arguments\r\n")
        self.assertEqual(c.cmd("b", "NOOP"), b"b OK NOOP completed\r\n")  # still in clear

    def test_tls_listener_never_offers_starttls(self):
        c = Conn(self.srv.tls_addr, tls=True)
        self.addCleanup(c.close)
        self.assertEqual(c.greeting, b"* OK [CAPABILITY " + CAPS + b" AUTH=PLAIN] fake-imapd ready\r\n")
        self.assertEqual(c.cmd("a", "STARTTLS"), b"a BAD TLS is already active\r\n")
        self.assertEqual(c.cmd("b", "LOGIN u p"), b"b OK LOGIN completed\r\n")


class NoTlsConfigured(unittest.TestCase):
    def test_starttls_is_neither_offered_nor_accepted(self):
        with FakeImapd() as srv:
            c = Conn(srv.addr)
            self.assertEqual(c.greeting, b"* OK [CAPABILITY " + CAPS + b" AUTH=PLAIN] fake-imapd ready\r\n")
            self.assertEqual(c.cmd("a", "STARTTLS"), b"a BAD STARTTLS is not offered here\r\n")
            self.assertEqual(c.cmd("b", "NOOP"), b"b OK NOOP completed\r\n")
            c.close()


class LoginDisabled(OneServer):
    ARGS = ("--login-disabled",)

    def test_plaintext_refuses_login_until_starttls(self):
        c = Conn(self.srv.addr)
        self.addCleanup(c.close)
        self.assertEqual(c.greeting, b"* OK [CAPABILITY " + CAPS + b" STARTTLS LOGINDISABLED] fake-imapd ready\r\n")
        self.assertEqual(c.cmd("a", "CAPABILITY"),
                         b"* CAPABILITY " + CAPS + b" STARTTLS LOGINDISABLED\r\na OK CAPABILITY completed\r\n")
        self.assertEqual(c.cmd("b", "LOGIN u p"), b"b NO [PRIVACYREQUIRED] LOGIN is disabled before STARTTLS\r\n")
        self.assertEqual(c.cmd("c", "AUTHENTICATE PLAIN AHUAcA=="),
                         b"c NO [PRIVACYREQUIRED] AUTHENTICATE is disabled before STARTTLS\r\n")
        self.assertEqual(c.cmd("d", "SELECT INBOX"), b"d BAD SELECT not allowed in this state\r\n")
        self.assertEqual(c.cmd("e", "STARTTLS"), b"e OK Begin TLS negotiation now\r\n")
        c.starttls()
        caps = c.cmd("f", "CAPABILITY")
        self.assertEqual(caps, b"* CAPABILITY " + CAPS + b" AUTH=PLAIN\r\nf OK CAPABILITY completed\r\n")
        self.assertEqual(c.cmd("g", "LOGIN u p"), b"g OK LOGIN completed\r\n")

    def test_authenticate_after_starttls(self):
        c = Conn(self.srv.addr)
        self.addCleanup(c.close)
        c.cmd("a", "STARTTLS")
        c.starttls()
        self.assertEqual(c.cmd("b", "AUTHENTICATE PLAIN AHUAcA=="), b"b OK AUTHENTICATE completed\r\n")

    def test_tls_listener_allows_login(self):
        c = Conn(self.srv.tls_addr, tls=True)
        self.addCleanup(c.close)
        self.assertEqual(c.greeting, b"* OK [CAPABILITY " + CAPS + b" AUTH=PLAIN] fake-imapd ready\r\n")
        self.assertEqual(c.cmd("a", "LOGIN u p"), b"a OK LOGIN completed\r\n")


class Imaplib(OneServer):

    def session(self, m):
        self.assertEqual(m.login("user", "pass")[0], "OK")
        self.assertEqual(m.select("INBOX"), ("OK", [str(N).encode()]))
        typ, data = m.fetch("1", "(BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        self.assertTrue(data[0][1].startswith(b"Date: "), data[0][1][:40])
        self.assertEqual(m.search(None, "ALL"), ("OK", [b" ".join(b"%d" % i for i in range(1, N + 1))]))
        self.assertEqual(m.logout()[0], "BYE")
        return data[0][1]

    def test_imap4_ssl(self):
        m = imaplib.IMAP4_SSL(*self.srv.tls_addr, ssl_context=context(), timeout=10)
        self.assertNotIn("STARTTLS", m.capabilities)
        body = self.session(m)
        # The same bytes as in clear.
        p = imaplib.IMAP4(*self.srv.addr, timeout=10)
        p.login("u", "p")
        p.select("INBOX", readonly=True)
        self.assertEqual(p.fetch("1", "(BODY.PEEK[])")[1][0][1], body)
        p.logout()

    def test_starttls(self):
        m = imaplib.IMAP4(*self.srv.addr, timeout=10)
        self.assertIn("STARTTLS", m.capabilities)
        self.assertEqual(m.starttls(ssl_context=context())[0], "OK")
        self.assertNotIn("STARTTLS", m.capabilities)
        self.session(m)

    def test_untrusted_certificate_is_refused_by_the_client(self):
        with self.assertRaises(ssl.SSLCertVerificationError):
            imaplib.IMAP4_SSL(*self.srv.tls_addr, ssl_context=ssl.create_default_context(), timeout=10)


@unittest.skipIf(CURL is None, "curl not installed")
class Curl(OneServer):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.imaps = "imaps://127.0.0.1:%d" % cls.srv.tls_addr[1]
        cls.imap = "imap://127.0.0.1:%d" % cls.srv.addr[1]

    def curl(self, *args):
        r = subprocess.run([CURL, "-s", "-S", "--max-time", "10", "-u", "u:p", "--cacert", CERT] + list(args),
                           capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_list(self):
        out = self.curl(self.imaps + "/")
        self.assertEqual(out, self.curl(self.imap + "/"))
        self.assertIn(b'* LIST (\\HasNoChildren) "/" INBOX\r\n', out)

    def test_fetch_by_uid_and_mailindex(self):
        for ref in ("/INBOX/;UID=1", "/INBOX/;MAILINDEX=1", "/INBOX/;UID=%d" % N):
            plain = self.curl(self.imap + ref)
            self.assertTrue(plain.startswith(b"Date: "), plain[:40])
            self.assertEqual(self.curl(self.imaps + ref), plain, ref)

    def test_starttls_required(self):
        out = self.curl("--ssl-reqd", self.imap + "/")
        self.assertEqual(out, self.curl(self.imaps + "/"))

    def test_starttls_required_but_not_offered(self):
        with FakeImapd() as srv:
            r = subprocess.run([CURL, "-s", "--max-time", "10", "-u", "u:p", "--ssl-reqd",
                                "imap://127.0.0.1:%d/" % srv.addr[1]], capture_output=True, timeout=30)
            self.assertEqual(r.returncode, 64, r)  # CURLE_USE_SSL_FAILED

    def test_custom_examine(self):
        out = self.curl("-X", "EXAMINE INBOX", self.imaps + "/")
        self.assertIn(b"* %d EXISTS\r\n" % N, out)
        self.assertIn(b"* OK [UIDNEXT %d]" % (N + 1), out)


@unittest.skipIf(OPENSSL is None, "openssl not installed")
class SClient(unittest.TestCase):
    def test_starttls_imap(self):
        with TlsImapd("--logout-close", "server") as srv:
            # -ign_eof: stdin's end does not end the session, the server's
            # close after LOGOUT does.
            r = subprocess.run([OPENSSL, "s_client", "-starttls", "imap", "-crlf", "-ign_eof",
                                "-connect", "127.0.0.1:%d" % srv.addr[1], "-CAfile", CERT,
                                "-verify_return_error"],
                               input=b"a LOGIN u p\nb SELECT INBOX\nc LOGOUT\n",
                               capture_output=True, timeout=30)
            out = r.stdout.replace(b"\r\n", b"\n")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(b"Verify return code: 0 (ok)", out)
            self.assertIn(b"\na OK LOGIN completed\n", out)
            self.assertIn(b"\nb OK [READ-WRITE] SELECT completed\n", out)
            self.assertIn(b"\n* BYE fake-imapd logging out\nc OK LOGOUT completed\n", out)
            code, summary, _ = srv.stop()
            self.assertIn(" tls_handshakes_ok=1 tls_handshakes_failed=0\n", summary)


def local_port_of(pid, server_port):
    """The local port of process pid's connection to server_port, found by
    its socket's inode: other tests' old connections may share the ports."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[9] in inodes and int(fields[2].split(":")[1], 16) == server_port:
                return int(fields[1].split(":")[1], 16)
    raise AssertionError("no connection of pid %d to port %d" % (pid, server_port))


class CloseOverTls(unittest.TestCase):
    """--logout-close decides who keeps the TIME_WAIT over TLS as in clear:
    counted by TCP FIN; close_notify alerts must change nothing."""

    def tls_client(self, srv):
        c = Conn(srv.tls_addr, tls=True)
        self.addCleanup(c.close)
        self.assertEqual(c.cmd("l", "LOGIN u p"), b"l OK LOGIN completed\r\n")
        self.assertEqual(c.cmd("a", "LOGOUT"), b"* BYE fake-imapd logging out\r\na OK LOGOUT completed\r\n")
        return c, c.s.getsockname()[1]

    def test_server_mode_time_wait_on_the_server(self):
        with TlsImapd("--logout-close", "server") as srv:
            c, me = self.tls_client(srv)
            port = srv.tls_addr[1]
            # Our close_notify, then our FIN: a clean TLS end for the client.
            self.assertEqual(c.s.recv(100), b"")
            # Both in one segment: the client that has read the alert has
            # the FIN too, however late the server ran, so a client that
            # closes at once (as this one) closes second.
            self.assertEqual(tcp_states(me, port), ["CLOSE_WAIT"])
            # The client answers with its own close_notify, as curl does,
            # then closes: reaching a closed socket, the alert would draw
            # an RST and erase the server's TIME_WAIT.
            raw = c.s.unwrap()
            raw.close()
            wait_for(lambda: tcp_states(port, me) == ["TIME_WAIT"], what="server TIME_WAIT")
            wait_for(lambda: tcp_states(me, port) == [], what="client socket gone")  # no TIME_WAIT there
            code, out, _ = srv.stop()
            self.assertTrue(out.startswith("fake-imapd: accepted=1 closed_by_client=0 closed_by_server=1 "), out)

    def test_server_mode_with_a_client_that_sends_no_alert(self):
        with TlsImapd("--logout-close", "server") as srv:
            c, me = self.tls_client(srv)
            port = srv.tls_addr[1]
            self.assertEqual(c.s.recv(100), b"")
            self.assertEqual(tcp_states(me, port), ["CLOSE_WAIT"])  # the FIN came with it
            c.close()
            wait_for(lambda: tcp_states(port, me) == ["TIME_WAIT"], what="server TIME_WAIT")
            wait_for(lambda: tcp_states(me, port) == [], what="client socket gone")

    def test_client_mode_waits_for_the_clients_fin(self):
        with TlsImapd("--logout-close", "client") as srv:
            c, me = self.tls_client(srv)
            port = srv.tls_addr[1]
            self.assertEqual(tcp_states(port, me), ["ESTABLISHED"])
            # A FIN without close_notify (as imaplib closes).
            c.s.shutdown(socket.SHUT_WR)
            wait_for(lambda: tcp_states(port, me) == [], what="server socket gone")
            c.close()
            self.assertEqual(tcp_states(me, port), ["TIME_WAIT"])
            code, out, _ = srv.stop()
            self.assertTrue(out.startswith("fake-imapd: accepted=1 closed_by_client=1 closed_by_server=0 "), out)

    @unittest.skipIf(OPENSSL is None, "openssl not installed")
    def test_client_mode_close_notify_then_fin(self):
        """s_client sends close_notify, then its FIN: the server waits for
        the FIN, so the TIME_WAIT stays with the client."""
        with TlsImapd("--logout-close", "client") as srv:
            port = srv.tls_addr[1]
            # Not -quiet: that would wait for the server at stdin's end.
            p = subprocess.Popen([OPENSSL, "s_client", "-crlf", "-connect", "127.0.0.1:%d" % port,
                                  "-CAfile", CERT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL)
            self.addCleanup(p.stdout.close)
            self.addCleanup(p.kill)
            p.stdin.write(b"a LOGOUT\n")
            p.stdin.flush()
            seen = b""
            while b"a OK LOGOUT completed" not in seen:
                line = p.stdout.readline()  # bounded by the socket: the server answers or closes
                self.assertTrue(line, seen)
                seen += line
            me = local_port_of(p.pid, port)
            self.assertEqual(tcp_states(port, me), ["ESTABLISHED"])  # the server waits
            p.stdin.close()  # s_client: close_notify, then close
            p.stdout.read()
            self.assertEqual(p.wait(timeout=10), 0)
            wait_for(lambda: tcp_states(port, me) == [], what="server socket gone")
            self.assertEqual(tcp_states(me, port), ["TIME_WAIT"])
            code, out, _ = srv.stop()
            self.assertTrue(out.startswith("fake-imapd: accepted=1 closed_by_client=1 closed_by_server=0 "), out)

    def test_client_mode_close_notify_long_before_fin(self):
        """The client's close_notify is not its FIN: the server keeps the
        connection until the FIN comes, and sends no alert in reply."""
        with TlsImapd("--logout-close", "client") as srv:
            c, me = self.tls_client(srv)
            port = srv.tls_addr[1]
            c.s.settimeout(0.5)
            # unwrap sends close_notify, then waits for the server's: a
            # bounded wait for an absence, as in imapd_client.silent_for.
            with self.assertRaises(TimeoutError):
                c.s.unwrap()
            self.assertEqual(tcp_states(port, me), ["ESTABLISHED"])
            c.s.shutdown(socket.SHUT_WR)  # now the FIN
            wait_for(lambda: tcp_states(port, me) == [], what="server socket gone")
            c.close()
            self.assertEqual(tcp_states(me, port), ["TIME_WAIT"])
            code, out, _ = srv.stop()
            self.assertTrue(out.startswith("fake-imapd: accepted=1 closed_by_client=1 closed_by_server=0 "), out)

    def test_reset_mode_resets(self):
        with TlsImapd("--logout-close", "reset") as srv:
            c, me = self.tls_client(srv)
            port = srv.tls_addr[1]
            # Only an RST takes the client's socket away before it closes
            # (a FIN would leave it in CLOSE_WAIT, the server in FIN_WAIT2).
            wait_for(lambda: tcp_states(port, me) == [] and tcp_states(me, port) == [], what="both sockets gone")
            c.close()
            self.assertEqual(tcp_states(me, port), [])
            code, out, _ = srv.stop()
            self.assertTrue(out.startswith("fake-imapd: accepted=1 closed_by_client=0 closed_by_server=1 "), out)

    def test_never_mode_ignores_the_clients_fin(self):
        with TlsImapd("--logout-close", "never", "--logout-timeout", "30s") as srv:
            c, me = self.tls_client(srv)
            port = srv.tls_addr[1]
            c.s.shutdown(socket.SHUT_WR)
            wait_for(lambda: tcp_states(port, me) == ["CLOSE_WAIT"], what="server CLOSE_WAIT")
            wait_for(lambda: tcp_states(me, port) == ["FIN_WAIT2"], what="client FIN_WAIT2")


class HandshakeFailures(unittest.TestCase):
    def test_plaintext_on_the_tls_port_is_counted(self):
        csv = os.path.join(TMP, "failed.csv")
        with TlsImapd("--csv", csv, "--debug") as srv:
            s = socket.create_connection(srv.tls_addr, timeout=10)
            s.sendall(b"a1 LOGIN u p\r\n")
            data = b""
            try:
                while True:
                    chunk = s.recv(4096)  # an alert, perhaps, then the close
                    if not chunk:
                        break
                    data += chunk
            except ConnectionResetError:
                self.fail("RST instead of FIN after a failed handshake (%r)" % data)
            self.assertNotIn(b"OK", data)
            s.close()
            # The server stays up and serves TLS.
            c = Conn(srv.tls_addr, tls=True)
            c.cmd("a", "LOGOUT")
            c.close()
            code, out, err = srv.stop()
        self.assertEqual(code, 0)
        self.assertIn(" tls_handshakes_ok=1 tls_handshakes_failed=1\n", out)
        self.assertRegex(err, r"session id=1 peer=127\.0\.0\.1:\d+ event=tls-failed error=\"wrong version number\"")
        self.assertRegex(err, r"session id=1 peer=\S+ event=close reason=tls-failed commands=0 tls=yes")
        self.assertRegex(err, r"session id=2 peer=\S+ event=accept tls=yes")
        rows = read_csv(csv)
        self.assertEqual(sum(int(r["tls_handshakes_failed"]) for r in rows), 1)
        self.assertEqual(sum(int(r["tls_handshakes_ok"]) for r in rows), 1)

    def test_silent_client_times_out(self):
        with TlsImapd("--autologout-unauth", "1s") as srv:
            s = socket.create_connection(srv.tls_addr, timeout=10)
            self.assertEqual(s.recv(100), b"")  # closed after 1 s, no bytes
            s.close()
            code, out, _ = srv.stop()
        self.assertIn(" tls_handshakes_ok=0 tls_handshakes_failed=1\n", out)

    def test_client_gone_mid_handshake_is_counted(self):
        with TlsImapd("--debug") as srv:
            s = socket.create_connection(srv.tls_addr, timeout=10)
            me = s.getsockname()[1]
            s.close()
            wait_for(lambda: tcp_states(srv.tls_addr[1], me) == [], what="server socket gone")
            # The client closed first, and the server without an RST.
            self.assertEqual(tcp_states(me, srv.tls_addr[1]), ["TIME_WAIT"])
            code, out, err = srv.stop()
        self.assertIn(" tls_handshakes_ok=0 tls_handshakes_failed=1\n", out)
        self.assertRegex(err, r"event=tls-failed error=\"client closed\"")
        self.assertRegex(err, r"event=close reason=client-eof commands=0 tls=yes")


class Versions(unittest.TestCase):
    def test_tls_1_2_is_accepted(self):
        with TlsImapd() as srv:
            ctx = context()
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            s = ctx.wrap_socket(socket.create_connection(srv.tls_addr, timeout=10), server_hostname="127.0.0.1")
            self.assertEqual(s.version(), "TLSv1.2")
            self.assertTrue(s.recv(100).startswith(b"* OK [CAPABILITY "))
            s.close()

    @unittest.skipIf(OPENSSL is None, "openssl not installed")
    def test_tls_1_1_is_refused_by_the_server(self):
        with TlsImapd("--debug") as srv:
            # SECLEVEL=0 lets this client offer TLS 1.1: the refusal must
            # come from fake-imapd.
            r = subprocess.run([OPENSSL, "s_client", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0",
                                "-connect", "127.0.0.1:%d" % srv.tls_addr[1]],
                               input=b"", capture_output=True, timeout=30)
            self.assertNotEqual(r.returncode, 0)
            code, out, err = srv.stop()
        self.assertIn(" tls_handshakes_ok=0 tls_handshakes_failed=1\n", out)
        self.assertRegex(err, r"event=tls-failed error=\"unsupported protocol\"")


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class Listeners(unittest.TestCase):
    def start(self, *args):
        proc, words = start_fake_imapd(["--tls-cert", CERT, "--tls-key", KEY] + list(args))
        self.addCleanup(proc.communicate)
        self.addCleanup(proc.kill)
        return words

    def test_ready_line_lists_plaintext_first(self):
        words = self.start("--tls-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0")
        self.assertEqual(len(words), 3, words)
        self.assertRegex(words[0], r"^127\.0\.0\.1:\d+$")
        self.assertRegex(words[1], r"^tls:127\.0\.0\.1:\d+$")
        self.assertRegex(words[2], r"^tls:127\.0\.0\.1:\d+$")

    def test_tls_listener_alone_adds_no_default_listener(self):
        words = self.start("--tls-listen", "127.0.0.1:0")
        self.assertEqual(len(words), 1, words)
        self.assertTrue(words[0].startswith("tls:127.0.0.1:"), words)

    @unittest.skipUnless(ipv6_loopback(), "no IPv6 loopback here")
    def test_ipv6_tls_listener(self):
        [word] = self.start("--tls-listen", "[::1]:0")
        self.assertRegex(word, r"^tls:\[::1\]:\d+$")
        c = Conn(("::1", int(word.rsplit(":", 1)[1])), tls=True)  # the SAN holds ::1
        self.addCleanup(c.close)
        self.assertEqual(c.greeting, b"* OK [CAPABILITY " + CAPS + b" AUTH=PLAIN] fake-imapd ready\r\n")


class BadInput(unittest.TestCase):
    def refused(self, args, message):
        r = run([FAKE_IMAPD] + args, timeout=20)
        self.assertEqual(r.returncode, 2, r)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, "fake-imapd: %s\n" % message)

    def test_tls_listen_needs_a_certificate(self):
        self.refused(["--tls-listen", "127.0.0.1:0"], "--tls-listen: needs --tls-cert")
        self.refused(["--tls-listen", "127.0.0.1:0", "--tls-cert", CERT], "--tls-listen: needs --tls-key")
        self.refused(["--tls-key", KEY], "--tls-key: needs --tls-cert")
        self.refused(["--tls-listen", "127.0.0.1"], "--tls-listen: expected ADDR:PORT such as 127.0.0.1:1143 or [::1]:1143, got '127.0.0.1'")

    def test_login_disabled_needs_a_certificate(self):
        self.refused(["--login-disabled"], "--login-disabled: needs --tls-cert and --tls-key, or nobody can log in")

    def test_missing_certificate(self):
        missing = os.path.join(TMP, "missing.pem")
        self.refused(["--tls-cert", missing, "--tls-key", KEY],
                     "--tls-cert %s: No such file or directory" % missing)

    def test_not_a_certificate(self):
        self.refused(["--tls-cert", KEY, "--tls-key", KEY], "--tls-cert %s: no start line" % KEY)

    def test_key_of_another_certificate(self):
        other = os.path.join(TMP, "other")
        os.mkdir(other)
        _, other_key = make_self_signed(other)
        self.refused(["--tls-cert", CERT, "--tls-key", other_key],
                     "--tls-key %s: key values mismatch (expected the PEM private key of --tls-cert %s)"
                     % (other_key, CERT))


if __name__ == "__main__":
    unittest.main(verbosity=2)
