"""e2e_threshold.py: --threshold EXPR, gates on summary columns: a line
per gate with the value the summary CSV has, exit 4 on a breach (distinct
from 1, could not run, and 2, bad input), and a misspelt column refused
before any traffic, with the nearest names."""
import os
import re
import subprocess
import tempfile
import unittest

from harness import FakeImapd, LOADGEN, read_csv
from nsrun import run_in_netns

SERVER = "127.0.0.1:1143"
TEN_PORTS = {"net.ipv4.ip_local_port_range": "20000 20009",
             "net.ipv4.tcp_tw_reuse": "0"}
LINE = re.compile(r"^threshold (\S+): (\S+(?: value)?) (met|BREACHED.*)$",
                  re.M)


def summary_path():
    return os.path.join(tempfile.mkdtemp(prefix="loadgen-threshold-"),
                        "s.csv")


def gates(stdout):
    """{expression: (value as printed, verdict)}"""
    return {m.group(1): (m.group(2), m.group(3))
            for m in LINE.finditer(stdout)}


class Thresholds(unittest.TestCase):
    def run_against(self, srv_args, *args):
        summary = summary_path()
        with FakeImapd(*srv_args) as srv:
            r = subprocess.run([LOADGEN, "--rate", "50", "--count", "20",
                                "--duration", "30s", "--summary-csv",
                                summary] + list(args)
                               + ["%s:%d" % srv.addr],
                               capture_output=True, text=True, timeout=60)
        return r, summary

    def test_all_met_exits_0_with_the_csv_values(self):
        r, summary = self.run_against((), "--threshold", "failed==0",
                                      "--threshold", "completed >= 20",
                                      "--threshold", "started!=0")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = read_csv(summary)[0]
        g = gates(r.stdout)
        self.assertEqual(g, {"failed==0": (s["failed"], "met"),
                             "completed>=20": (s["completed"], "met"),
                             "started!=0": (s["started"], "met")})

    def test_injected_slowness_breaches_a_latency_gate(self):
        """Every command answered 20 ms late: login's p99 is at least
        20 ms however fast the machine, so <10 is breached and >=20 met."""
        r, summary = self.run_against(("--command-delay", "20ms"),
                                      "--threshold", "login_p99_ms<10",
                                      "--threshold", "login_p99_ms>=20")
        self.assertEqual(r.returncode, 4, r.stderr)
        s = read_csv(summary)[0]
        self.assertGreaterEqual(float(s["login_p99_ms"]), 20)
        g = gates(r.stdout)
        self.assertEqual(g["login_p99_ms<10"], (s["login_p99_ms"],
                                                "BREACHED"))
        self.assertEqual(g["login_p99_ms>=20"], (s["login_p99_ms"], "met"))

    def test_an_empty_field_is_no_value_and_breached(self):
        """No failure: first_failure_s is empty, which shows nothing."""
        r, _ = self.run_against((), "--threshold", "first_failure_s<100")
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("threshold first_failure_s<100: no value BREACHED "
                      "(no value)", r.stdout)

    def test_qa_expecting_the_bug(self):
        """10 ports, 20 connections: eaddrnotavail>0 is met, failed==0
        breached; with --stop-on-failure and only the met gate the run
        keeps exit 3, stopped by what QA looks for."""
        r = run_in_netns(["--rate", "1000", "--count", "20", "--duration",
                          "30s", "--threshold", "eaddrnotavail>0",
                          "--threshold", "failed==0", SERVER],
                         servers=[["--listen", SERVER]], sysctls=TEN_PORTS)
        self.assertEqual(r["rc"], 4, r["stderr"])
        g = gates(r["stdout"])
        self.assertEqual(g["eaddrnotavail>0"], ("10", "met"))
        self.assertEqual(g["failed==0"], ("10", "BREACHED"))
        r = run_in_netns(["--rate", "1000", "--duration", "30s",
                          "--stop-on-failure", "--threshold",
                          "eaddrnotavail>0", SERVER],
                         servers=[["--listen", SERVER]], sysctls=TEN_PORTS)
        self.assertEqual(r["rc"], 3, r["stderr"])
        self.assertEqual(gates(r["stdout"])["eaddrnotavail>0"],
                         ("1", "met"))

    def test_unknown_column_refused_before_any_traffic(self):
        with FakeImapd() as srv:
            r = subprocess.run([LOADGEN, "--rate", "50", "--count", "5",
                                "--threshold", "faild==0",
                                "%s:%d" % srv.addr],
                               capture_output=True, text=True, timeout=60)
            _, out, _ = srv.stop()
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip().splitlines(),
                         ["loadgen: --threshold faild==0: unknown column "
                          "'faild' (nearest: failed) (loadgen "
                          "--list-columns lists the summary's)"])
        self.assertEqual(r.stdout, "")
        # The server never saw a connection.
        self.assertRegex(out, r"\baccepted=0\b")

    def test_bad_expressions_name_the_option(self):
        for expr, hint in (("failed=0", "=="), ("failed", "operator"),
                           ("failed<x", "number")):
            r = subprocess.run([LOADGEN, "--threshold", expr, SERVER],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 2, expr)
            self.assertTrue(r.stderr.startswith("loadgen: --threshold: "),
                            r.stderr)
            self.assertIn(hint, r.stderr)
            self.assertIn("'%s'" % expr, r.stderr)


if __name__ == "__main__":
    unittest.main()
