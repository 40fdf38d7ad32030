/* statistics.c: medians, Mann-Whitney U, a bootstrap interval. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rng.h"
#include "statistics.h"

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of values already sorted. */
static double
sorted_median(const double *s, int n)
{
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double
stat_median(const double *x, int n)
{
	double	s[STAT_MAX_N];

	if (n < 1 || n > STAT_MAX_N)
		fatalx("stat_median: %d values", n);
	memcpy(s, x, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return sorted_median(s, n);
}

/* The pooled values' midranks (ties share the mean of their ranks, from
 * 1), in the pooled order x then y; returns sum(t^3 - t) over the tie
 * groups, for the normal approximation's variance. */
static double
midranks(const double *pool, int n, double *rank)
{
	int	order[2 * STAT_MAX_N], i, j, k, t;
	double	ties = 0;

	for (i = 0; i < n; i++)
		order[i] = i;
	/* Insertion sort of indices: n is small (repeats of a benchmark). */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && pool[order[j - 1]] > pool[order[j]]; j--) {
			k = order[j];
			order[j] = order[j - 1];
			order[j - 1] = k;
		}
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && pool[order[j]] == pool[order[i]]; j++)
			;
		t = j - i;
		for (k = i; k < j; k++)
			rank[order[k]] = (i + 1 + j) / 2.0;
		ties += (double)t * t * t - t;
	}
	return ties;
}

static double
choose(int n, int k)
{
	double	c = 1;
	int	i;

	for (i = 1; i <= k; i++)
		c = c * (n - k + i) / i;
	return c;
}

/*
 * The exact two-sided p-value: of all the ways to pick nx of the pooled
 * ranks, the share whose U lies at least as far from its mean as the one
 * observed.  Walks the combinations in lexicographic order.
 */
static double
exact_p(const double *rank, int n, int nx, double u_obs)
{
	int	pick[2 * STAT_MAX_N], i;
	double	mean = nx * (n - nx) / 2.0, dev = fabs(u_obs - mean);
	double	sum, far = 0, all = 0;

	for (i = 0; i < nx; i++)
		pick[i] = i;
	for (;;) {
		sum = 0;
		for (i = 0; i < nx; i++)
			sum += rank[pick[i]];
		/* 1e-9: midranks are halves, U's deviations exact in double. */
		if (fabs(sum - nx * (nx + 1) / 2.0 - mean) >= dev - 1e-9)
			far++;
		all++;
		for (i = nx - 1; i >= 0 && pick[i] == n - nx + i; i--)
			;
		if (i < 0)
			break;
		pick[i]++;
		for (i++; i < nx; i++)
			pick[i] = pick[i - 1] + 1;
	}
	return far / all;
}

double
stat_mann_whitney(const double *x, int nx, const double *y, int ny,
    double *u)
{
	double	pool[2 * STAT_MAX_N], rank[2 * STAT_MAX_N];
	double	ties, rx = 0, mean, sd, z;
	int	n = nx + ny, i;

	if (nx < 1 || ny < 1 || nx > STAT_MAX_N || ny > STAT_MAX_N)
		fatalx("stat_mann_whitney: samples of %d and %d", nx, ny);
	memcpy(pool, x, (size_t)nx * sizeof(*x));
	memcpy(pool + nx, y, (size_t)ny * sizeof(*y));
	ties = midranks(pool, n, rank);
	for (i = 0; i < nx; i++)
		rx += rank[i];
	*u = rx - nx * (nx + 1) / 2.0;
	if (choose(n, nx) <= STAT_EXACT_SPLITS)
		return exact_p(rank, n, nx, *u);
	mean = nx * (double)ny / 2;
	sd = sqrt(nx * (double)ny / 12 * ((n + 1) - ties / ((double)n *
	    (n - 1))));
	if (sd == 0)
		return 1;	/* every value the same */
	z = (fabs(*u - mean) - 0.5) / sd;
	if (z < 0)
		z = 0;
	return erfc(z / sqrt(2));
}

/* The median of n values drawn with replacement from x. */
static double
resample_median(const double *x, int n, uint64_t *state, double *scratch)
{
	int	i;

	for (i = 0; i < n; i++)
		scratch[i] = x[(int)(rng_unit(state) * n)];
	qsort(scratch, (size_t)n, sizeof(*scratch), cmp_double);
	return sorted_median(scratch, n);
}

static double
relative(double base, double head)
{
	if (base != 0)
		return head / base - 1;
	return head == 0 ? 0 : copysign(INFINITY, head);
}

void
stat_bootstrap_change(const double *x, int nx, const double *y, int ny,
    int resamples, uint64_t seed, double *lo, double *hi)
{
	double	 scratch[STAT_MAX_N], *change;
	uint64_t state = seed;
	int	 i;

	if (nx < 1 || ny < 1 || nx > STAT_MAX_N || ny > STAT_MAX_N ||
	    resamples < 1)
		fatalx("stat_bootstrap_change: samples of %d and %d", nx, ny);
	if ((change = calloc((size_t)resamples, sizeof(*change))) == NULL)
		fatal("calloc");
	for (i = 0; i < resamples; i++)
		change[i] = relative(resample_median(x, nx, &state, scratch),
		    resample_median(y, ny, &state, scratch));
	qsort(change, (size_t)resamples, sizeof(*change), cmp_double);
	/* The 2.5th and 97.5th percentiles, nearest rank. */
	*lo = change[(int)floor(0.025 * (resamples - 1) + 0.5)];
	*hi = change[(int)floor(0.975 * (resamples - 1) + 0.5)];
	free(change);
}
