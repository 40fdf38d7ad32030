/* unit_mailbox.c: the mailbox picker of --mailboxes: the --mailbox-skew
 * parser, round-robin exactly, uniform and Zipf by their frequencies, and
 * the same sequence for the same --seed. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cdefs.h"
#include "check_main.h"
#include "mailbox.h"

#define DRAWS	200000

static struct mailbox_skew	skew;

START_TEST(parse_accepts)
{
	char	buf[MAILBOX_SKEW_STRLEN];

	ck_assert_ptr_null(mailbox_skew_parse("uniform", &skew));
	ck_assert_int_eq(skew.kind, SKEW_UNIFORM);
	ck_assert_ptr_null(mailbox_skew_parse("round-robin", &skew));
	ck_assert_int_eq(skew.kind, SKEW_ROUND_ROBIN);
	ck_assert_ptr_null(mailbox_skew_parse("zipf:1.1", &skew));
	ck_assert_int_eq(skew.kind, SKEW_ZIPF);
	ck_assert_double_eq(skew.s, 1.1);
	mailbox_skew_format(&skew, buf, sizeof(buf));
	ck_assert_str_eq(buf, "zipf:1.1");
	ck_assert_ptr_null(mailbox_skew_parse("zipf:10", &skew));
	ck_assert_ptr_null(mailbox_skew_parse("zipf:.5", &skew));
	ck_assert_double_eq(skew.s, 0.5);
}
END_TEST

START_TEST(parse_refuses)
{
	static const char *const bad[] = {
		"", "zipf", "zipf:", "zipf:0", "zipf:0.0", "zipf:-1",
		"zipf:10.5", "zipf:1e3", "zipf:inf", "zipf:nan", "zipf:1.2.3",
		"zipf:1x", "Uniform", "round_robin", "uniform ", "zipf: 1",
	};
	size_t	i;

	for (i = 0; i < nitems(bad); i++)
		ck_assert_msg(mailbox_skew_parse(bad[i], &skew) != NULL,
		    "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(round_robin_exact)
{
	struct mailbox_picker	p;
	uint64_t		i;

	ck_assert_ptr_null(mailbox_skew_parse("round-robin", &skew));
	mailbox_picker_init(&p, &skew, 7, 1);
	for (i = 0; i < 100; i++)
		ck_assert_uint_eq(mailbox_pick(&p, i), i % 7);
	/* By the arrival's index, not by how often it was asked. */
	ck_assert_uint_eq(mailbox_pick(&p, 1000001), 1000001 % 7);
	mailbox_picker_free(&p);
}
END_TEST

/* How often each of n mailboxes is drawn in DRAWS requests. */
static void
histogram(const char *spec, uint64_t n, uint64_t seed, uint64_t *counts)
{
	struct mailbox_picker	p;
	uint64_t		i, m;

	ck_assert_ptr_null(mailbox_skew_parse(spec, &skew));
	mailbox_picker_init(&p, &skew, n, seed);
	memset(counts, 0, n * sizeof(*counts));
	for (i = 0; i < DRAWS; i++) {
		m = mailbox_pick(&p, i);
		ck_assert_uint_lt(m, n);
		counts[m]++;
	}
	mailbox_picker_free(&p);
}

START_TEST(uniform_frequencies)
{
	uint64_t	counts[10];
	double		chi2 = 0, e = DRAWS / 10.0;
	int		k;

	histogram("uniform", 10, 1, counts);
	for (k = 0; k < 10; k++)
		chi2 += (counts[k] - e) * (counts[k] - e) / e;
	/* 9 degrees of freedom: 27.9 is the 0.1% tail. */
	ck_assert_double_lt(chi2, 27.9);
}
END_TEST

START_TEST(zipf_frequencies)
{
	uint64_t	counts[10];
	double		h = 0, p;
	int		k;

	histogram("zipf:1", 10, 1, counts);
	for (k = 0; k < 10; k++)
		h += 1.0 / (k + 1);
	for (k = 0; k < 10; k++) {
		p = 1.0 / (k + 1) / h;
		/* Five standard deviations of a binomial count. */
		ck_assert_double_lt(fabs((double)counts[k] - DRAWS * p),
		    5 * sqrt(DRAWS * p * (1 - p)));
		if (k > 0)
			ck_assert_uint_lt(counts[k], counts[k - 1]);
	}
}
END_TEST

START_TEST(zipf_steep_and_single)
{
	uint64_t	counts[1000], one[1];

	/* s = 3: mailbox 0 takes 1/zeta(3) = 83.2% of the requests. */
	histogram("zipf:3", 1000, 7, counts);
	ck_assert_double_lt(fabs((double)counts[0] / DRAWS - 0.8319), 0.005);
	histogram("zipf:1.5", 1, 7, one);
	ck_assert_uint_eq(one[0], DRAWS);
	histogram("uniform", 1, 7, one);
	ck_assert_uint_eq(one[0], DRAWS);
}
END_TEST

START_TEST(deterministic_by_seed)
{
	static const char *const specs[] = { "uniform", "zipf:1.2" };
	struct mailbox_picker	a, b, c;
	uint64_t		i, differ;
	size_t			k;

	for (k = 0; k < 2; k++) {
		ck_assert_ptr_null(mailbox_skew_parse(specs[k], &skew));
		mailbox_picker_init(&a, &skew, 1000, 42);
		mailbox_picker_init(&b, &skew, 1000, 42);
		mailbox_picker_init(&c, &skew, 1000, 43);
		differ = 0;
		for (i = 0; i < 1000; i++) {
			uint64_t	ma = mailbox_pick(&a, i);

			ck_assert_uint_eq(ma, mailbox_pick(&b, i));
			differ += ma != mailbox_pick(&c, i);
		}
		ck_assert_uint_gt(differ, 500);
		mailbox_picker_free(&a);
		mailbox_picker_free(&b);
		mailbox_picker_free(&c);
	}
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("mailbox");
	TCase	*tc = tcase_create("mailbox");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, parse_accepts);
	tcase_add_test(tc, parse_refuses);
	tcase_add_test(tc, round_robin_exact);
	tcase_add_test(tc, uniform_frequencies);
	tcase_add_test(tc, zipf_frequencies);
	tcase_add_test(tc, zipf_steep_and_single);
	tcase_add_test(tc, deterministic_by_seed);
	suite_add_tcase(s, tc);
	return s;
}
