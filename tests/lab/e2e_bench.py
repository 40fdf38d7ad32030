"""e2e_bench.py: `ephemera bench`: every repeat a run of its own, its
metrics in the JSON as the run's own CSV files have them, the environment
and the scenario's hash beside them; the file rewritten after every
repeat, so an interrupted bench keeps what it measured."""
import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest

from harness import EPHEMERA, SOURCE_ROOT, read_csv, run, slowed_bindir, \
    wait_for

SCENARIO = """\
[system]
port_range = 20000-20999

[load]
rate = 20
duration = {duration}
timeout = 5s

[expect]
outcome = holds
"""


class Bench(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="ephemera-bench-")
        self.addCleanup(shutil.rmtree, self.d, True)
        self.json = os.path.join(self.d, "b.json")

    def scenario(self, duration="1s"):
        path = os.path.join(self.d, "steady.ini")
        with open(path, "w") as f:
            f.write(SCENARIO.format(duration=duration))
        return path

    def bench(self, *args):
        return run([EPHEMERA, "--results", os.path.join(self.d, "res"),
                    "bench"] + list(args), timeout=200)

    def test_every_repeat_as_its_csv_says(self):
        path = self.scenario()
        r = self.bench(path, "--repeat", "2", "--json", self.json)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(self.json) as f:
            doc = json.load(f)
        self.assertEqual((doc["format"], doc["version"]),
                         ("ephemera-bench", 1))
        self.assertEqual(doc["environment"]["cpus"], os.cpu_count())
        self.assertEqual(doc["environment"]["kernel_release"],
                         os.uname().release)
        self.assertIn("loadgen_version", doc["environment"])
        [s] = doc["scenarios"]
        with open(path, "rb") as f:
            self.assertEqual(s["sha256"], hashlib.sha256(f.read())
                             .hexdigest())
        self.assertEqual((s["settings"]["port_lo"],
                          s["settings"]["port_hi"]), (20000, 20999))
        self.assertEqual(s["environment"]["net/ipv4/ip_local_port_range"],
                         "20000-20999")
        self.assertEqual(len(s["repeats"]), 2)
        dirs = set()
        for rep in s["repeats"]:
            dirs.add(rep["dir"])
            summary = read_csv(os.path.join(rep["dir"], "summary.csv"))[0]
            m = rep["metrics"]
            for k in ("completed_per_s", "session_p99_ms", "login_p99_ms"):
                self.assertAlmostEqual(m[k], float(summary[k]), places=6)
            for k in ("completed", "failed", "time_wait_end"):
                self.assertEqual(m[k], int(summary[k]), k)
            self.assertEqual(m["completed"], 20)
            self.assertIsNone(m["first_failure_model_s"])
            rows = read_csv(os.path.join(rep["dir"], "loadgen.csv"))
            self.assertEqual(m["time_wait_peak"],
                             max(int(x["time_wait"]) for x in rows))
            self.assertEqual(rep["verdict"], "held")
        self.assertEqual(len(dirs), 2)  # a run, and a folder, each

    def test_first_failure_in_model_time(self):
        """kb319502-quick: 100 ports at 200/s run out at 0.5 s, recorded
        beside the model's prediction (model time, to the millisecond)."""
        r = self.bench(os.path.join(SOURCE_ROOT, "scenarios",
                                    "kb319502-quick.ini"),
                       "--repeat", "1", "--json", self.json)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(self.json) as f:
            [s] = json.load(f)["scenarios"]
        m = s["repeats"][0]["metrics"]
        self.assertEqual(s["predicted"]["first_failure_model_s"], 0.5)
        self.assertAlmostEqual(m["first_failure_model_s"], 0.5, delta=0.02)
        self.assertEqual(m["completed"], 100)
        self.assertEqual(m["eaddrnotavail"], m["failed"])
        self.assertGreater(m["failed"], 0)

    def test_interrupted_keeps_the_finished_repeats(self):
        path = self.scenario("2s")
        p = subprocess.Popen([EPHEMERA, "--results",
                              os.path.join(self.d, "res"), "bench", path,
                              "--repeat", "5", "--json", self.json],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        try:
            wait_for(lambda: os.path.exists(self.json), timeout=120,
                     what="the first repeat in the file")
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        self.assertEqual(p.returncode, 2, out + err)
        self.assertIn("interrupted", err)
        with open(self.json) as f:
            reps = json.load(f)["scenarios"][0]["repeats"]
        self.assertGreaterEqual(len(reps), 1)
        self.assertLess(len(reps), 5)
        for rep in reps:
            self.assertEqual(rep["metrics"]["completed"], 40)

    def test_noise_runs_twice_and_suggests_tolerances(self):
        """A/A: the same runs twice, compared; a tolerance suggested for
        every gated statistical metric, never below 5%."""
        r = self.bench(self.scenario(), "--repeat", "2", "--noise",
                       "--json", self.json)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for path in (self.json, self.json + ".second.json"):
            with open(path) as f:
                self.assertEqual(len(json.load(f)["scenarios"][0]
                                     ["repeats"]), 2)
        m = re.search(r"(?m)^suggested tolerances [^:]*:(.*)$", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        got = dict(re.findall(r"--tolerance (\w+):([-+]\d+)%", m.group(1)))
        self.assertEqual(set(got), {"completed_per_s", "connect_p99_ms",
                                    "greeting_p99_ms", "login_p99_ms",
                                    "session_p50_ms", "session_p90_ms",
                                    "session_p99_ms"})
        self.assertTrue(all(abs(int(v)) >= 5 for v in got.values()), got)
        self.assertTrue(got["completed_per_s"].startswith("-"))
        # The A/A comparison's table is printed too.
        self.assertRegex(r.stdout, r"(?m)^steady\s+session_p99_ms\s")

    def test_base_and_head_take_turns(self):
        """--head-bindir: base 1, head 1, base 2, head 2, each side into
        its own file; the head's fake-imapd (a wrapper that answers every
        command 200 ms late) is the one its repeats ran."""
        head = slowed_bindir(self.d, "200ms")
        head_json = os.path.join(self.d, "head.json")
        r = self.bench(self.scenario(), "--repeat", "2", "--json", self.json,
                       "--head-bindir", head, "--head-json", head_json)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        order = re.findall(r"(?m)^bench steady (base|head) (\d)/2: held",
                           r.stdout)
        self.assertEqual(order, [("base", "1"), ("head", "1"),
                                 ("base", "2"), ("head", "2")], r.stdout)
        for path, slow in ((self.json, False), (head_json, True)):
            with open(path) as f:
                [s] = json.load(f)["scenarios"]
            self.assertEqual(len(s["repeats"]), 2, path)
            for rep in s["repeats"]:
                m = rep["metrics"]
                self.assertEqual(m["completed"], 20, path)
                # LOGIN waits 200 ms at the head's server only.
                self.assertEqual(m["login_p99_ms"] >= 200, slow, path)
        self.assertIn("json: " + head_json, r.stdout)

    def test_bad_input(self):
        path = self.scenario()
        for args, why in (([path], "expected --json FILE"),
                          ([path, "--json", self.json, "--repeat", "0"],
                           "--repeat"),
                          ([path, "--json", self.json, "--bogus"],
                           "--bogus: unknown option"),
                          (["--json", self.json], "SCENARIO.ini"),
                          ([os.path.join(self.d, "none.ini"), "--json",
                            self.json], "none.ini"),
                          ([path, "--json", self.json, "--head-bindir",
                            self.d], "--head-bindir and --head-json go "
                           "together"),
                          ([path, "--json", self.json, "--head-json",
                            self.json + ".h"], "--head-bindir and "
                           "--head-json go together"),
                          ([path, "--json", self.json, "--head-bindir",
                            os.path.join(self.d, "nowhere"), "--head-json",
                            self.json + ".h"], "nowhere: not a folder"),
                          ([path, "--json", self.json, "--head-bindir",
                            self.d, "--head-json", self.json],
                           "the same file as --json"),
                          ([path, "--json", self.json, "--noise",
                            "--head-bindir", self.d, "--head-json",
                            self.json + ".h"], "--noise and --head-bindir")):
            r = self.bench(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(why, r.stderr, args)
            self.assertFalse(os.path.exists(self.json), args)


if __name__ == "__main__":
    unittest.main()
