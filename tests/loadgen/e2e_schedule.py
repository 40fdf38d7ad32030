"""e2e_schedule.py: --schedule shapes seen in the interval CSV, Poisson
determinism by seed, and latency measured from the scheduled start (no
coordinated omission) next to the actual start."""
import os
import signal
import subprocess
import tempfile
import unittest

from harness import FakeImapd, LOADGEN, read_csv, wait_for
from nsrun import run_in_netns

SERVER = "127.0.0.1:1143"


def paths():
    d = tempfile.mkdtemp(prefix="loadgen-schedule-")
    return (os.path.join(d, "l.csv"), os.path.join(d, "s.csv"),
            os.path.join(d, "lat.csv"))


class Schedules(unittest.TestCase):
    def run_schedule(self, *args):
        csv, summary, _ = paths()
        r = run_in_netns(["--csv", csv, "--summary-csv", summary]
                         + list(args) + [SERVER],
                         servers=[["--listen", SERVER]])
        self.assertEqual(r["rc"], 0, r["stderr"])
        return read_csv(csv), read_csv(summary)[0]

    def scheduled(self, rows):
        """Arrivals per interval, without the last, partial row that ends
        the drain after the schedule: whether there is one depends on how
        long the last sessions take, not on the schedule."""
        out = [int(r["scheduled"]) for r in rows]
        while out and out[-1] == 0:
            out.pop()
        return out

    def test_steps(self):
        rows, s = self.run_schedule("--schedule", "steps:100/1s,300/1s",
                                    "--duration", "2s")
        self.assertEqual(self.scheduled(rows)[:2], [100, 300])
        self.assertEqual(int(s["scheduled"]), 400)
        self.assertEqual(int(s["completed"]), 400)
        self.assertEqual(float(s["rate_offered_per_s"]), 200)
        self.assertEqual(s["schedule"], "steps:100/1s,300/1s")
        self.assertEqual(s["stop_reason"], "duration")

    def test_ramp(self):
        """ramp:0-400/2s: the integral is 100 t^2, so 100 then 300."""
        rows, s = self.run_schedule("--schedule", "ramp:0-400/2s",
                                    "--duration", "2s")
        self.assertEqual(self.scheduled(rows)[:2], [100, 300])
        self.assertEqual(int(s["started"]), 400)

    def test_poisson_same_seed_same_arrivals(self):
        a, sa = self.run_schedule("--schedule", "poisson:300", "--seed", "5",
                                  "--duration", "3s")
        b, sb = self.run_schedule("--schedule", "poisson:300", "--seed", "5",
                                  "--duration", "3s")
        c, sc = self.run_schedule("--schedule", "poisson:300", "--seed", "6",
                                  "--duration", "3s")
        self.assertEqual(self.scheduled(a), self.scheduled(b))
        self.assertNotEqual(self.scheduled(a), self.scheduled(c))
        # 900 expected, standard deviation 30.
        self.assertLess(abs(int(sa["scheduled"]) - 900), 150)
        self.assertEqual(sa["options"].split()[:4],
                         ["--schedule", "poisson:const:300", "--seed", "5"])

    def test_rate_and_const_are_the_same_schedule(self):
        a, _ = self.run_schedule("--rate", "150", "--duration", "2s")
        b, _ = self.run_schedule("--schedule", "const:150", "--duration", "2s")
        self.assertEqual(self.scheduled(a)[:2], [150, 150])
        self.assertEqual(self.scheduled(a), self.scheduled(b))


class Latency(unittest.TestCase):
    def test_percentile_columns_are_ordered(self):
        with FakeImapd() as srv:
            csv, summary, lat = paths()
            r = subprocess.run([LOADGEN, "--rate", "500", "--duration", "1s",
                                "--csv", csv, "--summary-csv", summary,
                                "--latency-csv", lat, "%s:%d" % srv.addr],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
        row = read_csv(csv)[0]
        for m in ("connect", "greeting", "login", "session",
                  "session_actual", "lag"):
            v = [float(row["%s_%s_ms" % (m, p)])
                 for p in ("p50", "p90", "p99", "p999", "max")]
            self.assertEqual(v, sorted(v), m)
        # The session from its scheduled start includes the lag.
        lat_rows = {x["latency"]: x for x in read_csv(lat)}
        self.assertEqual(int(lat_rows["session"]["count"]), 500)
        self.assertEqual(int(lat_rows["lag"]["count"]), 500)
        self.assertGreaterEqual(float(lat_rows["session"]["max_ms"]),
                                float(lat_rows["session_actual"]["max_ms"]))
        s = read_csv(summary)[0]
        self.assertEqual(s["session_max_ms"], lat_rows["session"]["max_ms"])

    def test_no_coordinated_omission(self):
        """loadgen is stopped (SIGSTOP) for a second mid-run, and every
        greeting comes 50 ms late (--greeting-delay): the injected
        slowness, on both sides. The arrivals due during the pause start
        late; measured from their scheduled start, their sessions hold the
        lag and the server's delay; measured from the actual start, the
        server's delay alone. Relations between the measured figures and
        the injected times decide, never how fast this machine is.

        At 50/s for 4 s, the pause holds back a quarter of the 200
        arrivals, so the top tenth of `session` (p90) is made of lags of
        at least 1 s - 20 x 20 ms. Only the few sessions in flight at the
        stop (50/s x their length) take the pause into `session_actual`:
        fewer than a tenth unless a session took 400 ms, eight times the
        greeting delay, so its p90 stays clear of the pause."""
        pause_s, greeting_ms = 1.0, 50.0
        with FakeImapd("--greeting-delay", "%dms" % greeting_ms) as srv:
            csv, summary, lat = paths()
            p = subprocess.Popen([LOADGEN, "--rate", "50", "--duration",
                                  "4s", "--interval", "100ms", "--csv", csv,
                                  "--latency-csv", lat, "--summary-csv",
                                  summary, "%s:%d" % srv.addr],
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            try:
                wait_for(lambda: len(open(csv).read().splitlines()) >= 3
                         if os.path.exists(csv) else False,
                         timeout=60, what="two CSV rows")
                p.send_signal(signal.SIGSTOP)
                try:
                    p.wait(timeout=pause_s)  # at least pause_s, however slow
                except subprocess.TimeoutExpired:
                    pass
                p.send_signal(signal.SIGCONT)
                out, err = p.communicate(timeout=60)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.communicate()
        self.assertEqual(p.returncode, 0, err)
        s = read_csv(summary)[0]
        self.assertEqual(int(s["completed"]), 200)
        lat_rows = {x["latency"]: x for x in read_csv(lat)}
        ms = {(k, q): float(lat_rows[k][q + "_ms"])
              for k in ("session", "session_actual", "lag")
              for q in ("p50", "p90", "max")}
        # The pause shows as lag: the arrival due just after the stop
        # started after the continue (arrivals are 20 ms apart; one gap
        # more for the stop to take hold).
        self.assertGreaterEqual(ms["lag", "max"], pause_s * 1000 - 2 * 20)
        # `session` counts from the scheduled start: the most delayed
        # arrival's session holds its whole lag, then the greeting delay
        # (the maxima are exact; 1 us for the rounding of each figure).
        self.assertGreaterEqual(ms["session", "max"],
                                ms["lag", "max"] + greeting_ms - 0.002)
        self.assertGreaterEqual(ms["session", "p90"],
                                pause_s * 1000 / 2 + greeting_ms)
        # `session_actual` counts from the actual start: every session
        # waited for its greeting ...
        self.assertGreaterEqual(ms["session_actual", "p50"], greeting_ms)
        # ... and the lag is not in it: the same sessions measured from
        # their scheduled start rank higher at every percentile, strictly
        # where the lags are (with the lag in it, the two p90 would be the
        # same figure).
        for q in ("p50", "p90", "max"):
            self.assertLessEqual(ms["session_actual", q], ms["session", q])
        self.assertLess(ms["session_actual", "p90"], ms["session", "p90"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
