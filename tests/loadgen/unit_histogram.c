/* unit_histogram.c: the latency histogram's error bound, merge and
 * percentiles of known distributions. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check_main.h"
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
	suite_add_tcase(s, tc);
	return s;
}
