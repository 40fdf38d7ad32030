"""e2e_cache.py: the article's MailboxCacheTTL (--mailboxes, --cache-ttl,
--mailbox-skew): requests reuse a mailbox's cached connection while it is
idle and younger than the TTL; a low TTL opens a connection, and takes an
ephemeral port, per request. Every run is in a private network namespace
against fake-imapd; the timelines keep 100 ms or more between events whose
order decides a count, so the counts are exact."""
import os
import tempfile
import unittest

from terminal import run_on_terminal
from harness import FakeImapd, read_csv, run, LOADGEN
from nsrun import run_in_netns

SERVER = "127.0.0.1:1143"
TW_OFF = {"net.ipv4.tcp_tw_reuse": "0"}
TEN_PORTS = {"net.ipv4.ip_local_port_range": "20000 20009",
             "net.ipv4.tcp_tw_reuse": "0"}
CACHE_COLUMNS = ["requests", "requests_done", "reused", "opened", "evicted",
                 "cached", "requests_failed", "replaced", "request_p50_ms",
                 "request_p90_ms", "request_p99_ms", "request_p999_ms",
                 "request_max_ms"]

# In the namespace, before loadgen: once its CSV has a first row, send
# loadgen (a child of this process, found by its executable) SIGINT.
SIGINT_AFTER_FIRST_ROW = r"""
import os, select, signal, threading, time
CSV = %r
LOADGEN = os.path.realpath(%r)
def loadgen_pid():
    me = os.getpid()
    with open("/proc/%%d/task/%%d/children" %% (me, me)) as f:
        for pid in f.read().split():
            try:
                if os.path.realpath("/proc/%%s/exe" %% pid) == LOADGEN:
                    return int(pid)
            except OSError:
                pass
    return None
def watch():
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pid = loadgen_pid()
        if pid and os.path.exists(CSV) and len(open(CSV).readlines()) >= 2:
            os.kill(pid, signal.SIGINT)
            return
        select.select([], [], [], 0.005)
threading.Thread(target=watch, daemon=True).start()
"""


def total(rows, col):
    return sum(int(r[col]) for r in rows)


def server_count(r, key, i=0):
    """A counter from fake-imapd's summary line, e.g. commands=220."""
    for word in r["servers"][i][1].split():
        if word.startswith(key + "="):
            return int(word.split("=", 1)[1])
    raise AssertionError("no %s= in %r" % (key, r["servers"][i][1]))


class Cache(unittest.TestCase):
    def cache_run(self, args, server_args=(), sysctls=None, before=None,
                  latency=False):
        d = tempfile.mkdtemp(prefix="loadgen-cache-")
        csv, summary = os.path.join(d, "l.csv"), os.path.join(d, "s.csv")
        lat = os.path.join(d, "lat.csv")
        extra = ["--latency-csv", lat] if latency else []
        r = run_in_netns(["--csv", csv, "--summary-csv", summary] + extra +
                         list(args) + [SERVER],
                         servers=[["--listen", SERVER] + list(server_args)],
                         sysctls=sysctls or TW_OFF,
                         before=before(csv) if before else None)
        self.assertEqual(r["rc"], 0, r["stderr"])
        self.r = r
        rows, s = read_csv(csv), read_csv(summary)[0]
        self.check_invariants(rows, s)
        if latency:
            self.latency = {x["latency"]: x for x in read_csv(lat)}
        return rows, s

    def check_invariants(self, rows, s):
        for row in rows:
            self.assertEqual(int(row["requests"]),
                             int(row["reused"]) + int(row["opened"]), row)
            self.assertEqual(int(row["opened"]), int(row["started"]), row)
        for col in ("requests", "requests_done", "reused", "opened",
                    "evicted", "requests_failed", "replaced", "started",
                    "completed", "failed"):
            self.assertEqual(total(rows, col), int(s[col]), col)
        self.assertEqual(int(s["requests"]),
                         int(s["requests_done"]) + int(s["requests_failed"]))
        self.assertEqual(int(s["started"]),
                         int(s["completed"]) + int(s["failed"]))
        self.assertEqual(int(rows[-1]["cached"]), 0)
        self.assertEqual(int(rows[-1]["active"]), 0)
        self.assertEqual(int(s["cached_max"]),
                         max(int(x["cached"]) for x in rows))

    def round_robin(self, n, ttl, rate, duration, *more):
        return ["--mailboxes", str(n), "--cache-ttl", ttl, "--mailbox-skew",
                "round-robin", "--rate", str(rate), "--duration", duration] \
            + list(more)

    def test_ttl_1h_one_connection_per_mailbox(self):
        """The article's fix 3: 200 requests over 10 mailboxes, 10
        connections, 190 requests on cached ones."""
        rows, s = self.cache_run(self.round_robin(10, "1h", 100, "2s"))
        self.assertEqual(int(s["requests"]), 200)
        self.assertEqual(int(s["requests_done"]), 200)
        self.assertEqual(int(s["opened"]), 10)
        self.assertEqual(int(s["reused"]), 190)
        self.assertEqual(int(s["evicted"]), 0)
        self.assertEqual(int(s["replaced"]), 0)
        self.assertEqual(int(s["started"]), 10)
        self.assertEqual(int(s["completed"]), 10)
        self.assertEqual(int(s["failed"]), 0)
        self.assertEqual(int(rows[0]["cached"]), 10)
        self.assertEqual(int(s["cached_max"]), 10)
        self.assertEqual(int(s["scheduled"]), 200)
        # Closed at the end with LOGOUT, the client first: 10 TIME_WAIT.
        self.assertEqual(int(s["time_wait_client_end"]), 10)
        self.assertEqual(int(s["time_wait_server_end"]), 0)
        # LOGIN and LOGOUT per connection, SELECT per request.
        self.assertEqual(server_count(self.r, "accepted"), 10)
        self.assertEqual(server_count(self.r, "commands"), 10 + 200 + 10)
        self.assertEqual(s["mailboxes"], "10")
        self.assertEqual(s["cache_ttl_s"], "3600.000")
        self.assertEqual(s["mailbox_skew"], "round-robin")
        self.assertIn("--mailboxes 10 --cache-ttl 1h --mailbox-skew "
                      "round-robin", s["options"])
        self.assertIn(" requests=200 requests_done=200 reused=190 opened=10 "
                      "evicted=0", self.r["stdout"])
        self.assertNotEqual(s["request_p99_ms"], "")

    def test_ttl_0_one_connection_per_request(self):
        rows, s = self.cache_run(self.round_robin(10, "0", 100, "2s"))
        self.assertEqual(int(s["requests"]), 200)
        self.assertEqual(int(s["opened"]), 200)
        self.assertEqual(int(s["reused"]), 0)
        self.assertEqual(int(s["evicted"]), 0)
        self.assertEqual(int(s["completed"]), 200)
        self.assertEqual(int(s["cached_max"]), 0)
        self.assertEqual(int(s["time_wait_client_end"]), 200)
        self.assertEqual(server_count(self.r, "commands"), 3 * 200)

    def test_ttl_evicts_and_reopens(self):
        """10 mailboxes at 50/s: each gets a request every 200 ms; a 500 ms
        TTL serves 3 (ages 0, 200, 400 ms), the timer closes it at 500 ms,
        and the next request opens a new one: ceil(10 / 3) = 4 connections
        per mailbox. The last ones (opened at 1.8 s) are closed by the end
        of the run, not by the TTL."""
        rows, s = self.cache_run(self.round_robin(10, "500ms", 50, "2s"))
        self.assertEqual(int(s["requests"]), 100)
        self.assertEqual(int(s["opened"]), 40)
        self.assertEqual(int(s["reused"]), 60)
        self.assertEqual(int(s["evicted"]), 30)
        self.assertEqual(int(s["replaced"]), 0)
        self.assertEqual(int(s["completed"]), 40)
        self.assertEqual(int(s["time_wait_client_end"]), 40)
        # The rule of thumb: N x ceil(duration / TTL), within N.
        self.assertLessEqual(abs(int(s["opened"]) - 10 * 4), 10)

    def test_busy_connection_opens_another(self):
        """One mailbox, every reply 300 ms late: requests at 0, 100 and
        200 ms each find the cached connection missing or busy and open one
        (A, B, C, done at 600, 700, 800 ms); B then replaces A and C
        replaces B (a younger one wins); the request at 1 s runs on C."""
        rows, s = self.cache_run(
            ["--mailboxes", "1", "--cache-ttl", "1h", "--schedule",
             "steps:10/300ms,0/700ms,10/1s", "--duration", "1050ms"],
            server_args=["--command-delay", "300ms"], latency=True)
        self.assertEqual(int(s["requests"]), 4)
        self.assertEqual(int(s["opened"]), 3)
        self.assertEqual(int(s["reused"]), 1)
        self.assertEqual(int(s["replaced"]), 2)
        self.assertEqual(int(s["evicted"]), 0)
        self.assertEqual(int(s["completed"]), 3)
        self.assertEqual(int(s["requests_done"]), 4)
        req = self.latency["request"]
        self.assertEqual(int(req["count"]), 4)
        # LOGIN and SELECT, 300 ms each, from the scheduled arrival.
        self.assertGreaterEqual(float(req["max_ms"]), 600)

    def test_ttl_reached_while_busy(self):
        """TTL 600 ms, replies 200 ms late, requests at 0, 0.5 and 1 s:
        the connection is cached at 400 ms, serves the request at 500 ms
        (age 500 ms) and is still busy when it turns 600 ms: it is closed
        right after that request, and the request at 1 s opens another."""
        rows, s = self.cache_run(
            ["--mailboxes", "1", "--cache-ttl", "600ms", "--rate", "2",
             "--duration", "1100ms"],
            server_args=["--command-delay", "200ms"])
        self.assertEqual(int(s["requests"]), 3)
        self.assertEqual(int(s["opened"]), 2)
        self.assertEqual(int(s["reused"]), 1)
        self.assertEqual(int(s["evicted"]), 1)
        self.assertEqual(int(s["replaced"]), 0)
        self.assertEqual(int(s["completed"]), 2)

    def test_max_in_flight_caps_connections_not_reuse(self):
        """--max-in-flight 3 with 5 mailboxes round-robin: mailboxes 0-2
        get a connection each and reuse it; every request for 3 and 4
        finds 3 connections open (idle cached ones count) and is skipped,
        never delayed."""
        rows, s = self.cache_run(self.round_robin(5, "1h", 100, "2s",
                                                  "--max-in-flight", "3"))
        self.assertEqual(int(s["scheduled"]), 200)
        self.assertEqual(int(s["skipped"]), 80)
        self.assertEqual(int(s["requests"]), 120)
        self.assertEqual(int(s["opened"]), 3)
        self.assertEqual(int(s["reused"]), 117)
        self.assertEqual(int(s["requests_done"]), 120)
        self.assertEqual(total(rows, "scheduled"),
                         total(rows, "requests") + total(rows, "skipped"))

    def test_one_connection_per_mailbox_with_slow_replies(self):
        """Every reply 50 ms late (injected, not hoped for): 5 mailboxes
        round-robin at 25/s, so each is asked every 200 ms.  A connection's
        first request (LOGIN and SELECT) ends at 100 ms and every later one
        (SELECT) 50 ms after it starts, so each request finds its mailbox's
        connection idle: 5 connections carry 100 requests."""
        rows, s = self.cache_run(self.round_robin(5, "1h", 25, "4s"),
                                 server_args=["--command-delay", "50ms"])
        self.assertEqual(int(s["requests"]), 100)
        self.assertEqual(int(s["requests_done"]), 100)
        self.assertEqual(int(s["opened"]), 5)
        self.assertEqual(int(s["reused"]), 95)
        self.assertEqual(int(s["replaced"]), 0)
        self.assertEqual(int(s["completed"]), 5)
        self.assertEqual(server_count(self.r, "accepted"), 5)

    def test_capped_cache_counts_hold_at_any_speed(self):
        """The load of test_dovecot.py's cache test (5 mailboxes, TTL 1h,
        --max-in-flight 5, 20/s for 5 s), against a server that answers at
        once and one that waits 1 s before the greeting and before every
        reply: at both speeds exactly 5 connections, every arrival either
        served or skipped, and some served on a cached connection."""
        for delays in ([], ["--greeting-delay", "1s", "--command-delay",
                            "1s"]):
            rows, s = self.cache_run(
                self.round_robin(5, "1h", 20, "5s", "--max-in-flight", "5",
                                 "--close", "server"),
                server_args=["--logout-close", "server"] + delays)
            self.assertEqual(int(s["scheduled"]), 100, delays)
            self.assertEqual(int(s["requests"]) + int(s["skipped"]), 100)
            self.assertEqual(int(s["requests_done"]), int(s["requests"]))
            self.assertEqual(int(s["opened"]), 5, delays)
            self.assertEqual(int(s["reused"]), int(s["requests"]) - 5)
            self.assertGreater(int(s["reused"]), 0, delays)
            self.assertEqual(int(s["completed"]), 5, delays)
            self.assertEqual(server_count(self.r, "accepted"), 5)
            self.assertEqual(int(s["time_wait_server_end"]), 5)
        # At 1 s a reply the connections are mostly busy: arrivals skipped.
        self.assertGreater(int(s["skipped"]), 0)

    def test_server_closes_an_idle_connection(self):
        """fake-imapd logs an idle connection out after 300 ms: BYE and
        close while cached is a failure at stage idle; the next request
        opens a new connection and succeeds."""
        rows, s = self.cache_run(
            ["--mailboxes", "1", "--cache-ttl", "1h", "--rate", "1",
             "--duration", "1500ms"],
            server_args=["--autologout", "300ms"])
        self.assertEqual(int(s["requests"]), 2)
        self.assertEqual(int(s["requests_done"]), 2)
        self.assertEqual(int(s["requests_failed"]), 0)
        self.assertEqual(int(s["opened"]), 2)
        self.assertEqual(int(s["failed"]), 1)
        self.assertEqual(int(s["imap_bye"]), 1)
        self.assertEqual(s["first_failure_stage"], "idle")
        self.assertEqual(total(rows, "failed_idle"), 1)
        self.assertEqual(int(s["completed"]), 1)

    def test_exhaustion_and_the_articles_fix(self):
        """10 ports, TIME_WAIT 60 s: with TTL 0 every request takes a port
        and the 11th connect() fails with EADDRNOTAVAIL (the article's
        WSAEADDRINUSE); with a TTL longer than the run, 10 connections
        carry all 200 requests."""
        rows, s = self.cache_run(self.round_robin(10, "0", 100, "2s"),
                                 sysctls=TEN_PORTS)
        self.assertEqual(int(s["requests"]), 200)
        self.assertEqual(int(s["requests_done"]), 10)
        self.assertEqual(int(s["requests_failed"]), 190)
        self.assertEqual(int(s["completed"]), 10)
        self.assertEqual(int(s["eaddrnotavail"]), 190)
        self.assertEqual(s["first_failure_stage"], "connect")
        self.assertEqual(s["first_failure_windows"], "WSAEADDRINUSE")

        rows, s = self.cache_run(self.round_robin(10, "1h", 100, "2s"),
                                 sysctls=TEN_PORTS)
        self.assertEqual(int(s["requests_done"]), 200)
        self.assertEqual(int(s["opened"]), 10)
        self.assertEqual(int(s["failed"]), 0)
        self.assertEqual(int(s["time_wait_client_end"]), 10)

    def test_close_modes(self):
        """Cached connections end as --close says: who keeps TIME_WAIT,
        an RST, or no LOGOUT at all."""
        base = self.round_robin(5, "1h", 100, "10s", "--count", "50")
        rows, s = self.cache_run(base + ["--close", "server"],
                                 server_args=["--logout-close", "server"])
        self.assertEqual((int(s["opened"]), int(s["completed"])), (5, 5))
        self.assertEqual(int(s["time_wait_client_end"]), 0)
        self.assertEqual(int(s["time_wait_server_end"]), 5)

        rows, s = self.cache_run(base + ["--close", "rst"])
        self.assertEqual((int(s["opened"]), int(s["completed"])), (5, 5))
        self.assertEqual(int(s["time_wait_client_end"]), 0)
        self.assertEqual(int(s["time_wait_server_end"]), 0)
        self.assertEqual(int(s["abort_on_data"]), 5)

        rows, s = self.cache_run(base + ["--close", "no-logout"])
        self.assertEqual((int(s["opened"]), int(s["completed"])), (5, 5))
        self.assertEqual(int(s["time_wait_client_end"]), 5)
        self.assertEqual(server_count(self.r, "commands"), 5 + 50)

    def test_uniform_opens_one_per_mailbox_hit(self):
        """Uniform skew with --seed: the mailboxes are splitmix64 draws
        (seed ^ "mailboxe", multiply-high), so which ones a run touches is
        known in advance; each opens one connection, plus one for every
        connection a younger one replaced."""
        rows, s = self.cache_run(
            ["--mailboxes", "50", "--cache-ttl", "1h", "--seed", "7",
             "--rate", "100", "--duration", "1s"])
        picks = uniform_picks(7, 50, 100)
        self.assertEqual(int(s["requests"]), 100)
        self.assertEqual(int(s["opened"]) - int(s["replaced"]),
                         len(set(picks)))
        self.assertLessEqual(int(s["cached_max"]), len(set(picks)))
        self.assertEqual(s["mailbox_skew"], "uniform")

    def test_zipf_same_seed_same_mailboxes(self):
        runs = []
        for _ in range(2):
            rows, s = self.cache_run(
                ["--mailboxes", "1000", "--cache-ttl", "1h",
                 "--mailbox-skew", "zipf:1.2", "--rate", "200",
                 "--duration", "1s"])
            runs.append(int(s["opened"]) - int(s["replaced"]))
            self.assertEqual(s["mailbox_skew"], "zipf:1.2")
        self.assertEqual(runs[0], runs[1])
        # Skewed: far fewer mailboxes than requests.
        self.assertLess(runs[0], 150)

    def test_interrupt_closes_cached_connections(self):
        """SIGINT: arrivals stop and every cached connection is logged out
        and closed within the drain: none aborted, all in TIME_WAIT."""
        rows, s = self.cache_run(
            self.round_robin(10, "1h", 100, "60s", "--interval", "100ms"),
            before=lambda csv: SIGINT_AFTER_FIRST_ROW % (csv, LOADGEN))
        self.assertEqual(s["stop_reason"], "signal")
        self.assertEqual(int(s["opened"]), 10)
        self.assertEqual(int(s["completed"]), 10)
        self.assertEqual(int(s["time_wait_client_end"]), 10)
        self.assertNotIn("aborted=", self.r["stdout"])
        self.assertLess(float(s["elapsed_s"]), 60)  # the --duration


def uniform_picks(seed, n, count):
    """loadgen's uniform mailbox draws (mailbox.c, rng.h)."""
    mask = (1 << 64) - 1
    state = seed ^ 0x6d61696c626f7865
    picks = []
    for _ in range(count):
        state = (state + 0x9e3779b97f4a7c15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & mask
        z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & mask
        z ^= z >> 31
        picks.append((z * n) >> 64)
    return picks


class WithoutMailboxes(unittest.TestCase):
    def test_default_run_has_empty_cache_columns(self):
        """Without --mailboxes nothing changes but the appended columns,
        which stay empty."""
        d = tempfile.mkdtemp(prefix="loadgen-cache-")
        csv, summary = os.path.join(d, "l.csv"), os.path.join(d, "s.csv")
        r = run_in_netns(["--count", "5", "--rate", "100", "--csv", csv,
                          "--summary-csv", summary, SERVER],
                         servers=[["--listen", SERVER]], sysctls=TW_OFF)
        self.assertEqual(r["rc"], 0, r["stderr"])
        with open(csv) as f:
            header = f.readline().rstrip("\r\n").split(",")
        at = header.index("failed_select")
        self.assertEqual(header[at:at + len(CACHE_COLUMNS) + 2],
                         ["failed_select", "failed_idle"] + CACHE_COLUMNS)
        rows = read_csv(csv)
        for row in rows:
            for col in CACHE_COLUMNS:
                self.assertEqual(row[col], "", col)
        s = read_csv(summary)[0]
        self.assertEqual(int(s["completed"]), 5)
        self.assertEqual(s["mailboxes"], "0")
        self.assertEqual(s["requests"], "")
        self.assertEqual(s["cache_ttl_s"], "")
        self.assertNotIn("--mailboxes", s["options"])
        self.assertNotIn("requests=", r["stdout"])
        self.assertLessEqual(len(s), 256)
        # The default steps: LOGIN a1, SELECT a2, LOGOUT a3.
        self.assertEqual(server_count(r, "commands"), 15)


class Progress(unittest.TestCase):
    def test_status_line_shows_requests_and_reuse(self):
        """On a terminal the status line adds requests/s, reused/s and the
        cached connections."""
        with FakeImapd() as srv:
            rc, seen = run_on_terminal(
                [LOADGEN, "--mailboxes", "5", "--cache-ttl", "1h",
                 "--mailbox-skew", "round-robin", "--rate", "50",
                 "--duration", "2500ms", "%s:%d" % srv.addr])
        self.assertEqual(rc, 0)
        # The line is timed apart from the arrivals: no exact counts.
        self.assertRegex(seen, rb"requests/s [0-9]+  reused/s [0-9]+  "
                         rb"cached [0-5]\r")


class BadInput(unittest.TestCase):
    def refused(self, argv, *words):
        r = run([LOADGEN] + argv + [SERVER], timeout=20)
        self.assertEqual(r.returncode, 2, "%s: %r" % (argv, r.stderr))
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, "%s: %r" % (argv, r.stderr))
        for w in words:
            self.assertIn(w, lines[0])

    def test_values(self):
        self.refused(["--mailboxes", "x", "--cache-ttl", "1s"],
                     "--mailboxes", "whole number", "'x'")
        self.refused(["--mailboxes", "1000001", "--cache-ttl", "1s"],
                     "--mailboxes", "1000000")
        self.refused(["--mailboxes", "-1", "--cache-ttl", "1s"],
                     "--mailboxes")
        self.refused(["--mailboxes", "5", "--cache-ttl", "soon"],
                     "--cache-ttl", "duration", "'soon'")
        self.refused(["--mailboxes", "5", "--cache-ttl", "1s",
                      "--mailbox-skew", "zipf:0"], "--mailbox-skew",
                     "zipf:S", "'zipf:0'")
        self.refused(["--mailboxes", "5", "--cache-ttl", "1s",
                      "--mailbox-skew", "normal"], "--mailbox-skew",
                     "round-robin")

    def test_options_go_together(self):
        self.refused(["--cache-ttl", "1s"], "--cache-ttl", "--mailboxes")
        self.refused(["--mailboxes", "0", "--cache-ttl", "1s"],
                     "--cache-ttl", "--mailboxes")
        self.refused(["--mailbox-skew", "uniform"], "--mailbox-skew",
                     "--mailboxes")
        self.refused(["--mailboxes", "5"], "--mailboxes", "--cache-ttl")


if __name__ == "__main__":
    unittest.main(verbosity=2)
