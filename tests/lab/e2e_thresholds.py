"""e2e_thresholds.py: a scenario's [expect] thresholds, loadgen's own
--threshold expressions: met ones hold, a breached one (a server slowed by
fake-imapd's --command-delay, so the machine's speed cannot decide it) is
NOT HELD with the figure named, and a misspelt column is an error naming
the nearest columns, before any traffic."""
import os
import re
import shutil
import tempfile
import unittest

from harness import EPHEMERA, read_csv, run

SCENARIO = """\
[system]
port_range = 20000-20099

{server}
[load]
rate = 20
duration = 1s
timeout = 5s

[expect]
outcome = holds
thresholds = {thresholds}
"""


class Thresholds(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="ephemera-thresholds-")
        self.addCleanup(shutil.rmtree, self.d, True)

    def ephemera_run(self, thresholds, options=""):
        path = os.path.join(self.d, "gates.ini")
        with open(path, "w") as f:
            f.write(SCENARIO.format(
                thresholds=thresholds,
                server="[server]\noptions = %s\n" % options if options
                else ""))
        return run([EPHEMERA, "--results", os.path.join(self.d, "res"),
                    "run", path], timeout=120)

    def summary(self):
        return read_csv(os.path.join(self.d, "res", "gates", "latest",
                                     "summary.csv"))[0]

    def test_met_thresholds_hold(self):
        r = self.ephemera_run("failed==0, completed>=20, login_p99_ms>=0")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"(?m)^gates .* held$")
        s = self.summary()
        self.assertEqual(int(s["completed"]), 20)
        # loadgen judged them too, on the same fields.
        with open(os.path.join(self.d, "res", "gates", "latest",
                               "loadgen.out")) as f:
            out = f.read()
        self.assertIn("threshold failed==0: 0 met", out)
        self.assertIn("threshold completed>=20: 20 met", out)

    def test_breach_is_not_held_and_named(self):
        """Each command answered 20 ms late: login's p99 is at least
        20 ms on any machine."""
        r = self.ephemera_run("failed==0, login_p99_ms<10",
                              options="--command-delay 20ms")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        s = self.summary()
        self.assertGreaterEqual(float(s["login_p99_ms"]), 20)
        self.assertIn("  why: threshold login_p99_ms<10: %s BREACHED"
                      % s["login_p99_ms"], r.stdout)
        self.assertRegex(r.stdout, r"(?m)^gates .* NOT HELD$")

    def test_misspelt_column_is_an_error_before_traffic(self):
        r = self.ephemera_run("faild==0")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("unknown column 'faild' (nearest: failed)",
                      r.stdout + r.stderr)
        # Nothing ran: loadgen refused before its first connection, and
        # the server's summary at its exit says so.
        with open(os.path.join(self.d, "res", "gates", "latest",
                               "server.out")) as f:
            self.assertRegex(f.read(), r"\baccepted=0\b")

if __name__ == "__main__":
    unittest.main()
