/* unit_histogram.c: the latency histogram's error bound, merge and
 * percentiles of known distributions. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "csv.h"
#include "histcsv.h"
#include "histogram.h"

static struct histogram	a, b, all;

/* Every value, walked geometrically over the whole range, comes back
 * within 1% (the design gives 1/256). */
START_TEST(relative_error_bound)
{
	uint64_t	v;
	double		worst = 0;

	for (v = 1; v < UINT64_MAX / 2; v = v + v / 97 + 1) {
		uint64_t	r = hist_bucket_value(hist_bucket(v));
		double		e = fabs((double)r - (double)v) / (double)v;

		if (e > worst)
			worst = e;
		ck_assert_uint_lt(hist_bucket(v), HIST_BUCKETS);
	}
	ck_assert_msg(worst <= 1.0 / 256, "worst relative error %g", worst);
	ck_assert_uint_lt(hist_bucket(UINT64_MAX), HIST_BUCKETS);
}
END_TEST

/* Exact below 256, and buckets are contiguous and ordered. */
START_TEST(buckets_monotonic)
{
	uint64_t	v;
	unsigned	prev = 0;

	for (v = 0; v < 256; v++)
		ck_assert_uint_eq(hist_bucket_value(hist_bucket(v)), v);
	for (v = 1; v < (1u << 20); v++) {
		unsigned	bk = hist_bucket(v);

		ck_assert(bk == prev || bk == prev + 1);
		prev = bk;
	}
}
END_TEST

START_TEST(percentiles_uniform)
{
	uint64_t	v;

	hist_reset(&a);
	for (v = 1; v <= 100000; v++)
		hist_record(&a, v);
	ck_assert_uint_eq(a.n, 100000);
	ck_assert_uint_eq(a.min, 1);
	ck_assert_uint_eq(a.max, 100000);
	ck_assert_double_eq_tol((double)hist_percentile(&a, 50), 50000, 200);
	ck_assert_double_eq_tol((double)hist_percentile(&a, 90), 90000, 360);
	ck_assert_double_eq_tol((double)hist_percentile(&a, 99), 99000, 400);
	ck_assert_double_eq_tol((double)hist_percentile(&a, 99.9), 99900, 400);
	ck_assert_uint_eq(hist_percentile(&a, 100), 100000);
}
END_TEST

/* One outlier among many equal values: p99.9 still the common value
 * when the outlier is rarer than 0.1%, max is the outlier exactly. */
START_TEST(percentiles_outlier)
{
	int	i;

	hist_reset(&a);
	for (i = 0; i < 9999; i++)
		hist_record(&a, 1000);
	hist_record(&a, 5000000);
	ck_assert_double_eq_tol((double)hist_percentile(&a, 50), 1000, 4);
	ck_assert_double_eq_tol((double)hist_percentile(&a, 99.9), 1000, 4);
	ck_assert_uint_eq(hist_percentile(&a, 100), 5000000);
	ck_assert_uint_eq(a.max, 5000000);
}
END_TEST

/* Exponential with mean 1000: pN = -1000 ln(1 - N/100). */
START_TEST(percentiles_exponential)
{
	const double	ps[] = { 50, 90, 99, 99.9 };
	uint64_t	out[4];
	int		i;
	unsigned	seed = 7;

	hist_reset(&a);
	for (i = 0; i < 1000000; i++) {
		double	u = (rand_r(&seed) + 1.0) / ((double)RAND_MAX + 2.0);

		hist_record(&a, (uint64_t)llround(-1000.0 * log(u)));
	}
	hist_percentiles(&a, ps, out, 4);
	for (i = 0; i < 4; i++) {
		double	want = -1000.0 * log(1 - ps[i] / 100);

		/* 1% for the histogram plus sampling noise at the tail. */
		ck_assert_msg(fabs((double)out[i] - want) / want < 0.03,
		    "p%g: %llu, expected %g", ps[i],
		    (unsigned long long)out[i], want);
	}
}
END_TEST

START_TEST(merge_equals_record_all)
{
	unsigned	seed = 42;
	int		i;

	hist_reset(&a);
	hist_reset(&b);
	hist_reset(&all);
	for (i = 0; i < 200000; i++) {
		uint64_t	v = (uint64_t)rand_r(&seed) *
				    (uint64_t)(rand_r(&seed) % 1000);

		hist_record(i % 3 == 0 ? &a : &b, v);
		hist_record(&all, v);
	}
	hist_merge(&a, &b);
	ck_assert_mem_eq(&a, &all, sizeof(a));
}
END_TEST

START_TEST(merge_into_empty_and_empty)
{
	hist_reset(&a);
	hist_reset(&b);
	hist_record(&b, 77);
	hist_merge(&a, &b);
	ck_assert_uint_eq(a.min, 77);
	ck_assert_uint_eq(a.max, 77);
	hist_reset(&b);
	hist_merge(&a, &b);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_uint_eq(a.min, 77);
	ck_assert_uint_eq(hist_percentile(&b, 99), 0);
}
END_TEST

/* Bucket bounds tile the values: each bucket starts right after the
 * previous one ends, and every value's bucket holds it. */
START_TEST(bucket_bounds)
{
	unsigned	k;
	uint64_t	v;

	ck_assert_uint_eq(hist_bucket_lo(0), 0);
	for (k = 1; k < HIST_BUCKETS; k++)
		ck_assert_uint_eq(hist_bucket_lo(k), hist_bucket_hi(k - 1) + 1);
	ck_assert_uint_eq(hist_bucket_hi(HIST_BUCKETS - 1), UINT64_MAX);
	for (v = 1; v < 1u << 24; v = v * 3 / 2 + 1) {
		k = hist_bucket(v);
		ck_assert(hist_bucket_lo(k) <= v && v <= hist_bucket_hi(k));
		ck_assert(hist_bucket_lo(k) <= hist_bucket_value(k) &&
		    hist_bucket_value(k) <= hist_bucket_hi(k));
	}
}
END_TEST

/* Write a histogram as layout-1 rows, read it back: the same buckets,
 * n, min, max, and so the same percentiles. */
START_TEST(csv_round_trip)
{
	static struct histogram	h, back;
	static const double	ps[] = { 50, 90, 99, 99.9, 100 };
	struct histcsv_row	r;
	struct csv_writer	w;
	const char		*f[8];
	char			line[256], buf[256];
	uint64_t		pa[5], pb[5];
	unsigned		cursor, i;
	FILE			*fp;
	int			n;

	srandom(11);
	hist_reset(&h);
	for (i = 0; i < 50000; i++)
		hist_record(&h, (uint64_t)(random() % 2000000) + i % 7);
	ck_assert_ptr_nonnull(fp = tmpfile());
	csv_init(&w, fp);
	fputs(HISTCSV_FIRST "\r\n", fp);
	for (cursor = 0; histcsv_next(&h, &cursor, &r);) {
		histcsv_put(&w, "1.000", "session", &r);
		csv_end_row(&w);
	}
	rewind(fp);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	ck_assert_int_eq(histcsv_version(line), HISTCSV_VERSION);
	hist_reset(&back);
	while (fgets(line, sizeof(line), fp) != NULL) {
		n = csv_split(line, buf, sizeof(buf), f, 8);
		ck_assert_int_eq(n, HISTCSV_NCOLS);
		ck_assert_str_eq(f[0], "1.000");
		ck_assert_ptr_null(histcsv_parse(f + 2, &r));
		ck_assert_ptr_null(histcsv_add(&back, &r));
	}
	fclose(fp);
	ck_assert_ptr_null(histcsv_check(&back));
	ck_assert_uint_eq(back.n, h.n);
	ck_assert_uint_eq(back.min, h.min);
	ck_assert_uint_eq(back.max, h.max);
	ck_assert_int_eq(memcmp(back.counts, h.counts, sizeof(h.counts)), 0);
	hist_percentiles(&h, ps, pa, 5);
	hist_percentiles(&back, ps, pb, 5);
	for (i = 0; i < 5; i++)
		ck_assert_uint_eq(pa[i], pb[i]);
}
END_TEST

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t	u = *(const uint64_t *)x, v = *(const uint64_t *)y;

	return (u > v) - (u < v);
}

/* Shards' histograms, each through its CSV rows and back, then added
 * (what ephemera merge does): every percentile within 1/256 of the
 * pooled raw samples' own, the largest exact. */
START_TEST(merged_shards_against_raw_samples)
{
	static struct histogram	 shard[3], back, merged;
	static uint64_t		 raw[3 * 20000];
	static const double	 ps[] = { 50, 90, 99, 99.9, 100 };
	struct histcsv_row	 r;
	uint64_t		 got[5], want;
	unsigned		 cursor;
	size_t			 n = 0, rank;
	int			 k, i;

	srandom(5);
	hist_reset(&merged);
	for (k = 0; k < 3; k++) {
		hist_reset(&shard[k]);
		/* Log-uniform from 1 us to about 1 s, each shard its own. */
		for (i = 0; i < 20000; i++) {
			raw[n] = (uint64_t)exp((double)random() / RAND_MAX *
			    (13.8 + k * 0.1));
			hist_record(&shard[k], raw[n++]);
		}
		hist_reset(&back);
		for (cursor = 0; histcsv_next(&shard[k], &cursor, &r);)
			ck_assert_ptr_null(histcsv_add(&back, &r));
		hist_merge(&merged, &back);
	}
	qsort(raw, n, sizeof(raw[0]), cmp_u64);
	hist_percentiles(&merged, ps, got, 5);
	for (i = 0; i < 5; i++) {
		rank = (size_t)ceil(ps[i] / 100 * (double)n);
		want = raw[rank - 1];
		ck_assert_msg(fabs((double)got[i] - (double)want) <=
		    (double)want / 256, "p%g: %llu, raw %llu", ps[i],
		    (unsigned long long)got[i], (unsigned long long)want);
	}
	ck_assert_uint_eq(got[4], raw[n - 1]);
}
END_TEST

/* Bad rows and layouts are refused with what was expected. */
START_TEST(csv_refuses)
{
	static struct histogram	h;
	struct histcsv_row	r;
	const char		*bad_kind[] = { "bin", "1", "2", "3" };
	const char		*bad_num[] = { "bucket", "-1", "2", "3" };
	const char		*range[] = { "range", "300", "900", "2" };
	const char		*not_bucket[] = { "bucket", "300", "303", "1" };
	const char		*bucket[] = { "bucket", "300", "301", "1" };

	ck_assert_int_eq(histcsv_version(HISTCSV_FIRST), 1);
	ck_assert_int_eq(histcsv_version("# ephemera histogram layout 2: x"),
	    2);
	ck_assert_int_eq(histcsv_version("elapsed_s,latency"), -1);
	ck_assert_ptr_nonnull(histcsv_parse(bad_kind, &r));
	ck_assert_ptr_nonnull(histcsv_parse(bad_num, &r));
	hist_reset(&h);
	ck_assert_ptr_null(histcsv_parse(bucket, &r));
	ck_assert_ptr_nonnull(histcsv_add(&h, &r));	/* no range yet */
	ck_assert_ptr_null(histcsv_parse(range, &r));
	ck_assert_ptr_null(histcsv_add(&h, &r));
	ck_assert_ptr_nonnull(histcsv_add(&h, &r));	/* a second range */
	ck_assert_ptr_null(histcsv_parse(not_bucket, &r));
	ck_assert_ptr_nonnull(histcsv_add(&h, &r));
	ck_assert_ptr_null(histcsv_parse(bucket, &r));
	ck_assert_ptr_null(histcsv_add(&h, &r));
	ck_assert_ptr_nonnull(histcsv_check(&h));	/* 1 of 2 */
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("histogram");
	TCase	*tc = tcase_create("histogram");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, relative_error_bound);
	tcase_add_test(tc, buckets_monotonic);
	tcase_add_test(tc, percentiles_uniform);
	tcase_add_test(tc, percentiles_outlier);
	tcase_add_test(tc, percentiles_exponential);
	tcase_add_test(tc, merge_equals_record_all);
	tcase_add_test(tc, merge_into_empty_and_empty);
	tcase_add_test(tc, bucket_bounds);
	tcase_add_test(tc, csv_round_trip);
	tcase_add_test(tc, csv_refuses);
	tcase_add_test(tc, merged_shards_against_raw_samples);
	suite_add_tcase(s, tc);
	return s;
}
