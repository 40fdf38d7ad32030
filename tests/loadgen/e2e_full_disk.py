"""e2e_full_disk.py: loadgen writing to a file system that fills up
mid-run (a 16 KiB tmpfs, in a mount namespace of the test's own, so no
mount outlives it): the interval CSV keeps whole rows and takes no more,
the message names the option and the file, the run goes on to its end,
the summary and latency files (whose room was set aside at the start) are
whole, the summary line is on stdout, and the exit status is 1."""
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from harness import FAKE_IMAPD, LOADGEN

# Run in the new mount and network namespaces: the tmpfs, lo, fake-imapd,
# loadgen, then the files copied out before the namespace (and its mount)
# goes away.
INSIDE = r"""
set -eu
mnt=$1 out=$2
mount -t tmpfs -o size=16k ephemera-test "$mnt"
ip link set lo up
mkfifo "$out/ready"
"$FAKE_IMAPD" --listen 127.0.0.1:1143 --ready-fd 3 3>"$out/ready" \
    >/dev/null 2>&1 &
srv=$!
# Its readiness line, read from the pipe: an event, not a wait (bounded).
timeout 30 sh -c 'read -r line <"$1"' sh "$out/ready"
rc=0
"$LOADGEN" --rate 200 --duration 3s --interval 20ms --csv "$mnt/l.csv" \
    --summary-csv "$mnt/s.csv" --latency-csv "$mnt/lat.csv" \
    127.0.0.1:1143 >"$out/stdout" 2>"$out/stderr" || rc=$?
echo $rc >"$out/rc"
cp "$mnt"/*.csv "$out/"
kill $srv
"""


def rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


class FullDisk(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="loadgen-full-")
        self.addCleanup(shutil.rmtree, self.d, True)
        self.mnt = os.path.join(self.d, "mnt")
        self.out = os.path.join(self.d, "out")
        os.mkdir(self.mnt)
        os.mkdir(self.out)

    def test_full_disk_keeps_whole_rows_and_the_summary(self):
        env = dict(os.environ, FAKE_IMAPD=os.path.abspath(FAKE_IMAPD),
                   LOADGEN=os.path.abspath(LOADGEN))
        p = subprocess.run(["unshare", "-m", "-n", "--propagation",
                            "private", "sh", "-c", INSIDE, "sh", self.mnt,
                            self.out], env=env, capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        # The mount lived and died with the namespace.
        with open("/proc/self/mountinfo") as f:
            self.assertNotIn(self.mnt, f.read())
        with open(os.path.join(self.out, "rc")) as f:
            self.assertEqual(f.read().strip(), "1")
        with open(os.path.join(self.out, "stderr")) as f:
            err = f.read()
        self.assertIn("--csv %s/l.csv: No space left on device: no more "
                      "rows go to it" % self.mnt, err)
        # The run went on to its end: 600 arrivals, all completed, and
        # the summary line says so.
        with open(os.path.join(self.out, "stdout")) as f:
            out = f.read()
        self.assertRegex(out, r"^loadgen: .* started=600 completed=600 ")
        # Whole rows only, in every file.
        interval = rows(os.path.join(self.out, "l.csv"))
        self.assertGreater(len(interval), 1)
        self.assertEqual({len(r) for r in interval}, {len(interval[0])})
        with open(os.path.join(self.out, "l.csv"), "rb") as f:
            self.assertTrue(f.read().endswith(b"\r\n"))
        # Far fewer rows than the run had (150): the disk was full.
        self.assertLess(len(interval), 100)
        summary = rows(os.path.join(self.out, "s.csv"))
        self.assertEqual(len(summary), 2)
        self.assertEqual(len(summary[0]), len(summary[1]))
        s = dict(zip(*summary))
        self.assertEqual((s["started"], s["completed"]), ("600", "600"))
        latency = rows(os.path.join(self.out, "lat.csv"))
        self.assertEqual(len(latency), 9)
        self.assertEqual({len(r) for r in latency}, {len(latency[0])})


if __name__ == "__main__":
    unittest.main()
