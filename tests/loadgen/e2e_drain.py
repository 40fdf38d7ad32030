"""e2e_drain.py: --drain waits, bounded, for the namespace's TIME_WAIT
count to fall below a threshold before the first arrival.

TIME_WAIT proper lasts a fixed 60 s; FIN_WAIT_2 orphans, which the kernel
keeps as the same kind of mini-socket and counts with them, last
tcp_fin_timeout, settable per namespace. So a first run against a server
that never closes leaves 5 of them that expire after 1 s."""
import os
import tempfile
import unittest

from harness import read_csv
from nsrun import run_in_netns
from e2e_sides import NEVER_CLOSES

AFTER = r"""
import os, subprocess, time
def loadgen(*args):
    t = time.monotonic()
    p = subprocess.run([os.environ["LOADGEN"]] + list(args),
                       capture_output=True, text=True, timeout=60)
    return [p.returncode, p.stderr, time.monotonic() - t]
def tw():
    for line in open("/proc/net/sockstat"):
        if line.startswith("TCP:"):
            w = line.split()
            return int(w[w.index("tw") + 1])
result = {"tw_before": tw()}
result["gave_up"] = loadgen("--drain", "1", "--drain-timeout", "200ms",
                            "--count", "1", "--csv", GAVE_UP_CSV,
                            "--summary-csv", GAVE_UP_SUMMARY,
                            "127.0.0.1:1143")
result["drained"] = loadgen("--drain", "1", "--drain-timeout", "20s",
                            "--count", "1", "--summary-csv", SUMMARY,
                            "127.0.0.1:1143")
"""


class Drain(unittest.TestCase):
    def test_waits_until_below_then_runs(self):
        d = tempfile.mkdtemp(prefix="loadgen-drain-")
        summary = os.path.join(d, "s.csv")
        gave_up_csv = os.path.join(d, "gave-up.csv")
        gave_up_summary = os.path.join(d, "gave-up-summary.csv")
        r = run_in_netns(["--rate", "1000", "--count", "5", "--timeout",
                          "200ms", "127.0.0.1:1145"],
                         servers=[["--listen", "127.0.0.1:1143",
                                   "--logout-close", "server"]],
                         sysctls={"net.ipv4.tcp_fin_timeout": "1"},
                         before=NEVER_CLOSES,
                         after="SUMMARY, GAVE_UP_CSV, GAVE_UP_SUMMARY = "
                         "%r, %r, %r\n" % (summary, gave_up_csv,
                                           gave_up_summary) + AFTER)
        self.assertEqual(r["rc"], 0, r["stderr"])
        a = r["after"]
        self.assertEqual(a["tw_before"], 5)
        rc, err, took = a["gave_up"]
        self.assertEqual(rc, 1, err)
        # Gave up at its 200 ms --drain-timeout: the 5 orphans, gone after
        # 1 s, were still there.
        self.assertIn("still not below 1", err)
        # No run: the interval file has its header alone, the summary
        # nothing (CSV.md, "Before the run").
        with open(gave_up_csv) as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith("elapsed_s,"), lines[0])
        self.assertEqual(os.path.getsize(gave_up_summary), 0)
        rc, err, took = a["drained"]
        self.assertEqual(rc, 0, err)
        # Drained (the orphans expired), before its 20 s --drain-timeout.
        self.assertIn("drain: time_wait=0 below 1 after", err)
        s = read_csv(summary)[0]
        self.assertEqual(int(s["completed"]), 1)
        self.assertIn("--drain 1 --drain-timeout 20s", s["options"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
