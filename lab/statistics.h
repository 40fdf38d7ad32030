/* statistics.h: what `ephemera compare` decides with: medians, the
 * Mann-Whitney U test and a bootstrap confidence interval of the change,
 * small enough to read and checked against SciPy's (tests/lab). */
#ifndef EPHEMERA_STATISTICS_H
#define EPHEMERA_STATISTICS_H

#include <stdint.h>

/* At most this many values per sample. */
#define STAT_MAX_N	1000

/* The median of x[0..n-1], n >= 1 (the mean of the middle two for even
 * n); x is left as it was. */
double	stat_median(const double *x, int n);

/*
 * The Mann-Whitney U test, two-sided: U of x against y (ties count one
 * half), and its p-value under "both samples come from one distribution".
 * Exact (every split of the pooled midranks into n1 and n2, so ties are
 * handled exactly too) while there are at most STAT_EXACT_SPLITS splits;
 * otherwise the normal approximation with the tie correction and a
 * continuity correction of 1/2 (as SciPy's method="asymptotic").
 * nx, ny >= 1.
 */
#define STAT_EXACT_SPLITS	200000
double	stat_mann_whitney(const double *x, int nx, const double *y, int ny,
	    double *u);

/*
 * A percentile bootstrap 95% interval for the relative change of the
 * medians, median(y) / median(x) - 1: `resamples` resamples of each,
 * drawn with a generator seeded by `seed` (the same interval every time).
 * A base median of 0 gives an interval of 0 when the head's is 0 too,
 * else infinities of the head's sign.
 */
void	stat_bootstrap_change(const double *x, int nx, const double *y,
	    int ny, int resamples, uint64_t seed, double *lo, double *hi);

#endif
