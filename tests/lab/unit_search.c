/* unit_search.c: the bisection's bookkeeping: the bracket, when it stops
 * and what it reports, with a stand-in for the probe runs. */
#include <math.h>

#include "check_main.h"
#include "search.h"

/* Run a search against a system that sustains every rate up to `limit`;
 * returns the probes made. */
static int
run_against(struct search *s, double limit)
{
	double	rate;
	int	n = 0;

	while (s->state == SEARCH_RUNNING && n < 100) {
		rate = search_next(s);
		search_record(s, rate, rate <= limit);
		n++;
	}
	return n;
}

START_TEST(first_probe_is_the_model)
{
	struct search	s;

	search_init(&s, 100, 0.5, 1.5, 0.01, 12);
	ck_assert_double_eq(search_next(&s), 100);
	search_record(&s, 100, 0);
	ck_assert_double_eq(s.hi, 100);
	ck_assert_double_eq(search_next(&s), 75);
	search_record(&s, 75, 1);
	ck_assert_double_eq(s.lo, 75);
	ck_assert_double_eq(search_next(&s), 87.5);
}
END_TEST

START_TEST(finds_within_tolerance)
{
	struct search	s;

	search_init(&s, 100, 0.5, 1.5, 0.01, 12);
	/* 1.0 x 100 halved 7 times is 0.78, under 1% of the low end. */
	ck_assert_int_eq(run_against(&s, 97.3), 7);
	ck_assert_int_eq(s.state, SEARCH_FOUND);
	ck_assert(search_result(&s) <= 97.3);
	ck_assert(s.hi > 97.3);
	ck_assert((s.hi - s.lo) / s.lo <= 0.01);
	ck_assert_str_eq(search_state_name(s.state), "found");
}
END_TEST

START_TEST(nothing_holds)
{
	struct search	s;

	search_init(&s, 100, 0.5, 1.5, 0.01, 12);
	run_against(&s, 10);
	ck_assert_int_eq(s.state, SEARCH_BELOW);
	ck_assert_double_eq(search_result(&s), -1);
	ck_assert_str_eq(search_state_name(s.state), "below_bound");
}
END_TEST

START_TEST(everything_holds)
{
	struct search	s;

	search_init(&s, 100, 0.5, 1.5, 0.01, 12);
	run_against(&s, 1000);
	ck_assert_int_eq(s.state, SEARCH_ABOVE);
	/* The highest probe that held, under the high bound. */
	ck_assert(search_result(&s) > 149 && search_result(&s) < 150);
}
END_TEST

START_TEST(step_limit)
{
	struct search	s;

	search_init(&s, 100, 0.5, 1.5, 0.0001, 3);
	ck_assert_int_eq(run_against(&s, 90), 3);
	ck_assert_int_eq(s.state, SEARCH_STEPS);
	ck_assert_double_eq(search_result(&s), 87.5);
	/* A finished search ignores more probes. */
	search_record(&s, 95, 1);
	ck_assert_int_eq(s.steps, 3);
	ck_assert_double_eq(search_result(&s), 87.5);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("search");
	TCase	*tc = tcase_create("search");

	tcase_add_test(tc, first_probe_is_the_model);
	tcase_add_test(tc, finds_within_tolerance);
	tcase_add_test(tc, nothing_holds);
	tcase_add_test(tc, everything_holds);
	tcase_add_test(tc, step_limit);
	suite_add_tcase(s, tc);
	return s;
}
