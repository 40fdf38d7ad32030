"""e2e_rawclient.py: rawclient's open loop (--rate), the reference
bench/run.sh sets beside loadgen's rates: arrivals on time whatever is in
flight, a cap that skips instead of delaying, the lag of each start.

Each case runs in a private network namespace of its own (unshare -n):
this file re-runs itself there with --inside, starts rawserver (or a
server that never greets), runs rawclient and prints its summary.
"""
import os
import re
import socket
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import read_line  # noqa: E402

RAWSERVER = os.environ.get("RAWSERVER", "build/bench/rawserver")
RAWCLIENT = os.environ.get("RAWCLIENT", "build/bench/rawclient")


def summary(out):
    """rawclient's summary line as a dict of its key=value words."""
    line = [l for l in out.splitlines() if l.startswith("rawclient:")][-1]
    return dict(w.split("=", 1) for w in line.split()[1:] if "=" in w)


def inside(server, args):
    """In the namespace: the server, then rawclient; its stdout is ours."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    if server == "raw":
        rfd, wfd = os.pipe()
        srv = subprocess.Popen([RAWSERVER, "--listen", "127.0.0.1:0",
                                "--ready-fd", str(wfd)], pass_fds=(wfd,),
                               stdout=subprocess.DEVNULL)
        os.close(wfd)
        port = read_line(rfd, 10).split(":")[-1].strip()
    else:
        # Accepts (the kernel does, backlog 4096) and never greets.
        srv = None
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(4096)
        port = str(lsock.getsockname()[1])
    try:
        p = subprocess.run([RAWCLIENT] + args + ["127.0.0.1:" + port],
                           capture_output=True, text=True, timeout=30)
        sys.stdout.write(p.stdout)
        sys.stderr.write(p.stderr)
        return p.returncode
    finally:
        if srv is not None:
            srv.kill()
            srv.wait()


def run(server, *args):
    p = subprocess.run(["unshare", "-n", sys.executable, __file__,
                        "--inside", server] + list(args),
                       capture_output=True, text=True, timeout=60)
    return p


class OpenLoop(unittest.TestCase):
    def test_rate_starts_every_arrival_on_time(self):
        p = run("raw", "--rate", "400", "--concurrency", "1000",
                "--duration", "1s")
        self.assertEqual(p.returncode, 0, p.stderr)
        s = summary(p.stdout)
        # Arrivals due in [0, 1 s) at 400/s: exactly 400, none skipped.
        self.assertEqual(int(s["started"]), 400)
        self.assertEqual(int(s["skipped"]), 0)
        self.assertEqual(int(s["failed"]), 0)
        # All but those still in flight at the deadline completed (how
        # many those are depends on the machine's speed).
        self.assertGreater(int(s["sessions"]), 0)
        self.assertLessEqual(int(s["sessions"]), 400)
        # Lags are ordered, and none is longer than the run.
        p50, p99, mx = (float(s[k]) for k in
                        ("lag_p50_ms", "lag_p99_ms", "lag_max_ms"))
        self.assertLessEqual(p50, p99)
        self.assertLessEqual(p99, mx)
        self.assertLess(mx, 1000.0)

    def test_cap_skips_instead_of_delaying(self):
        # The server never greets: the first session holds the only slot
        # for the whole run, and every later arrival is skipped, none
        # started late.
        p = run("silent", "--rate", "200", "--concurrency", "1",
                "--duration", "500ms")
        self.assertEqual(p.returncode, 0, p.stderr)
        s = summary(p.stdout)
        self.assertEqual(int(s["started"]), 1)
        self.assertEqual(int(s["skipped"]), 99)
        self.assertEqual(int(s["sessions"]), 0)

    def test_rate_and_idle_refused(self):
        p = subprocess.run([RAWCLIENT, "--rate", "10", "--idle", "5",
                            "127.0.0.1:1"], capture_output=True, text=True,
                           timeout=10)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--rate and --idle", p.stderr)

    def test_bad_rate_names_the_option(self):
        p = subprocess.run([RAWCLIENT, "--rate", "fast", "127.0.0.1:1"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 2)
        self.assertTrue(re.search(r"--rate: expected .*\"fast\"", p.stderr),
                        p.stderr)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--inside":
        sys.exit(inside(sys.argv[2], sys.argv[3:]))
    unittest.main()
