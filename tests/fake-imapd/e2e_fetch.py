"""e2e_fetch.py: FETCH, UID FETCH, SEARCH, UID SEARCH and IDLE on a
raw socket (RFC 3501 6.4, RFC 2177). Sizes and sets are derived from the
bytes the server sends and from the documented flag rule."""
import re
import unittest

from imapd_client import Client, FakeImapd, ServerCase, inbox_recent, inbox_seen

N = 12
ARCHIVE_UIDS = [100 + 3 * i for i in range(N)]  # mailbox.c: Archive's UIDs


def body_of(resp):
    """The literal of a one-item FETCH response."""
    m = re.search(rb"\{(\d+)\}\r\n", resp)
    n = int(m.group(1))
    return resp[m.end():m.end() + n]


class Fetch(ServerCase):
    ARGS = ("--messages", str(N))

    def setUp(self):
        self.c = Client(self.srv)
        self.addCleanup(self.c.close)
        self.c.login()

    def select(self, box="INBOX", how="SELECT"):
        self.assertIn(b"s1 OK", self.c.cmd("s1", "%s %s" % (how, box)))

    def test_flags_and_uid_for_a_range(self):
        self.select()
        out = self.c.cmd("a1", "FETCH 1:3 (FLAGS UID)")
        self.assertEqual(out, b"".join(
            b"* %d FETCH (FLAGS (%s) UID %d)\r\n" % (i, b"\\Seen" if i in inbox_seen(N) else b"", i)
            for i in range(1, 4)) + b"a1 OK FETCH completed\r\n")

    def test_size_matches_the_body(self):
        self.select()
        for i in (1, N):
            size = int(re.search(rb"RFC822.SIZE (\d+)", self.c.cmd("a1", "FETCH %d RFC822.SIZE" % i)).group(1))
            body = body_of(self.c.cmd("a2", "FETCH %d BODY.PEEK[]" % i))
            self.assertEqual(size, len(body))
            header = body_of(self.c.cmd("a3", "FETCH %d BODY.PEEK[HEADER]" % i))
            text = body_of(self.c.cmd("a4", "FETCH %d BODY.PEEK[TEXT]" % i))
            self.assertEqual(header + text, body)
            self.assertTrue(header.endswith(b"\r\n\r\n"))

    def test_same_bytes_from_another_server(self):
        self.select()
        mine = self.c.cmd("a1", "FETCH 1:* BODY.PEEK[]")
        with FakeImapd("--messages", str(N)) as other:
            c = Client(other)
            c.login()
            c.cmd("s1", "SELECT INBOX")
            self.assertEqual(c.cmd("a1", "FETCH 1:* BODY.PEEK[]"), mine)
            c.close()

    def test_partial(self):
        self.select()
        body = body_of(self.c.cmd("a1", "FETCH 2 BODY.PEEK[]"))
        out = self.c.cmd("a2", "FETCH 2 BODY.PEEK[]<3.10>")
        self.assertEqual(out, b"* 2 FETCH (BODY[]<3> {10}\r\n" + body[3:13] + b")\r\na2 OK FETCH completed\r\n")
        out = self.c.cmd("a3", "FETCH 2 BODY.PEEK[]<%d.10>" % (len(body) - 4))
        self.assertEqual(body_of(out), body[-4:])

    def test_body_sets_seen_and_reports_it(self):
        self.select()
        n = min(set(range(1, N + 1)) - inbox_seen(N))
        out = self.c.cmd("a1", "FETCH %d BODY[]<0.4>" % n)
        self.assertEqual(out, b"* %d FETCH (BODY[]<0> {4}\r\nDate FLAGS (\\Seen%s))\r\n"
                         b"a1 OK FETCH completed\r\n"
                         % (n, b" \\Recent" if n in inbox_recent(N) else b""))
        # Now seen: a second BODY[] reports no FLAGS, SEARCH agrees.
        self.assertNotIn(b"FLAGS", self.c.cmd("a2", "FETCH %d BODY[]<0.4>" % n))
        self.assertNotIn(b" %d" % n, self.c.cmd("a3", "SEARCH UNSEEN").split(b"\r\n")[0] + b" ")

    def test_peek_and_examine_do_not_set_seen(self):
        self.select()
        n = N  # unseen by the rule
        self.assertNotIn(b"FLAGS", self.c.cmd("a1", "FETCH %d BODY.PEEK[]" % n))
        self.assertIn(b"FLAGS (\\Recent)", self.c.cmd("a2", "FETCH %d FLAGS" % n))
        self.select(how="EXAMINE")
        self.assertNotIn(b"FLAGS", self.c.cmd("a3", "FETCH %d BODY[]" % n))
        self.assertIn(b"* %d FETCH (FLAGS (\\Recent))" % n, self.c.cmd("a4", "FETCH %d FLAGS" % n))

    def test_seen_is_per_session(self):
        self.select()
        self.c.cmd("a1", "FETCH %d BODY[]" % N)
        other = Client(self.srv)
        self.addCleanup(other.close)
        other.login()
        other.cmd("s1", "SELECT INBOX")
        self.assertIn(b"* %d FETCH (FLAGS (\\Recent))" % N, other.cmd("a1", "FETCH %d FLAGS" % N))

    def test_uid_fetch_maps_uids_and_always_says_uid(self):
        self.select("Archive")
        out = self.c.cmd("a1", "UID FETCH %d:%d FLAGS" % (ARCHIVE_UIDS[1], ARCHIVE_UIDS[2]))
        self.assertEqual(out, b"* 2 FETCH (UID %d FLAGS (\\Seen))\r\n* 3 FETCH (UID %d FLAGS (\\Seen))\r\n"
                         b"a1 OK UID FETCH completed\r\n" % (ARCHIVE_UIDS[1], ARCHIVE_UIDS[2]))
        # UIDs between messages, and beyond the last, are not errors.
        self.assertEqual(self.c.cmd("a2", "UID FETCH %d,99999 UID" % (ARCHIVE_UIDS[0] + 1)),
                         b"a2 OK UID FETCH completed\r\n")
        # RFC 3501 6.4.8: "n:*" holds the last UID even when n is above it.
        self.assertEqual(self.c.cmd("a4", "UID FETCH 99999:* UID"),
                         b"* %d FETCH (UID %d)\r\na4 OK UID FETCH completed\r\n" % (N, ARCHIVE_UIDS[-1]))
        self.assertEqual(self.c.cmd("a3", "UID FETCH * UID"),
                         b"* %d FETCH (UID %d)\r\na3 OK UID FETCH completed\r\n" % (N, ARCHIVE_UIDS[-1]))

    def test_macros(self):
        self.select()
        fast = self.c.cmd("a1", "FETCH 1 FAST")
        self.assertRegex(fast, rb'^\* 1 FETCH \(FLAGS \(\\Seen\) INTERNALDATE "\d\d-[A-Z][a-z]{2}-\d{4} '
                         rb'\d\d:\d\d:\d\d \+0000" RFC822.SIZE \d+\)\r\n')
        self.assertIn(b" ENVELOPE (", self.c.cmd("a2", "FETCH 1 ALL"))
        full = self.c.cmd("a3", "FETCH 1 FULL")
        self.assertIn(b' BODY ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" ', full)

    def test_envelope_names_the_headers(self):
        self.select()
        header = body_of(self.c.cmd("a1", "FETCH 3 BODY.PEEK[HEADER]")).decode()
        fields = dict(line.split(": ", 1) for line in header.split("\r\n") if line)
        env = self.c.cmd("a2", "FETCH 3 ENVELOPE").decode()
        self.assertIn('ENVELOPE ("%s" "%s" ' % (fields["Date"], fields["Subject"]), env)
        self.assertIn('"%s")' % fields["Message-ID"], env)

    def test_header_fields(self):
        self.select()
        out = self.c.cmd("a1", "FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject)]")
        want = b"Subject: Message 1 in INBOX\r\n\r\n"
        self.assertEqual(out, b"* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {%d}\r\n%s)\r\n"
                         b"a1 OK FETCH completed\r\n" % (len(want), want))

    def test_fetch_errors(self):
        self.select()
        for i, (args, reply) in enumerate([
                ("1", b"BAD FETCH: expected fetch items"),
                ("1 FROB", b"BAD FETCH: unknown or malformed fetch item"),
                ("x FLAGS", b"BAD FETCH expects a sequence set"),
                ("%d FLAGS" % (N + 1), b"BAD invalid message sequence number"),
                ("1 (FLAGS", b"BAD FETCH: expected ) after the fetch items"),
                ("1 FLAGS extra", b"BAD FETCH: unexpected text after the fetch items")]):
            tag = "e%d" % i
            self.assertEqual(self.c.cmd(tag, "FETCH " + args), tag.encode() + b" " + reply + b"\r\n")
        self.assertEqual(self.c.cmd("u1", "UID FROB 1"), b"u1 BAD UID expects FETCH, SEARCH or STORE\r\n")
        self.assertEqual(self.c.cmd("u2", "UID FETCH x FLAGS"), b"u2 BAD UID FETCH expects a sequence set\r\n")

    def test_search(self):
        self.select()
        every = set(range(1, N + 1))

        def search(criteria, uid=False):
            tag = "s"
            out = self.c.cmd(tag, ("UID SEARCH " if uid else "SEARCH ") + criteria)
            first, last = out.split(b"\r\n")[:2]
            self.assertEqual(last, b"s OK %sSEARCH completed" % (b"UID " if uid else b""))
            self.assertTrue(first.startswith(b"* SEARCH"), out)
            return set(int(x) for x in first.split()[2:])

        self.assertEqual(search("ALL"), every)
        self.assertEqual(search("SEEN"), inbox_seen(N))
        self.assertEqual(search("UNSEEN"), every - inbox_seen(N))
        self.assertEqual(search("NEW"), inbox_recent(N) - inbox_seen(N))
        self.assertEqual(search("UID 2:4"), {2, 3, 4})
        self.assertEqual(search("UID 2:4", uid=True), {2, 3, 4})
        self.assertEqual(search("NOT 1:%d" % (N - 1)), {N})
        self.assertEqual(search("OR 1 %d" % N), {1, N})
        self.assertEqual(search("CHARSET US-ASCII SEEN 1:2"), {1, 2})

    def test_uid_search_answers_uids(self):
        self.select("Archive")
        out = self.c.cmd("a1", "UID SEARCH 1:2")
        self.assertEqual(out, b"* SEARCH %d %d\r\na1 OK UID SEARCH completed\r\n" % tuple(ARCHIVE_UIDS[:2]))
        out = self.c.cmd("a2", "SEARCH UID %d" % ARCHIVE_UIDS[2])
        self.assertEqual(out, b"* SEARCH 3\r\na2 OK SEARCH completed\r\n")

    def test_search_errors(self):
        self.select()
        self.assertEqual(self.c.cmd("a1", "SEARCH FROB"),
                         b"a1 BAD SEARCH: unknown or unsupported search key\r\n")
        self.assertEqual(self.c.cmd("a2", "SEARCH CHARSET KOI8-R ALL"),
                         b"a2 NO [BADCHARSET (US-ASCII UTF-8)] unsupported charset\r\n")
        self.assertEqual(self.c.cmd("a3", "SEARCH"), b"a3 BAD SEARCH: expected a search key\r\n")

    def test_store_changes_this_sessions_flags(self):
        self.select()
        self.assertEqual(self.c.cmd("a1", "STORE 1 +FLAGS (\\Flagged \\Deleted)"),
                         b"* 1 FETCH (FLAGS (\\Flagged \\Deleted \\Seen))\r\na1 OK STORE completed\r\n")
        self.assertEqual(self.c.cmd("a2", "STORE 1 -FLAGS.SILENT \\Seen"), b"a2 OK STORE completed\r\n")
        self.assertEqual(self.c.cmd("a3", "SEARCH DELETED UNSEEN"), b"* SEARCH 1\r\na3 OK SEARCH completed\r\n")
        # FLAGS replaces all but \Recent, which is the server's; keywords
        # are taken and dropped (none is kept).
        self.assertEqual(self.c.cmd("a4", "UID STORE %d FLAGS ($Junk \\Answered)" % N),
                         b"* %d FETCH (UID %d FLAGS (\\Answered \\Recent))\r\na4 OK UID STORE completed\r\n"
                         % (N, N))
        # Another session sees the mailbox as it was.
        other = Client(self.srv)
        self.addCleanup(other.close)
        other.login()
        other.cmd("s1", "SELECT INBOX")
        self.assertEqual(other.cmd("a1", "SEARCH DELETED"), b"* SEARCH\r\na1 OK SEARCH completed\r\n")

    def test_store_errors(self):
        self.select(how="EXAMINE")
        self.assertEqual(self.c.cmd("a1", "STORE 1 +FLAGS \\Seen"),
                         b"a1 NO [READ-ONLY] the mailbox was EXAMINEd\r\n")
        bad = b"BAD STORE expects [+|-]FLAGS[.SILENT] and system flags\r\n"
        for i, args in enumerate(["1 +FLAGS (\\Recent)", "1 FLAGS", "1 +FLAGS (\\Bogus)", "1 FLAGZ \\Seen",
                                  "1 +FLAGS (\\Seen", "1 +FLAGS \\Seen extra)"]):
            self.assertEqual(self.c.cmd("b%d" % i, "STORE " + args), b"b%d " % i + bad)

    def test_idle_and_done(self):
        self.select()
        self.c.send(b"i1 IDLE\r\n")
        self.assertEqual(self.c.line(), b"+ idling\r\n")
        self.c.send(b"DONE\r\n")
        self.assertEqual(self.c.line(), b"i1 OK IDLE terminated\r\n")
        # Still selected afterwards.
        self.assertEqual(self.c.cmd("a1", "CHECK"), b"a1 OK CHECK completed\r\n")

    def test_idle_ends_on_anything_else(self):
        self.c.send(b"i1 IDLE\r\n")
        self.assertEqual(self.c.line(), b"+ idling\r\n")
        self.c.send(b"a2 NOOP\r\n")
        self.assertEqual(self.c.line(), b"i1 BAD expected DONE\r\n")
        self.assertEqual(self.c.cmd("a3", "NOOP"), b"a3 OK NOOP completed\r\n")

    def test_idle_takes_no_arguments(self):
        self.assertEqual(self.c.cmd("i1", "IDLE now"), b"i1 BAD IDLE takes no arguments\r\n")


class FetchLimit(unittest.TestCase):
    OUTPUT_MAX = 16 * 1024 * 1024  # cmd_message.c

    def test_huge_fetch_stops_with_no_limit(self):
        with FakeImapd("--messages", "10000") as srv:
            c = Client(srv, timeout=30)
            c.login()
            c.cmd("s", "EXAMINE INBOX")
            items = " ".join(["BODY.PEEK[]"] * 16)
            c.send(b"a1 FETCH 1:* (" + items.encode() + b")\r\n")
            got = n = 0
            while True:
                line = c.line()
                if line.startswith(b"a1 "):
                    break
                got += len(line)
                n += 1
            self.assertEqual(line, b"a1 NO [LIMIT] FETCH answer over 16 MiB: fetch fewer messages at once\r\n")
            self.assertGreater(got, self.OUTPUT_MAX)
            self.assertLess(n, 10000)
            self.assertEqual(c.cmd("a2", "NOOP"), b"a2 OK NOOP completed\r\n")
            c.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
