"""e2e_interrupt.py: an interrupted run stops everything it started and
still leaves valid CSV and a summary."""
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import unittest

from harness import EPHEMERA, FAKE_IMAPD, LOADGEN, read_csv, wait_for
from leftovers import in_namespaces, net_namespaces, session

SCENARIO = """[scenario]
description = a long run, to be interrupted
[system]
port_range = 20000-29999
[load]
rate = 50
duration = 60s
timeout = 2s
[expect]
outcome = holds
"""


class Interrupt(unittest.TestCase):
    def interrupt(self, send, killed=False):
        d = tempfile.mkdtemp(prefix="ephemera-int-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "long.ini")
        with open(path, "w") as f:
            f.write(SCENARIO)
        proc = subprocess.Popen([EPHEMERA, "--results", d, "run", path],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())

        def csv_rows():
            files = glob.glob(os.path.join(d, "long", "2*", "loadgen.csv"))
            if not files:
                return 0
            with open(files[0]) as f:
                return f.read().count("\n") - 1
        # Interrupt once two whole intervals are on disk.
        wait_for(lambda: csv_rows() >= 2, timeout=60, what="two CSV rows")
        runs = net_namespaces(session(proc.pid)) - net_namespaces(["self"])
        inside = in_namespaces(runs)
        send(proc)
        out, err = proc.communicate(timeout=120)
        if killed:
            self.assertEqual(proc.returncode, -signal.SIGKILL)
            # What it started stops by itself (each child asked for a
            # SIGTERM on its parent's death) and takes the run's
            # namespace with it.
            # Well before the run's 60 s would have ended it anyway.
            wait_for(lambda: session(proc.pid) == [], timeout=30,
                     what="the run's processes to stop")
            self.assertEqual(len(runs), 1)
            # Asked of the processes that were in it: once it is gone, the
            # kernel may give its inode number to a namespace another test
            # makes.
            self.assertTrue(inside)
            self.assertEqual(net_namespaces(inside) & runs, set())
        else:
            self.assertEqual(proc.returncode, 2, out + err)
            self.assertIn("interrupted", out + err)
        run_dir = glob.glob(os.path.join(d, "long", "2*"))[0]
        rows = read_csv(os.path.join(run_dir, "loadgen.csv"))
        self.assertGreaterEqual(len(rows), 2)
        s = read_csv(os.path.join(run_dir, "summary.csv"))
        self.assertEqual(len(s), 1)
        self.assertLess(float(s[0]["elapsed_s"]), 30)  # of 60 s
        self.assertEqual(int(s[0]["started"]),
                         sum(int(r["started"]) for r in rows))
        self.assertEqual(int(s[0]["failed"]), 0)
        # Nothing the run started is left behind.
        self.assertEqual(
            subprocess.run(["pgrep", "-s", str(proc.pid)],
                           capture_output=True).stdout, b"")

    def test_sigint_to_the_process_group(self):
        """What ^C on a terminal does."""
        self.interrupt(lambda p: os.killpg(p.pid, signal.SIGINT))

    def test_sigterm_to_ephemera_alone(self):
        self.interrupt(lambda p: p.send_signal(signal.SIGTERM))

    def test_sigkill_to_ephemera_leaves_nothing_running(self):
        """The lab killed outright cannot clean up: its children stop
        themselves, loadgen still writing its summary."""
        self.interrupt(lambda p: p.send_signal(signal.SIGKILL), killed=True)

    def test_before_loadgen_has_its_handlers(self):
        """A signal that reaches loadgen before it has set its handlers
        kills it with SIGTERM: that is the interruption, reported as
        such, not as loadgen failing.  A stand-in loadgen that never sets
        any handler makes the window certain."""
        d = tempfile.mkdtemp(prefix="ephemera-int-")
        self.addCleanup(shutil.rmtree, d, True)
        bindir = os.path.join(d, "bin")
        os.mkdir(bindir)
        os.symlink(FAKE_IMAPD, os.path.join(bindir, "fake-imapd"))
        started = os.path.join(d, "started")
        with open(os.path.join(bindir, "loadgen"), "w") as f:
            f.write('#!/bin/sh\ncase "$1" in --help|--version) exec %s "$1";;'
                    ' esac\n: >%s\nexec sleep 60\n' % (LOADGEN, started))
        os.chmod(os.path.join(bindir, "loadgen"), 0o755)
        path = os.path.join(d, "long.ini")
        with open(path, "w") as f:
            f.write(SCENARIO)
        proc = subprocess.Popen([EPHEMERA, "--results", d, "--bindir",
                                 bindir, "run", path],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_for(lambda: os.path.exists(started), timeout=60,
                 what="the stand-in loadgen")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 2, out + err)
        self.assertIn("interrupted before loadgen had measured anything",
                      err)
        self.assertNotIn("loadgen failed", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
