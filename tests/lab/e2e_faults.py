"""e2e_faults.py: the lab when things go wrong around it: the server
killed mid-run, a results folder it cannot write or that fills up, signals
at random moments (a second one too), an invalid scenario, no right to
make a network namespace.

In every case: a message naming what was wrong, valid CSV (whole rows)
for everything measured, an exit status that says what happened, and
nothing left running: no process of the run, and no process in the
network namespaces it made (each gone with its processes; the mounts of
these tests live in a mount namespace of the test's own, gone with it).
"""
import glob
import os
import random
import select
import signal
import subprocess
import tempfile
import shutil
import unittest

from harness import EPHEMERA, read_csv, wait_for
from leftovers import left_behind, run_namespaces, session

# Long enough to be disturbed in the middle, short enough for a test.
SCENARIO = """[scenario]
description = a run to be disturbed
[system]
port_range = 20000-29999
[load]
rate = 50
duration = %s
timeout = 2s
[expect]
outcome = holds
"""

# The seed of the random moments; another one with EPHEMERA_FAULT_SEED.
SEED = int(os.environ.get("EPHEMERA_FAULT_SEED", "319502"))


class Faults(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="ephemera-faults-")
        self.addCleanup(shutil.rmtree, self.d, True)
        self.results = os.path.join(self.d, "results")
        os.mkdir(self.results)
        self.ini = os.path.join(self.d, "disturbed.ini")
        self.write_scenario("8s")

    def write_scenario(self, duration):
        with open(self.ini, "w") as f:
            f.write(SCENARIO % duration)

    def start(self, prefix=(), shell=None, then='exec "$@"'):
        """ephemera run, in a session of its own; `shell`: a command sh
        runs first, then `then` (by default, ephemera in its place)."""
        argv = [EPHEMERA, "--results", self.results, "run", self.ini]
        if shell is not None:
            argv = list(prefix) + ["sh", "-c", shell + " && " + then,
                                   "sh"] + argv
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        self.addCleanup(lambda: proc.poll() is None and
                        os.killpg(proc.pid, signal.SIGKILL))
        return proc

    def csv_rows(self, root=""):
        """loadgen.csv's rows so far; root: /proc/PID/root, to look
        through the mount namespace of PID."""
        files = glob.glob(root + os.path.join(self.results, "disturbed",
                                              "2*", "loadgen.csv"))
        if not files:
            return 0
        with open(files[0]) as f:
            return max(f.read().count("\n") - 1, 0)

    def run_dir(self):
        dirs = glob.glob(os.path.join(self.results, "disturbed", "2*"))
        if os.path.exists(self.results + ".copy"):
            dirs = glob.glob(os.path.join(self.results + ".copy",
                                          "disturbed", "2*"))
        self.assertEqual(len(dirs), 1, dirs)
        return dirs[0]

    def assert_valid_csv(self, must=True):
        """Every CSV of the run whole-row; summary.csv one row."""
        d = self.run_dir()
        for path in glob.glob(os.path.join(d, "*.csv")):
            if os.path.getsize(path) == 0 and not must:
                continue
            rows = read_csv(path)       # checks every row's width
            if path.endswith("summary.csv"):
                self.assertEqual(len(rows), 1, path)

    def assert_nothing_left(self, proc, made, inside):
        wait_for(lambda: left_behind(proc.pid, made, inside) == [],
                 timeout=30, what="the run's processes to stop")

    def test_server_killed_mid_run(self):
        """loadgen goes on to its duration counting ECONNREFUSED; the row
        shows what it measured, verdict error, and the server named."""
        proc = self.start()
        wait_for(lambda: self.csv_rows() >= 2, what="two CSV rows")
        made, inside = run_namespaces(proc.pid)
        servers = subprocess.run(["pgrep", "-s", str(proc.pid), "-x",
                                  "fake-imapd"], capture_output=True,
                                 text=True).stdout.split()
        self.assertEqual(len(servers), 1)
        os.kill(int(servers[0]), signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 2, out + err)
        self.assertIn("fake-imapd stopped during the run (signal 9", err)
        # The row's errno is the first failure's: ECONNREFUSED, or
        # ECONNRESET when a session was in flight at the kill (more often
        # the slower the build, as under ASan); the refusals that follow
        # are counted in the summary below either way.
        self.assertRegex(out, r" (ECONNREFUSED|ECONNRESET) ")
        self.assertRegex(out, r"\n\S+ .* error\n")
        self.assert_valid_csv()
        s = read_csv(os.path.join(self.run_dir(), "summary.csv"))[0]
        self.assertGreater(int(s["econnrefused"]), 0)
        # To its 8 s (the last interval ends with the last arrival).
        self.assertGreater(float(s["elapsed_s"]), 7.5)
        self.assert_nothing_left(proc, made, inside)

    def test_results_folder_read_only(self):
        proc = self.start(["unshare", "-m"], "mount -t tmpfs -o ro tmpfs %s"
                          % self.results)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 2, out + err)
        self.assertIn(self.results, err)
        self.assertIn("Read-only file system", err)
        self.assertEqual(session(proc.pid), [])

    def test_results_folder_fills_up_mid_run(self):
        """64 KiB: loadgen fills it mid-run, keeps whole rows and its
        summary; the run says so, and what it measured is shown."""
        # The tmpfs is seen in the mount namespace alone: sh copies what
        # it holds out before it ends.
        copy = self.results + ".copy"
        proc = self.start(["unshare", "-m"],
                          "mount -t tmpfs -o size=64k tmpfs " + self.results,
                          '"$@"; rc=$?; cp -a %s %s; exit $rc'
                          % (self.results, copy))
        root = "/proc/%d/root" % proc.pid
        wait_for(lambda: proc.poll() is not None or self.csv_rows(root) >= 1,
                 what="a CSV row")
        made, inside = run_namespaces(proc.pid)
        out, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 2, out + err)
        self.assertIn("No space left on device", err)
        self.assertIn(self.results, err)
        self.assert_valid_csv(must=False)
        self.assert_nothing_left(proc, made, inside)

    def test_signals_at_random_moments(self):
        """SIGINT or SIGTERM at moments drawn from SEED, a second one in
        half the trials: an interrupted run (exit 2, or the signal's own
        death before the run began), a finished one (0), never a hang, a
        broken CSV or anything left running."""
        self.write_scenario("2s")
        rng = random.Random(SEED)
        for trial in range(6):
            sig = rng.choice([signal.SIGINT, signal.SIGTERM])
            first = rng.uniform(0.0, 3.0)
            second = rng.uniform(0.0, 0.3) if trial % 2 else None
            what = "trial %d (seed %d): %s at %.3f s, second %s" % (
                trial, SEED, sig.name, first, second)
            shutil.rmtree(self.results)
            os.mkdir(self.results)
            proc = self.start()
            # The random moment itself is the test's input, not a wait
            # for something to happen.
            select.select([], [], [], first)
            made, inside = run_namespaces(proc.pid)
            if proc.poll() is None:
                os.killpg(proc.pid, sig)
            if second is not None:
                select.select([], [], [], second)
                if proc.poll() is None:
                    os.killpg(proc.pid, sig)
            out, err = proc.communicate(timeout=120)
            self.assertIn(proc.returncode, (0, 2, -sig), what + out + err)
            if proc.returncode == 2:
                self.assertIn("interrupted", out + err, what)
            if glob.glob(os.path.join(self.results, "disturbed", "2*")):
                self.assert_valid_csv(must=False)
            self.assert_nothing_left(proc, made, inside)

    def test_invalid_scenario(self):
        with open(self.ini, "w") as f:
            f.write("[scenario]\ndescription = x\n[load]\nrate = fast\n")
        proc = self.start()
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 2, out + err)
        self.assertIn("disturbed.ini:4: rate:", err)
        self.assertIn("'fast'", err)
        self.assertEqual(os.listdir(self.results), [])

    def test_no_right_to_make_a_namespace(self):
        """In a user namespace of the test's own whose limits allow no
        network or user namespace (user.max_*_namespaces are per user
        namespace: the host's stay as they are)."""
        proc = self.start(["unshare", "-U", "-r"],
                          "echo 0 >/proc/sys/user/max_net_namespaces && "
                          "echo 0 >/proc/sys/user/max_user_namespaces")
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 2, out + err)
        self.assertIn("unshare(CLONE_NEWNET)", err)
        self.assertIn("max_net_namespaces", err)
        with open(os.path.join(self.run_dir(), "error.txt")) as f:
            self.assertIn("unshare(CLONE_NEWNET)", f.read())
        self.assertEqual(session(proc.pid), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
