"""e2e_sweep.py: `ephemera sweep`, real runs in private namespaces: a
grid of port ranges and rates with the article's exact numbers (completed
== ports, the first failure at ports / rate), a CSV row per point with
its run's folder, --resume after a cut row, an interrupted sweep keeping
its whole rows, refusals of bad keys, values and grids before any
traffic, the status line on a terminal, and --search rate finding the
highest rate with no failure over 2 x TIME_WAIT near ports / TIME_WAIT."""
import os
import shutil
import signal
import subprocess
import tempfile
import unittest

from harness import EPHEMERA, read_csv, run, wait_for
from terminal import run_on_terminal

# KB 319502 in miniature, the kernel's own 60 s TIME_WAIT: the range is
# gone after exactly `ports` connections, at ports / rate seconds.
SMALL = """[scenario]
description = sweep test
[system]
port_range = 20000-20099
tcp_tw_reuse = 0
[server]
listen = 127.0.0.1:1143
[load]
rate = 200
duration = 2s
timeout = 5s
[expect]
outcome = fails
first_failure_errno = EADDRNOTAVAIL
"""

# tcp_tw_reuse with a 1 s delay: 50 ports sustain 50 connections/s.
SEARCH = """[scenario]
description = sweep --search test
[system]
port_range = 20000-20049
time_wait = 1s
[server]
listen = 127.0.0.1:1143
[load]
rate = 10
timeout = 5s
[expect]
outcome = holds
"""

GRID = ["--vary", "port_range=20000-20049,20000-20099",
        "--vary", "rate=100..200/100"]


class Sweep(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="ephemera-sweep-")
        self.addCleanup(shutil.rmtree, self.d, True)
        self.csv = os.path.join(self.d, "sweep.csv")

    def scenario(self, text, name="small.ini"):
        path = os.path.join(self.d, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def sweep(self, *args, timeout=180):
        return run([EPHEMERA, "--results", os.path.join(self.d, "results"),
                    "sweep"] + list(args), timeout=timeout)

    def test_grid_exact_numbers(self):
        r = self.sweep(self.scenario(SMALL), *GRID, "--csv", self.csv)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rows = read_csv(self.csv)
        # The first --vary changes slowest.
        self.assertEqual([(x["point"], x["system.port_range"], x["load.rate"])
                          for x in rows],
                         [("1", "20000-20049", "100"),
                          ("2", "20000-20049", "200"),
                          ("3", "20000-20099", "100"),
                          ("4", "20000-20099", "200")])
        for x in rows:
            ports, rate = int(x["ports"]), float(x["rate_per_s"])
            self.assertEqual(int(x["completed"]), ports, x)
            self.assertEqual(float(x["first_failure_pred_s"]),
                             round(ports / rate, 3))
            self.assertAlmostEqual(float(x["first_failure_s"]), ports / rate,
                                   delta=0.05 * ports / rate)
            self.assertEqual(x["first_failure_errno"], "EADDRNOTAVAIL")
            self.assertEqual(int(x["time_wait_end"]), ports)
            self.assertEqual(float(x["capacity_per_s"]),
                             round(ports / 60, 3))
            self.assertEqual(x["verdict"], "held")
            # Each point ran in a folder of its own, which says its values.
            with open(os.path.join(x["dir"], "vary.txt")) as f:
                self.assertEqual(f.read(), "system.port_range=%s\n"
                                 "load.rate=%s\n" % (x["system.port_range"],
                                                     x["load.rate"]))
        self.assertEqual(len({x["dir"] for x in rows}), 4)
        # Measured against predicted, and the runs' TIME_WAIT, from the CSV.
        for chart in ("capacity", "timewait"):
            self.assertTrue(os.path.getsize(os.path.join(
                self.d, "sweep-%s.png" % chart)) > 0)
        with open(os.path.join(self.d, "sweep-timewait.gp")) as f:
            self.assertEqual(f.read().count("loadgen.csv"), 4)

    def test_values_with_commas(self):
        # Step lists hold commas: ';' separates them, and each point's
        # row keeps its list whole (quoted in the CSV).
        steps = ["login,logout", "login,select,logout"]
        r = self.sweep(self.scenario(SMALL), "--vary",
                       "steps=" + ";".join(steps), "--csv", self.csv)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rows = read_csv(self.csv)
        self.assertEqual([x["load.steps"] for x in rows], steps)
        for x in rows:
            self.assertEqual(int(x["completed"]), 100, x)
            with open(os.path.join(x["dir"], "vary.txt")) as f:
                self.assertEqual(f.read(), "load.steps=%s\n" % x["load.steps"])
        with open(self.csv) as f:
            self.assertIn('"login,select,logout"', f.read())

    def test_resume_skips_whole_rows_and_drops_a_cut_one(self):
        path = self.scenario(SMALL)
        grid = ["--vary", "port_range=20000-20049", "--vary", "rate=100,200"]
        r = self.sweep(path, *grid, "--csv", self.csv)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(self.csv, newline="") as f:
            lines = f.read().split("\r\n")
        # Keep point 1 and half of point 2's row, as a killed writer might.
        with open(self.csv, "w", newline="") as f:
            f.write("\r\n".join(lines[:2]) + "\r\n" + lines[2][:10])
        # Without --resume an existing file is never overwritten.
        r = self.sweep(path, *grid, "--csv", self.csv)
        self.assertEqual(r.returncode, 2)
        self.assertIn("exists: --resume continues it", r.stderr)
        r = self.sweep(path, *grid, "--csv", self.csv, "--resume")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("resume: 1 of 2 points already in", r.stdout)
        self.assertNotIn("point 1/2", r.stdout)
        self.assertIn("point 2/2", r.stdout)
        rows = read_csv(self.csv)
        self.assertEqual([x["load.rate"] for x in rows], ["100", "200"])
        with open(self.csv, newline="") as f:
            self.assertEqual(f.read().split("\r\n")[1], lines[1])
        # Everything done: nothing runs.
        r = self.sweep(path, *grid, "--csv", self.csv, "--resume")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("resume: 2 of 2 points already", r.stdout)
        self.assertEqual(len(read_csv(self.csv)), 2)
        # Another sweep's file is refused, not mixed in.
        r = self.sweep(path, "--vary", "rate=100", "--csv", self.csv,
                       "--resume")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--resume: its header is not this sweep's", r.stderr)

    def test_interrupted_sweep_keeps_finished_rows(self):
        path = self.scenario(SMALL)
        proc = subprocess.Popen(
            [EPHEMERA, "--results", os.path.join(self.d, "results"), "sweep",
             path, "--vary", "duration=1s,60s,2s", "--vary",
             "port_range=20000-20049", "--csv", self.csv],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)

        def rows():
            try:
                with open(self.csv) as f:
                    return f.read().count("\n") - 1
            except FileNotFoundError:
                return 0
        try:
            wait_for(lambda: rows() >= 1 or proc.poll() is not None,
                     timeout=120, what="point 1's row")
            if proc.poll() is not None:
                self.fail("exited %d before point 1's row: %s" %
                          (proc.returncode, proc.stderr.read()))
            os.killpg(proc.pid, signal.SIGINT)
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
        self.assertEqual(proc.returncode, 2, out + err)
        self.assertIn("interrupted: the finished points are in", err)
        self.assertIn("--resume continues", err)
        self.assertEqual([x["load.duration"] for x in read_csv(self.csv)],
                         ["1s"])
        # Point 2 was cut short and has no row: --resume runs it again.
        self.assertIn("point 1/3", out)
        self.assertNotIn("point 2/3", out)
        self.assertNotIn("point 3/3", out)

    def test_refusals_before_any_traffic(self):
        path = self.scenario(SMALL)
        cases = [
            (["--vary", "time_wiat=60s"], "sweep: --vary: unknown scenario "
             "key 'time_wiat' (nearest: time_wait)"),
            (["--vary", "time_wait=60s,soon"], "sweep: --vary "
             "system.time_wait=soon: expected a duration"),
            (["--vary", "rate=1..3/0"], "sweep: --vary load.rate: expected "
             "LO <= HI and STEP > 0, got '1..3/0'"),
            (["--vary", "rate=1", "--vary", "rate=2"], "sweep: --vary "
             "load.rate given twice"),
            # Parses, but the lab has no such TIME_WAIT with tcp_tw_reuse=0:
            # the point and the model's reason.
            (["--vary", "time_wait=60s,30s"], "point 2 (time_wait=30s): "),
            (["--vary", "rate=1", "--search", "speed"], "sweep: --search: "
             "expected rate, got 'speed'"),
            (["--vary", "rate=1,2", "--search", "rate"], "sweep: --search "
             "rate sets load.rate itself: do not --vary it"),
            ([], "sweep: expected --vary"),
        ]
        for args, message in cases:
            r = self.sweep(path, *args, "--csv", self.csv)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(message, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1,
                             r.stderr)
            self.assertFalse(os.path.exists(self.csv), args)
            self.assertFalse(os.path.exists(os.path.join(self.d, "results")))

    def test_status_line_on_a_terminal(self):
        rc, seen, out = run_on_terminal(
            [EPHEMERA, "--results", os.path.join(self.d, "results"), "sweep",
             self.scenario(SMALL), "--vary", "port_range=20000-20049",
             "--vary", "rate=100,200", "--csv", self.csv],
            timeout=120, stdout=True)
        self.assertEqual(rc, 0, seen)
        text = seen.decode()
        first = text.index("\r\x1b[K[1/2] small port_range=20000-20049 "
                           "rate=100  lab ")
        second = text.index("\r\x1b[K[2/2] small port_range=20000-20049 "
                            "rate=200  lab ")
        self.assertLess(first, second)
        self.assertRegex(text, r"\[1/2\] [^\r]* left [0-9]+:[0-9]{2} "
                         r"\(all [0-9]+:[0-9]{2}\)")
        self.assertNotIn(b"\r", out)

    def test_search_rate(self):
        r = self.sweep(self.scenario(SEARCH, "search.ini"), "--vary",
                       "port_range=20000-20049", "--search", "rate",
                       "--csv", self.csv, timeout=240)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # A probe that failed on a stalled machine is run again: its
        # lines say so, and the bisection counts the last run.
        lines, again = [], 0
        for l in r.stdout.splitlines():
            if l.startswith("  probe ") and l.endswith(": again"):
                self.assertIn("stalled, lag over 50 ms", lines.pop())
                again += 1
            elif l.startswith("  probe "):
                lines.append(l)
        probes = [float(l.split()[1].rstrip(":/s")) for l in lines]
        # Bisection from the model's 50/s, between 40/s and 60/s, until
        # the bracket is within 1%: 6 probes, each step half the last.
        self.assertEqual(probes[0], 50.0)
        self.assertEqual(len(probes), 6)
        for k in range(1, 6):
            self.assertAlmostEqual(abs(probes[k] - probes[k - 1]),
                                   10.0 / 2 ** k, delta=0.002)
        (x,) = read_csv(self.csv)
        self.assertEqual(x["search"], "found")
        self.assertEqual(int(x["probes"]), 6)
        self.assertEqual(int(x["stalled_probes"]), again)
        self.assertEqual(float(x["capacity_per_s"]), 50.0)
        # Each probe ran 2 x TIME_WAIT (the scenario's [expect] is the
        # search's own: no failure).
        self.assertEqual(float(x["window_s"]), 2.0)
        sustained, failing = float(x["sustainable_per_s"]), \
            float(x["failing_per_s"])
        self.assertLess(sustained, failing)
        self.assertLessEqual((failing - sustained) / sustained, 0.01)
        self.assertAlmostEqual(float(x["ratio"]), sustained / 50, places=3)
        # The model's ports / TIME_WAIT, within 5%.
        self.assertGreaterEqual(sustained, 0.95 * 50)
        self.assertLessEqual(failing, 1.05 * 50)
        self.assertIn("port_range=20000-20049", r.stdout)
        self.assertIn("1 of 1 points within 5% of the model", r.stdout)
        self.assertTrue(os.path.getsize(os.path.join(
            self.d, "sweep-capacity.png")) > 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
