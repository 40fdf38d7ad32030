"""hosts.py: simulated hosts for end-to-end tests, each a network namespace
of its own with one address from 198.18.0.0/24 (RFC 2544's benchmark
range) on a bridge, and nothing routed anywhere else.

Everything lives inside a private network namespace that the test process
enters first (enter_private_netns re-runs the test under `unshare -n`).
Each host is a process started under `unshare -n`, so its namespace, and
the veth pair that links it, exist only as long as the process does: the
kernel removes them when it ends, even after a crash of the test, and no
name is left in /run/netns.
"""
import os
import select
import subprocess
import sys

SUBNET = "198.18.0."
BRIDGE = "br0"


def enter_private_netns():
    """Run this test file again inside a network namespace of its own
    (once); refuses to build hosts in the caller's."""
    if os.environ.get("EPHEMERA_HOSTS_NETNS") == "inside":
        return
    env = dict(os.environ, EPHEMERA_HOSTS_NETNS="inside",
               EPHEMERA_HOSTS_OUTER=str(netns_inode()))
    os.execvpe("unshare", ["unshare", "-n", sys.executable] + sys.argv, env)


def netns_inode():
    return os.stat("/proc/self/ns/net").st_ino


def write_sysctl(name, value):
    """A sysctl ("net.ipv4.ip_forward") of the private namespace, never of
    the one enter_private_netns() left."""
    outer = os.environ.get("EPHEMERA_HOSTS_OUTER")
    if outer is None or int(outer) == netns_inode():
        raise RuntimeError("hosts.py: refusing to set %s outside the "
                           "private namespace" % name)
    with open("/proc/sys/" + name.replace(".", "/"), "w") as f:
        f.write(value)


def ip(*args):
    subprocess.run(["ip"] + list(args), check=True)


class Hosts:
    """A bridge and the hosts on it; stop() ends every host.  With
    gateway, this namespace takes the subnet's .1 on the bridge, and a
    host's routes (start's routes=) go through it: a router between
    bridges, still inside the private namespace."""

    def __init__(self, bridge=BRIDGE, subnet=SUBNET, gateway=False):
        if os.environ.get("EPHEMERA_HOSTS_NETNS") != "inside":
            raise RuntimeError("hosts.py: call enter_private_netns() first")
        # RFC 2544's benchmark range, 198.18.0.0/15, and nothing else.
        if not subnet.startswith(("198.18.", "198.19.")):
            raise ValueError("hosts.py: %s is outside 198.18.0.0/15"
                             % subnet)
        self.bridge, self.subnet, self.gateway = bridge, subnet, gateway
        ip("link", "set", "lo", "up")
        ip("link", "add", bridge, "type", "bridge")
        ip("link", "set", bridge, "up")
        if gateway:
            ip("addr", "add", subnet + "1/24", "dev", bridge)
        self.procs = []

    def start(self, n, argv, env=None, pass_fds=(), routes=(), **popen):
        """Host number n (1-254) at the subnet's .n running argv, once its
        address is up (and its routes, through the gateway).  The host's shell tells us it is in its namespace
        (a line on a pipe), we link and address it, then let it go on."""
        told_r, told_w = os.pipe()
        go_r, go_w = os.pipe()
        script = 'echo in >&%d && read go <&%d && exec "$@"' % (told_w, go_r)
        proc = subprocess.Popen(["unshare", "-n", "sh", "-c", script, "sh"]
                                + list(argv), env=env,
                                pass_fds=(told_w, go_r) + tuple(pass_fds),
                                **popen)
        os.close(told_w)
        os.close(go_r)
        ready, _, _ = select.select([told_r], [], [], 10)
        line = os.read(told_r, 16) if ready else b""
        os.close(told_r)
        if line != b"in\n":
            proc.kill()
            raise RuntimeError("host %d did not start (%r)" % (n, line))
        self.procs.append(proc)
        veth = "%s-h%d" % (self.bridge, n)
        ip("link", "add", veth, "type", "veth", "peer", "name", "eth0",
           "netns", str(proc.pid))
        ip("link", "set", veth, "master", self.bridge, "up")
        inside = ["nsenter", "-t", str(proc.pid), "-n", "ip"]
        steps = [["link", "set", "lo", "up"],
                 ["addr", "add", self.subnet + "%d/24" % n, "dev", "eth0"],
                 ["link", "set", "eth0", "up"]]
        steps += [["route", "add", r, "via", self.subnet + "1"]
                  for r in routes]
        for args in steps:
            subprocess.run(inside + args, check=True)
        os.write(go_w, b"go\n")
        os.close(go_w)
        return proc

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        ip("link", "del", self.bridge)
