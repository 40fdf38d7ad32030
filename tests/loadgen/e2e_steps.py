"""e2e_steps.py: --steps, the session between greeting and close. Each run
is in a private network namespace against fake-imapd, whose per-second
--csv counts every command by name, or against a small Python server that
misbehaves on purpose; counts are exact."""
import base64
import os
import tempfile
import unittest

from harness import LOADGEN, read_csv, run
from nsrun import IMAP_LINES, SERVE_ON_1145, run_in_netns

SERVER = "127.0.0.1:1143"
ODD = "127.0.0.1:1145"
TW_OFF = {"net.ipv4.tcp_tw_reuse": "0"}
N = 20
COMMANDS = ("login", "authenticate", "select", "examine", "fetch", "noop",
            "idle", "logout")

# A server run in the namespace before loadgen, on ODD. MODE decides what
# it does:
#   plain-auth: no SASL-IR in its greeting; AUTHENTICATE PLAIN must come
#       alone, then "+ ", then the base64 response (any other form: BAD);
#   garbage: answers SELECT with a line that is not IMAP;
#   stall: never answers SELECT;
#   huge-literal: answers FETCH with a literal of 10^17 bytes;
#   long-line: answers SELECT with a 70000-byte line (loadgen's cap: 64 KiB);
#   reset: answers SELECT with an RST (SO_LINGER {1, 0}, then close);
#   fin: reads SELECT, then closes (FIN: nothing is left unread) without
#       an answer;
#   login-bad: answers LOGIN with a tagged BAD;
#   login-wrong-tag: answers LOGIN with an OK under the tag "zz".
# It counts good authentications in a file, one line each.
ODD_SERVER = IMAP_LINES + r"""
import base64, socket
MODE, COUNT = %r, %r
GOOD = base64.b64encode(b"\0user\0password")
def serve(c):
    c.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] odd ready\r\n")
    commands = lines(c)
    for tag, line in commands:
        rest = line.partition(b" ")[2]
        cmd = rest.split(b" ")[0].upper()
        if cmd == b"AUTHENTICATE":
            if rest.upper() != b"AUTHENTICATE PLAIN":
                c.sendall(tag + b" BAD no initial response here\r\n")
                continue
            c.sendall(b"+ \r\n")
            if next(commands, (b"", b""))[1] != GOOD:
                c.sendall(tag + b" NO bad credentials\r\n")
                continue
            with open(COUNT, "a") as out:
                out.write("ok\n")
            c.sendall(tag + b" OK authenticated\r\n")
        elif cmd == b"SELECT" and MODE == "garbage":
            c.sendall(b"\x01\x02 not imap at all\r\n")
        elif cmd == b"SELECT" and MODE == "stall":
            continue
        elif cmd == b"SELECT" and MODE == "long-line":
            c.sendall(b"* " + b"x" * 70000 + b"\r\n")
        elif cmd == b"SELECT" and MODE == "reset":
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         b"\1\0\0\0\0\0\0\0")
            c.close()
            return
        elif cmd == b"SELECT" and MODE == "fin":
            c.close()
            return
        elif cmd == b"LOGIN" and MODE == "login-bad":
            c.sendall(tag + b" BAD not today\r\n")
        elif cmd == b"LOGIN" and MODE == "login-wrong-tag":
            c.sendall(b"zz OK LOGIN\r\n")
        elif cmd == b"FETCH" and MODE == "huge-literal":
            c.sendall(b"* 1 FETCH (BODY[] {100000000000000000}\r\nabc")
        elif cmd == b"LOGOUT":
            c.sendall(b"* BYE bye\r\n" + tag + b" OK LOGOUT\r\n")
        else:
            c.sendall(tag + b" OK done\r\n")
""" + SERVE_ON_1145


# A server on ODD whose greeting is GREETING (bytes, CRLF included; empty:
# none), then, per AFTER: "close" closes at once (FIN, nothing unread),
# "hold" reads whatever comes until the client closes.
GREETING_SERVER = r"""
GREETING, AFTER = %r, %r
def serve(c):
    if GREETING:
        c.sendall(GREETING)
    if AFTER == "hold":
        while c.recv(4096):
            pass
    c.close()
""" + SERVE_ON_1145


def total(rows, col):
    return sum(int(r[col]) for r in rows)


def command_counts(path):
    """fake-imapd's --csv: the whole run's count of each command."""
    rows = read_csv(path)
    return {c: sum(int(r["cmd_" + c]) for r in rows) for c in COMMANDS}


class Steps(unittest.TestCase):
    def steps_run(self, args, server_args=(), target=SERVER, before=None):
        d = tempfile.mkdtemp(prefix="loadgen-steps-")
        self.d = d
        csv, summary = os.path.join(d, "l.csv"), os.path.join(d, "s.csv")
        self.imapd_csv = os.path.join(d, "imapd.csv")
        r = run_in_netns(["--rate", "200", "--csv", csv, "--summary-csv",
                          summary] + list(args) + [target],
                         servers=[["--listen", SERVER, "--csv",
                                   self.imapd_csv] + list(server_args)],
                         sysctls=TW_OFF, before=before)
        self.assertEqual(r["rc"], 0, r["stderr"])
        self.r = r
        return read_csv(csv), read_csv(summary)[0]

    def assertCommands(self, **want):
        got = command_counts(self.imapd_csv)
        full = {c: 0 for c in COMMANDS}
        full.update(want)
        self.assertEqual(got, full)

    def test_each_step_sends_its_command_once(self):
        rows, s = self.steps_run(["--count", str(N), "--steps",
                                  "login,select,fetch=3,noop,logout"])
        self.assertEqual(int(s["completed"]), N)
        self.assertEqual(int(s["failed"]), 0)
        self.assertCommands(login=N, select=N, fetch=N, noop=N, logout=N)
        self.assertEqual(s["steps"], "login,select=INBOX,fetch=3,noop,logout")
        self.assertIn("--steps login,select=INBOX,fetch=3,noop,logout ",
                      s["options"])
        # The client closes first, as before: one TIME_WAIT a session.
        self.assertEqual(int(s["time_wait_client_end"]), N)

    def test_default_is_login_select_logout(self):
        rows, s = self.steps_run(["--count", str(N)])
        self.assertEqual(int(s["completed"]), N)
        self.assertCommands(login=N, select=N, logout=N)
        self.assertEqual(s["steps"], "login,select=INBOX,logout")

    def test_examine_other_mailbox(self):
        rows, s = self.steps_run(["--count", "5", "--steps",
                                  "login,examine=Archive,noop,logout"])
        self.assertEqual(int(s["completed"]), 5)
        self.assertCommands(login=5, examine=5, noop=5, logout=5)

    def test_no_logout_drops_the_logout_step(self):
        rows, s = self.steps_run(["--count", str(N), "--close", "no-logout"])
        self.assertEqual(int(s["completed"]), N)
        self.assertCommands(login=N, select=N)
        self.assertEqual(s["steps"], "login,select=INBOX")
        self.assertEqual(int(s["time_wait_client_end"]), N)

    def test_preauth_skips_login(self):
        rows, s = self.steps_run(["--count", "5"], ["--preauth"])
        self.assertEqual(int(s["completed"]), 5)
        self.assertCommands(select=5, logout=5)

    def test_idle_lasts_its_duration(self):
        """idle=300ms: IDLE, "+", 300 ms, DONE, OK: no session is
        shorter, as loadgen's own session latencies show."""
        rows, s = self.steps_run(["--count", "5", "--steps",
                                  "login,select,idle=300ms,logout"])
        self.assertEqual(int(s["completed"]), 5)
        self.assertCommands(login=5, select=5, idle=5, logout=5)
        self.assertGreaterEqual(float(s["session_p50_ms"]), 300.0)
        self.assertGreaterEqual(min(float(x["session_p50_ms"]) for x in rows
                                    if x["session_p50_ms"]), 300.0)
        # Ended by DONE, not by the 10 s default --timeout of its reply.
        self.assertLess(float(s["session_max_ms"]), 10000.0)

    def test_authenticate_with_sasl_ir(self):
        """fake-imapd offers SASL-IR in its greeting: the response rides
        on the command (its AUTHENTICATE count, and no failure)."""
        rows, s = self.steps_run(["--count", str(N), "--steps",
                                  "authenticate,select,logout"])
        self.assertEqual(int(s["completed"]), N)
        self.assertEqual(int(s["failed"]), 0)
        self.assertCommands(authenticate=N, select=N, logout=N)

    def test_authenticate_without_sasl_ir_waits_for_continuation(self):
        count = os.path.join(tempfile.mkdtemp(prefix="loadgen-steps-"),
                             "auth")
        rows, s = self.steps_run(["--count", "10", "--steps",
                                  "authenticate,select,logout"], target=ODD,
                                 before=ODD_SERVER % ("plain-auth", count))
        self.assertEqual(int(s["completed"]), 10, self.r["stderr"])
        with open(count) as f:
            self.assertEqual(f.read().count("ok"), 10)

    def test_wrong_password_authenticate_is_imap_no(self):
        rows, s = self.steps_run(["--count", "5", "--steps",
                                  "authenticate,logout", "--password", "x"],
                                 ["--users", self.users_file()])
        self.assertEqual(int(s["imap_no"]), 5)
        self.assertEqual(s["first_failure_stage"], "authenticate")
        self.assertEqual(sum(int(x["failed_authenticate"]) for x in rows), 5)

    def users_file(self):
        path = os.path.join(tempfile.mkdtemp(prefix="loadgen-steps-"), "u")
        with open(path, "w") as f:
            f.write("user:password\n")
        return path

    def test_select_refused_is_imap_no_at_select(self):
        rows, s = self.steps_run(["--count", "5", "--steps",
                                  "login,select=Nonexistent,logout"])
        self.assertEqual(int(s["completed"]), 0)
        self.assertEqual(int(s["failed"]), 5)
        self.assertEqual(int(s["imap_no"]), 5)
        self.assertEqual(s["first_failure_stage"], "select")
        self.assertEqual(s["first_failure_class"], "imap_no")
        self.assertEqual(sum(int(x["failed_select"]) for x in rows), 5)

    def test_fetch_literal_holding_tagged_lines(self):
        """The message holds lines that look like the FETCH's and the
        LOGOUT's tagged replies and a BYE: they are literal data, skipped
        by its length, never taken for replies."""
        d = tempfile.mkdtemp(prefix="loadgen-steps-")
        mbox = os.path.join(d, "inbox.mbox")
        with open(mbox, "w") as f:
            f.write("From a@example.org Thu Jan  1 00:00:00 2026\n"
                    "Subject: tricky\n\n"
                    "a3 OK FETCH completed\n"
                    "a4 OK fake\n* BYE not really\n{5}\n"
                    "a3 NO fake\n\n"
                    "From b@example.org Thu Jan  1 00:00:00 2026\n"
                    "Subject: two\n\n"
                    "a4 BAD fake\n\n"
                    "From c@example.org Thu Jan  1 00:00:00 2026\n"
                    "Subject: three, larger than a read\n\n" +
                    ("x" * 70 + "\na3 OK fake\n") * 4000 + "\n")
        rows, s = self.steps_run(["--count", str(N), "--steps",
                                  "login,select,fetch=3,logout"],
                                 ["--mbox", mbox])
        self.assertEqual(int(s["completed"]), N, self.r["stderr"])
        self.assertEqual(int(s["failed"]), 0)
        self.assertCommands(login=N, select=N, fetch=N, logout=N)
        # Nothing left unread: FINs, not RSTs.
        self.assertEqual(int(s["abort_on_close"]), 0)
        self.assertEqual(int(s["time_wait_client_end"]), N)

    def test_absurd_literal_is_protocol(self):
        rows, s = self.steps_run(["--count", "3", "--timeout", "2s",
                                  "--steps", "login,select,fetch=1,logout"],
                                 target=ODD,
                                 before=ODD_SERVER % ("huge-literal",
                                                      "/dev/null"))
        self.assertEqual(int(s["protocol"]), 3)
        self.assertEqual(s["first_failure_stage"], "fetch")
        self.assertEqual(sum(int(x["failed_fetch"]) for x in rows), 3)

    def test_garbage_during_a_step_is_protocol(self):
        rows, s = self.steps_run(["--count", "3", "--timeout", "2s"],
                                 target=ODD,
                                 before=ODD_SERVER % ("garbage", "/dev/null"))
        self.assertEqual(int(s["protocol"]), 3)
        self.assertEqual(s["first_failure_stage"], "select")

    def test_overlong_line_is_protocol(self):
        rows, s = self.steps_run(["--count", "3", "--timeout", "2s"],
                                 target=ODD,
                                 before=ODD_SERVER % ("long-line", "/dev/null"))
        self.assertEqual(int(s["protocol"]), 3)
        self.assertEqual(int(s["failed"]), 3)
        self.assertEqual(s["first_failure_stage"], "select")

    def test_reset_during_a_step_is_econnreset(self):
        rows, s = self.steps_run(["--count", "3", "--timeout", "2s"],
                                 target=ODD,
                                 before=ODD_SERVER % ("reset", "/dev/null"))
        self.assertEqual(int(s["econnreset"]), 3)
        self.assertEqual(s["first_failure_errno"], "ECONNRESET")
        self.assertEqual(s["first_failure_stage"], "select")

    def test_stall_during_a_step_times_out(self):
        rows, s = self.steps_run(["--count", "3", "--timeout", "300ms"],
                                 target=ODD,
                                 before=ODD_SERVER % ("stall", "/dev/null"))
        self.assertEqual(int(s["etimedout"]), 3)
        self.assertEqual(s["first_failure_stage"], "select")
        # Ended by the 300 ms --timeout, not the default 10 s.
        self.assertLess(float(s["elapsed_s"]), 10.0)

    def failed_as(self, before, cls, stage, n=5):
        """n sessions against ODD served by `before`: every one failed as
        class cls at stage, with no errno, promptly (before the --timeout
        of 30 s: no session waited for it)."""
        rows, s = self.steps_run(["--count", str(n), "--timeout", "30s"],
                                 target=ODD, before=before)
        err = self.r["stderr"]
        self.assertEqual(int(s["started"]), n, err)
        self.assertEqual(int(s["completed"]), 0, err)
        self.assertEqual(int(s["failed"]), n, err)
        self.assertEqual(int(s[cls]), n, err)
        self.assertEqual(s["first_failure_class"], cls)
        self.assertEqual(s["first_failure_stage"], stage)
        self.assertEqual(s["first_failure_errno"], "")
        self.assertEqual(total(rows, cls), n)
        self.assertEqual(total(rows, "failed_" + stage), n)
        self.assertEqual(total(rows, "failed"), n)
        self.assertIn(" failed=%d " % n, self.r["stdout"])
        self.assertIn(" first_failure=%s/%s " % (stage, cls),
                      self.r["stdout"])
        self.assertNotIn("aborted=", self.r["stdout"])
        self.assertLess(float(s["elapsed_s"]), 30.0)
        return rows, s

    def test_bye_greeting_is_imap_bye(self):
        """`* BYE` as the greeting (then the server's close): imap_bye
        at the greeting, not the close's `protocol`."""
        self.failed_as(GREETING_SERVER % (b"* BYE go away\r\n", "close"),
                       "imap_bye", "greeting")

    def test_garbage_greeting_is_protocol(self):
        """A greeting that is not IMAP; the server then keeps the
        connection open, so only the line itself can fail it."""
        self.failed_as(GREETING_SERVER % (b"hello there\r\n", "hold"),
                       "protocol", "greeting")

    def test_close_before_greeting_is_protocol(self):
        """Accepted, then closed (FIN) before any greeting: end of file
        before the greeting is `protocol` at the greeting, at once (no
        wait for --timeout)."""
        rows, s = self.failed_as(GREETING_SERVER % (b"", "close"),
                                 "protocol", "greeting")
        # It was connected: the failure is not the connect's.
        self.assertEqual(int(s["connected"]), 5)
        self.assertEqual(total(rows, "failed_connect"), 0)

    def test_close_during_a_step_is_protocol(self):
        """The server reads SELECT and closes (FIN) without a reply."""
        rows, s = self.failed_as(ODD_SERVER % ("fin", "/dev/null"),
                                 "protocol", "select")
        self.assertEqual(int(s["econnreset"]), 0)

    def test_login_bad_is_imap_bad(self):
        self.failed_as(ODD_SERVER % ("login-bad", "/dev/null"),
                       "imap_bad", "login")

    def test_login_wrong_tag_is_protocol(self):
        """`zz OK LOGIN` answers nothing loadgen sent (a1)."""
        self.failed_as(ODD_SERVER % ("login-wrong-tag", "/dev/null"),
                       "protocol", "login")

    def test_cache_requests_run_the_mailbox_steps(self):
        """--mailboxes: a connection runs the steps up to its login once,
        the mailbox steps per request, its logout once."""
        rows, s = self.steps_run(["--rate", "50", "--duration", "1s",
                                  "--mailboxes", "2", "--cache-ttl", "1h",
                                  "--mailbox-skew", "round-robin",
                                  "--steps", "login,select,noop,logout"])
        self.assertEqual(int(s["requests_done"]), 50)
        self.assertEqual(int(s["opened"]), 2)
        self.assertEqual(int(s["completed"]), 2)
        self.assertCommands(login=2, select=50, noop=50, logout=2)


# One connection on ODD from a listener with the smallest receive buffer
# the kernel allows: a window of under 2 KB, so a LOGIN of two 1 KiB
# credentials cannot go out in one send().  It answers OK only to the
# whole LOGIN line, byte for byte.
SMALL_WINDOW_SERVER = IMAP_LINES + r"""
import socket, threading
USER, PASSWORD = %r, %r
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
l.bind(("127.0.0.1", 1145))
l.listen(8)
def serve():
    c, _ = l.accept()
    c.sendall(b"* OK small window\r\n")
    for tag, line in lines(c):
        rest = line.partition(b" ")[2]
        if rest == b'LOGIN "%%s" "%%s"' %% (USER, PASSWORD):
            c.sendall(tag + b" OK LOGIN\r\n")
        elif rest == b"LOGOUT":
            c.sendall(b"* BYE bye\r\n" + tag + b" OK LOGOUT\r\n")
        else:
            c.sendall(tag + b" BAD not the whole line\r\n")
    c.close()
threading.Thread(target=serve, daemon=True).start()
"""


class Leftover(unittest.TestCase):
    def test_command_longer_than_the_window_goes_out_whole(self):
        """What send() does not take waits for the socket to be writable
        (the edge-triggered event's EPOLLOUT), then goes out in order."""
        user, password = b"u" * 1024, b"p" * 1024
        d = tempfile.mkdtemp(prefix="loadgen-steps-")
        summary = os.path.join(d, "s.csv")
        r = run_in_netns(["--debug", "--steps", "login,logout", "--count",
                          "1", "--user", user.decode(), "--password",
                          password.decode(), "--summary-csv", summary, ODD],
                         sysctls={"net.ipv4.tcp_wmem": "4096 4096 4096"},
                         before=SMALL_WINDOW_SERVER % (user, password))
        self.assertEqual(r["rc"], 0, r["stderr"])
        # The LOGIN went out in two parts or more ...
        self.assertRegex(r["stderr"], r"id=0 sent [0-9]+ of 2064 bytes, "
                         r"the rest when writable")
        # ... and arrived whole: the server said OK to it.
        s = read_csv(summary)[0]
        self.assertEqual(int(s["completed"]), 1, r["stderr"][-2000:])
        self.assertEqual(int(s["failed"]), 0)


# A listener on ODD that never accepts: the kernel completes every
# handshake into its backlog (far above 64) and no greeting ever comes.
# Then the namespace's process lowers its own open-files limit, soft and
# hard, to 64: loadgen, which it starts next, inherits it and cannot
# raise it (nofile_raise() only lifts the soft limit to the hard one).
# The listener is opened first, and nothing else in that process opens
# descriptors by the dozen; the thread only keeps the listener alive.
MUTE_LOW_NOFILE = r"""
import resource, socket, threading
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 1145))
l.listen(1024)
threading.Thread(target=lambda l: threading.Event().wait(), args=(l,),
                 daemon=True).start()
resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
"""


class OutOfDescriptors(unittest.TestCase):
    def test_emfile_at_socket(self):
        """200 arrivals in 0.2 s, 64 descriptors, and nothing ends before
        the 2 s timeout: once loadgen's descriptors are all taken, every
        later socket() fails as emfile at stage socket, and each session
        that got one connects, waits for a greeting and times out."""
        n = 200
        d = tempfile.mkdtemp(prefix="loadgen-steps-")
        csv, summary = os.path.join(d, "l.csv"), os.path.join(d, "s.csv")
        r = run_in_netns(["--rate", "1000", "--count", str(n), "--timeout",
                          "2s", "--csv", csv, "--summary-csv", summary, ODD],
                         before=MUTE_LOW_NOFILE)
        self.assertEqual(r["rc"], 0, r["stderr"])
        s, rows = read_csv(summary)[0], read_csv(csv)
        emfile, timedout = int(s["emfile"]), int(s["etimedout"])
        self.assertEqual(int(s["started"]), n)
        self.assertEqual(int(s["completed"]), 0)
        self.assertEqual(int(s["failed"]), n)
        self.assertGreater(emfile, 0)
        self.assertGreater(timedout, 0)
        # Every failure is one of the two, each at its own stage ...
        self.assertEqual(emfile + timedout, n)
        self.assertEqual(total(rows, "failed_socket"), emfile)
        self.assertEqual(total(rows, "emfile"), emfile)
        self.assertEqual(total(rows, "failed_greeting"), timedout)
        self.assertEqual(total(rows, "etimedout"), timedout)
        # ... the sessions that had a socket connected, and there are
        # fewer of them than descriptors (loadgen holds a few itself).
        self.assertEqual(int(s["connected"]), timedout)
        self.assertEqual(total(rows, "failed_connect"), 0)
        self.assertLess(timedout, 64)
        self.assertEqual(s["first_failure_class"], "emfile")
        self.assertEqual(s["first_failure_stage"], "socket")
        self.assertEqual(s["first_failure_errno"], "EMFILE")
        self.assertEqual(s["first_failure_windows_code"], "10024")
        self.assertIn(" first_failure=socket/EMFILE ", r["stdout"])
        self.assertNotIn("aborted=", r["stdout"])


class BadSteps(unittest.TestCase):
    def refused(self, steps, expected):
        p = run([LOADGEN, "--steps", steps, "--count", "1", SERVER])
        self.assertEqual(p.returncode, 2)
        self.assertIn("--steps: expected", p.stderr)
        self.assertIn(expected, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)

    def test_unknown_word(self):
        self.refused("bogus", "a comma-separated list of starttls, login")

    def test_fetch_without_select(self):
        self.refused("login,fetch=1", "select or examine before fetch")

    def test_mailboxes_need_a_mailbox_step(self):
        p = run([LOADGEN, "--steps", "login,noop,logout", "--mailboxes", "2",
                 "--cache-ttl", "1s", SERVER])
        self.assertEqual(p.returncode, 2)
        self.assertIn("--steps: expected login or authenticate and a select",
                      p.stderr)

    def test_help_lists_steps(self):
        p = run([LOADGEN, "--help"])
        self.assertEqual(p.returncode, 0)
        self.assertIn("--steps LIST", p.stdout)
        self.assertIn("login,select,logout", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
