"""e2e_compare.py: `ephemera compare` on bench files written here, with
figures chosen so that each rule decides: a regression is a change beyond
its gate (relative and absolute) and significant (Mann-Whitney U, p <
0.05); exact metrics may not move; different scenarios are refused unless
--force; exit 0, 1, 2, and 3 for a missing baseline; JUnit, Markdown and
JSON reports."""
import json
import os
import re
import shutil
import tempfile
import unittest
import xml.etree.ElementTree as ET

from harness import EPHEMERA, run

EXACT = ("completed", "failed", "eaddrnotavail", "time_wait_end",
         "time_wait_peak")


def doc(series, sha="ab" * 32, name="s1", settings=None):
    """A bench file: series is {metric: [value per repeat]}; the exact
    metrics default to 100 (completed, TIME_WAIT) and 0 (failures)."""
    n = len(next(iter(series.values())))
    repeats = []
    for i in range(n):
        m = {"completed": 100, "failed": 0, "eaddrnotavail": 0,
             "time_wait_end": 100, "time_wait_peak": 100,
             "first_failure_model_s": None}
        m.update({k: v[i] for k, v in series.items()})
        repeats.append({"dir": "/x/%d" % i, "verdict": "held",
                        "metrics": m})
    return {"format": "ephemera-bench", "version": 1,
            "created": "2026-12-03T00:00:00Z", "ephemera": "0.1.0",
            "environment": {"cpus": 2},
            "scenarios": [{"name": name, "path": "/x/%s.ini" % name,
                           "sha256": sha,
                           "settings": settings or {"port_hi": 20999},
                           "predicted": {}, "environment": {},
                           "repeats": repeats}]}


BASE_LAT = [10.0, 10.4, 9.8, 10.2, 10.1]


class Compare(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="ephemera-compare-")
        self.addCleanup(shutil.rmtree, self.d, True)

    def write(self, name, d):
        path = os.path.join(self.d, name)
        with open(path, "w") as f:
            json.dump(d, f)
        return path

    def compare(self, base, head, *args):
        b = base if isinstance(base, str) else self.write("base.json", base)
        h = head if isinstance(head, str) else self.write("head.json", head)
        return run([EPHEMERA, "compare", b, h] + list(args), timeout=60)

    def row(self, stdout, metric):
        """The table row of metric: its cells split on runs of spaces."""
        m = re.search(r"(?m)^s1\s+%s\s+(.*)$" % metric, stdout)
        self.assertIsNotNone(m, stdout)
        return m.group(1)

    def test_identical_runs_pass(self):
        d = doc({"session_p99_ms": BASE_LAT})
        r = self.compare(d, d)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("0 regressions", r.stdout)
        self.assertRegex(self.row(r.stdout, "session_p99_ms"), r"\bok$")

    def test_clear_slowdown_is_a_regression(self):
        """Every head repeat slower than every base one: p = 2/252."""
        head = [v * 3 for v in BASE_LAT]
        r = self.compare(doc({"session_p99_ms": BASE_LAT}),
                         doc({"session_p99_ms": head}),
                         "--junit", os.path.join(self.d, "j.xml"),
                         "--markdown", os.path.join(self.d, "m.md"),
                         "--json", os.path.join(self.d, "c.json"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("regression: s1 session_p99_ms: 10.100 -> 30.300 "
                      "(+200.0%; p 0.0079; gate +50%, 2 ms)", r.stdout)
        self.assertIn("1 regression\n", r.stdout)
        failures = [(tc.get("name"), tc.find("failure").get("message"))
                    for tc in ET.parse(os.path.join(self.d, "j.xml"))
                    .getroot().iter("testcase")
                    if tc.find("failure") is not None]
        self.assertEqual([f[0] for f in failures], ["session_p99_ms"])
        with open(os.path.join(self.d, "m.md")) as f:
            md = f.read()
        self.assertIn("| s1 | session_p99_ms | 10.100 | 30.300 | +200.0% |",
                      md)
        self.assertIn("**REGRESSION**", md)
        with open(os.path.join(self.d, "c.json")) as f:
            c = json.load(f)
        self.assertEqual(c["format"], "ephemera-compare")
        self.assertEqual(c["regressions"], 1)
        row = [x for x in c["rows"] if x["metric"] == "session_p99_ms"][0]
        self.assertEqual(row["verdict"], "REGRESSION")
        self.assertAlmostEqual(row["p"], 2 / 252, places=9)
        self.assertLessEqual(row["ci_low"], 2.0)
        self.assertGreaterEqual(row["ci_high"], 2.0)

    def test_every_regression_is_listed(self):
        r = self.compare(doc({"session_p99_ms": BASE_LAT,
                              "login_p99_ms": BASE_LAT}),
                         doc({"session_p99_ms": [v * 3 for v in BASE_LAT],
                              "login_p99_ms": [v * 4 for v in BASE_LAT],
                              "completed": [99] * 5}))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(sorted(re.findall(r"(?m)^regression: s1 (\S+):",
                                           r.stdout)),
                         ["completed", "login_p99_ms", "session_p99_ms"])

    def test_noise_is_not_a_regression(self):
        """A +60% median from overlapping samples: beyond the gate, but U
        says noise could do it."""
        head = [10.0, 16.3, 9.9, 30.0, 17.0]
        r = self.compare(doc({"session_p99_ms": BASE_LAT}),
                         doc({"session_p99_ms": head}))
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertRegex(self.row(r.stdout, "session_p99_ms"),
                         r"not significant$")

    def test_below_the_floor_is_not_a_regression(self):
        """Triple, and certain, but 1 ms: below the 2 ms floor."""
        base = [0.50, 0.52, 0.49, 0.51, 0.50]
        r = self.compare(doc({"session_p99_ms": base}),
                         doc({"session_p99_ms": [v * 3 for v in base]}))
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertRegex(self.row(r.stdout, "session_p99_ms"), r"\bok$")

    def test_tolerance_tightens_a_gate(self):
        head = [v * 1.3 for v in BASE_LAT]
        base_d, head_d = (doc({"session_p99_ms": BASE_LAT}),
                          doc({"session_p99_ms": head}))
        self.assertEqual(self.compare(base_d, head_d).returncode, 0)
        r = self.compare(base_d, head_d, "--tolerance",
                         "session_p99_ms:+20%")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("gate +20%, 2 ms", r.stdout)

    def test_faster_is_not_a_regression(self):
        r = self.compare(doc({"session_p99_ms": BASE_LAT,
                              "completed_per_s": [50.0] * 5}),
                         doc({"session_p99_ms": [v / 3 for v in BASE_LAT],
                              "completed_per_s": [50.1] * 5}))
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_fewer_sessions_per_second_is_a_regression(self):
        r = self.compare(doc({"completed_per_s": [50.0, 50.1, 49.9, 50.0,
                                                  50.2]}),
                         doc({"completed_per_s": [30.0, 30.1, 29.9, 30.0,
                                                  30.2]}))
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("regression: s1 completed_per_s: 50.000 -> 30.000",
                      r.stdout)

    def test_exact_metrics_may_not_move(self):
        for metric, value in (("completed", 99), ("time_wait_end", 101),
                              ("eaddrnotavail", 1),
                              ("first_failure_model_s", 159.08)):
            r = self.compare(doc({"session_p99_ms": BASE_LAT}),
                             doc({"session_p99_ms": BASE_LAT,
                                  metric: [value] * 5}))
            self.assertEqual(r.returncode, 1, metric + r.stdout)
            self.assertRegex(r.stdout, r"(?m)^regression: s1 %s:" % metric)

    def test_different_scenarios_are_refused(self):
        r = self.compare(doc({"session_p99_ms": BASE_LAT}),
                         doc({"session_p99_ms": BASE_LAT}, sha="cd" * 32,
                             settings={"port_hi": 21999}))
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("scenario s1: its file differs", r.stderr)
        self.assertIn("port_hi 20999 vs 21999", r.stderr)
        self.assertIn("--force", r.stderr)
        r = self.compare(doc({"session_p99_ms": BASE_LAT}),
                         doc({"session_p99_ms": BASE_LAT}, name="s2"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("scenario s2 is not in", r.stderr)
        r = self.compare(doc({"session_p99_ms": BASE_LAT}),
                         doc({"session_p99_ms": BASE_LAT}, sha="cd" * 32),
                         "--force")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_no_baseline_exits_3(self):
        r = self.compare(os.path.join(self.d, "none.json"),
                         doc({"session_p99_ms": BASE_LAT}))
        self.assertEqual(r.returncode, 3)
        self.assertIn("none.json: no such file", r.stderr)

    def test_bad_input_exits_2(self):
        head = self.write("head.json", doc({"session_p99_ms": BASE_LAT}))
        bad = self.write("bad.json", {"format": "other"})
        r = self.compare(bad, head)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not an ephemera bench file", r.stderr)
        path = os.path.join(self.d, "broken.json")
        with open(path, "w") as f:
            f.write('{"format": "ephemera-bench",\n "version": }')
        r = self.compare(path, head)
        self.assertEqual(r.returncode, 2)
        self.assertIn("broken.json:2:", r.stderr)
        newer = doc({"session_p99_ms": BASE_LAT})
        newer["version"] = 2
        r = self.compare(self.write("v2.json", newer), head)
        self.assertEqual(r.returncode, 2)
        self.assertIn("format version 2", r.stderr)
        for tol, why in (("session_p99:+10%", "unknown metric 'session_p99' "
                          "(nearest: session_p99_ms"),
                         ("completed:+1%", "completed is exact"),
                         ("session_p99_ms:+x", "a percentage"),
                         ("session_p99_ms", "METRIC:+N%")):
            r = self.compare(head, head, "--tolerance", tol)
            self.assertEqual(r.returncode, 2, tol)
            self.assertIn(why, r.stderr)
        r = run([EPHEMERA, "compare", head], timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertIn("expected BASE.json HEAD.json", r.stderr)


if __name__ == "__main__":
    unittest.main()
