"""e2e_mailbox.py: mailbox commands on a raw socket, exact bytes:
SELECT, EXAMINE, LIST, LSUB, STATUS, CLOSE, UNSELECT, CHECK (RFC 3501 6.3,
6.4; RFC 3691)."""
import unittest

from imapd_client import Client, ServerCase, inbox_recent, inbox_seen

N = 8


class Mailbox(ServerCase):
    ARGS = ("--messages", str(N))

    def setUp(self):
        self.c = Client(self.srv)
        self.addCleanup(self.c.close)
        self.c.login()

    def test_select_inbox(self):
        first_unseen = min(set(range(1, N + 1)) - inbox_seen(N))
        self.assertEqual(self.c.cmd("a1", "SELECT INBOX"),
                         b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
                         b"* %d EXISTS\r\n"
                         b"* %d RECENT\r\n"
                         b"* OK [UNSEEN %d] first unseen message\r\n"
                         b"* OK [PERMANENTFLAGS ()] no permanent flags\r\n"
                         b"* OK [UIDVALIDITY 1767225601] UIDs valid\r\n"
                         b"* OK [UIDNEXT %d] predicted next UID\r\n"
                         b"a1 OK [READ-WRITE] SELECT completed\r\n"
                         % (N, len(inbox_recent(N)), first_unseen, N + 1))

    def test_inbox_is_case_insensitive(self):
        self.assertTrue(self.c.cmd("a1", "SELECT inbox").endswith(
            b"a1 OK [READ-WRITE] SELECT completed\r\n"))

    def test_examine_is_read_only_and_all_seen_has_no_unseen(self):
        out = self.c.cmd("a1", "EXAMINE Sent")
        self.assertTrue(out.endswith(b"a1 OK [READ-ONLY] EXAMINE completed\r\n"), out)
        self.assertIn(b"* %d EXISTS\r\n" % N, out)
        self.assertNotIn(b"[UNSEEN", out)

    def test_empty_mailbox(self):
        out = self.c.cmd("a1", "SELECT Drafts")
        self.assertIn(b"* 0 EXISTS\r\n* 0 RECENT\r\n", out)
        self.assertIn(b"* OK [UIDNEXT 1] predicted next UID\r\n", out)
        self.assertEqual(self.c.cmd("a2", "FETCH 1:* FLAGS"),
                         b"a2 BAD invalid message sequence number\r\n")
        self.assertEqual(self.c.cmd("a3", "UID FETCH 1:* FLAGS"), b"a3 OK UID FETCH completed\r\n")
        self.assertEqual(self.c.cmd("a4", "SEARCH ALL"), b"* SEARCH\r\na4 OK SEARCH completed\r\n")

    def test_missing_mailbox_gets_no_and_leaves_selected_state(self):
        self.c.cmd("a1", "SELECT INBOX")
        self.assertEqual(self.c.cmd("a2", "SELECT Nowhere"),
                         b"a2 NO [NONEXISTENT] no such mailbox\r\n")
        # RFC 3501 6.3.1: a failed SELECT closes the old mailbox.
        self.assertEqual(self.c.cmd("a3", "FETCH 1 FLAGS"),
                         b"a3 BAD FETCH not allowed in this state\r\n")
        self.assertEqual(self.c.cmd("a4", "EXAMINE archive"),
                         b"a4 NO [NONEXISTENT] no such mailbox\r\n")

    def test_select_argument_errors(self):
        self.assertEqual(self.c.cmd("a1", "SELECT"), b"a1 BAD SELECT expects a mailbox name\r\n")
        self.assertEqual(self.c.cmd("a2", "SELECT INBOX extra"),
                         b"a2 BAD unexpected text after the arguments of SELECT\r\n")
        self.assertEqual(self.c.cmd("a3", 'SELECT "INBOX'), b"a3 BAD SELECT expects a mailbox name\r\n")

    def test_quoted_and_literal_mailbox_names(self):
        self.assertIn(b"a1 OK [READ-WRITE]", self.c.cmd("a1", 'SELECT "Archive/2025"'))
        self.assertIn(b"a2 OK [READ-ONLY]", self.c.cmd("a2", "EXAMINE {7+}\r\nArchive"))

    def test_list_all(self):
        self.assertEqual(self.c.cmd("a1", 'LIST "" *'),
                         b'* LIST (\\HasNoChildren) "/" INBOX\r\n'
                         b'* LIST (\\HasChildren) "/" Archive\r\n'
                         b'* LIST (\\HasNoChildren) "/" Archive/2025\r\n'
                         b'* LIST (\\HasNoChildren) "/" Sent\r\n'
                         b'* LIST (\\HasNoChildren) "/" Drafts\r\n'
                         b"a1 OK LIST completed\r\n")

    def test_list_percent_stops_at_the_delimiter(self):
        out = self.c.cmd("a1", 'LIST "" %')
        self.assertIn(b'"/" Archive\r\n', out)
        self.assertNotIn(b"Archive/2025", out)
        self.assertEqual(self.c.cmd("a2", 'LIST Archive/ %'),
                         b'* LIST (\\HasNoChildren) "/" Archive/2025\r\na2 OK LIST completed\r\n')
        self.assertEqual(self.c.cmd("a3", 'LIST "" S*'),
                         b'* LIST (\\HasNoChildren) "/" Sent\r\na3 OK LIST completed\r\n')
        self.assertEqual(self.c.cmd("a4", 'LIST "" inbox'),
                         b'* LIST (\\HasNoChildren) "/" INBOX\r\na4 OK LIST completed\r\n')
        self.assertEqual(self.c.cmd("a5", 'LIST "" nothing*'), b"a5 OK LIST completed\r\n")

    def test_list_with_many_wildcards_answers_at_once(self):
        """Regression: matching was exponential in the wildcards (found by
        fuzz_session.c); the client's 10 s timeout bounds the wait."""
        # "%" may match nothing, so a thousand are one "%".
        self.assertEqual(self.c.cmd("a1", 'LIST "" ' + "%" * 1000),
                         self.c.cmd("a1", 'LIST "" %'))
        self.assertEqual(self.c.cmd("a2", 'LIST "" ' + "%" * 1000 + "*"),
                         self.c.cmd("a2", 'LIST "" *'))

    def test_list_empty_pattern_gives_the_delimiter(self):
        self.assertEqual(self.c.cmd("a1", 'LIST "" ""'),
                         b'* LIST (\\Noselect) "/" ""\r\na1 OK LIST completed\r\n')

    def test_lsub(self):
        self.assertEqual(self.c.cmd("a1", 'LSUB "" %'),
                         b'* LSUB () "/" INBOX\r\n* LSUB () "/" Archive\r\n'
                         b'* LSUB () "/" Sent\r\n* LSUB () "/" Drafts\r\n'
                         b"a1 OK LSUB completed\r\n")

    def test_list_errors(self):
        self.assertEqual(self.c.cmd("a1", "LIST"),
                         b"a1 BAD LIST expects a reference and a mailbox pattern\r\n")
        self.assertEqual(self.c.cmd("a2", 'LIST ""'),
                         b"a2 BAD LIST expects a reference and a mailbox pattern\r\n")

    def test_status(self):
        unseen = N - len(inbox_seen(N))
        self.assertEqual(self.c.cmd("a1", "STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)"),
                         b"* STATUS INBOX (MESSAGES %d RECENT %d UIDNEXT %d UIDVALIDITY 1767225601 "
                         b"UNSEEN %d)\r\na1 OK STATUS completed\r\n"
                         % (N, len(inbox_recent(N)), N + 1, unseen))
        self.assertEqual(self.c.cmd("a2", "STATUS Drafts (uidnext messages)"),
                         b"* STATUS Drafts (UIDNEXT 1 MESSAGES 0)\r\na2 OK STATUS completed\r\n")

    def test_status_errors(self):
        self.assertEqual(self.c.cmd("a1", "STATUS Nowhere (MESSAGES)"),
                         b"a1 NO [NONEXISTENT] no such mailbox\r\n")
        bad = (b"BAD STATUS expects a mailbox and a list of MESSAGES, RECENT, UIDNEXT, "
               b"UIDVALIDITY, UNSEEN\r\n")
        self.assertEqual(self.c.cmd("a2", "STATUS INBOX (FROB)"), b"a2 " + bad)
        self.assertEqual(self.c.cmd("a3", "STATUS INBOX MESSAGES"), b"a3 " + bad)
        self.assertEqual(self.c.cmd("a4", "STATUS INBOX ()"), b"a4 " + bad)

    def test_close_unselect_check(self):
        self.c.cmd("a1", "SELECT INBOX")
        self.assertEqual(self.c.cmd("a2", "CHECK"), b"a2 OK CHECK completed\r\n")
        self.assertEqual(self.c.cmd("a3", "CLOSE"), b"a3 OK CLOSE completed\r\n")
        self.assertEqual(self.c.cmd("a4", "CLOSE"), b"a4 BAD CLOSE not allowed in this state\r\n")
        self.c.cmd("a5", "EXAMINE INBOX")
        self.assertEqual(self.c.cmd("a6", "UNSELECT"), b"a6 OK UNSELECT completed\r\n")
        self.assertEqual(self.c.cmd("a7", "CHECK"), b"a7 BAD CHECK not allowed in this state\r\n")
        self.assertEqual(self.c.cmd("a8", "UNSELECT now"), b"a8 BAD UNSELECT not allowed in this state\r\n")

    def test_mailbox_commands_need_login(self):
        c = Client(self.srv)
        self.addCleanup(c.close)
        for i, cmd in enumerate(["SELECT INBOX", "EXAMINE INBOX", 'LIST "" *', "STATUS INBOX (MESSAGES)",
                                 "IDLE", "FETCH 1 FLAGS", "CLOSE"]):
            name = cmd.split()[0]
            self.assertEqual(c.cmd("n%d" % i, cmd), b"n%d BAD %s not allowed in this state\r\n"
                             % (i, name.encode()))

    def test_changing_commands_are_refused(self):
        self.assertEqual(self.c.cmd("a1", "CREATE Foo"),
                         b"a1 NO [CANNOT] fake-imapd's mailboxes are read-only\r\n")
        self.c.cmd("a2", "SELECT INBOX")
        self.assertEqual(self.c.cmd("a3", "COPY 1 Sent"),
                         b"a3 NO [CANNOT] fake-imapd's mailboxes are read-only\r\n")
        self.assertEqual(self.c.cmd("a4", "UID COPY 1 Sent"),
                         b"a4 NO [CANNOT] fake-imapd's mailboxes are read-only\r\n")
        self.assertEqual(self.c.cmd("a5", "EXPUNGE"),
                         b"a5 NO [CANNOT] fake-imapd's mailboxes are read-only\r\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
