/* unit_arrivals.c: the schedule parser and the arrival-time generator:
 * counts per window, Poisson mean and variance, ramp and steps integrals. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "arrivals.h"
#include "cdefs.h"
#include "check_main.h"

static struct arrival_spec	spec;

/* Arrivals of the spec due in [from, to) microseconds. */
static uint64_t
count_window(const struct arrival_spec *sp, uint64_t seed, uint64_t from,
    uint64_t to)
{
	struct arrivals	a;
	uint64_t	n = 0;

	arrivals_init(&a, sp, seed);
	while (a.due_us < to) {
		if (a.due_us >= from)
			n++;
		arrivals_next(&a);
	}
	return n;
}

/* Mean and variance of counts[0..n-1]. */
static void
mean_variance(const uint64_t *counts, int n, double *mean, double *var)
{
	double	sum = 0, sq = 0;
	int	w;

	for (w = 0; w < n; w++) {
		sum += (double)counts[w];
		sq += (double)counts[w] * (double)counts[w];
	}
	*mean = sum / n;
	*var = sq / n - *mean * *mean;
}

START_TEST(parse_accepts)
{
	char	buf[ARRIVAL_SPEC_STRLEN];

	ck_assert_ptr_null(arrival_parse("200", &spec));
	ck_assert_int_eq(spec.shape, SHAPE_CONST);
	ck_assert_double_eq(spec.rate, 200);
	ck_assert_int_eq(spec.poisson, 0);
	ck_assert_ptr_null(arrival_parse("const:2k", &spec));
	ck_assert_double_eq(spec.rate, 2000);
	ck_assert_ptr_null(arrival_parse("poisson:200", &spec));
	ck_assert_int_eq(spec.poisson, 1);
	ck_assert_int_eq(spec.shape, SHAPE_CONST);
	ck_assert_ptr_null(arrival_parse("ramp:50-2000/60s", &spec));
	ck_assert_int_eq(spec.shape, SHAPE_RAMP);
	ck_assert_double_eq(spec.from, 50);
	ck_assert_double_eq(spec.to, 2000);
	ck_assert_uint_eq(spec.ramp_us, 60000000);
	ck_assert_ptr_null(arrival_parse("poisson:ramp:0-1k/500ms", &spec));
	ck_assert_int_eq(spec.poisson, 1);
	ck_assert_double_eq(spec.from, 0);
	ck_assert_ptr_null(arrival_parse("steps:100/10s,0/1s,200/10s", &spec));
	ck_assert_int_eq(spec.nsteps, 3);
	ck_assert_double_eq(spec.step_rate[1], 0);
	ck_assert_uint_eq(spec.step_us[2], 10000000);
	arrival_format(&spec, buf, sizeof(buf));
	ck_assert_str_eq(buf, "steps:100/10s,0/1s,200/10s");
	ck_assert_ptr_null(arrival_parse("poisson:ramp:50-2000/60s", &spec));
	arrival_format(&spec, buf, sizeof(buf));
	ck_assert_str_eq(buf, "poisson:ramp:50-2000/60s");
}
END_TEST

START_TEST(parse_refuses)
{
	const char	*bad[] = { "", "0", "-5", "const:", "const:x",
	    "poisson:", "ramp:50/60s", "ramp:50-2000", "ramp:50-0/1s",
	    "ramp:50-2000/0s", "steps:", "steps:100", "steps:100/10s,",
	    "steps:100/10s,0/1s", "sine:5", "poisson:poisson:5",
	    "ramp:a-b/1s" };
	size_t		i;

	for (i = 0; i < nitems(bad); i++)
		ck_assert_msg(arrival_parse(bad[i], &spec) != NULL,
		    "'%s' was accepted", bad[i]);
}
END_TEST

/* Evenly spaced: exactly the first cut's i * 1e6 / rate. */
START_TEST(const_exact)
{
	struct arrivals	a;
	uint64_t	i;

	arrival_const(&spec, 200);
	arrivals_init(&a, &spec, 1);
	for (i = 0; i < 1000; i++) {
		ck_assert_uint_eq(a.i, i);
		ck_assert_uint_eq(a.due_us, (uint64_t)((double)i * 1e6 / 200));
		arrivals_next(&a);
	}
	/* 200/s: exactly 200 in every 1 s window. */
	for (i = 0; i < 5; i++)
		ck_assert_uint_eq(count_window(&spec, 1, i * 1000000,
		    (i + 1) * 1000000), 200);
	arrival_const(&spec, 3);
	ck_assert_uint_eq(count_window(&spec, 1, 0, 10000000), 30);
}
END_TEST

/* fuzz-parsers' crash-16aca8a0 ("a.000000000002": the schedule
 * .000000000002): arrival 37 of a const rate of 2e-12/s is due at
 * 1.85e19 us, past uint64_t; the cast was undefined.  Now never due,
 * as every arrival from 1.8e19 us on. */
START_TEST(crash_16aca8a0_const_rate_past_uint64)
{
	struct arrival_spec	sp;
	struct arrivals		a;
	int			i;

	ck_assert_ptr_null(arrival_parse(".000000000002", &sp));
	arrivals_init(&a, &sp, 1);
	ck_assert_uint_eq(a.due_us, 0);
	arrivals_next(&a);
	ck_assert_uint_eq(a.due_us, 500000000000000000ULL);
	for (i = 1; i < 35; i++)
		arrivals_next(&a);
	ck_assert_uint_eq(a.i, 35);
	ck_assert_uint_eq(a.due_us, 17500000000000000000ULL);
	for (i = 0; i < 2; i++) {	/* 36 at the cut-off, 37 the crash */
		arrivals_next(&a);
		ck_assert_uint_eq(a.due_us, UINT64_MAX);
	}
}
END_TEST

/* Counts in 1 s windows of poisson:1000 have mean and variance 1000. */
START_TEST(poisson_mean_variance)
{
	struct arrivals	a;
	double		mean, var;
	uint64_t	counts[400] = { 0 };
	int		nw = 400;

	ck_assert_ptr_null(arrival_parse("poisson:1000", &spec));
	arrivals_init(&a, &spec, 12345);
	while (a.due_us < (uint64_t)nw * 1000000) {
		counts[a.due_us / 1000000]++;
		arrivals_next(&a);
	}
	mean_variance(counts, nw, &mean, &var);
	/* Standard error of the mean: sqrt(1000/400) = 1.6. */
	ck_assert_msg(fabs(mean - 1000) < 8, "mean %g", mean);
	/* Of the variance: about 1000 * sqrt(2/400) = 71. */
	ck_assert_msg(fabs(var - 1000) < 250, "variance %g", var);
}
END_TEST

START_TEST(poisson_deterministic_by_seed)
{
	struct arrivals	a, b, c;
	int		i, differ = 0;

	ck_assert_ptr_null(arrival_parse("poisson:500", &spec));
	arrivals_init(&a, &spec, 7);
	arrivals_init(&b, &spec, 7);
	arrivals_init(&c, &spec, 8);
	for (i = 0; i < 1000; i++) {
		ck_assert_uint_eq(a.due_us, b.due_us);
		differ += a.due_us != c.due_us;
		ck_assert_uint_le(a.due_us, (arrivals_next(&a), a.due_us));
		arrivals_next(&b);
		arrivals_next(&c);
	}
	ck_assert_int_gt(differ, 900);
}
END_TEST

/* ramp:0-1000/10s: the integral to t is 50 t^2 (t in s), then 1000/s. */
START_TEST(ramp_integral)
{
	uint64_t	t;

	ck_assert_ptr_null(arrival_parse("ramp:0-1000/10s", &spec));
	ck_assert_double_eq_tol(arrival_expected(&spec, 10000000), 5000, 1e-6);
	for (t = 1; t <= 10; t++)
		ck_assert_uint_eq(count_window(&spec, 1, 0, t * 1000000),
		    (uint64_t)ceil(50.0 * (double)(t * t)));
	/* After the ramp the end rate holds. */
	ck_assert_uint_eq(count_window(&spec, 1, 10000000, 12000000), 2000);
	/* Per-window counts rise: 50, 150, 250, ... */
	ck_assert_uint_eq(count_window(&spec, 1, 0, 1000000), 50);
	ck_assert_uint_eq(count_window(&spec, 1, 4000000, 5000000), 450);
	/* A ramp down works the same way. */
	ck_assert_ptr_null(arrival_parse("ramp:1000-100/9s", &spec));
	ck_assert_uint_eq(count_window(&spec, 1, 0, 9000000), 4950);
}
END_TEST

START_TEST(poisson_ramp_mean)
{
	ck_assert_ptr_null(arrival_parse("poisson:ramp:0-1000/10s", &spec));
	/* 5000 expected; Poisson sd 71. */
	ck_assert_double_eq_tol((double)count_window(&spec, 3, 0, 10000000),
	    5000, 300);
}
END_TEST

START_TEST(steps_counts)
{
	ck_assert_ptr_null(arrival_parse("steps:100/2s,0/1s,300/1s", &spec));
	ck_assert_uint_eq(count_window(&spec, 1, 0, 2000000), 200);
	ck_assert_uint_eq(count_window(&spec, 1, 2000000, 3000000), 0);
	ck_assert_uint_eq(count_window(&spec, 1, 3000000, 4000000), 300);
	/* The last rate holds. */
	ck_assert_uint_eq(count_window(&spec, 1, 4000000, 6000000), 600);
	ck_assert_double_eq_tol(arrival_expected(&spec, 4000000), 500, 1e-6);
}
END_TEST

/* Evenly spaced shards of any shape interleave into the whole schedule:
 * every arrival time of the unsharded run, once, from shard k mod N. */
static void
shards_interleave(const char *text, unsigned n, uint64_t total)
{
	struct arrival_spec	whole, part[8];
	struct arrivals		w, a[8];
	uint64_t		k;
	unsigned		i;

	ck_assert_ptr_null(arrival_parse(text, &whole));
	for (i = 0; i < n; i++) {
		part[i] = whole;
		arrival_shard(&part[i], i + 1, n);
		arrivals_init(&a[i], &part[i], 1);
	}
	arrivals_init(&w, &whole, 1);
	for (k = 0; k < total; k++) {
		i = (unsigned)(k % n);
		ck_assert_msg(a[i].due_us == w.due_us, "%s arrival %llu: shard "
		    "%u/%u at %llu, whole at %llu", text,
		    (unsigned long long)k, i + 1, n,
		    (unsigned long long)a[i].due_us,
		    (unsigned long long)w.due_us);
		arrivals_next(&a[i]);
		arrivals_next(&w);
	}
}

START_TEST(shard_even_interleave)
{
	shards_interleave("const:1000", 3, 30000);
	shards_interleave("const:7", 2, 1000);
	shards_interleave("ramp:10-500/5s", 3, 5000);
	shards_interleave("steps:100/2s,0/1s,300/1s", 4, 2000);
	/* The first shard starts at 0, the others a gap later each: rate
	 * 1000 in 4 shards, shard 2's first is at 1 ms, its next at 5 ms. */
	ck_assert_ptr_null(arrival_parse("1000", &spec));
	arrival_shard(&spec, 2, 4);
	ck_assert_uint_eq(count_window(&spec, 1, 0, 1000), 0);
	ck_assert_uint_eq(count_window(&spec, 1, 0, 1001), 1);
	ck_assert_uint_eq(count_window(&spec, 1, 0, 5001), 2);
}
END_TEST

/* A shard offers 1/N of the rate, of every shape. */
START_TEST(shard_rate)
{
	ck_assert_ptr_null(arrival_parse("ramp:0-1000/10s", &spec));
	arrival_shard(&spec, 1, 4);
	ck_assert_double_eq_tol(arrival_expected(&spec, 10000000), 1250, 1e-6);
	ck_assert_ptr_null(arrival_parse("poisson:900", &spec));
	arrival_shard(&spec, 3, 3);
	ck_assert_double_eq_tol(arrival_expected(&spec, 1000000), 300, 1e-9);
	/* Poisson: 300/s over 200 s, sd 245. */
	ck_assert_double_eq_tol((double)count_window(&spec, 5, 0, 200000000),
	    60000, 1500);
}
END_TEST

/* Seeds: unsharded the seed itself; shards differ from each other and by
 * --seed; their Poisson streams differ. */
START_TEST(shard_seed)
{
	struct arrival_spec	s1, s2;
	struct arrivals		a, b;
	int			i, same = 0;

	ck_assert_uint_eq(arrival_shard_seed(42, 0, 0), 42);
	ck_assert_uint_eq(arrival_shard_seed(42, 1, 1), 42);
	ck_assert_uint_ne(arrival_shard_seed(42, 1, 2),
	    arrival_shard_seed(42, 2, 2));
	ck_assert_uint_ne(arrival_shard_seed(42, 1, 2),
	    arrival_shard_seed(43, 1, 2));
	ck_assert_uint_ne(arrival_shard_seed(42, 1, 2),
	    arrival_shard_seed(42, 1, 3));
	ck_assert_uint_eq(arrival_shard_seed(42, 2, 3),
	    arrival_shard_seed(42, 2, 3));
	ck_assert_ptr_null(arrival_parse("poisson:100", &s1));
	s2 = s1;
	arrival_shard(&s1, 1, 2);
	arrival_shard(&s2, 2, 2);
	arrivals_init(&a, &s1, 9);
	arrivals_init(&b, &s2, 9);
	for (i = 0; i < 100; i++) {
		same += a.due_us == b.due_us;
		arrivals_next(&a);
		arrivals_next(&b);
	}
	ck_assert_int_lt(same, 5);
}
END_TEST

/* Superposed Poisson shards: 1 s window counts of 3 x poisson:1000/3
 * have mean and variance 1000, as one poisson:1000 stream. */
START_TEST(shard_poisson_superpose)
{
	struct arrival_spec	part[3];
	struct arrivals		a;
	uint64_t		counts[300] = { 0 };
	double			mean, var;
	int			i, nw = 300;

	for (i = 0; i < 3; i++) {
		ck_assert_ptr_null(arrival_parse("poisson:1000", &part[i]));
		arrival_shard(&part[i], (unsigned)i + 1, 3);
		arrivals_init(&a, &part[i], 77);
		while (a.due_us < (uint64_t)nw * 1000000) {
			counts[a.due_us / 1000000]++;
			arrivals_next(&a);
		}
	}
	mean_variance(counts, nw, &mean, &var);
	ck_assert_msg(fabs(mean - 1000) < 9, "mean %g", mean);
	ck_assert_msg(fabs(var - 1000) < 290, "variance %g", var);
}
END_TEST

/* --count C split: shard I takes the k < C with k mod N == I-1. */
START_TEST(shard_count)
{
	uint64_t	c, sum;
	unsigned	i, n;

	ck_assert_uint_eq(arrival_shard_count(10, 1, 1), 10);
	ck_assert_uint_eq(arrival_shard_count(10, 1, 3), 4);
	ck_assert_uint_eq(arrival_shard_count(10, 2, 3), 3);
	ck_assert_uint_eq(arrival_shard_count(10, 3, 3), 3);
	ck_assert_uint_eq(arrival_shard_count(2, 3, 3), 0);
	for (n = 1; n <= 7; n++)
		for (c = 0; c < 50; c++) {
			for (sum = 0, i = 1; i <= n; i++)
				sum += arrival_shard_count(c, i, n);
			ck_assert_uint_eq(sum, c);
		}
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("arrivals");
	TCase	*tc = tcase_create("arrivals");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, parse_accepts);
	tcase_add_test(tc, parse_refuses);
	tcase_add_test(tc, const_exact);
	tcase_add_test(tc, crash_16aca8a0_const_rate_past_uint64);
	tcase_add_test(tc, poisson_mean_variance);
	tcase_add_test(tc, poisson_deterministic_by_seed);
	tcase_add_test(tc, ramp_integral);
	tcase_add_test(tc, poisson_ramp_mean);
	tcase_add_test(tc, steps_counts);
	tcase_add_test(tc, shard_even_interleave);
	tcase_add_test(tc, shard_rate);
	tcase_add_test(tc, shard_seed);
	tcase_add_test(tc, shard_poisson_superpose);
	tcase_add_test(tc, shard_count);
	suite_add_tcase(s, tc);
	return s;
}
