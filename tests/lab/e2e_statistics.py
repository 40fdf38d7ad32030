"""e2e_statistics.py: lab/statistics.c (what `ephemera compare` decides
with) against independent computations: SciPy's Mann-Whitney U (exact for
small samples without ties, asymptotic with its tie and continuity
corrections for large ones), a brute-force permutation count of our own
for small samples with ties, and SciPy's percentile bootstrap for the
interval (a different generator, so within a Monte Carlo tolerance)."""
import itertools
import os
import random
import subprocess
import unittest

import numpy as np
from scipy import stats

PROBE = os.environ["STAT_PROBE"]


def probe(cases):
    text = "".join("%d %d %s %s\n" % (len(x), len(y),
                                       " ".join(map(repr, x)),
                                       " ".join(map(repr, y)))
                   for x, y in cases)
    r = subprocess.run([PROBE], input=text, capture_output=True, text=True,
                       timeout=60, check=True)
    return [tuple(map(float, l.split())) for l in r.stdout.splitlines()]


def brute_force_p(x, y):
    """Every split of the pooled midranks, counted in Python."""
    pooled = list(x) + list(y)
    ranks = stats.rankdata(pooled)
    n, nx = len(pooled), len(x)
    mean = nx * (n - nx) / 2
    u_obs = sum(ranks[:nx]) - nx * (nx + 1) / 2
    far = total = 0
    for pick in itertools.combinations(range(n), nx):
        u = sum(ranks[i] for i in pick) - nx * (nx + 1) / 2
        far += abs(u - mean) >= abs(u_obs - mean) - 1e-9
        total += 1
    return u_obs, far / total


class AgainstScipy(unittest.TestCase):
    rng = random.Random(20261203)

    def sample(self, n, ties):
        if ties:
            return [float(self.rng.randint(0, 6)) for _ in range(n)]
        return [self.rng.gauss(100, 15) for _ in range(n)]

    def test_exact_without_ties(self):
        cases = []
        for _ in range(150):
            nx, ny = self.rng.randint(1, 9), self.rng.randint(1, 9)
            shift = self.rng.choice([0, 0, 10, 30])
            x = self.sample(nx, False)
            cases.append((x, [v + shift for v in self.sample(ny, False)]))
        for (x, y), (u, p, _, _) in zip(cases, probe(cases)):
            ref = stats.mannwhitneyu(x, y, alternative="two-sided",
                                     method="exact")
            self.assertEqual(u, ref.statistic, (x, y))
            self.assertAlmostEqual(p, ref.pvalue, places=12, msg=(x, y))

    def test_exact_with_ties(self):
        cases = [(self.sample(self.rng.randint(1, 7), True),
                  self.sample(self.rng.randint(1, 7), True))
                 for _ in range(100)]
        for (x, y), (u, p, _, _) in zip(cases, probe(cases)):
            ref_u, ref_p = brute_force_p(x, y)
            self.assertEqual(u, ref_u, (x, y))
            self.assertAlmostEqual(p, ref_p, places=12, msg=(x, y))

    def test_asymptotic(self):
        cases = []
        for _ in range(60):
            nx, ny = self.rng.randint(25, 60), self.rng.randint(25, 60)
            ties = self.rng.random() < 0.5
            x = self.sample(nx, ties)
            y = [v + self.rng.choice([0, 1, 5]) for v in
                 self.sample(ny, ties)]
            cases.append((x, y))
        for (x, y), (u, p, _, _) in zip(cases, probe(cases)):
            ref = stats.mannwhitneyu(x, y, alternative="two-sided",
                                     method="asymptotic", use_continuity=True)
            self.assertEqual(u, ref.statistic, (x, y))
            self.assertAlmostEqual(p, ref.pvalue, places=9, msg=(x, y))

    def test_bootstrap_interval(self):
        """The change of medians; SciPy draws other resamples, so the two
        95% intervals agree within a few points of the spread."""
        cases = []
        for _ in range(8):
            x = self.sample(9, False)
            y = [v * self.rng.choice([1.0, 1.1, 1.3]) for v in
                 self.sample(9, False)]
            cases.append((x, y))
        for (x, y), (_, _, lo, hi) in zip(cases, probe(cases)):
            ref = stats.bootstrap(
                (np.array(x), np.array(y)),
                lambda a, b, axis: (np.median(b, axis=axis)
                                    / np.median(a, axis=axis) - 1),
                n_resamples=10000, method="percentile",
                random_state=np.random.default_rng(1), vectorized=True)
            ci = ref.confidence_interval
            width = ci.high - ci.low
            self.assertAlmostEqual(lo, ci.low, delta=0.1 * width + 0.005,
                                   msg=(x, y))
            self.assertAlmostEqual(hi, ci.high, delta=0.1 * width + 0.005,
                                   msg=(x, y))


if __name__ == "__main__":
    unittest.main()
