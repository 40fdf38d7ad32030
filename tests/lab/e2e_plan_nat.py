"""e2e_plan_nat.py: `ephemera plan`'s Linux NAT against the kernel's own.

A client host and a server host on two bridges of a private namespace,
which routes between them and masquerades the client to a pool of 10
ports (nftables), with conntrack's TIME_WAIT at its 120 s default.

- Short sessions at 100/s fill the pool with mappings in TIME_WAIT after
  the first 10 connections.  A NAT that held them (the cloud presets'
  rule) would fail every connection after those; Linux (6.5 and later)
  lets a new SYN evict one, so every connection completes, and the ones
  whose SYN found nothing to evict wait 1 s for its retransmission.  Their
  share is what `ephemera plan --nat-ports 10` predicts, within the
  binomial spread of the count.
- Sessions of 2 s at 20/s need 40 ports in flight: the plan's capacity is
  10 / 2 s = 5/s, and what completes is at most that.
"""
import json
import math
import os
import select
import shutil
import subprocess
import sys
import tempfile
import unittest

from harness import EPHEMERA, FAKE_IMAPD, LOADGEN, read_csv, run
from histfile import histograms
from hosts import Hosts, enter_private_netns, write_sysctl

POOL = "40000-40009"
POOL_PORTS = 10
CLIENT_PORTS = "20000-39999"
SERVER = "198.18.1.2:1143"
RETRANSMIT_US = 900000      # a connect this slow waited for a SYN again


def masquerade():
    rules = """table ip ephemera_nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr 198.18.0.0/24 oifname "br1" meta l4proto tcp masquerade to :%s
	}
}
""" % POOL
    subprocess.run(["nft", "-f", "-"], input=rules, text=True, check=True)
    write_sysctl("net.ipv4.ip_forward", "1")
    write_sysctl("net.netfilter.nf_conntrack_tcp_timeout_time_wait", "120")


class PlanAgainstKernelNat(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="ephemera-plan-nat-")
        self.addCleanup(shutil.rmtree, self.d, True)
        self.clients = Hosts("br0", "198.18.0.", gateway=True)
        self.addCleanup(self.clients.stop)
        self.servers = Hosts("br1", "198.18.1.", gateway=True)
        self.addCleanup(self.servers.stop)
        masquerade()

    def server(self, *options):
        r, w = os.pipe()
        self.servers.start(2, [FAKE_IMAPD, "--listen", SERVER, "--ready-fd",
                               str(w)] + list(options), pass_fds=(w,),
                           routes=["198.18.0.0/24"],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        os.close(w)
        ready, _, _ = select.select([r], [], [], 10)
        self.assertTrue(ready and os.read(r, 256).startswith(b"ready"))
        os.close(r)

    def loadgen(self, *args):
        """loadgen from the client host: its summary row and histograms."""
        summary = os.path.join(self.d, "summary.csv")
        hist = os.path.join(self.d, "histogram.csv")
        sysctl = "echo %s > /proc/sys/net/ipv4/ip_local_port_range && " \
            % CLIENT_PORTS.replace("-", " ")
        p = self.clients.start(2, ["sh", "-c", sysctl + 'exec "$@"', "sh",
                                   LOADGEN, "--summary-csv", summary,
                                   "--histogram-csv", hist] + list(args) +
                               [SERVER], routes=["198.18.1.0/24"],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        out, err = p.communicate(timeout=120)
        self.assertIn(p.returncode, (0, 1), err)
        return read_csv(summary)[0], histograms(hist)

    def plan(self, *args):
        path = os.path.join(self.d, "plan.json")
        r = run([EPHEMERA, "plan", "--ports", CLIENT_PORTS, "--time-wait",
                 "60", "--nat-ports", str(POOL_PORTS), "--json", path] +
                list(args))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(path) as f:
            return json.load(f)["answer"]

    def test_short_sessions_evict_and_wait_a_retransmission(self):
        self.server()
        n = 3000
        s, h = self.loadgen("--rate", "100", "--count", str(n),
                            "--duration", "60s", "--steps", "login,logout",
                            "--timeout", "10s")
        # Held for 120 s, the pool would have failed all but 10.
        self.assertEqual(int(s["completed"]), n, s)
        self.assertEqual(int(s["failed"]), 0, s)
        connect = h[("total", "connect")]
        slow = sum(c for lo, (hi, c) in connect[3].items()
                   if lo >= RETRANSMIT_US)
        # Little's law wants the mean time a mapping is in flight: the
        # mean session, less the waits of dropped SYNs, which held no
        # mapping.  A busy machine lengthens it, and leaves fewer ports to
        # evict.
        def total_us(hist, slow_only=False):
            return sum((lo + hi) / 2 * c for lo, (hi, c) in hist[3].items()
                       if lo >= RETRANSMIT_US or not slow_only)
        session_s = (total_us(h[("total", "session")]) -
                     total_us(connect, slow_only=True)) / n / 1e6
        nat = self.plan("--rate", "100", "--session-time",
                        "%dus" % round(session_s * 1e6))["nat"]
        self.assertEqual(nat["entries"], POOL_PORTS)
        # The first 10 find free ports; after them, binomial.
        want = nat["syn_drop"] * (n - POOL_PORTS)
        spread = 3 * math.sqrt(want) + 2
        print("kernel NAT, %d ports: %d of %d connects took 1 s more; the "
              "plan says %.1f (p = %.5f, mean session %.1f ms)"
              % (POOL_PORTS, slow, n, want, nat["syn_drop"],
                 session_s * 1000), file=sys.stderr)
        self.assertLessEqual(abs(slow - want), spread,
                             "%d connects took 1 s more; the plan says %.1f"
                             % (slow, want))
        # A dropped SYN costs 1 s, twice 3 s: nothing waited longer.
        self.assertLess(connect[2], 3.5e6)

    def test_long_sessions_are_capped_by_the_pool(self):
        # 2 s sessions (the greeting held back) at 20/s: 40 in flight.
        self.server("--greeting-delay", "2s")
        s, _ = self.loadgen("--rate", "20", "--duration", "10s",
                            "--timeout", "3s")
        answer = self.plan("--rate", "20", "--session-time", "2")
        self.assertEqual(answer["limit"], "nat")
        self.assertAlmostEqual(answer["capacity_per_s"], 5, places=9)
        self.assertGreater(int(s["failed"]), 0, s)
        # What completed went through the pool at most 5/s.
        self.assertLessEqual(int(s["completed"]),
                             answer["capacity_per_s"] *
                             float(s["elapsed_s"]) + POOL_PORTS, s)


if __name__ == "__main__":
    enter_private_netns()
    unittest.main()
