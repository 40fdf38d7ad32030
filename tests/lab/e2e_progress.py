"""e2e_progress.py: ephemera's status line while it runs. On a terminal:
one line redrawn in place that names scenario k of n, lab and model
seconds, what loadgen.csv has counted so far and the time left, erased
before each table row. Off a terminal: none of it, and the table is the
same."""
import os
import re
import shutil
import tempfile
import unittest

from harness import EPHEMERA, SOURCE_ROOT, run
from terminal import run_on_terminal

SCENARIOS = [os.path.join(SOURCE_ROOT, "scenarios", n + ".ini")
             for n in ("kb319502-quick", "rst-close")]


def table(out):
    """The table's rows (scenario name first), whatever the run's folders."""
    return [l.split()[0] + " " + l.split()[-1] for l in out.splitlines()
            if l and not l.startswith(" ")]


class StatusLine(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="ephemera-progress-")
        self.addCleanup(shutil.rmtree, self.d, True)

    def test_on_a_terminal(self):
        rc, seen, out = run_on_terminal(
            [EPHEMERA, "--results", self.d, "run"] + SCENARIOS,
            timeout=120, stdout=True)
        self.assertEqual(rc, 0, seen)
        text = seen.decode()
        # Redrawn in place, for each scenario in turn, and erased.
        first = text.index("\r\x1b[K[1/2] kb319502-quick")
        second = text.index("\r\x1b[K[2/2] rst-close")
        self.assertLess(first, second)
        self.assertTrue(text.endswith("\r\x1b[K"), repr(text[-200:]))
        # kb319502-quick: 2 s of lab time at scale 1, so model = lab.
        self.assertRegex(text, r"\[1/2\] kb319502-quick  lab [0-9.]+/2\.0 s"
                         r"  model [0-9]+/2 s  completed [0-9]+  failed "
                         r"[0-9]+  TIME_WAIT [0-9]+  left [0-9]+:[0-9]{2} "
                         r"\(all [0-9]+:[0-9]{2}\)")
        # What loadgen.csv counted: its 100 ports, then failures only.
        counts = re.findall(r"\[1/2\] kb319502-quick .*?completed ([0-9]+)"
                            r"  failed ([0-9]+)  TIME_WAIT ([0-9]+)", text)
        self.assertTrue(counts, text)
        done = [c for c in counts if int(c[0]) == 100]
        self.assertTrue(done, counts)
        self.assertTrue(all(int(c[0]) <= 100 for c in counts), counts)
        self.assertTrue(all(int(c[2]) <= 100 for c in counts), counts)
        # The last scenario has no "(all ...)": nothing comes after it.
        self.assertNotRegex(text, r"\[2/2\][^\r]*\(all ")
        # The table went to stdout whole, without a status line in it.
        self.assertNotIn(b"\r", out)
        self.assertEqual(table(out.decode()),
                         ["scenario verdict", "kb319502-quick held",
                          "rst-close held"])

    def test_nothing_when_not_a_terminal(self):
        r = run([EPHEMERA, "--results", self.d, "run"] + SCENARIOS,
                timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for stream in (r.stdout, r.stderr):
            self.assertNotIn("\x1b[K", stream)
            self.assertNotIn("[1/2]", stream)
            self.assertNotIn("\r", stream)
        self.assertEqual(table(r.stdout), ["scenario verdict",
                                           "kb319502-quick held",
                                           "rst-close held"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
