"""e2e_kubernetes.py: deploy/kubernetes without a cluster.

- job.yaml parses and says what an Indexed Job of loadgen shards needs.
- entrypoint.sh, run as Kubernetes would run it in each pod (its
  JOB_COMPLETION_INDEX set), in N simulated client hosts against one
  server host, gives shard folders whose `ephemera merge` equals one run
  at N times the rate: the same counts exactly, and percentiles equal to
  those of the pooled histograms.
- entrypoint.sh refuses what would make a wrong shard, naming it.
"""
import os
import select
import shutil
import subprocess
import tempfile
import time
import unittest

import yaml

from harness import (EPHEMERA, FAKE_IMAPD, LOADGEN, SOURCE_ROOT, read_csv,
                     run)
from histfile import histograms, ms, percentile, pool
from hosts import SUBNET, Hosts, enter_private_netns

DEPLOY = os.path.join(SOURCE_ROOT, "deploy", "kubernetes")
ENTRYPOINT = os.path.join(DEPLOY, "entrypoint.sh")
N = 3
RATE = 150                  # the whole run's, per second
SERVER = SUBNET + "1:1143"


def job():
    with open(os.path.join(DEPLOY, "job.yaml")) as f:
        return yaml.safe_load(f)


def env_of(container):
    return {e["name"]: e.get("value") for e in container["env"]}


class Manifest(unittest.TestCase):
    def test_an_indexed_job_of_shards(self):
        j = job()
        self.assertEqual((j["apiVersion"], j["kind"]), ("batch/v1", "Job"))
        spec = j["spec"]
        self.assertEqual(spec["completionMode"], "Indexed")
        self.assertEqual(spec["parallelism"], spec["completions"])
        self.assertEqual(spec["backoffLimit"], 0)
        pod = spec["template"]["spec"]
        self.assertEqual(pod["restartPolicy"], "Never")
        (c,) = pod["containers"]
        env = env_of(c)
        self.assertEqual(int(env["SHARDS"]), spec["completions"])
        self.assertEqual(env["START_AT"], "@START_AT@")
        for name in ("TARGET", "SCHEDULE", "DURATION", "RESULTS"):
            self.assertTrue(env.get(name), name)
        mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
        self.assertEqual(mounts["results"], env["RESULTS"])
        self.assertIn("results", [v["name"] for v in pod["volumes"]])

    def test_the_image_runs_the_entrypoint(self):
        with open(os.path.join(DEPLOY, "Containerfile")) as f:
            text = f.read()
        self.assertIn("FROM debian:12", text)
        self.assertIn("./setup.sh", text)
        self.assertIn('ENTRYPOINT ["/opt/ephemera/deploy/kubernetes/'
                      'entrypoint.sh"]', text)


class Fleet(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="ephemera-k8s-")
        self.addCleanup(shutil.rmtree, self.d, True)
        self.hosts = Hosts()
        self.addCleanup(self.hosts.stop)
        r, w = os.pipe()
        self.hosts.start(1, [FAKE_IMAPD, "--listen", SERVER, "--ready-fd",
                             str(w)], pass_fds=(w,),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        ready, _, _ = select.select([r], [], [], 10)
        self.assertTrue(ready and os.read(r, 256).startswith(b"ready"))
        os.close(r)

    def pod(self, index, start_at, results):
        """A client host running the entrypoint as pod `index` would."""
        env = dict(os.environ, JOB_COMPLETION_INDEX=str(index),
                   SHARDS=str(N), TARGET=SERVER,
                   SCHEDULE="const:%d" % RATE, DURATION="2s",
                   START_AT="%.3f" % start_at, SEED="7", RESULTS=results,
                   LOADGEN=LOADGEN)
        return self.hosts.start(11 + index, [ENTRYPOINT], env=env,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def test_shards_on_simulated_hosts_merge_into_one_run(self):
        results = os.path.join(self.d, "results")
        start_at = time.time() + 3       # every pod started well before
        pods = [self.pod(i, start_at, results) for i in range(N)]
        for p in pods:
            out, err = p.communicate(timeout=60)
            self.assertEqual(p.returncode, 0, err)
        self.assertEqual(sorted(os.listdir(results)),
                         ["shard-%d" % i for i in range(1, N + 1)])
        # Each shard ran from its own host.
        metas = []
        for i in range(1, N + 1):
            with open(os.path.join(results, "shard-%d" % i,
                                   "meta.txt")) as f:
                metas.append(f.read())
            self.assertIn("shard=%d/%d" % (i, N), metas[-1])

        # One run at the whole rate, from one more host.
        one = os.path.join(self.d, "one")
        os.mkdir(one)
        p = self.hosts.start(20, [
            LOADGEN, "--schedule", "const:%d" % RATE, "--seed", "7",
            "--duration", "2s", "--csv", os.path.join(one, "interval.csv"),
            "--summary-csv", os.path.join(one, "summary.csv"),
            "--histogram-csv", os.path.join(one, "histogram.csv"), SERVER],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err)

        merged = os.path.join(self.d, "merged")
        r = run([EPHEMERA, "merge"] + [os.path.join(results, "shard-%d" % i)
                                       for i in range(1, N + 1)]
                + ["--out", merged])
        self.assertEqual(r.returncode, 0, r.stderr)
        m = read_csv(os.path.join(merged, "summary.csv"))[0]
        o = read_csv(os.path.join(one, "summary.csv"))[0]
        for col in ("scheduled", "started", "completed", "failed"):
            self.assertEqual(m[col], o[col], col)
        self.assertEqual(int(m["completed"]), 2 * RATE)
        self.assertEqual(int(m["failed"]), 0)
        # Percentiles: the pooled histogram's, never an average.
        shards = [histograms(os.path.join(results, "shard-%d" % i,
                                          "histogram.csv"))
                  for i in range(1, N + 1)]
        pooled = pool([s[("total", "session")] for s in shards])
        self.assertEqual(pooled[0], 2 * RATE)
        for p_, name in ((50, "p50"), (99, "p99")):
            self.assertEqual(m["session_%s_ms" % name],
                             ms(percentile(pooled, p_)))

    def test_entrypoint_refuses_a_wrong_shard(self):
        base = dict(os.environ, SHARDS="3", TARGET=SERVER,
                    SCHEDULE="const:10", START_AT="1", LOADGEN=LOADGEN,
                    RESULTS=self.d)
        for change, want in (
                ({"JOB_COMPLETION_INDEX": "3"},
                 "JOB_COMPLETION_INDEX 3: expected below SHARDS (3)"),
                ({"JOB_COMPLETION_INDEX": "x"},
                 "JOB_COMPLETION_INDEX: expected a whole number, got 'x'"),
                ({"JOB_COMPLETION_INDEX": "0", "START_AT": "@START_AT@"},
                 "START_AT: still @START_AT@")):
            env = dict(base, **change)
            p = subprocess.run([ENTRYPOINT], env=env, capture_output=True,
                               text=True, timeout=30)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(want, p.stderr)
        env = dict(base)
        env.pop("JOB_COMPLETION_INDEX", None)
        p = subprocess.run([ENTRYPOINT], env=env, capture_output=True,
                           text=True, timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("JOB_COMPLETION_INDEX", p.stderr)


if __name__ == "__main__":
    enter_private_netns()
    unittest.main(verbosity=2)
