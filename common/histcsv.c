/* histcsv.c: histograms as rows of bucket counts and back, exactly: the
 * bucket scheme is histogram.c's, so a bucket's bounds name its index. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "histcsv.h"
#include "histogram.h"

const char *const histcsv_columns[HISTCSV_NCOLS] = {
	"elapsed_s", "latency", "row", "lo_us", "hi_us", "count",
};

int
histcsv_next(const struct histogram *h, unsigned *cursor,
    struct histcsv_row *r)
{
	unsigned	b;

	if (h->n == 0)
		return 0;
	if (*cursor == 0) {
		r->kind = HISTCSV_RANGE;
		r->lo = h->min;
		r->hi = h->max;
		r->count = h->n;
		*cursor = 1;
		return 1;
	}
	/* Cursor c > 0 stands for bucket c - 1 next. */
	for (b = *cursor - 1; b < HIST_BUCKETS; b++)
		if (h->counts[b] != 0) {
			r->kind = HISTCSV_BUCKET;
			r->lo = hist_bucket_lo(b);
			r->hi = hist_bucket_hi(b);
			r->count = h->counts[b];
			*cursor = b + 2;
			return 1;
		}
	*cursor = HIST_BUCKETS + 1;
	return 0;
}

void
histcsv_put(struct csv_writer *w, const char *when, const char *latency,
    const struct histcsv_row *r)
{
	csv_str(w, when);
	csv_str(w, latency);
	csv_str(w, r->kind == HISTCSV_RANGE ? "range" : "bucket");
	csv_u64(w, r->lo);
	csv_u64(w, r->hi);
	csv_u64(w, r->count);
}

int
histcsv_version(const char *line)
{
	size_t	len = strlen(HISTCSV_PREFIX);
	char	*end;
	long	v;

	if (strncmp(line, HISTCSV_PREFIX, len) != 0)
		return -1;
	v = strtol(line + len, &end, 10);
	if (end == line + len || *end != ':' || v < 0 || v > 1000000)
		return -1;
	return (int)v;
}

/* A whole decimal number that fits. */
static int
u64_field(const char *s, uint64_t *v)
{
	char			*end;
	unsigned long long	 x;

	if (*s < '0' || *s > '9')
		return -1;
	x = strtoull(s, &end, 10);
	if (*end != '\0')
		return -1;
	*v = x;
	return 0;
}

const char *
histcsv_parse(const char *const *f, struct histcsv_row *r)
{
	if (strcmp(f[0], "range") == 0)
		r->kind = HISTCSV_RANGE;
	else if (strcmp(f[0], "bucket") == 0)
		r->kind = HISTCSV_BUCKET;
	else
		return "row 'range' or 'bucket'";
	if (u64_field(f[1], &r->lo) == -1 || u64_field(f[2], &r->hi) == -1 ||
	    u64_field(f[3], &r->count) == -1)
		return "whole numbers in lo_us, hi_us and count";
	if (r->lo > r->hi)
		return "lo_us <= hi_us";
	return NULL;
}

const char *
histcsv_add(struct histogram *h, const struct histcsv_row *r)
{
	unsigned	b;

	if (r->kind == HISTCSV_RANGE) {
		if (h->n != 0 || r->count == 0)
			return "one range row, before the buckets, with a "
			    "count above 0";
		h->n = r->count;
		h->min = r->lo;
		h->max = r->hi;
		return NULL;
	}
	b = hist_bucket(r->lo);
	if (h->n == 0)
		return "the range row before the buckets";
	if (hist_bucket_lo(b) != r->lo || hist_bucket_hi(b) != r->hi)
		return "the bounds of one bucket of layout 1";
	if (r->count == 0 || r->lo > h->max || r->hi < h->min)
		return "a count above 0, in a bucket within the range";
	h->counts[b] += r->count;
	return NULL;
}

const char *
histcsv_check(const struct histogram *h)
{
	uint64_t	sum = 0;
	unsigned	b;

	for (b = 0; b < HIST_BUCKETS; b++)
		sum += h->counts[b];
	return sum == h->n ? NULL : "bucket counts adding up to the range's";
}
