"""e2e_bind.py: source-side bind modes and several destinations, in a
private network namespace with exact numbers from the kernel's rules:
10 ports give 10 connections per destination, then the bind mode decides
the error (EADDRNOTAVAIL at connect, or EADDRINUSE at bind)."""
import os
import tempfile
import unittest

from harness import read_csv
from nsrun import run_in_netns

SERVER = "127.0.0.1:1143"
SERVER2 = "127.0.0.1:1144"
TEN_PORTS = {"net.ipv4.ip_local_port_range": "20000 20009",
             "net.ipv4.tcp_tw_reuse": "0"}


def server(*listen, close="client"):
    args = []
    for a in listen:
        args += ["--listen", a]
    return args + ["--logout-close", close]


class BindModes(unittest.TestCase):
    def run_loadgen(self, args, targets=(SERVER,), sysctls=TEN_PORTS,
                    listen=(SERVER, SERVER2), after=None):
        d = tempfile.mkdtemp(prefix="loadgen-bind-")
        self.csv = os.path.join(d, "l.csv")
        self.summary = os.path.join(d, "s.csv")
        argv = ["--rate", "1000", "--timeout", "5s", "--csv", self.csv,
                "--summary-csv", self.summary] + list(args)
        argv.append(targets[0])
        for t in targets[1:]:
            argv += ["--target", t]
        r = run_in_netns(argv, servers=[server(*listen)], sysctls=sysctls,
                         after=after)
        self.assertEqual(r["rc"], 0, r["stderr"])
        self.s = read_csv(self.summary)[0]
        self.rows = read_csv(self.csv)
        return r

    def assertCounts(self, started, completed, cls=None, stage=None):
        s = self.s
        self.assertEqual(int(s["started"]), started)
        self.assertEqual(int(s["completed"]), completed)
        self.assertEqual(int(s["failed"]), started - completed)
        if cls is not None:
            self.assertEqual(int(s[cls]), started - completed)
            self.assertEqual(s["first_failure_stage"], stage)
            # Every failure in that stage, by the interval file's counts
            # and by the summary's.
            self.assertEqual(sum(int(r["failed_" + stage])
                                 for r in self.rows), started - completed)
            self.assertEqual(int(s["failed_" + stage]), started - completed)

    def test_none_exhausts_with_eaddrnotavail_at_connect(self):
        self.run_loadgen(["--count", "15"])
        self.assertCounts(15, 10, "eaddrnotavail", "connect")
        self.assertEqual(self.s["first_failure_errno"], "EADDRNOTAVAIL")
        self.assertEqual(self.s["bind"], "none")

    def test_addr_exhausts_with_eaddrinuse_at_bind(self):
        self.run_loadgen(["--count", "15", "--bind", "addr"])
        self.assertCounts(15, 10, "eaddrinuse", "bind")
        self.assertEqual(self.s["first_failure_errno"], "EADDRINUSE")
        self.assertEqual(self.s["first_failure_windows"], "WSAEADDRINUSE")
        self.assertEqual(self.s["first_failure_windows_code"], "10048")

    def test_addr_with_source_address(self):
        self.run_loadgen(["--count", "12", "--bind", "addr",
                          "--source", "127.0.0.1"])
        self.assertCounts(12, 10, "eaddrinuse", "bind")
        self.assertEqual(self.s["sources"], "127.0.0.1")

    def test_addr_two_sources_double_the_ports(self):
        """bind(ip, 0) conflicts only on the same address: two source
        addresses, round-robin, get 10 ports each."""
        self.run_loadgen(["--count", "25", "--bind", "addr",
                          "--source", "127.0.0.1", "--source", "127.0.0.2"])
        self.assertCounts(25, 20, "eaddrinuse", "bind")
        self.assertEqual(self.s["sources"], "127.0.0.1 127.0.0.2")

    def test_ipv6(self):
        """The same rules over IPv6, and sock_diag's IPv6 dump."""
        self.run_loadgen(["--count", "15", "--bind", "range:40000-40009"],
                         targets=("[::1]:1143",), listen=("[::1]:1143",),
                         sysctls={"net.ipv4.tcp_tw_reuse": "0"})
        self.assertCounts(15, 10, "eaddrnotavail", "connect")
        self.assertEqual(int(self.s["time_wait_client_end"]), 10)
        self.assertEqual(int(self.s["time_wait_server_end"]), 0)

    def test_none_reuses_ports_per_destination(self):
        """Two server ports: each 4-tuple is distinct, so the same 10
        local ports carry 10 connections to each."""
        self.run_loadgen(["--count", "25"], targets=(SERVER, SERVER2))
        self.assertCounts(25, 20, "eaddrnotavail", "connect")
        self.assertEqual(self.s["targets"], SERVER + " " + SERVER2)

    def test_none_reuses_ports_per_destination_address(self):
        """Two server addresses on one port: the same 10 local ports carry
        10 connections to each address as well."""
        other = "127.0.0.2:1143"
        self.run_loadgen(["--count", "25"], targets=(SERVER, other),
                         listen=(SERVER, other))
        self.assertCounts(25, 20, "eaddrnotavail", "connect")
        self.assertEqual(self.s["targets"], SERVER + " " + other)
        self.assertEqual(int(self.s["time_wait_client_end"]), 20)

    def test_addr_no_port_reuses_ports_per_destination(self):
        self.run_loadgen(["--count", "25", "--bind", "addr-no-port",
                          "--source", "127.0.0.1"],
                         targets=(SERVER, SERVER2))
        self.assertCounts(25, 20, "eaddrnotavail", "connect")

    def test_addr_shares_one_range_across_destinations(self):
        """bind(ip, 0) picks the port before the destination is known."""
        self.run_loadgen(["--count", "25", "--bind", "addr"],
                         targets=(SERVER, SERVER2))
        self.assertCounts(25, 10, "eaddrinuse", "bind")

    def test_range_limits_ports_without_sysctl(self):
        """Default sysctl range; IP_LOCAL_PORT_RANGE gives 10 ports."""
        after = ("import glob\n"
                 "result = sorted({int(l.split()[1].split(':')[1], 16)\n"
                 "    for l in list(open('/proc/net/tcp'))[1:]\n"
                 "    if l.split()[2].endswith(':0477')})\n")
        r = self.run_loadgen(["--count", "15", "--bind", "range:40000-40009"],
                             sysctls={"net.ipv4.tcp_tw_reuse": "0"},
                             after=after)
        self.assertCounts(15, 10, "eaddrnotavail", "connect")
        self.assertEqual(self.s["ip_local_port_range"], "32768-60999")
        self.assertEqual(r["after"], list(range(40000, 40010)))
        self.assertEqual(self.s["bind"], "range:40000-40009")

    def test_explicit_ports_in_order_then_eaddrinuse(self):
        after = ("result = sorted(int(l.split()[1].split(':')[1], 16)\n"
                 "    for l in list(open('/proc/net/tcp'))[1:]\n"
                 "    if l.split()[2].endswith(':0477'))\n")
        r = self.run_loadgen(["--count", "13", "--bind", "explicit:30000-30009"],
                             sysctls={"net.ipv4.tcp_tw_reuse": "0"},
                             after=after)
        self.assertCounts(13, 10, "eaddrinuse", "bind")
        self.assertEqual(r["after"], list(range(30000, 30010)))

    def test_explicit_reuseaddr_takes_time_wait_ports(self):
        """SO_REUSEADDR on both sockets and timestamps on: a new connection
        takes a TIME_WAIT port at once, even with tcp_tw_reuse=0.

        Three runs of 10 on the 10 ports, each once the last has ended:
        every port the second and third take is in TIME_WAIT, from the run
        before. (In one run of 30, a port comes round again 10 arrivals
        later, 10 ms at 1000/s: on a slow machine its first session is
        still in flight then, not in TIME_WAIT, and the new one fails.)"""
        explicit = "explicit:30000-30009,reuseaddr"
        d = tempfile.mkdtemp(prefix="loadgen-bind-")
        again = ["--rate", "1000", "--timeout", "5s", "--count", "10",
                 "--bind", explicit, SERVER]
        summaries = [os.path.join(d, "again-%d.csv" % i) for i in (1, 2)]
        r = self.run_loadgen(["--count", "10", "--bind", explicit],
                             sysctls={"net.ipv4.tcp_tw_reuse": "0",
                                      "net.ipv4.tcp_timestamps": "1"},
                             after=AGAIN % (summaries, again))
        self.assertCounts(10, 10)
        self.assertEqual(self.s["bind"], explicit)
        self.assertEqual(len(r["after"]), 2)
        for summary, (ports, rc, err) in zip(summaries, r["after"]):
            # The 10 ports were in TIME_WAIT, and the run took them all.
            self.assertEqual(ports, list(range(30000, 30010)))
            self.assertEqual(rc, 0, err)
            s = read_csv(summary)[0]
            self.assertEqual((int(s["started"]), int(s["completed"])),
                             (10, 10))
            self.assertEqual(s["bind"], explicit)


# An `after` script: loadgen again, once per summary file of SUMMARIES,
# with ARGS; each run starts when the one before has exited.  Its result:
# for each run, the local ports then in TIME_WAIT towards port 1143
# (0x477), the exit code and stderr.
AGAIN = r"""
import subprocess
from harness import LOADGEN
SUMMARIES, ARGS = %r, %r
def time_wait_ports():
    return sorted(int(l.split()[1].split(":")[1], 16)
                  for l in list(open("/proc/net/tcp"))[1:]
                  if l.split()[2].endswith(":0477") and l.split()[3] == "06")
result = []
for summary in SUMMARIES:
    ports = time_wait_ports()
    p = subprocess.run([LOADGEN, "--summary-csv", summary] + ARGS,
                       capture_output=True, text=True, timeout=60)
    result.append([ports, p.returncode, p.stderr])
"""


if __name__ == "__main__":
    unittest.main(verbosity=2)
