/* unit_seqset.c: RFC 3501 sequence sets: grammar, "*", order, merging. */
#include "cdefs.h"
#include "check_main.h"
#include "seqset.h"

static int
parse(const char *text, struct seqset *set, const char **rest)
{
	const char	*p = text;
	int		 r = seqset_parse(&p, set);

	*rest = p;
	return r;
}

START_TEST(single_numbers_ranges_and_lists)
{
	struct seqset	 set;
	const char	*rest;

	ck_assert_int_eq(parse("1,3:5,9 FLAGS", &set, &rest), 0);
	ck_assert_str_eq(rest, " FLAGS");
	seqset_resolve(&set, 10);
	ck_assert(seqset_contains(&set, 1));
	ck_assert(!seqset_contains(&set, 2));
	ck_assert(seqset_contains(&set, 3));
	ck_assert(seqset_contains(&set, 4));
	ck_assert(seqset_contains(&set, 5));
	ck_assert(!seqset_contains(&set, 6));
	ck_assert(seqset_contains(&set, 9));
	ck_assert(!seqset_contains(&set, 10));
	ck_assert_uint_eq(seqset_max(&set), 9);
	seqset_free(&set);
}
END_TEST

START_TEST(star_is_the_largest_number)
{
	struct seqset	 set;
	const char	*rest;

	ck_assert_int_eq(parse("1:*", &set, &rest), 0);
	seqset_resolve(&set, 7);
	ck_assert(seqset_contains(&set, 1));
	ck_assert(seqset_contains(&set, 7));
	ck_assert(!seqset_contains(&set, 8));
	seqset_free(&set);
	ck_assert_int_eq(parse("*", &set, &rest), 0);
	seqset_resolve(&set, 7);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_uint_eq(set.r[0].lo, 7);
	ck_assert_uint_eq(set.r[0].hi, 7);
	seqset_free(&set);
}
END_TEST

/* RFC 3501 6.4.8: "559:*" holds the last UID even when it is below 559. */
START_TEST(range_above_star_is_reordered)
{
	struct seqset	 set;
	const char	*rest;

	ck_assert_int_eq(parse("559:*", &set, &rest), 0);
	seqset_resolve(&set, 10);
	ck_assert(seqset_contains(&set, 10));
	ck_assert(seqset_contains(&set, 559));
	ck_assert(!seqset_contains(&set, 9));
	seqset_free(&set);
	ck_assert_int_eq(parse("5:2", &set, &rest), 0);
	seqset_resolve(&set, 10);
	ck_assert(seqset_contains(&set, 2) && seqset_contains(&set, 5));
	seqset_free(&set);
}
END_TEST

START_TEST(overlapping_ranges_merge)
{
	struct seqset	 set;
	const char	*rest;

	ck_assert_int_eq(parse("8:10,1:3,2:5,6:7,20", &set, &rest), 0);
	seqset_resolve(&set, 100);
	ck_assert_uint_eq(set.n, 2);	/* 1:10 and 20 */
	ck_assert_uint_eq(set.r[0].lo, 1);
	ck_assert_uint_eq(set.r[0].hi, 10);
	ck_assert_uint_eq(set.r[1].lo, 20);
	seqset_free(&set);
}
END_TEST

START_TEST(largest_number_is_accepted)
{
	struct seqset	 set;
	const char	*rest;

	ck_assert_int_eq(parse("4294967295", &set, &rest), 0);
	seqset_resolve(&set, 1);
	ck_assert(seqset_contains(&set, 4294967295u));
	seqset_free(&set);
}
END_TEST

START_TEST(malformed_sets_are_refused)
{
	static const char *bad[] = {
		"", "0", "01", "1:", ":1", "1,", ",1", "1::2", "4294967296",
		"a", "1:0", "*:", "-1",
	};
	struct seqset	 set;
	const char	*rest;
	size_t		 i;

	for (i = 0; i < nitems(bad); i++) {
		ck_assert_msg(parse(bad[i], &set, &rest) == -1, "'%s'", bad[i]);
		seqset_free(&set);
	}
}
END_TEST

START_TEST(too_many_ranges_are_refused)
{
	static char	 text[SEQSET_RANGES_MAX * 2 + 8];
	struct seqset	 set;
	const char	*rest;
	size_t		 i, n = 0;

	for (i = 0; i <= SEQSET_RANGES_MAX; i++) {
		text[n++] = '1';
		text[n++] = ',';
	}
	text[n - 1] = '\0';
	ck_assert_int_eq(parse(text, &set, &rest), -1);
	seqset_free(&set);
	text[2 * SEQSET_RANGES_MAX - 1] = '\0';	/* exactly the cap */
	ck_assert_int_eq(parse(text, &set, &rest), 0);
	seqset_free(&set);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("seqset");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, single_numbers_ranges_and_lists);
	tcase_add_test(tc, star_is_the_largest_number);
	tcase_add_test(tc, range_above_star_is_reordered);
	tcase_add_test(tc, overlapping_ranges_merge);
	tcase_add_test(tc, largest_number_is_accepted);
	tcase_add_test(tc, malformed_sets_are_refused);
	tcase_add_test(tc, too_many_ranges_are_refused);
	suite_add_tcase(s, tc);
	return s;
}
