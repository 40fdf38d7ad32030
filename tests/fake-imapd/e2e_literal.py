"""e2e_literal.py: literals ({N} with "+", {N+} with LITERAL+), their
caps, line caps, and the BYE after too many errors (RFC 3501 7.5, RFC 7888)."""
import unittest

from imapd_client import Client, FakeImapd

LITERAL_MAX = 65536          # reader.h
LINE_MAX_UNAUTH = 8192
LINE_MAX_AUTH = 65536
BADS_MAX = 10                # session.h


class Literal(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = FakeImapd("--users", cls.users_file())

    @classmethod
    def users_file(cls):
        import tempfile
        cls.tmp = tempfile.NamedTemporaryFile("w", suffix=".users")
        cls.tmp.write("bob:pass word\nnul:a\\b\n")
        cls.tmp.flush()
        return cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__()
        cls.tmp.close()

    def setUp(self):
        self.c = Client(self.srv)
        self.addCleanup(self.c.close)

    def test_capability_advertises_literal_plus(self):
        self.assertIn(b" LITERAL+", self.c.greeting)
        self.assertIn(b" LITERAL+", self.c.cmd("a1", "CAPABILITY"))

    def test_synchronizing_literal_waits_for_continuation(self):
        self.c.send(b"a1 LOGIN {3}\r\n")
        self.assertEqual(self.c.line(), b"+ Ready for literal data\r\n")
        self.c.send(b"bob {9}\r\n")
        self.assertEqual(self.c.line(), b"+ Ready for literal data\r\n")
        self.c.send(b"pass word\r\n")
        self.assertEqual(self.c.line(), b"a1 OK LOGIN completed\r\n")

    def test_non_synchronizing_literal_needs_no_continuation(self):
        self.c.send(b"a1 LOGIN {3+}\r\nbob {9+}\r\npass word\r\na2 NOOP\r\n")
        self.assertEqual(self.c.line(), b"a1 OK LOGIN completed\r\n")
        self.assertEqual(self.c.line(), b"a2 OK NOOP completed\r\n")

    def test_quoted_password_with_escapes(self):
        self.assertEqual(self.c.cmd("a1", r'LOGIN "nul" "a\\b"'), b"a1 OK LOGIN completed\r\n")

    def test_wrong_password_and_literal_with_crlf(self):
        self.c.send(b"a1 LOGIN bob {11+}\r\npass\r\nword\r\n")
        self.assertEqual(self.c.line(), b"a1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n")
        self.assertEqual(self.c.cmd("a2", "LOGIN bob pass"),
                         b"a2 NO [AUTHENTICATIONFAILED] Authentication failed\r\n")
        self.assertEqual(self.c.cmd("a3", "LOGIN nobody x"),
                         b"a3 NO [AUTHENTICATIONFAILED] Authentication failed\r\n")

    def test_sync_literal_over_the_cap_gets_bad_without_continuation(self):
        self.c.send(b"a1 LOGIN {%d}\r\n" % (LITERAL_MAX + 1))
        self.assertEqual(self.c.line(), b"a1 BAD literal too large\r\n")
        self.assertEqual(self.c.cmd("a2", "NOOP"), b"a2 OK NOOP completed\r\n")

    def test_literal_over_the_cap_is_swallowed_not_executed(self):
        """The bytes of a refused {N+} literal are discarded: the LOGOUT
        inside it must not run, and the session goes on."""
        inside = b"\r\na9 LOGOUT\r\n"
        n = LITERAL_MAX + 1
        payload = (inside * (n // len(inside) + 1))[:n]
        self.c.send(b"a1 LOGIN bob {%d+}\r\n" % n + payload + b"\r\na2 NOOP\r\n")
        self.assertEqual(self.c.line(), b"a1 BAD literal too large\r\n")
        self.assertEqual(self.c.line(), b"a2 OK NOOP completed\r\n")
        self.assertTrue(self.c.silent_for(0.2))  # no "* BYE", no a9 OK

    def test_literal_at_the_cap_is_accepted(self):
        self.c.send(b"a1 LOGIN bob {%d+}\r\n" % LITERAL_MAX + b"x" * LITERAL_MAX + b"\r\n")
        self.assertEqual(self.c.line(), b"a1 BAD LOGIN expects a user name and a password\r\n")

    def test_enormous_non_sync_literal_closes(self):
        self.c.send(b"a1 LOGIN bob {4000000000+}\r\n")
        self.assertEqual(self.c.rest(), b"* BYE literal too large\r\n")

    def test_line_cap_before_login(self):
        self.c.send(b"a1 NOOP " + b"x" * LINE_MAX_UNAUTH + b"\r\n")
        self.assertEqual(self.c.rest(), b"* BYE line too long\r\n")

    def test_line_cap_after_login_is_larger(self):
        self.c.login("bob", '"pass word"')
        self.c.cmd("s", "SELECT INBOX")
        # A long but legal FETCH (4096 ranges, seqset.h's cap): over the
        # pre-login cap.
        line = b"FETCH " + b",".join([b"1"] * 4096) + b" UID"
        self.assertGreater(len(line), LINE_MAX_UNAUTH)
        out = self.c.cmd("a1", line)
        self.assertEqual(out, b"* 1 FETCH (UID 1)\r\na1 OK FETCH completed\r\n")
        self.c.send(b"a2 NOOP " + b"x" * LINE_MAX_AUTH + b"\r\n")
        self.assertEqual(self.c.rest(), b"* BYE line too long\r\n")

    def test_too_many_bads_in_a_row(self):
        for i in range(BADS_MAX - 1):
            self.assertEqual(self.c.cmd("b%d" % i, "FROB"), b"b%d BAD unknown command\r\n" % i)
        # A good command resets the count.
        self.assertEqual(self.c.cmd("g", "NOOP"), b"g OK NOOP completed\r\n")
        for i in range(BADS_MAX - 1):
            self.c.cmd("c%d" % i, "FROB")
        self.c.send(b"last FROB\r\n")
        self.assertEqual(self.c.rest(), b"last BAD unknown command\r\n* BYE too many errors\r\n")

    def test_untagged_bads_count_too(self):
        self.c.send(b"\r\n" * BADS_MAX)
        self.assertEqual(self.c.rest(), b"* BAD empty line\r\n" * BADS_MAX + b"* BYE too many errors\r\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
