"""e2e_topology.py: [topology]: simulated client hosts, a server host and
a NAT gateway inside the run's namespace, each loadgen a shard, merged.
The shipped topology scenarios' verdicts, per-host and merged files,
addresses only from 198.18.0.0/15, and nothing left behind after a run,
SIGINT, SIGTERM or SIGKILL of the lab."""
import glob
import ipaddress
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest

from harness import (EPHEMERA, SOURCE_ROOT, read_csv, run, run_as_nobody,
                     userns_for_nobody, wait_for)
from leftovers import left_behind, run_namespaces, session
from terminal import run_on_terminal

BENCH = ipaddress.ip_network("198.18.0.0/15")
SHIPPED = ["clients-multiply", "nat-pool-exhausted", "nat-pool-holds",
           "server-holds-time-wait"]

# Two clients behind a gateway, long enough to be interrupted.
LONG = """[scenario]
description = two clients behind a NAT gateway, to be interrupted
[system]
port_range = 20000-29999
[load]
rate = 20
duration = %s
timeout = 2s
[topology]
clients = 2
nat_ports = 40000-40099
"""


def test_links():
    """Links of the test's own namespace (the run never adds one)."""
    out = subprocess.run(["ip", "-o", "link"], capture_output=True,
                         text=True, check=True).stdout
    return sorted(line.split(":")[1].strip() for line in out.splitlines())


def named_netns():
    return subprocess.run(["ip", "netns", "list"], capture_output=True,
                          text=True, check=True).stdout


def comm(pid):
    try:
        with open("/proc/%s/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def inside(pid, *argv):
    """argv run in the network namespace of process pid."""
    return subprocess.run(["nsenter", "-t", str(pid), "-n"] + list(argv),
                          capture_output=True, text=True, check=True).stdout


def total(rows, column):
    return sum(int(r[column]) for r in rows)


class Shipped(unittest.TestCase):
    """The shipped topology scenarios, run once."""

    @classmethod
    def setUpClass(cls):
        cls.results = tempfile.mkdtemp(prefix="ephemera-topo-")
        paths = [os.path.join(SOURCE_ROOT, "scenarios", n + ".ini")
                 for n in SHIPPED]
        cls.r = run([EPHEMERA, "--results", cls.results, "run"] + paths,
                    timeout=300)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.results, True)

    def run_dir(self, name):
        return os.path.join(self.results, name, "latest")

    def test_every_verdict_holds(self):
        self.assertEqual(self.r.returncode, 0, self.r.stdout + self.r.stderr)
        for name in SHIPPED:
            row = [line for line in self.r.stdout.splitlines()
                   if line.startswith(name + " ")]
            self.assertEqual(len(row), 1, self.r.stdout)
            self.assertTrue(row[0].endswith(" held"), row[0])

    def test_merged_counts_are_the_hosts_sums(self):
        d = self.run_dir("clients-multiply")
        merged = read_csv(os.path.join(d, "summary.csv"))[0]
        hosts = [read_csv(os.path.join(d, "hosts", "client%d" % c,
                                       "summary.csv"))[0]
                 for c in (1, 2, 3)]
        for column in ("scheduled", "started", "completed", "failed",
                       "eaddrnotavail", "time_wait_end"):
            self.assertEqual(int(merged[column]), total(hosts, column),
                             column)
        # Each client has its whole range: 100 sessions, then
        # EADDRNOTAVAIL, and its 100 ports in TIME_WAIT.
        for h in hosts:
            self.assertEqual(int(h["completed"]), 100)
            self.assertEqual(int(h["time_wait_end"]), 100)
            self.assertEqual(h["first_failure_class"], "eaddrnotavail")
        # The merged rows add up to the merged summary.
        rows = read_csv(os.path.join(d, "loadgen.csv"))
        self.assertEqual(total(rows, "completed"), int(merged["completed"]))
        shards = read_csv(os.path.join(d, "shards.csv"))
        self.assertEqual([s["host"] for s in shards],
                         ["client1", "client2", "client3"])
        self.assertEqual([s["short"] for s in shards], ["0", "0", "0"])
        # hosts.csv and the report's table: a line a host, then all.
        hosts_csv = read_csv(os.path.join(d, "hosts.csv"))
        self.assertEqual([h["host"] for h in hosts_csv],
                         ["server", "client1", "client2", "client3"])
        self.assertEqual([int(h["completed"]) for h in hosts_csv],
                         [0, 100, 100, 100])
        with open(os.path.join(d, "report.txt")) as f:
            report = f.read()
        lines = report.split("  hosts:\n")[1].splitlines()
        self.assertEqual([line.split()[0] for line in lines[1:6]],
                         ["server", "client1", "client2", "client3", "all"])
        self.assertEqual(lines[5].split()[5], "300")  # completed
        # A plot per host, against that host's model, beside the run's.
        for c in (1, 2, 3):
            host = os.path.join(d, "hosts", "client%d" % c)
            self.assertGreater(os.path.getsize(os.path.join(host,
                                                            "plot.png")), 0)
            with open(os.path.join(host, "plot.gp")) as f:
                self.assertIn("client%d" % c, f.read())
        # None behind a gateway: its pool is every host's.
        self.assertFalse(os.path.exists(os.path.join(
            self.run_dir("nat-pool-holds"), "hosts", "client1", "plot.png")))

    def test_addresses_only_from_the_benchmark_range(self):
        for name in SHIPPED:
            d = self.run_dir(name)
            for h in read_csv(os.path.join(d, "hosts.csv")):
                self.assertIn(ipaddress.ip_address(h["addr"]), BENCH, name)
            target = read_csv(os.path.join(d, "summary.csv"))[0]["target"]
            self.assertIn(ipaddress.ip_address(target.split(":")[0]),
                          BENCH, name)

    def test_server_holds_every_time_wait(self):
        d = self.run_dir("server-holds-time-wait")
        hosts = {h["host"]: h for h in read_csv(os.path.join(d, "hosts.csv"))}
        self.assertEqual(int(hosts["server"]["time_wait"]), 60)
        self.assertGreater(int(hosts["server"]["tw_overflow"]), 0)
        for c in (1, 2, 3, 4):
            self.assertEqual(int(hosts["client%d" % c]["time_wait"]), 0)
        merged = read_csv(os.path.join(d, "summary.csv"))[0]
        self.assertEqual(int(merged["completed"]), 400)
        self.assertEqual(int(merged["failed"]), 0)

    def test_nat_pool_runs_out_as_timeouts(self):
        d = self.run_dir("nat-pool-exhausted")
        merged = read_csv(os.path.join(d, "summary.csv"))[0]
        self.assertGreater(int(merged["etimedout"]), 0)
        self.assertEqual(int(merged["eaddrnotavail"]), 0)
        self.assertEqual(int(merged["failed"]), int(merged["etimedout"]))
        # About the pool / session time of 5/s over the run, never all 80.
        self.assertLess(int(merged["completed"]), 60)
        holds = read_csv(os.path.join(self.run_dir("nat-pool-holds"),
                                      "summary.csv"))[0]
        self.assertEqual(int(holds["completed"]), 80)
        hosts = [h["host"] for h in read_csv(os.path.join(d, "hosts.csv"))]
        self.assertEqual(hosts, ["server", "nat", "client1", "client2"])


class Unprivileged(unittest.TestCase):
    @unittest.skipUnless(userns_for_nobody(),
                         "not root, or unprivileged user namespaces are off")
    def test_hosts_and_gateway_in_a_user_namespace(self):
        """Not root: the hosts, their links, the gateway's nftables and
        conntrack setting, all inside the run's user namespace."""
        d = tempfile.mkdtemp(prefix="ephemera-topo-userns-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "nat.ini")
        with open(path, "w") as f:
            f.write(LONG % "1s")
        out = run_as_nobody(self, path)
        s = read_csv(os.path.join(out, "summary.csv"))[0]
        self.assertEqual(int(s["completed"]), 20)
        hosts = [h["host"] for h in read_csv(os.path.join(out, "hosts.csv"))]
        self.assertEqual(hosts, ["server", "nat", "client1", "client2"])


class StatusLine(unittest.TestCase):
    def test_counts_every_host(self):
        """On a terminal the status line adds what every client's loadgen
        has counted: 3 x 100 completed, 3 x 100 TIME_WAIT."""
        d = tempfile.mkdtemp(prefix="ephemera-topo-status-")
        self.addCleanup(shutil.rmtree, d, True)
        rc, seen, _ = run_on_terminal(
            [EPHEMERA, "--results", d, "run",
             os.path.join(SOURCE_ROOT, "scenarios", "clients-multiply.ini")],
            timeout=120, stdout=True)
        self.assertEqual(rc, 0, seen)
        counts = re.findall(r"\[1/1\] clients-multiply .*?completed "
                            r"([0-9]+)  failed [0-9]+  TIME_WAIT ([0-9]+)",
                            seen.decode())
        self.assertTrue(counts, seen)
        self.assertIn(("300", "300"), counts)
        self.assertTrue(all(int(c) <= 300 and int(t) <= 300
                            for c, t in counts), counts)


class Shards(unittest.TestCase):
    def test_shards_in_one_namespace_merge_exactly(self):
        d = tempfile.mkdtemp(prefix="ephemera-shards-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "three.ini")
        with open(path, "w") as f:
            f.write("[system]\nport_range = 20000-29999\n[load]\n"
                    "rate = 300\nduration = 1s\n[topology]\nshards = 3\n"
                    "[expect]\noutcome = holds\ncompleted = 300\n")
        r = run([EPHEMERA, "--results", d, "run", path], timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        run_dir = os.path.join(d, "three", "latest")
        shards = [read_csv(os.path.join(run_dir, "shards", "shard%d" % i,
                                        "summary.csv"))[0]
                  for i in (1, 2, 3)]
        self.assertEqual([int(s["completed"]) for s in shards],
                         [100, 100, 100])
        merged = read_csv(os.path.join(run_dir, "summary.csv"))[0]
        self.assertEqual(int(merged["completed"]), 300)
        self.assertFalse(os.path.exists(os.path.join(run_dir, "hosts.csv")))


class BadInput(unittest.TestCase):
    def test_refusals_name_file_line_and_key(self):
        d = tempfile.mkdtemp(prefix="ephemera-topo-bad-")
        self.addCleanup(shutil.rmtree, d, True)
        for text, line, what in (
                ("clients = 0\n", 4, "clients: expected a whole number "
                 "from 1 to 16, got '0'"),
                ("clients = 2\nnat_ports = 9-1\n", 5, "nat_ports: expected"),
                ("nat_ports = 40000-40009\n", 4, "it needs clients = N"),
                ("hosts = 2\n", 4, "unknown key 'hosts' in [topology]")):
            path = os.path.join(d, "bad.ini")
            with open(path, "w") as f:
                f.write("[load]\nrate = 1\n[topology]\n" + text)
            r = run([EPHEMERA, "check", path])
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn("%s:%d: " % (path, line), r.stderr)
            self.assertIn(what, r.stderr)


class Cleanup(unittest.TestCase):
    """Nothing of a run is left: its processes (the hosts' holders
    among them), its namespaces, its links; the test's own namespace
    has the same links and named namespaces as before."""

    def start(self, duration):
        d = tempfile.mkdtemp(prefix="ephemera-topo-int-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "long.ini")
        with open(path, "w") as f:
            f.write(LONG % duration)
        self.links, self.netns = test_links(), named_netns()
        proc = subprocess.Popen([EPHEMERA, "--results", d, "run", path],
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return d, proc

    def while_running(self, d, proc):
        """Once both clients have written two rows: the hosts and their
        namespaces, checked from inside."""
        def rows():
            files = glob.glob(os.path.join(d, "long", "2*", "hosts",
                                           "client*", "interval.csv"))
            counts = []
            for name in files:
                with open(name) as f:
                    counts.append(f.read().count("\n") - 1)
            return len(counts) == 2 and min(counts) >= 2
        wait_for(rows, timeout=60, what="two rows from each client")
        made, inside_now = run_namespaces(proc.pid)
        # The run's namespace, the server, the gateway, two clients.
        self.assertEqual(len(made), 5)
        # Each holder's name carries the run's id: e<pid>-<host>.
        holders = {}
        for p in session(proc.pid):
            m = re.match(r"^e\d+-(\w+)$", comm(p))
            if m:
                holders[m.group(1)] = p
        self.assertEqual(sorted(holders),
                         ["client1", "client2", "nat", "server"])
        for name, pid in holders.items():
            addrs = inside(pid, "ip", "-o", "-4", "addr").split()
            for word in addrs:
                if "/" in word and word[0].isdigit():
                    a = ipaddress.ip_interface(word).ip
                    self.assertTrue(a in BENCH or a.is_loopback, word)
            routes = inside(pid, "ip", "-4", "route")
            self.assertNotIn("default", routes, name)
            for line in routes.splitlines():
                net = ipaddress.ip_network(line.split()[0])
                self.assertTrue(net.subnet_of(BENCH), line)
        return made, inside_now

    def assert_nothing_left(self, proc, made, inside_now):
        wait_for(lambda: left_behind(proc.pid, made, inside_now) == [],
                 timeout=30, what="the run's processes to stop")
        self.assertEqual(test_links(), self.links)
        self.assertEqual(named_netns(), self.netns)

    def interrupt(self, sig):
        d, proc = self.start("60s")
        made, inside_now = self.while_running(d, proc)
        os.killpg(proc.pid, sig) if sig == signal.SIGINT else \
            proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
        if sig == signal.SIGKILL:
            self.assertEqual(proc.returncode, -signal.SIGKILL)
        else:
            self.assertEqual(proc.returncode, 2, out + err)
            self.assertIn("interrupted", out + err)
            # The shards' files, merged: whole rows, a valid summary.
            run_dir = glob.glob(os.path.join(d, "long", "2*"))[0]
            s = read_csv(os.path.join(run_dir, "summary.csv"))
            rows = read_csv(os.path.join(run_dir, "loadgen.csv"))
            self.assertEqual(int(s[0]["started"]), total(rows, "started"))
            self.assertLess(float(s[0]["elapsed_s"]), 30)
        self.assert_nothing_left(proc, made, inside_now)

    def test_normal_run(self):
        d, proc = self.start("3s")
        made, inside_now = self.while_running(d, proc)
        out, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 0, out + err)
        self.assert_nothing_left(proc, made, inside_now)

    def test_sigint(self):
        self.interrupt(signal.SIGINT)

    def test_sigterm(self):
        self.interrupt(signal.SIGTERM)

    def test_sigkill(self):
        self.interrupt(signal.SIGKILL)


if __name__ == "__main__":
    unittest.main()
