"""e2e_cli.py: loadgen's new options refused with one line naming the
option; the Windows error of the first failure; the progress line only
on a terminal."""
import os
import socket
import tempfile
import unittest

from terminal import run_on_terminal
from harness import FakeImapd, LOADGEN, read_csv, run

T = "127.0.0.1:1143"


class BadInput(unittest.TestCase):
    def refused(self, argv, *words):
        r = run([LOADGEN] + argv, timeout=20)
        self.assertEqual(r.returncode, 2, "%s: %r" % (argv, r.stderr))
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, "%s: %r" % (argv, r.stderr))
        for w in words:
            self.assertIn(w, lines[0])

    def test_schedule(self):
        self.refused(["--schedule", "sine:5", T], "--schedule", "sine:5",
                     "ramp:")
        self.refused(["--schedule", "ramp:1-2", T], "--schedule", "ramp:")
        self.refused(["--schedule", "steps:1/1s,0/1s", T], "--schedule",
                     "last step")
        self.refused(["--rate", "5", "--schedule", "const:5", T],
                     "--schedule", "not both")
        self.refused(["--seed", "x", T], "--seed", "'x'")

    def test_names_are_refused_numeric_only(self):
        # No DNS: the run targets exactly the address it was given.
        self.refused(["localhost:1143"], "ADDR:PORT", "127.0.0.1:1143",
                     "'localhost:1143'")

    def test_output_files(self):
        for opt in ("--csv", "--summary-csv", "--latency-csv"):
            self.refused([opt, "/nonexistent/x.csv", T], opt,
                         "/nonexistent/x.csv", "No such file")

    def test_stops(self):
        self.refused(["--max-in-flight", "0", T], "--max-in-flight")
        self.refused(["--max-failures", "-1", T], "--max-failures")
        self.refused(["--stop-on-failure=1", T], "--stop-on-failure",
                     "no argument")

    def test_bind(self):
        self.refused(["--bind", "port", T], "--bind", "addr-no-port",
                     "explicit:LO-HI")
        self.refused(["--bind", "range:10-5", T], "--bind", "range:LO-HI")
        self.refused(["--bind", "range:1-5,reuseaddr", T], "--bind")
        self.refused(["--bind", "addr", "--source", "nowhere", T],
                     "--source", "nowhere")
        self.refused(["--source", "127.0.0.1", T], "--source", "--bind")
        self.refused(["--bind", "addr", "--source", "::1", T], "--source",
                     "family")

    def test_targets(self):
        self.refused(["--target", "x", T], "--target", "'x'")
        self.refused(["--target", "[::1]:1143", T], "--target", "family")
        self.refused([T, "127.0.0.1:2"], "one ADDR:PORT", "got 2")
        self.refused(["--latency-csv", "a", "--csv", "a", T],
                     "--latency-csv")

    def test_target_option_alone_is_enough(self):
        """--target without the positional argument: a run that fails at
        once (nobody listens on port 1 here)."""
        d = tempfile.mkdtemp()
        summary = os.path.join(d, "s.csv")
        r = run([LOADGEN, "--count", "1", "--summary-csv", summary,
                 "--target", "127.0.0.1:1"])
        self.assertEqual(r.returncode, 0, r.stderr)
        s = read_csv(summary)[0]
        self.assertEqual(s["target"], "127.0.0.1:1")


class WindowsError(unittest.TestCase):
    def test_refused_is_wsaeconnrefused(self):
        # A port nobody listens on: bound but not listening.
        hold = socket.socket()
        hold.bind(("127.0.0.1", 0))
        port = hold.getsockname()[1]
        d = tempfile.mkdtemp()
        summary = os.path.join(d, "s.csv")
        try:
            r = run([LOADGEN, "--count", "3", "--rate", "100",
                     "--summary-csv", summary, "127.0.0.1:%d" % port])
        finally:
            hold.close()
        self.assertEqual(r.returncode, 0, r.stderr)
        s = read_csv(summary)[0]
        self.assertEqual(int(s["econnrefused"]), 3)
        # The handshake's own failure, after connect() said EINPROGRESS:
        # stage so_error (the socket's pending error), not connect.
        self.assertEqual(s["first_failure_stage"], "so_error")
        self.assertEqual(int(s["failed_so_error"]), 3)
        self.assertEqual(int(s["failed_connect"]), 0)
        self.assertEqual(int(s["aborted"]), 0)
        self.assertEqual(s["first_failure_errno"], "ECONNREFUSED")
        self.assertEqual(s["first_failure_windows"], "WSAECONNREFUSED")
        self.assertEqual(s["first_failure_windows_code"], "10061")

    def test_summary_header_is_the_same_whatever_the_options(self):
        """Rows of many runs concatenate under one header."""
        headers = []
        with FakeImapd() as srv:
            for extra in ([], ["--mailboxes", "2", "--cache-ttl", "0"],
                          ["--steps", "login,logout", "--close", "rst",
                           "--max-in-flight", "5"]):
                d = tempfile.mkdtemp()
                summary = os.path.join(d, "s.csv")
                r = run([LOADGEN, "--count", "2", "--summary-csv", summary]
                        + extra + ["%s:%d" % srv.addr])
                self.assertEqual(r.returncode, 0, r.stderr)
                with open(summary) as f:
                    headers.append(f.readline())
        self.assertEqual(headers[0], headers[1])
        self.assertEqual(headers[0], headers[2])
        self.assertEqual(len(headers[0].split(",")), 122)

    def test_options_name_the_user_never_the_password(self):
        with FakeImapd() as srv:
            d = tempfile.mkdtemp()
            summary = os.path.join(d, "s.csv")
            r = run([LOADGEN, "--count", "1", "--user", "alice",
                     "--password", "s3cret", "--summary-csv", summary,
                     "%s:%d" % srv.addr])
        self.assertEqual(r.returncode, 0, r.stderr)
        s = read_csv(summary)[0]
        self.assertEqual(int(s["completed"]), 1)
        self.assertIn(" --user alice", s["options"])
        self.assertNotIn("s3cret", open(summary).read())

    def test_no_failure_no_windows_error(self):
        with FakeImapd() as srv:
            d = tempfile.mkdtemp()
            summary = os.path.join(d, "s.csv")
            r = run([LOADGEN, "--count", "2", "--summary-csv", summary,
                     "%s:%d" % srv.addr])
        self.assertEqual(r.returncode, 0, r.stderr)
        s = read_csv(summary)[0]
        self.assertEqual(s["first_failure_windows"], "")
        self.assertEqual(s["first_failure_windows_code"], "")


class Progress(unittest.TestCase):
    ARGS = ["--rate", "50", "--duration", "3500ms"]

    def test_status_line_on_a_terminal(self):
        with FakeImapd() as srv:
            rc, seen = run_on_terminal([LOADGEN] + self.ARGS + ["%s:%d" % srv.addr])
        self.assertEqual(rc, 0)
        # Redrawn in place each second, erased at the end.
        self.assertGreaterEqual(seen.count(b"\r\x1b[K"), 3, seen)
        self.assertRegex(seen, rb"completed/s [0-9]+ ")
        self.assertIn(b"time_wait", seen)

    def test_warning_erases_the_status_line(self):
        # No arrivals for 1.5 s (the status line is drawn at 1 s), then
        # connections to a closed port: the first failure's warning.
        argv = [LOADGEN, "--schedule", "steps:0/1500ms,20/1s",
                "--duration", "2500ms", "127.0.0.1:1"]
        rc, seen = run_on_terminal(argv)
        self.assertEqual(rc, 0, seen)
        self.assertIn(b"completed/s", seen)
        # The warning starts a line of its own, not the status line's end.
        self.assertIn(b"\r\x1b[Kloadgen: first failure at", seen)
        self.assertNotRegex(seen, rb"skipped [0-9]+loadgen:")

    def test_nothing_when_not_a_terminal(self):
        with FakeImapd() as srv:
            r = run([LOADGEN] + self.ARGS + ["%s:%d" % srv.addr])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("\r", r.stderr)
        self.assertNotIn("completed/s", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
