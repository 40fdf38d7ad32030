"""e2e_mbox.py: --mbox serves INBOX from an mbox file: what imaplib
and curl fetch is the file's messages, split and with CRLF line ends."""
import imaplib
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from imapd_client import FAKE_IMAPD, FakeImapd, run

MBOX = (b"From alice@example.org Thu Jan  1 10:00:00 2026\n"
        b"Date: Thu, 01 Jan 2026 10:00:00 +0000\n"
        b"From: Alice <alice@example.org>\n"
        b"Subject: first\n"
        b"Message-ID: <a1@example.org>\n"
        b"Status: RO\n"
        b"\n"
        b"Hello.\n"
        b">From the body, escaped.\n"
        b"\n"
        b"From bob@example.org Fri Jan  2 11:30:00 2026\n"
        b"Subject: second\n"
        b"\n"
        b"Two lines\n"
        b"of text.\n")


def expected_messages(data):
    """The messages the file holds, by RFC 4155 read independently here."""
    parts = re.split(rb"(?:^|(?<=\n)\n)From [^\n]*\n", data)[1:]
    out = []
    for p in parts:
        p = re.sub(rb"(?m)^>(>*From )", rb"\1", p)
        out.append(p.replace(b"\n", b"\r\n"))
    return out


class Mbox(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.dir.name, "inbox.mbox")
        with open(cls.path, "wb") as f:
            f.write(MBOX)
        cls.srv = FakeImapd("--mbox", cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__()
        cls.dir.cleanup()

    def test_messages_are_the_files(self):
        want = expected_messages(MBOX)
        m = imaplib.IMAP4(*self.srv.addr, timeout=10)
        m.login("u", "p")
        self.assertEqual(m.select("INBOX", readonly=True), ("OK", [b"%d" % len(want)]))
        for i, body in enumerate(want, 1):
            typ, data = m.fetch(str(i), "(RFC822.SIZE BODY.PEEK[])")
            size = int(re.search(rb"RFC822.SIZE (\d+)", data[0][0]).group(1))
            self.assertEqual((size, data[0][1]), (len(body), body))
        # Status: RO marks the first as seen.
        self.assertEqual(m.search(None, "SEEN"), ("OK", [b"1"]))
        typ, data = m.fetch("1", "(INTERNALDATE ENVELOPE)")
        self.assertIn(b'INTERNALDATE "01-Jan-2026 10:00:00 +0000"', data[0])
        self.assertIn(b'ENVELOPE ("Thu, 01 Jan 2026 10:00:00 +0000" "first" ', data[0])
        self.assertIn(b'"<a1@example.org>")', data[0])
        m.logout()

    @unittest.skipIf(shutil.which("curl") is None, "curl not installed")
    def test_curl_fetches_the_same(self):
        r = subprocess.run(["curl", "-s", "-S", "--max-time", "10", "-u", "u:p",
                            "imap://%s:%d/INBOX/;UID=2" % self.srv.addr], capture_output=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, expected_messages(MBOX)[1])

    def test_other_mailboxes_stay_synthetic(self):
        m = imaplib.IMAP4(*self.srv.addr, timeout=10)
        m.login("u", "p")
        self.assertEqual(m.select("Sent", readonly=True), ("OK", [b"10"]))
        m.logout()

    def test_bad_files(self):
        missing = os.path.join(self.dir.name, "missing")
        r = run([FAKE_IMAPD, "--mbox", missing], timeout=20)
        self.assertEqual((r.returncode, r.stderr),
                         (2, "fake-imapd: --mbox: %s: No such file or directory\n" % missing))
        bad = os.path.join(self.dir.name, "bad")
        with open(bad, "w") as f:
            f.write("Subject: no From line\n")
        r = run([FAKE_IMAPD, "--mbox", bad], timeout=20)
        self.assertEqual((r.returncode, r.stderr),
                         (2, "fake-imapd: --mbox: %s: not an mbox file: it does not start with a "
                          "\"From \" line\n" % bad))


if __name__ == "__main__":
    unittest.main(verbosity=2)
