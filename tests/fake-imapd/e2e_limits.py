"""e2e_limits.py: the knobs a reproduction turns: --max-connections
with --overload bye|backlog, autologout, server-driven churn, injected
latency, dropped connections, --users; and their command-line errors."""
import os
import tempfile
import time
import unittest

from imapd_client import FAKE_IMAPD, SOURCE_ROOT, Client, FakeImapd, run

BYE_LIMIT = b"* BYE [UNAVAILABLE] too many connections, try again later\r\n"


def summary(srv):
    code, out, _ = srv.stop()
    assert code == 0, out
    return dict(kv.split("=") for kv in out.split()[1:])


class MaxConnections(unittest.TestCase):
    def test_bye_over_the_limit(self):
        with FakeImapd("--max-connections", "1", "--logout-close", "server") as srv:
            a = Client(srv)
            self.assertTrue(a.greeting.startswith(b"* OK "))
            b = Client.__new__(Client)
            b.s, b.buf = srv.connect(), b""
            self.assertEqual(b.rest(), BYE_LIMIT)
            b.close()
            # Once the first has gone (the server closes first, so its
            # FIN means the slot is free), a newcomer is greeted.
            a.send(b"a1 LOGOUT\r\n")
            a.rest()
            a.close()
            c = Client(srv)
            self.assertTrue(c.greeting.startswith(b"* OK "))
            c.close()
            s = summary(srv)
            self.assertEqual(s["accepted"], "3")
            self.assertEqual(s["rejected_limit"], "1")

    def test_backlog_stops_accepting_until_below_the_limit(self):
        with FakeImapd("--max-connections", "1", "--overload", "backlog",
                       "--logout-close", "server") as srv:
            a = Client(srv)
            b = Client.__new__(Client)
            b.s, b.buf = srv.connect(), b""   # the kernel's backlog takes it
            b.s.settimeout(10)
            self.assertTrue(b.silent_for(0.3))  # but nobody greets it
            a.send(b"a1 LOGOUT\r\n")
            a.rest()
            a.close()
            self.assertTrue(b.line().startswith(b"* OK [CAPABILITY "))
            b.close()
            s = summary(srv)
            self.assertEqual((s["accepted"], s["rejected_limit"]), ("2", "0"))

    def test_overload_needs_a_limit(self):
        r = run([FAKE_IMAPD, "--overload", "bye"], timeout=20)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "fake-imapd: --overload: needs --max-connections\n")


class UserIpLimit(unittest.TestCase):
    LIMIT = b"NO [LIMIT] too many connections from this user and address\r\n"

    def test_per_user_and_address(self):
        import base64
        with FakeImapd("--max-userip-connections", "2", "--logout-close", "server") as srv:
            a, b, c = Client(srv), Client(srv), Client(srv)
            self.assertEqual(a.cmd("a1", "LOGIN bob x"), b"a1 OK LOGIN completed\r\n")
            self.assertEqual(b.cmd("b1", "LOGIN bob x"), b"b1 OK LOGIN completed\r\n")
            self.assertEqual(c.cmd("c1", "LOGIN bob x"), b"c1 " + self.LIMIT)
            ir = base64.b64encode(b"\0bob\0x").decode()
            self.assertEqual(c.cmd("c2", "AUTHENTICATE PLAIN " + ir), b"c2 " + self.LIMIT)
            # Still logged out; another user is counted apart.
            self.assertEqual(c.cmd("c3", "SELECT INBOX"), b"c3 BAD SELECT not allowed in this state\r\n")
            self.assertEqual(c.cmd("c4", "LOGIN alice x"), b"c4 OK LOGIN completed\r\n")
            # When one of bob's connections ends, bob may come back.
            a.send(b"a2 LOGOUT\r\n")
            a.rest()
            d = Client(srv)
            self.assertEqual(d.cmd("d1", "LOGIN bob x"), b"d1 OK LOGIN completed\r\n")
            for x in (a, b, c, d):
                x.close()
            self.assertEqual(summary(srv)["rejected_userip"], "2")


class Autologout(unittest.TestCase):
    def test_before_login(self):
        with FakeImapd("--autologout-unauth", "200ms") as srv:
            c = Client(srv)
            self.assertEqual(c.rest(), b"* BYE autologout\r\n")
            c.close()
            s = summary(srv)
            self.assertEqual((s["autologout"], s["closed_by_server"]), ("1", "1"))

    def test_after_login_the_longer_timer_applies(self):
        with FakeImapd("--autologout-unauth", "1s", "--autologout", "1h") as srv:
            c = Client(srv)
            c.login()
            self.assertTrue(c.silent_for(1.5))
            self.assertEqual(c.cmd("a1", "NOOP"), b"a1 OK NOOP completed\r\n")
            c.close()

    def test_after_login(self):
        with FakeImapd("--autologout", "500ms") as srv:
            c = Client(srv)
            c.login()
            c.send(b"i1 IDLE\r\n")
            self.assertEqual(c.line(), b"+ idling\r\n")
            self.assertEqual(c.rest(), b"* BYE autologout\r\n")
            c.close()


class Churn(unittest.TestCase):
    def test_close_after_commands(self):
        with FakeImapd("--close-after-commands", "2") as srv:
            c = Client(srv)
            c.send(b"a1 NOOP\r\na2 NOOP\r\na3 NOOP\r\n")
            self.assertEqual(c.rest(), b"a1 OK NOOP completed\r\na2 OK NOOP completed\r\n"
                             b"* BYE closing after the configured number of commands\r\n")
            c.close()
            s = summary(srv)
            self.assertEqual((s["closed_by_server"], s["commands"]), ("1", "2"))

    def test_max_lifetime(self):
        with FakeImapd("--max-lifetime", "200ms") as srv:
            c = Client(srv)
            c.login()
            self.assertEqual(c.rest(), b"* BYE connection lifetime reached\r\n")
            c.close()

    def test_drop_every_connection(self):
        with FakeImapd("--drop-fraction", "1") as srv:
            s = srv.connect()
            s.settimeout(10)
            try:
                self.assertEqual(s.recv(100), b"")  # closed before any byte
            except ConnectionResetError:
                pass
            s.close()
            st = summary(srv)
            self.assertEqual((st["accepted"], st["dropped"], st["closed_by_server"]), ("1", "1", "1"))

    def test_drop_none(self):
        with FakeImapd("--drop-fraction", "0") as srv:
            c = Client(srv)
            self.assertTrue(c.greeting.startswith(b"* OK "))
            c.close()


class Latency(unittest.TestCase):
    def test_greeting_delay_and_early_commands_wait(self):
        with FakeImapd("--greeting-delay", "300ms") as srv:
            t0 = time.monotonic()
            s = srv.connect()
            s.sendall(b"a1 NOOP\r\n")  # too early: answered after the greeting
            c = Client.__new__(Client)
            c.s, c.buf = s, b""
            s.settimeout(10)
            greeting = c.line()
            self.assertGreaterEqual(time.monotonic() - t0, 0.3)
            self.assertTrue(greeting.startswith(b"* OK [CAPABILITY "))
            self.assertEqual(c.line(), b"a1 OK NOOP completed\r\n")
            s.close()

    def test_greeting_jitter_stays_in_range(self):
        with FakeImapd("--greeting-delay", "100ms+100ms") as srv:
            for _ in range(3):
                t0 = time.monotonic()
                c = Client(srv)
                self.assertGreaterEqual(time.monotonic() - t0, 0.1)
                c.close()

    def test_command_delay_applies_to_each_command(self):
        with FakeImapd("--command-delay", "150ms") as srv:
            c = Client(srv)
            t0 = time.monotonic()
            c.send(b"a1 NOOP\r\na2 NOOP\r\na3 NOOP\r\n")
            self.assertEqual(c.line(), b"a1 OK NOOP completed\r\n")
            self.assertEqual(c.line(), b"a2 OK NOOP completed\r\n")
            self.assertEqual(c.line(), b"a3 OK NOOP completed\r\n")
            self.assertGreaterEqual(time.monotonic() - t0, 0.45)
            c.close()


class Users(unittest.TestCase):
    def test_users_file_errors(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "users")
            with open(path, "w") as f:
                f.write("# comment\n\nalice:secret\nnocolon\n")
            r = run([FAKE_IMAPD, "--users", path], timeout=20)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stderr, "fake-imapd: --users: %s:4: expected user:password\n" % path)
            missing = os.path.join(d, "missing")
            r = run([FAKE_IMAPD, "--users", missing], timeout=20)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stderr, "fake-imapd: --users: %s: No such file or directory\n" % missing)

    def test_users_file_is_checked(self):
        with tempfile.NamedTemporaryFile("w") as f:
            f.write("alice:secret\n")
            f.flush()
            with FakeImapd("--users", f.name) as srv:
                c = Client(srv)
                self.assertEqual(c.cmd("a1", "LOGIN alice wrong"),
                                 b"a1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n")
                self.assertEqual(c.cmd("a2", "LOGIN alice secret"), b"a2 OK LOGIN completed\r\n")
                c.close()


class Options(unittest.TestCase):
    def refused(self, args, line):
        r = run([FAKE_IMAPD] + args, timeout=20)
        self.assertEqual((r.returncode, r.stderr), (2, "fake-imapd: " + line + "\n"))

    def test_bad_values_name_the_option(self):
        # common/units.c words the count; the option, the cap and the value
        # are ours.
        for value in ("abc", "10001"):
            r = run([FAKE_IMAPD, "--messages", value], timeout=20)
            self.assertEqual(r.returncode, 2)
            self.assertRegex(r.stderr, r"^fake-imapd: --messages: expected .*10000.*, got '%s'\n$" % value)
        self.refused(["--overload", "queue", "--max-connections", "1"],
                     "--overload: expected bye or backlog, got 'queue'")
        self.refused(["--greeting-delay", "1x"],
                     "--greeting-delay: expected a duration such as 500ms, 2s or 1m, got '1x'")
        self.refused(["--command-delay", "1s+x"],
                     "--command-delay: expected DURATION[+JITTER] such as 50ms+20ms, got '1s+x'")
        self.refused(["--drop-fraction", "1.5"], "--drop-fraction: expected a number from 0 to 1, got '1.5'")
        self.refused(["--autologout", "0"], "--autologout: expected a duration above zero, got '0'")
        self.refused(["--max-lifetime", "soon"],
                     "--max-lifetime: expected a duration such as 500ms, 2s or 1m, got 'soon'")

    def test_help_lists_every_option(self):
        r = run([FAKE_IMAPD, "--help"], timeout=20)
        for opt in ("--messages", "--users", "--autologout-unauth", "--autologout ", "--max-connections",
                    "--overload", "--close-after-commands", "--max-lifetime", "--greeting-delay",
                    "--command-delay", "--drop-fraction", "--csv"):
            self.assertIn(opt, r.stdout)

    def test_man_page_documents_every_option(self):
        import re
        options = re.findall(r"^  (--[a-z-]+)", run([FAKE_IMAPD, "--help"], timeout=20).stdout, re.M)
        self.assertGreater(len(options), 15)
        with open(os.path.join(SOURCE_ROOT, "fake-imapd", "fake-imapd.1")) as f:
            man = f.read()
        for opt in options:
            # mdoc: "Fl" adds the first "-"; the others are escaped.
            self.assertTrue(".It Fl " + opt[1:].replace("-", "\\-") in man, opt)


if __name__ == "__main__":
    unittest.main(verbosity=2)
