"""e2e_auth.py: AUTHENTICATE PLAIN (RFC 3501 6.2.2, RFC 4616) with
the "+" continuation and with SASL-IR (RFC 4959), against --users; and
the same through imaplib."""
import base64
import imaplib
import tempfile
import unittest

from imapd_client import Client, FakeImapd


def plain(authzid, user, password):
    return base64.b64encode(b"%s\0%s\0%s" % (authzid, user, password))


class Authenticate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.users = tempfile.NamedTemporaryFile("w")
        cls.users.write("bob:s3cret\n")
        cls.users.flush()
        cls.srv = FakeImapd("--users", cls.users.name)

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__()
        cls.users.close()

    def setUp(self):
        self.c = Client(self.srv)
        self.addCleanup(self.c.close)

    def test_advertised(self):
        self.assertIn(b" SASL-IR AUTH=PLAIN]", self.c.greeting)

    def test_initial_response(self):
        self.assertEqual(self.c.cmd("a1", b"AUTHENTICATE PLAIN " + plain(b"", b"bob", b"s3cret")),
                         b"a1 OK AUTHENTICATE completed\r\n")
        self.assertEqual(self.c.cmd("a2", 'LIST "" INBOX'),
                         b'* LIST (\\HasNoChildren) "/" INBOX\r\na2 OK LIST completed\r\n')

    def test_continuation(self):
        self.c.send(b"a1 authenticate plain\r\n")
        self.assertEqual(self.c.line(), b"+ \r\n")
        self.c.send(plain(b"bob", b"bob", b"s3cret") + b"\r\n")
        self.assertEqual(self.c.line(), b"a1 OK AUTHENTICATE completed\r\n")

    def test_cancel(self):
        self.c.send(b"a1 AUTHENTICATE PLAIN\r\n")
        self.assertEqual(self.c.line(), b"+ \r\n")
        self.c.send(b"*\r\n")
        self.assertEqual(self.c.line(), b"a1 BAD authentication cancelled\r\n")
        self.assertEqual(self.c.cmd("a2", 'SELECT INBOX'), b"a2 BAD SELECT not allowed in this state\r\n")

    def test_failures(self):
        for i, (args, reply) in enumerate([
                (b"PLAIN " + plain(b"", b"bob", b"wrong"), b"NO [AUTHENTICATIONFAILED] Authentication failed"),
                (b"PLAIN " + plain(b"", b"eve", b"s3cret"), b"NO [AUTHENTICATIONFAILED] Authentication failed"),
                (b"PLAIN " + plain(b"root", b"bob", b"s3cret"), b"NO [AUTHORIZATIONFAILED] Authorization failed"),
                (b"CRAM-MD5", b"NO unsupported authentication mechanism"),
                (b"PLAIN not-base64!", b"BAD invalid base64 in the SASL response"),
                (b"PLAIN " + base64.b64encode(b"bob:s3cret"), b"BAD malformed PLAIN response"),
                (b"PLAIN =", b"BAD malformed PLAIN response"),
                (b"", b"BAD AUTHENTICATE expects a mechanism")]):
            tag = b"f%d" % i
            self.assertEqual(self.c.cmd(tag.decode(), b"AUTHENTICATE " + args), tag + b" " + reply + b"\r\n")

    def test_not_after_login(self):
        self.c.cmd("a1", "LOGIN bob s3cret")
        self.assertEqual(self.c.cmd("a2", b"AUTHENTICATE PLAIN " + plain(b"", b"bob", b"s3cret")),
                         b"a2 BAD AUTHENTICATE not allowed in this state\r\n")

    def test_imaplib(self):
        m = imaplib.IMAP4(*self.srv.addr, timeout=10)
        typ, _ = m.authenticate("PLAIN", lambda challenge: b"\0bob\0s3cret")
        self.assertEqual(typ, "OK")
        self.assertEqual(m.state, "AUTH")
        m.logout()


class Preauth(unittest.TestCase):
    def test_preauth_greeting_starts_logged_in(self):
        with FakeImapd("--preauth") as srv:
            c = Client(srv)
            self.assertEqual(c.greeting, b"* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ IDLE UNSELECT SASL-IR "
                             b"AUTH=PLAIN] fake-imapd ready, logged in\r\n")
            self.assertEqual(c.cmd("a1", "LOGIN u p"), b"a1 BAD LOGIN not allowed in this state\r\n")
            self.assertIn(b"a2 OK [READ-WRITE]", c.cmd("a2", "SELECT INBOX"))
            c.close()

    def test_imaplib_accepts_preauth(self):
        with FakeImapd("--preauth") as srv:
            m = imaplib.IMAP4(*srv.addr, timeout=10)
            self.assertEqual(m.state, "AUTH")
            self.assertEqual(m.select("INBOX")[0], "OK")
            m.logout()


if __name__ == "__main__":
    unittest.main(verbosity=2)
