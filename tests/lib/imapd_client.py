"""imapd_client.py: a raw-socket IMAP client for fake-imapd's tests.

It reads exactly what the server sends: whole lines, and the literals
("{N}\\r\\n" then N bytes) that lines announce, so that a literal's bytes are
never mistaken for a response. Every read is bounded by the socket timeout.
"""
import os
import re
import socket
import sys
import unittest

from harness import (FAKE_IMAPD, SOURCE_ROOT, FakeImapd, read_csv, read_line, recv_until, run,  # noqa: E402,F401,E501
                     tcp_states, wait_for)

# Standalone runs (python3 e2e_x.py) find the sources from here.
if "EPHEMERA_SOURCE_ROOT" not in os.environ:
    SOURCE_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")  # noqa: F811

LITERAL_END = re.compile(rb"\{(\d+)\}\r\n$")

# The rule mailbox.c documents for INBOX with N messages: UIDs 1..N, the
# first N//2 \Seen, the last N//4 \Recent.
def inbox_seen(n):
    return set(range(1, n // 2 + 1))


def inbox_recent(n):
    return set(range(n - n // 4 + 1, n + 1))


class Client:
    def __init__(self, srv, timeout=10):
        self.s = srv.connect()
        self.s.settimeout(timeout)
        self.buf = b""
        self.greeting = self.line()

    def close(self):
        self.s.close()

    def _fill(self):
        chunk = self.s.recv(65536)
        if not chunk:
            raise EOFError("server closed (buffered %r)" % self.buf[:200])
        self.buf += chunk

    def line(self):
        """One response line, with the literals it announces."""
        out = b""
        while True:
            while b"\r\n" not in self.buf:
                self._fill()
            i = self.buf.index(b"\r\n") + 2
            part, self.buf = self.buf[:i], self.buf[i:]
            out += part
            m = LITERAL_END.search(part)
            if not m:
                return out
            n = int(m.group(1))
            while len(self.buf) < n:
                self._fill()
            out += self.buf[:n]
            self.buf = self.buf[n:]

    def send(self, data):
        self.s.sendall(data)

    def until_tagged(self, tag):
        """Every line up to and including the one tagged `tag`."""
        out = b""
        while True:
            line = self.line()
            out += line
            if line.startswith(tag.encode() + b" "):
                return out

    def cmd(self, tag, text):
        if isinstance(text, str):
            text = text.encode()
        self.send(tag.encode() + b" " + text + b"\r\n")
        return self.until_tagged(tag)

    def login(self, user="u", password="p"):
        assert self.cmd("l0", "LOGIN %s %s" % (user, password)) == b"l0 OK LOGIN completed\r\n"

    def rest(self, limit=1 << 20):
        """Everything until the server closes."""
        self.s.settimeout(10)
        data = self.buf
        self.buf = b""
        while len(data) < limit:
            try:
                chunk = self.s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
        return data

    def closed_within(self, timeout):
        """True if the server's FIN arrives within timeout (bytes before it
        are discarded)."""
        self.s.settimeout(timeout)
        try:
            while self.s.recv(65536):
                pass
            return True
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
        finally:
            self.s.settimeout(10)

    def silent_for(self, timeout):
        """True if nothing at all arrives within timeout: the only way to
        show an absence, so always a short, bounded wait."""
        self.s.settimeout(timeout)
        try:
            data = self.s.recv(1)
            if data:
                self.buf += data
            return False
        except socket.timeout:
            return True
        finally:
            self.s.settimeout(10)


class ServerCase(unittest.TestCase):
    """One server, SERVER(*ARGS), shared by all the tests of a class."""
    SERVER = FakeImapd
    ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.srv = cls.SERVER(*cls.ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__()
