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
        """loadgen is stopped (SIGSTOP) for half a second mid-run: the
        arrivals due meanwhile start late. Measured from their scheduled
        start they took at least the pause; from the actual start they
        were as quick as ever. The pause is the stimulus, not a wait."""
        with FakeImapd() as srv:
            csv, summary, lat = paths()
            p = subprocess.Popen([LOADGEN, "--rate", "200", "--duration",
                                  "3s", "--interval", "100ms", "--csv", csv,
                                  "--latency-csv", lat, "--summary-csv",
                                  summary, "%s:%d" % srv.addr],
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            try:
                wait_for(lambda: len(open(csv).read().splitlines()) >= 3
                         if os.path.exists(csv) else False,
                         timeout=10, what="two CSV rows")
                p.send_signal(signal.SIGSTOP)
                try:
                    p.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    pass
                p.send_signal(signal.SIGCONT)
                out, err = p.communicate(timeout=30)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.communicate()
        self.assertEqual(p.returncode, 0, err)
        lat_rows = {x["latency"]: x for x in read_csv(lat)}
        self.assertGreaterEqual(float(lat_rows["lag"]["max_ms"]), 400)
        self.assertGreaterEqual(float(lat_rows["session"]["p90_ms"]), 100)
        self.assertGreaterEqual(float(lat_rows["session"]["max_ms"]), 400)
        self.assertLess(float(lat_rows["session_actual"]["p90_ms"]), 50)
        s = read_csv(summary)[0]
        self.assertEqual(int(s["completed"]), 600)


if __name__ == "__main__":
    unittest.main(verbosity=2)
