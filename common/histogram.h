/* histogram.h: a log-linear latency histogram: O(1) record, mergeable,
 * at most 1% relative error (0.4% here) over the whole uint64_t range. */
#ifndef LOADGEN_HISTOGRAM_H
#define LOADGEN_HISTOGRAM_H

#include <stdint.h>

/*
 * Values below 2^HIST_SUB_BITS are kept exactly; above, each power of two
 * [2^k, 2^(k+1)) is cut into 2^(HIST_SUB_BITS-1) equal buckets, so a bucket
 * is at most 1/2^(HIST_SUB_BITS-1) of its lower bound wide and its midpoint
 * is within half that (0.39%) of any value it holds.
 */
#define HIST_SUB_BITS	8
#define HIST_HALF	(1u << (HIST_SUB_BITS - 1))
#define HIST_BUCKETS	((64 - HIST_SUB_BITS + 2) * HIST_HALF)

struct histogram {
	uint64_t	n;
	uint64_t	min;
	uint64_t	max;
	uint64_t	counts[HIST_BUCKETS];
};

void		hist_reset(struct histogram *);
void		hist_record(struct histogram *, uint64_t v);
/* dst += src: the same as having recorded both into dst. */
void		hist_merge(struct histogram *dst, const struct histogram *src);
/* The value at percentile p (0 < p <= 100): the representative of the
 * bucket holding the ceil(p/100 * n)-th smallest value, clamped to
 * [min, max].  0 when empty. */
uint64_t	hist_percentile(const struct histogram *, double p);
/* Several percentiles in one pass; ps[] ascending. */
void		hist_percentiles(const struct histogram *, const double *ps,
		    uint64_t *out, int n);

/* Bucket of a value and the value a bucket stands for (exposed for the
 * unit tests of the error bound). */
unsigned	hist_bucket(uint64_t v);
uint64_t	hist_bucket_value(unsigned b);
/* The smallest and the largest value bucket b holds. */
uint64_t	hist_bucket_lo(unsigned b);
uint64_t	hist_bucket_hi(unsigned b);

#endif
