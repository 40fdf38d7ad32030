"""e2e_stops.py: when arrivals stop (a failure, N failures, a count, a
signal) and the in-flight cap whose excess arrivals are skipped, not
delayed."""
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from harness import FakeImapd, LOADGEN, read_csv, read_line, wait_for
from nsrun import run_in_netns

SERVER = "127.0.0.1:1143"
TEN_PORTS = {"net.ipv4.ip_local_port_range": "20000 20009",
             "net.ipv4.tcp_tw_reuse": "0"}


def paths():
    d = tempfile.mkdtemp(prefix="loadgen-stops-")
    return os.path.join(d, "l.csv"), os.path.join(d, "s.csv")


def total(rows, col):
    return sum(int(r[col]) for r in rows)


class Stops(unittest.TestCase):
    def exhaust(self, *args):
        csv, summary = paths()
        r = run_in_netns(["--rate", "1000", "--duration", "30s", "--csv", csv,
                          "--summary-csv", summary] + list(args) + [SERVER],
                         servers=[["--listen", SERVER]], sysctls=TEN_PORTS)
        # Stopped by its failures: exit 3, what a QA script tests for.
        self.assertEqual(r["rc"], 3, r["stderr"])
        return read_csv(csv), read_csv(summary)[0]

    def test_stop_on_failure(self):
        """10 ports: the 11th arrival fails at connect and is the last."""
        rows, s = self.exhaust("--stop-on-failure")
        self.assertEqual(int(s["started"]), 11)
        self.assertEqual(int(s["completed"]), 10)
        self.assertEqual(int(s["failed"]), 1)
        self.assertEqual(s["stop_reason"], "failure")
        self.assertEqual(s["first_failure_errno"], "EADDRNOTAVAIL")
        # Long before the --duration: the failure stopped it.
        self.assertLess(float(s["elapsed_s"]), 30)
        self.assertEqual(total(rows, "started"), 11)

    def test_max_failures(self):
        rows, s = self.exhaust("--max-failures", "3")
        self.assertEqual(int(s["started"]), 13)
        self.assertEqual(int(s["failed"]), 3)
        self.assertEqual(int(s["eaddrnotavail"]), 3)
        self.assertEqual(s["stop_reason"], "max_failures")

    def test_count_ends_before_duration(self):
        with FakeImapd() as srv:
            csv, summary = paths()
            r = subprocess.run([LOADGEN, "--rate", "1000", "--count", "7",
                                "--duration", "30s", "--summary-csv", summary,
                                "%s:%d" % srv.addr], capture_output=True,
                               text=True, timeout=20)
            self.assertEqual(r.returncode, 0, r.stderr)
        s = read_csv(summary)[0]
        self.assertEqual(int(s["started"]), 7)
        self.assertEqual(int(s["completed"]), 7)
        self.assertEqual(s["stop_reason"], "count")
        self.assertLess(float(s["elapsed_s"]), 30)  # the --duration

    def test_max_in_flight_skips_never_delays(self):
        """A server that accepts (the kernel's backlog does) but never
        greets: 5 sessions wait for their greeting, the 15 later arrivals
        are skipped at once and counted, and nothing starts late."""
        mute = socket.socket()
        mute.bind(("127.0.0.1", 0))
        mute.listen(64)
        csv, summary = paths()
        try:
            r = subprocess.run(
                [LOADGEN, "--rate", "1000", "--count", "20", "--timeout",
                 "1s", "--max-in-flight", "5", "--csv", csv,
                 "--summary-csv", summary,
                 "127.0.0.1:%d" % mute.getsockname()[1]],
                capture_output=True, text=True, timeout=20)
        finally:
            mute.close()
        self.assertEqual(r.returncode, 0, r.stderr)
        s = read_csv(summary)[0]
        rows = read_csv(csv)
        self.assertEqual(int(s["scheduled"]), 20)
        self.assertEqual(int(s["started"]), 5)
        self.assertEqual(int(s["skipped"]), 15)
        self.assertEqual(total(rows, "skipped"), 15)
        self.assertEqual(int(s["etimedout"]), 5)
        self.assertEqual(s["first_failure_stage"], "greeting")
        self.assertEqual(total(rows, "failed_greeting"), 5)
        self.assertEqual(total(rows, "failed_connect"), 0)
        self.assertIn("skipped=15", r.stdout)
        # Nothing was held back for a free slot: a slot frees only when
        # its session times out, so a start that waited for one would lag
        # by the 1 s --timeout.
        self.assertLess(float(s["lag_max_ms"]), 1000)

    def test_signal_is_the_stop_reason(self):
        with FakeImapd() as srv:
            csv, summary = paths()
            p = subprocess.Popen([LOADGEN, "--rate", "100", "--duration",
                                  "60s", "--interval", "100ms", "--csv", csv,
                                  "--summary-csv", summary,
                                  "%s:%d" % srv.addr],
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            try:
                wait_for(lambda: os.path.exists(csv) and
                         len(open(csv).read().splitlines()) >= 2,
                         timeout=60, what="a first CSV row")
                p.send_signal(signal.SIGINT)
                out, err = p.communicate(timeout=20)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.communicate()
        self.assertEqual(p.returncode, 0, err)
        s = read_csv(summary)[0]
        self.assertEqual(s["stop_reason"], "signal")


def complete_rows(path):
    """The interval CSV as far as written: its whole CRLF-ended lines
    (split on commas: no field of these rows is quoted)."""
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        lines = f.read().split("\r\n")[:-1]
    if not lines:
        return []
    header = lines[0].split(",")
    return [dict(zip(header, l.split(","))) for l in lines[1:]]


def assert_rfc4180(test, path):
    """Every record ends in CRLF and has the header's width (read_csv
    checks the width); returns the rows."""
    with open(path, "rb") as f:
        raw = f.read()
    test.assertTrue(raw.endswith(b"\r\n"), path)
    test.assertNotIn(b"\n", raw.replace(b"\r\n", b""), path)
    return read_csv(path)


class Interrupted(unittest.TestCase):
    def start_stuck(self, text):
        """loadgen against a server that never greets, with 3 sessions
        active in its CSV: (process, csv, summary).  Cleaned up after
        the test."""
        mute = socket.socket()
        mute.bind(("127.0.0.1", 0))
        mute.listen(64)
        self.addCleanup(mute.close)
        csv, summary = paths()
        p = subprocess.Popen([LOADGEN, "--rate", "20", "--duration", "60s",
                              "--timeout", "60s", "--interval", "100ms",
                              "--csv", csv, "--summary-csv", summary,
                              "127.0.0.1:%d" % mute.getsockname()[1]],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=text)

        def stop():
            if p.poll() is None:
                p.kill()
                p.communicate()
        self.addCleanup(stop)
        wait_for(lambda: any(int(r["active"]) >= 3
                             for r in complete_rows(csv)),
                 timeout=60, what="3 sessions active in the CSV")
        return p, csv, summary

    def test_second_signal_stops_at_once_with_the_summary(self):
        """A server that never greets: the first SIGINT starts the 2 s
        drain; a second, once loadgen has said it got the first, stops at
        once: the sessions in flight are aborted, the summary still goes to
        stdout and its file, every file whole, exit 1."""
        p, csv, summary = self.start_stuck(text=False)
        p.send_signal(signal.SIGINT)
        first = read_line(p.stderr.fileno(), 60)
        self.assertIn("SIGINT: stopping arrivals", first)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        out, err = out.decode(), err.decode()
        self.assertEqual(p.returncode, 1, err)
        m = re.search(r"SIGINT again: stopping now, sessions in flight "
                      r"\(([0-9]+)\) not waited for", err)
        self.assertIsNotNone(m, err)
        inflight = int(m.group(1))
        self.assertGreaterEqual(inflight, 3)
        self.assertNotIn("drain: aborting", err)
        line = dict(w.split("=", 1) for w in out.split()[1:] if "=" in w)
        self.assertEqual(int(line["aborted"]), inflight, out)
        s = assert_rfc4180(self, summary)[0]
        self.assertEqual(s["stop_reason"], "signal")
        self.assertEqual(int(s["aborted"]), inflight)
        self.assertEqual(int(s["completed"]) + int(s["failed"]) +
                         int(s["aborted"]), int(s["started"]))
        rows = assert_rfc4180(self, csv)
        self.assertEqual(total(rows, "started"), int(s["started"]))

    def test_sigint_aborts_stuck_sessions_after_the_drain(self):
        """A server that never greets and a 60 s --timeout: SIGINT stops
        arrivals, the sessions in flight get the 2 s drain, then are
        aborted, each counted once, in bounded time; both files whole."""
        p, csv, summary = self.start_stuck(text=True)
        p.send_signal(signal.SIGINT)
        signalled = time.monotonic()
        out, err = p.communicate(timeout=120)
        took = time.monotonic() - signalled
        self.assertEqual(p.returncode, 0, err)
        # It waited the drain, and not for the sessions' 60 s --timeout
        # (the drain's abort, logged below, is what ended them).
        self.assertGreaterEqual(took, 1.9)
        self.assertLess(took, 60)
        # In flight at the signal: what it logged then.
        m = re.search(r"SIGINT: stopping arrivals; sessions in flight: "
                      r"([0-9]+)", err)
        self.assertIsNotNone(m, err)
        inflight = int(m.group(1))
        self.assertGreaterEqual(inflight, 3)
        self.assertIn("drain: aborting sessions still in flight after 2s: "
                      "%d" % inflight, err)
        # No arrival after the signal, none ended: all of them aborted.
        line = dict(w.split("=", 1) for w in out.split()[1:] if "=" in w)
        self.assertEqual(int(line["aborted"]), inflight, out)
        self.assertEqual(int(line["started"]), inflight)
        self.assertEqual(int(line["completed"]), 0)
        self.assertEqual(int(line["failed"]), 0)
        s = assert_rfc4180(self, summary)
        self.assertEqual(len(s), 1)
        s = s[0]
        self.assertEqual(s["stop_reason"], "signal")
        self.assertEqual(int(s["started"]), inflight)
        self.assertEqual(int(s["aborted"]), inflight)
        self.assertEqual(int(s["completed"]) + int(s["failed"]) +
                         int(s["aborted"]), int(s["started"]))
        rows = assert_rfc4180(self, csv)
        self.assertEqual(total(rows, "started"), inflight)
        self.assertEqual(total(rows, "completed"), 0)
        self.assertEqual(total(rows, "failed"), 0)
        self.assertEqual(int(rows[-1]["active"]), inflight)


if __name__ == "__main__":
    unittest.main(verbosity=2)
