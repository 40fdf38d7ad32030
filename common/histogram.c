/* histogram.c: log-linear buckets in the spirit of HdrHistogram: exact
 * below 256, then 128 equal buckets per power of two. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "histogram.h"

void
hist_reset(struct histogram *h)
{
	memset(h, 0, sizeof(*h));
}

/*
 * v < 2^SUB: bucket v.  Otherwise with k = floor(log2 v) >= SUB, shift
 * s = k - SUB + 1 leaves v >> s in [HALF, 2*HALF): bucket
 * (s + 1) * HALF + (v >> s) - HALF = s * HALF + (v >> s).
 */
unsigned
hist_bucket(uint64_t v)
{
	unsigned	k, s;

	if (v < (1u << HIST_SUB_BITS))
		return (unsigned)v;
	k = 63 - (unsigned)__builtin_clzll(v);
	s = k - HIST_SUB_BITS + 1;
	return s * HIST_HALF + (unsigned)(v >> s);
}

/* Bucket b >= 2^SUB holds 2^s values from (b - s * HALF) << s. */
static unsigned
bucket_shift(unsigned b)
{
	return b < (1u << HIST_SUB_BITS) ? 0 : b / HIST_HALF - 1;
}

uint64_t
hist_bucket_lo(unsigned b)
{
	unsigned	s = bucket_shift(b);

	return (uint64_t)(b - s * HIST_HALF) << s;
}

uint64_t
hist_bucket_hi(unsigned b)
{
	return hist_bucket_lo(b) + ((1ull << bucket_shift(b)) - 1);
}

/* The midpoint of the bucket's values. */
uint64_t
hist_bucket_value(unsigned b)
{
	return hist_bucket_lo(b) + ((1ull << bucket_shift(b)) - 1) / 2;
}

void
hist_record(struct histogram *h, uint64_t v)
{
	if (h->n == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->n++;
	h->counts[hist_bucket(v)]++;
}

void
hist_merge(struct histogram *dst, const struct histogram *src)
{
	unsigned	i;

	if (src->n == 0)
		return;
	if (dst->n == 0 || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->n += src->n;
	for (i = 0; i < HIST_BUCKETS; i++)
		dst->counts[i] += src->counts[i];
}

static uint64_t
rank_of(const struct histogram *h, double p)
{
	double	r = ceil(p / 100.0 * (double)h->n);

	if (r < 1)
		return 1;
	return r > (double)h->n ? h->n : (uint64_t)r;
}

static uint64_t
clamp(const struct histogram *h, uint64_t v)
{
	if (v < h->min)
		return h->min;
	return v > h->max ? h->max : v;
}

void
hist_percentiles(const struct histogram *h, const double *ps, uint64_t *out,
    int n)
{
	uint64_t	seen = 0;
	unsigned	b = 0;
	int		i;

	for (i = 0; i < n; i++) {
		uint64_t	rank;

		if (h->n == 0) {
			out[i] = 0;
			continue;
		}
		rank = rank_of(h, ps[i]);
		/* The largest value is known exactly. */
		if (rank == h->n) {
			out[i] = h->max;
			continue;
		}
		/* Bucket b was the last one added to `seen`, if any. */
		while (seen < rank)
			seen += h->counts[b++];
		out[i] = clamp(h, hist_bucket_value(b - 1));
	}
}

uint64_t
hist_percentile(const struct histogram *h, double p)
{
	uint64_t	v;

	hist_percentiles(h, &p, &v, 1);
	return v;
}
