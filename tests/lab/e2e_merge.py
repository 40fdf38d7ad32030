"""e2e_merge.py: loadgen shards (--shard I/N, --start-at) run at the same
time against one fake-imapd in a private namespace, then `ephemera merge`:
the merge of N shards at rate R/N counts exactly what one run at rate R
does (interval by interval), its percentiles are those of the pooled
histograms, and bad input (a duplicate shard, another histogram layout, a
missing file, shards of different N) exits 2 naming the file; a shard
that could not keep its rate is flagged."""
import csv
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from harness import EPHEMERA, LOADGEN, SLOW, read_csv, run
from histfile import histograms, ms, percentile, pool
from nsrun import run_in_netns

SERVER = "127.0.0.1:1143"
FILES = ("interval.csv", "summary.csv", "histogram.csv", "meta.txt")
PCTS = (("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9))


def shard_args(d, i, n, at, *args):
    """The README's command line for shard i of n into folder d/sI."""
    out = os.path.join(d, "s%d" % i)
    os.makedirs(out, exist_ok=True)
    a = ["--csv", os.path.join(out, "interval.csv"),
         "--summary-csv", os.path.join(out, "summary.csv"),
         "--histogram-csv", os.path.join(out, "histogram.csv"),
         "--meta", os.path.join(out, "meta.txt")]
    if n > 0:
        a += ["--shard", "%d/%d" % (i, n), "--start-at", at]
    return a + list(args) + [SERVER]


def run_shards(n, *args, server=("--listen", SERVER)):
    """n shards at once (one loadgen each, the same --start-at); returns
    the folder holding s1..sN."""
    d = tempfile.mkdtemp(prefix="ephemera-merge-")
    # Far enough ahead for every shard to have started and waited
    # (valgrind's start-up included).
    at = "%.3f" % (time.time() + 2 * SLOW)
    r = run_in_netns(shard_args(d, 1, n, at, *args), servers=[list(server)],
                     others=[shard_args(d, i, n, at, *args)
                             for i in range(2, n + 1)])
    assert r["rc"] == 0, r["stderr"]
    for rc, err in r["others"]:
        assert rc == 0, err
    with open(os.path.join(d, "start-at"), "w") as f:
        f.write(at)
    return d


def run_single(*args):
    d = tempfile.mkdtemp(prefix="ephemera-single-")
    r = run_in_netns(shard_args(d, 1, 0, None, *args),
                     servers=[["--listen", SERVER]])
    assert r["rc"] == 0, r["stderr"]
    return os.path.join(d, "s1")


def merge(d, n, out="m"):
    dirs = [os.path.join(d, "s%d" % i) for i in range(1, n + 1)]
    return run([EPHEMERA, "merge"] + dirs + ["--out", os.path.join(d, out)])


def read_csv_rows(path):
    with open(path, newline="") as f:
        return len(list(csv.reader(f)))


def scheduled(rows):
    out = [int(r["scheduled"]) for r in rows]
    while out and out[-1] == 0:
        out.pop()
    return out


class Merge(unittest.TestCase):
    def test_const_shards_equal_one_run(self):
        """3 shards of const:300 for 2s, merged = one const:300 run: the
        same columns, the same counts in total and per interval, the same
        options line (without --shard), the offered rate added."""
        d = run_shards(3, "--rate", "300", "--duration", "2s")
        r = merge(d, 3)
        self.assertEqual(r.returncode, 0, r.stderr)
        single = run_single("--rate", "300", "--duration", "2s")
        m = os.path.join(d, "m")
        mi, si = read_csv(m + "/interval.csv"), read_csv(single +
                                                         "/interval.csv")
        ms_, ss = (read_csv(m + "/summary.csv")[0],
                   read_csv(single + "/summary.csv")[0])
        self.assertEqual(list(ms_), list(ss))
        self.assertEqual(list(mi[0]), list(si[0]))
        for k in ("scheduled", "started", "completed", "failed"):
            self.assertEqual(ms_[k], ss[k], k)
        self.assertEqual(int(ms_["scheduled"]), 600)
        self.assertEqual(scheduled(mi), scheduled(si))
        self.assertEqual(scheduled(mi), [300, 300])
        self.assertEqual(sum(int(x["completed"]) for x in mi), 600)
        self.assertEqual(ms_["options"], ss["options"])
        self.assertEqual(float(ms_["rate_offered_per_s"]), 300)
        self.assertEqual(ms_["stop_reason"], "duration")
        # Each shard said its part and its seat.
        for i in (1, 2, 3):
            s = read_csv(os.path.join(d, "s%d" % i, "summary.csv"))[0]
            self.assertEqual(int(s["scheduled"]), 200)
            self.assertEqual(float(s["rate_offered_per_s"]), 100)
            self.assertTrue(s["options"].endswith("--shard %d/3 %s"
                                                  % (i, SERVER)))
            meta = dict(l.strip().split("=", 1) for l in
                        open(os.path.join(d, "s%d" % i, "meta.txt"))
                        if "=" in l)
            self.assertEqual(meta["shard"], "%d/3" % i)
            self.assertEqual(float(meta["offered_per_s"]), 100)
        sh = read_csv(os.path.join(m, "shards.csv"))
        self.assertEqual([x["short"] for x in sh], ["0", "0", "0"])
        self.assertEqual({x["offset_s"] for x in sh}, {"0.000000"})
        # Time zero is --start-at itself, not when a shard woke.
        at = float(open(os.path.join(d, "start-at")).read())
        self.assertEqual({float(x["start_epoch"]) for x in sh}, {at})

    def test_a_last_row_a_few_ms_late_stays_in_its_interval(self):
        """A busy machine stops a shard a few ms after its last boundary:
        its last row (1.000-2.004) is still the second interval; one that
        ends 0.3 s past it is an interval of its own."""
        d = run_shards(2, "--rate", "100", "--duration", "2s")
        path = os.path.join(d, "s1", "interval.csv")
        hist = os.path.join(d, "s1", "histogram.csv")

        def last_row_ends(at):
            with open(path, newline="") as f:
                rows = list(csv.reader(f))
            col = rows[0].index("elapsed_s")
            was, rows[-1][col] = rows[-1][col], at
            with open(path, "w", newline="") as f:
                csv.writer(f).writerows(rows)
            # The histograms of that row carry its end too.
            with open(hist) as f:
                lines = f.read().splitlines(True)
            with open(hist, "w") as f:
                f.writelines(at + l[len(was):] if l.startswith(was + ",")
                             else l for l in lines)
        last_row_ends("2.004")
        r = merge(d, 2, "late")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(scheduled(read_csv(os.path.join(
            d, "late", "interval.csv"))), [100, 100])
        last_row_ends("2.300")
        r = merge(d, 2, "later")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(scheduled(read_csv(os.path.join(
            d, "later", "interval.csv"))), [100, 50, 50])

    def test_count_shards_equal_one_run(self):
        """--count 100 shared by 3 shards (34, 33, 33): the merge
        schedules, starts and completes 100, as one run does."""
        d = run_shards(3, "--rate", "500", "--count", "100")
        self.assertEqual([int(read_csv(os.path.join(d, "s%d" % i,
                                                     "summary.csv"))[0]
                              ["scheduled"]) for i in (1, 2, 3)],
                         [34, 33, 33])
        self.assertEqual(merge(d, 3).returncode, 0)
        single = run_single("--rate", "500", "--count", "100")
        ms_ = read_csv(os.path.join(d, "m", "summary.csv"))[0]
        ss = read_csv(single + "/summary.csv")[0]
        for k in ("scheduled", "started", "completed", "stop_reason"):
            self.assertEqual(ms_[k], ss[k], k)
        self.assertEqual(ms_["completed"], "100")

    def test_percentiles_from_pooled_histogram(self):
        """Poisson shards (seeds of their own): every percentile the merge
        writes, whole run and per interval, is the pooled histogram's,
        exactly; the merged histogram file is the pool."""
        d = run_shards(2, "--schedule", "poisson:400", "--seed", "3",
                       "--duration", "3s",
                       server=("--listen", SERVER, "--command-delay",
                               "1ms+4ms"))
        self.assertEqual(merge(d, 2).returncode, 0)
        m = os.path.join(d, "m")
        shards = [histograms(os.path.join(d, "s%d" % i, "histogram.csv"))
                  for i in (1, 2)]
        merged = histograms(os.path.join(m, "histogram.csv"))
        summary = read_csv(os.path.join(m, "summary.csv"))[0]
        parts = [read_csv(os.path.join(d, "s%d" % i, "summary.csv"))[0]
                 for i in (1, 2)]
        self.assertEqual(int(summary["scheduled"]),
                         sum(int(p["scheduled"]) for p in parts))
        # Independent streams: not the same arrivals twice.
        self.assertNotEqual(shards[0][("total", "lag")],
                            shards[1][("total", "lag")])
        checked = 0
        for lat in ("connect", "session", "lag"):
            pooled = pool([s[("total", lat)] for s in shards])
            self.assertEqual(merged[("total", lat)], pooled)
            for name, p in PCTS:
                self.assertEqual(summary.get("%s_%s_ms" % (lat, name),
                                             ms(percentile(pooled, p))),
                                 ms(percentile(pooled, p)), (lat, name))
                checked += 1
            self.assertEqual(summary["%s_max_ms" % lat], ms(pooled[2]))
        self.assertGreater(checked, 8)
        # Per interval, the shards' rows of the same whole interval
        # pooled (the last rows end when each shard's sessions do).
        rows = read_csv(os.path.join(m, "interval.csv"))
        for row in rows[:2]:
            t = row["elapsed_s"]
            self.assertIn(t, ("1.000", "2.000"))
            pooled = pool([s[(t, "session")] for s in shards])
            self.assertEqual(row["session_p99_ms"],
                             ms(percentile(pooled, 99)))
            self.assertEqual(row["session_p50_ms"],
                             ms(percentile(pooled, 50)))

    def test_short_shard_flagged(self):
        """A shard held to one session at a time by --max-in-flight skips
        arrivals: achieved below 95% of offered, said and marked."""
        d = tempfile.mkdtemp(prefix="ephemera-short-")
        at = "%.3f" % (time.time() + 2 * SLOW)
        r = run_in_netns(
            shard_args(d, 1, 2, at, "--rate", "200", "--duration", "1s"),
            servers=[["--listen", SERVER, "--command-delay", "20ms"]],
            others=[shard_args(d, 2, 2, at, "--rate", "200", "--duration",
                               "1s", "--max-in-flight", "1")])
        self.assertEqual(r["rc"], 0, r["stderr"])
        r = merge(d, 2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("shard 2/2", r.stderr)
        self.assertIn("fell short", r.stderr)
        sh = read_csv(os.path.join(d, "m", "shards.csv"))
        self.assertEqual([x["short"] for x in sh], ["0", "1"])

    def test_unaligned_starts_lose_nothing(self):
        """Shards whose starts are not whole intervals apart: each row goes
        to the merged interval its end falls in, and every count is still
        there once, interval rows and summary alike."""
        d = run_shards(2, "--rate", "200", "--duration", "2s",
                       "--interval", "500ms")
        m = os.path.join(d, "s2", "meta.txt")
        lines = open(m).read().splitlines()
        lines = ["start_epoch=%.6f" % (float(l.split("=")[1]) + 0.3)
                 if l.startswith("start_epoch=") else l for l in lines]
        open(m, "w").write("\n".join(lines) + "\n")
        r = merge(d, 2)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = read_csv(os.path.join(d, "m", "interval.csv"))
        s = read_csv(os.path.join(d, "m", "summary.csv"))[0]
        self.assertEqual(int(s["completed"]), 400)
        self.assertEqual(sum(int(x["completed"]) for x in rows), 400)
        self.assertEqual(sum(int(x["scheduled"]) for x in rows), 400)
        ends = [float(x["elapsed_s"]) for x in rows]
        self.assertEqual(ends, sorted(ends))
        self.assertGreaterEqual(float(s["elapsed_s"]), 2.2)
        h = histograms(os.path.join(d, "m", "histogram.csv"))
        self.assertEqual(h[("total", "session")][0], 400)
        self.assertEqual(sum(v[0] for k, v in h.items()
                             if k[0] != "total" and k[1] == "session"), 400)

    def test_bad_input_exits_2_naming_the_file(self):
        d = run_shards(2, "--rate", "100", "--duration", "1s")
        s1, s2 = os.path.join(d, "s1"), os.path.join(d, "s2")
        out = os.path.join(d, "bad")
        # The same shard twice.
        r = run([EPHEMERA, "merge", s1, s1, "--out", out])
        self.assertEqual(r.returncode, 2)
        self.assertIn("shard 1/2 again", r.stderr)
        self.assertIn(os.path.join(s1, "meta.txt"), r.stderr)
        # A shard missing.
        r = run([EPHEMERA, "merge", s1, "--out", out])
        self.assertEqual(r.returncode, 2)
        self.assertIn("expected 2 folders", r.stderr)
        # Another histogram layout.
        bad = os.path.join(d, "s2v2")
        shutil.copytree(s2, bad)
        h = os.path.join(bad, "histogram.csv")
        with open(h, newline="") as f:
            text = f.read().replace("layout 1:", "layout 2:", 1)
        with open(h, "w", newline="") as f:
            f.write(text)
        r = run([EPHEMERA, "merge", s1, bad, "--out", out])
        self.assertEqual(r.returncode, 2)
        self.assertIn(h, r.stderr)
        self.assertIn("layout 2, expected 1", r.stderr)
        # A bucket that is not one of layout 1.
        bad = os.path.join(d, "s2bucket")
        shutil.copytree(s2, bad)
        h = os.path.join(bad, "histogram.csv")
        with open(h, newline="") as f:
            lines = f.read().split("\r\n")
        i = next(k for k, l in enumerate(lines) if ",bucket," in l)
        f = lines[i].split(",")
        f[4] = str(int(f[4]) + 1)
        lines[i] = ",".join(f)
        with open(h, "w", newline="") as f:
            f.write("\r\n".join(lines))
        r = run([EPHEMERA, "merge", s1, bad, "--out", out])
        self.assertEqual(r.returncode, 2)
        self.assertIn("%s:%d:" % (h, i + 1), r.stderr)
        # A file missing.
        bad = os.path.join(d, "s2nometa")
        shutil.copytree(s2, bad)
        os.remove(os.path.join(bad, "meta.txt"))
        r = run([EPHEMERA, "merge", s1, bad, "--out", out])
        self.assertEqual(r.returncode, 2)
        self.assertIn(os.path.join(bad, "meta.txt"), r.stderr)
        # Shards of another N.
        bad = os.path.join(d, "s2of3")
        shutil.copytree(s2, bad)
        m = os.path.join(bad, "meta.txt")
        open(m, "w").write(open(m).read().replace("shard=2/2", "shard=2/3"))
        r = run([EPHEMERA, "merge", s1, bad, "--out", out])
        self.assertEqual(r.returncode, 2)
        self.assertIn(m, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "summary.csv")))

    def test_signal_while_waiting_to_start(self):
        """SIGTERM during --start-at: exit 1, no arrival, the CSV holds
        its header only."""
        d = tempfile.mkdtemp(prefix="ephemera-startat-")
        out = os.path.join(d, "interval.csv")
        p = subprocess.Popen([LOADGEN, "--debug", "--csv", out,
                              "--start-at", "%.3f" % (time.time() + 600),
                              SERVER], stderr=subprocess.PIPE, text=True)
        try:
            for line in p.stderr:
                if "start-at: waiting" in line:
                    break
            p.send_signal(signal.SIGTERM)
            err = p.stderr.read()
            self.assertEqual(p.wait(timeout=30), 1)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.assertIn("during --start-at: not starting", err)
        self.assertEqual(read_csv_rows(out), 1)

    def test_loadgen_refuses_bad_shard_options(self):
        for args, what in (
                (["--shard", "0/2"], "--shard"),
                (["--shard", "3/2"], "--shard"),
                (["--shard", "1/3", "--count", "2"], "--count"),
                (["--start-at", "%.3f" % (time.time() - 30)], "--start-at"),
                (["--start-at", "%.3f" % (time.time() + 7200)],
                 "--start-at"),
                (["--shard", "1/2", "--mailboxes", "5", "--cache-ttl", "0"],
                 "--shard")):
            r = run([LOADGEN] + args + [SERVER])
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(what, r.stderr, args)


if __name__ == "__main__":
    unittest.main()
