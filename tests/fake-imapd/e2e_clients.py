"""e2e_clients.py: real clients against fake-imapd: Python's imaplib
and curl (imap://). What one client fetches, the other must see too."""
import imaplib
import re
import shutil
import subprocess
import unittest

from imapd_client import ServerCase, inbox_recent, inbox_seen

N = 6
CURL = shutil.which("curl")


class Imaplib(ServerCase):
    ARGS = ("--messages", str(N), "--logout-close", "server")

    def setUp(self):
        self.m = imaplib.IMAP4(*self.srv.addr, timeout=10)
        self.addCleanup(self.close)
        self.assertEqual(self.m.login("user", "pass")[0], "OK")

    def close(self):
        if self.m.state != "LOGOUT":
            self.m.logout()

    def test_capabilities(self):
        self.assertEqual(self.m.capabilities, ("IMAP4REV1", "LITERAL+", "IDLE", "UNSELECT", "SASL-IR", "AUTH=PLAIN"))

    def test_list(self):
        typ, data = self.m.list()
        self.assertEqual(typ, "OK")
        names = [d.decode().rsplit(" ", 1)[1] for d in data]
        self.assertEqual(names, ["INBOX", "Archive", "Archive/2025", "Sent", "Drafts"])
        typ, data = self.m.list('""', "%")
        self.assertNotIn(b"Archive/2025", b" ".join(data))

    def test_select_and_examine(self):
        typ, data = self.m.select("INBOX")
        self.assertEqual((typ, data), ("OK", [str(N).encode()]))
        self.assertEqual(self.m.untagged_responses.get("READ-WRITE"), [b""])
        typ, data = self.m.select("Archive", readonly=True)
        self.assertEqual((typ, data), ("OK", [str(N).encode()]))
        self.assertEqual(self.m.select("Nowhere")[0], "NO")

    def test_fetch_size_matches_body(self):
        self.m.select("INBOX", readonly=True)
        for i in range(1, N + 1):
            typ, data = self.m.fetch(str(i), "(RFC822.SIZE BODY.PEEK[])")
            self.assertEqual(typ, "OK")
            head, body = data[0]
            size = int(re.search(rb"RFC822.SIZE (\d+)", head).group(1))
            self.assertEqual(size, len(body))
            self.assertTrue(body.startswith(b"Date: "))

    def test_uid_fetch_on_gapped_uids(self):
        self.m.select("Archive", readonly=True)
        typ, data = self.m.uid("SEARCH", None, "ALL")
        uids = data[0].split()
        self.assertEqual(len(uids), N)
        typ, data = self.m.uid("FETCH", uids[-1], "(FLAGS)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"UID " + uids[-1], data[0])
        self.assertTrue(data[0].startswith(b"%d (" % N))

    def test_search(self):
        self.m.select("INBOX")
        every = set(range(1, N + 1))
        for criteria, want in (("ALL", every), ("UNSEEN", every - inbox_seen(N)),
                               ("SEEN", inbox_seen(N)), ("NEW", inbox_recent(N) - inbox_seen(N))):
            typ, data = self.m.search(None, criteria)
            self.assertEqual(typ, "OK")
            self.assertEqual(set(int(x) for x in data[0].split()), want, criteria)

    def test_fetch_body_marks_seen(self):
        self.m.select("INBOX")
        n = max(every for every in range(1, N + 1) if every not in inbox_seen(N))
        self.m.fetch(str(n), "(BODY[])")
        typ, data = self.m.search(None, "UNSEEN")
        self.assertNotIn(str(n).encode(), data[0].split())

    def test_status_noop_close(self):
        typ, data = self.m.status("INBOX", "(MESSAGES UNSEEN UIDNEXT)")
        self.assertEqual(typ, "OK")
        self.assertEqual(data[0], b"INBOX (MESSAGES %d UNSEEN %d UIDNEXT %d)"
                         % (N, N - len(inbox_seen(N)), N + 1))
        self.assertEqual(self.m.noop()[0], "OK")
        self.m.select("INBOX")
        self.assertEqual(self.m.close()[0], "OK")

    def test_logout(self):
        typ, data = self.m.logout()
        self.assertEqual(typ, "BYE")

    def test_login_with_a_literal(self):
        m = imaplib.IMAP4(*self.srv.addr, timeout=10)
        # imaplib sends a password with special characters as a literal.
        m.literal = b"pa\"ss wo\\rd"
        self.assertEqual(m._simple_command("LOGIN", "user")[0], "OK")
        m.logout()


@unittest.skipIf(CURL is None, "curl not installed")
class Curl(ServerCase):
    ARGS = ("--messages", str(N))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.url = "imap://%s:%d" % cls.srv.addr

    def curl(self, *args):
        r = subprocess.run([CURL, "-s", "-S", "--max-time", "10", "-u", "u:p"] + list(args),
                           capture_output=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def imaplib_body(self, box, uid):
        m = imaplib.IMAP4(*self.srv.addr, timeout=10)
        m.login("u", "p")
        m.select(box, readonly=True)
        typ, data = m.uid("FETCH", str(uid), "(BODY.PEEK[])")
        m.logout()
        return data[0][1]

    def test_list(self):
        self.assertEqual(self.curl(self.url + "/"),
                         b'* LIST (\\HasNoChildren) "/" INBOX\r\n'
                         b'* LIST (\\HasChildren) "/" Archive\r\n'
                         b'* LIST (\\HasNoChildren) "/" Archive/2025\r\n'
                         b'* LIST (\\HasNoChildren) "/" Sent\r\n'
                         b'* LIST (\\HasNoChildren) "/" Drafts\r\n')

    def test_fetch_by_uid(self):
        self.assertEqual(self.curl(self.url + "/INBOX/;UID=1"), self.imaplib_body("INBOX", 1))

    def test_fetch_by_mailindex(self):
        # Archive: the 2nd message's UID is not 2; MAILINDEX is the
        # sequence number.
        m = imaplib.IMAP4(*self.srv.addr, timeout=10)
        m.login("u", "p")
        m.select("Archive", readonly=True)
        uid = re.search(rb"UID (\d+)", m.fetch("2", "(UID)")[1][0]).group(1)
        m.logout()
        self.assertEqual(self.curl(self.url + "/Archive/;MAILINDEX=2"), self.imaplib_body("Archive", int(uid)))

    def test_fetch_section_header(self):
        body = self.imaplib_body("INBOX", 1)
        self.assertEqual(self.curl(self.url + "/INBOX/;UID=1;SECTION=HEADER"),
                         body[:body.index(b"\r\n\r\n") + 4])

    def test_custom_examine(self):
        out = self.curl("-X", "EXAMINE INBOX", self.url + "/")
        self.assertIn(b"* %d EXISTS\r\n" % N, out)
        self.assertIn(b"* OK [UIDNEXT %d]" % (N + 1), out)

    def test_search(self):
        out = self.curl(self.url + "/INBOX?UNSEEN")
        want = sorted(set(range(1, N + 1)) - inbox_seen(N))
        self.assertEqual(out, b"* SEARCH " + b" ".join(b"%d" % i for i in want) + b"\r\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
