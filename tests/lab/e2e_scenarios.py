"""e2e_scenarios.py: every shipped scenario, run as `ephemera run` with no
argument runs them, must meet its own expectation: the article's failure at
ports / rate, each fix holding, Linux's capacity from both sides. Also the
results folder of each run: CSV, summary, environment, plot."""
import glob
import os
import shutil
import tempfile
import unittest
import xml.etree.ElementTree as ET

from harness import EPHEMERA, SOURCE_ROOT, read_csv, run


class ShippedScenarios(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.results = tempfile.mkdtemp(prefix="ephemera-all-")
        cls.names = sorted(os.path.basename(p)[:-4] for p in
                           glob.glob(os.path.join(SOURCE_ROOT, "scenarios", "*.ini")))
        cls.r = run([EPHEMERA, "--results", cls.results, "--scenarios",
                     os.path.join(SOURCE_ROOT, "scenarios"), "run"], timeout=900)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.results, True)

    def test_every_expectation_held(self):
        self.assertGreaterEqual(len(self.names), 8)
        self.assertEqual(self.r.returncode, 0, self.r.stdout + self.r.stderr)
        rows = [l for l in self.r.stdout.splitlines()
                if l.split() and l.split()[0] in self.names]
        self.assertEqual(len(rows), len(self.names), self.r.stdout)
        for row in rows:
            self.assertTrue(row.endswith(" held"), row)

    def test_each_run_leaves_its_files(self):
        for name in self.names:
            d = os.path.join(self.results, name, "latest")
            with open(os.path.join(d, "scenario.ini")) as f:
                ini = f.read()
            dovecot = "kind = dovecot" in ini
            command = "kind = command" in ini
            files = ["scenario.ini", "env.txt", "loadgen.csv", "summary.csv",
                     "report.txt", "server.log" if dovecot else "server.out",
                     "plot.gp"]
            for f in files:
                self.assertTrue(os.path.getsize(os.path.join(d, f)) > 0, (name, f))
            read_csv(os.path.join(d, "loadgen.csv"))
            summary = read_csv(os.path.join(d, "summary.csv"))[0]
            if dovecot:
                # Dovecot logged every login loadgen completed.
                with open(os.path.join(d, "server.log")) as f:
                    logins = f.read().count("imap-login: Info: Login: user=<user>")
            elif command:
                # No server counters: the report says so.  The shipped
                # command is fake-imapd, whose exit line counts sessions.
                self.assertFalse(os.path.exists(os.path.join(d, "server.csv")))
                with open(os.path.join(d, "report.txt")) as f:
                    self.assertIn("no server counters", f.read(), name)
                with open(os.path.join(d, "server.out")) as f:
                    out = f.read()
                logins = int(out.split("accepted=")[1].split()[0])
            else:
                server = read_csv(os.path.join(d, "server.csv"))
                logins = sum(int(r["accepted"]) for r in server)
            self.assertGreaterEqual(logins, int(summary["completed"]), name)
            self.assertEqual(len(read_csv(os.path.join(d, "summary.csv"))), 1)
            with open(os.path.join(d, "plot.png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", name)
            root = ET.parse(os.path.join(d, "plot.svg")).getroot()
            self.assertTrue(root.tag.endswith("svg"), name)

    def test_every_run_records_its_environment(self):
        for name in self.names:
            with open(os.path.join(self.results, name, "latest", "env.txt")) as f:
                env = dict(l.rstrip("\n").split("=", 1) for l in f)
            for key in ("kernel_release", "kernel_version", "loadgen_version",
                        "fake_imapd_version", "libevent_version",
                        "openssl_version", "inih_build_version",
                        "libmnl_build_version", "gnuplot_version"):
                self.assertTrue(env.get(key), (name, key))
            if env["server_kind"] == "dovecot":
                self.assertTrue(env.get("dovecot_version"), name)
            if env["server_kind"] == "command":
                self.assertIn("/fake-imapd --listen 127.0.0.1:1143",
                              env["server_command"])

    def test_ramp_fails_where_its_window_fills(self):
        """ramp:0-200/10s opens N(t) = 10 t^2 connections by t: 100 ports
        are gone at sqrt(10) s, loadgen running the schedule itself."""
        s = read_csv(os.path.join(self.results, "ramp-to-exhaustion",
                                  "latest", "summary.csv"))[0]
        self.assertEqual(s["schedule"], "ramp:0-200/10s")
        self.assertEqual(int(s["completed"]), 100)
        self.assertEqual(s["first_failure_errno"], "EADDRNOTAVAIL")
        # Not before sqrt(10) s (less the 2% allowed), and no
        # later than that plus the run's largest lag: a slow machine starts
        # the arrival late, and its connect() fails as it starts (0.1 s
        # for the two clock readings around that call).
        first = float(s["first_failure_s"])
        self.assertGreaterEqual(first, 0.98 * 10 ** 0.5)
        self.assertLessEqual(first, 1.02 * 10 ** 0.5
                             + float(s["lag_max_ms"]) / 1000 + 0.1)

    def test_article_fails_at_ports_over_rate(self):
        """3977 ports / 25 connections/s = 159.08 s of model time (scale 10)."""
        s = read_csv(os.path.join(self.results, "kb319502-win2000", "latest",
                                  "summary.csv"))[0]
        # connect() walks an even count of an odd range: 3977 or 3976.
        self.assertIn(int(s["completed"]), (3976, 3977))
        self.assertEqual(s["first_failure_errno"], "EADDRNOTAVAIL")
        # Not before that (less the 5% allowed), and later by at most
        # the run's largest lag (run seconds; 0.1 s as above).
        first = float(s["first_failure_s"])
        self.assertGreaterEqual(first * 10, 0.95 * 3977 / 25)
        self.assertLessEqual(first, 1.05 * 3977 / 25 / 10
                             + float(s["lag_max_ms"]) / 1000 + 0.1)
        with open(os.path.join(self.results, "kb319502-win2000", "latest",
                               "env.txt")) as f:
            env = f.read()
        self.assertIn("net/ipv4/ip_local_port_range=1024-5000\n", env)
        self.assertIn("net/ipv4/tcp_tw_reuse=1\n", env)
        self.assertIn("net/ipv4/tcp_tw_reuse_delay=24000\n", env)


if __name__ == "__main__":
    unittest.main(verbosity=2)
