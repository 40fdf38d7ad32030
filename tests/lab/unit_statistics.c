/* unit_statistics.c: compare's statistics on cases worked by hand (SciPy
 * checks them on random samples: e2e_statistics.py). */
#include <math.h>

#include <check.h>

#include "cdefs.h"
#include "check_main.h"
#include "statistics.h"

START_TEST(test_median)
{
	double	odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 }, one[] = { 7 };

	ck_assert_double_eq(stat_median(odd, 3), 3);
	ck_assert_double_eq(stat_median(even, 4), 2.5);
	ck_assert_double_eq(stat_median(one, 1), 7);
	/* The input is left in its order. */
	ck_assert_double_eq(odd[0], 5);
}
END_TEST

START_TEST(test_mann_whitney_exact_by_hand)
{
	double	a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };
	double	c[] = { 1, 2, 3, 4, 5 }, d[] = { 6, 7, 8, 9, 10 };
	double	e[] = { 1, 3, 5 }, f[] = { 2, 4, 6 };
	double	u, p;

	/* Fully separated, 3 and 3: 2 of the C(6,3) = 20 splits are as far
	 * from the mean U (4.5) as U = 0. */
	p = stat_mann_whitney(a, 3, b, 3, &u);
	ck_assert_double_eq(u, 0);
	ck_assert_double_eq_tol(p, 2.0 / 20, 1e-12);
	p = stat_mann_whitney(b, 3, a, 3, &u);
	ck_assert_double_eq(u, 9);
	ck_assert_double_eq_tol(p, 2.0 / 20, 1e-12);
	/* 5 and 5: 2 of 252, the smallest p five repeats a side can give. */
	p = stat_mann_whitney(c, 5, d, 5, &u);
	ck_assert_double_eq_tol(p, 2.0 / 252, 1e-12);
	/* Interleaved: U = 3 (1<2, 1<4, 1<6, 3<4, 3<6, 5<6 are the pairs
	 * where x is below: 6, so U of x = 9 - 6 = 3); |3 - 4.5| = 1.5 is
	 * reached or passed by 14 of 20 splits (U in {0,1,2,3,6,7,8,9}:
	 * 1+1+2+3+3+2+1+1). */
	p = stat_mann_whitney(e, 3, f, 3, &u);
	ck_assert_double_eq(u, 3);
	ck_assert_double_eq_tol(p, 14.0 / 20, 1e-12);
}
END_TEST

START_TEST(test_mann_whitney_ties)
{
	double	same[] = { 4, 4, 4, 4, 4 }, x[] = { 1, 2, 2, 3 };
	double	y[] = { 2, 3, 3, 4 }, u, p;

	/* Identical samples: nothing to tell apart. */
	p = stat_mann_whitney(same, 5, same, 5, &u);
	ck_assert_double_eq(u, 12.5);
	ck_assert_double_eq(p, 1);
	/* Ties share their mean rank: pooled 1,2,2,2,3,3,3,4 rank
	 * 1,3,3,3,6,6,6,8; x's sum 1+3+3+6 = 13, U = 13 - 4*5/2 = 3. */
	p = stat_mann_whitney(x, 4, y, 4, &u);
	ck_assert_double_eq(u, 3);
	ck_assert(p > 0.1 && p < 1);
}
END_TEST

START_TEST(test_mann_whitney_normal_approximation)
{
	double	x[30], y[30], u, p;
	int	i;

	/* C(60, 30) splits: far too many to walk, so the normal
	 * approximation; separated samples give a tiny p, the same ones a
	 * large p. */
	for (i = 0; i < 30; i++) {
		x[i] = i;
		y[i] = 100 + i;
	}
	p = stat_mann_whitney(x, 30, y, 30, &u);
	ck_assert_double_eq(u, 0);
	ck_assert(p < 1e-9);
	p = stat_mann_whitney(x, 30, x, 30, &u);
	ck_assert_double_eq(u, 450);
	ck_assert_double_eq_tol(p, 1, 1e-12);
}
END_TEST

START_TEST(test_bootstrap)
{
	double	ten[] = { 10, 10, 10, 10, 10 }, twenty[] = { 20, 20, 20 };
	double	zero[] = { 0, 0, 0 }, base[9], head[9], lo, hi, lo2, hi2;
	int	i;

	stat_bootstrap_change(ten, 5, ten, 5, 2000, 1, &lo, &hi);
	ck_assert_double_eq(lo, 0);
	ck_assert_double_eq(hi, 0);
	stat_bootstrap_change(ten, 5, twenty, 3, 2000, 1, &lo, &hi);
	ck_assert_double_eq(lo, 1);
	ck_assert_double_eq(hi, 1);
	stat_bootstrap_change(zero, 3, zero, 3, 100, 1, &lo, &hi);
	ck_assert_double_eq(lo, 0);
	stat_bootstrap_change(zero, 3, ten, 5, 100, 1, &lo, &hi);
	ck_assert(isinf(lo) && lo > 0);
	/* A spread sample: the interval holds the observed change (+10%)
	 * and is the same for the same seed. */
	for (i = 0; i < 9; i++) {
		base[i] = 100 + i;
		head[i] = 1.1 * (100 + i);
	}
	stat_bootstrap_change(base, 9, head, 9, 5000, 42, &lo, &hi);
	ck_assert(lo < 0.1 + 1e-9 && hi > 0.1 - 1e-9);
	ck_assert(lo > -0.05 && hi < 0.25);
	stat_bootstrap_change(base, 9, head, 9, 5000, 42, &lo2, &hi2);
	ck_assert_double_eq(lo, lo2);
	ck_assert_double_eq(hi, hi2);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("statistics");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_median);
	tcase_add_test(tc, test_mann_whitney_exact_by_hand);
	tcase_add_test(tc, test_mann_whitney_ties);
	tcase_add_test(tc, test_mann_whitney_normal_approximation);
	tcase_add_test(tc, test_bootstrap);
	suite_add_tcase(s, tc);
	return s;
}
