/* unit_threshold.c: gates on measured figures ("failed==0"), and the
 * nearest names offered for a misspelt one. */
#include <math.h>
#include <string.h>

#include <check.h>

#include "cdefs.h"
#include "check_main.h"
#include "threshold.h"
#include "words.h"

static const char *const columns[] = {
	"started", "completed", "failed", "completed_per_s",
	"session_p50_ms", "session_p99_ms", "session_max_ms", "eaddrnotavail",
	"econnrefused", "first_failure_s", "first_failure_errno",
};

START_TEST(test_parse_every_operator)
{
	static const struct {
		const char		*expr, *name, *text;
		enum threshold_op	 op;
		double			 value;
	} cases[] = {
		{ "failed==0", "failed", "failed==0", TH_EQ, 0 },
		{ "session_p99_ms<50", "session_p99_ms", "session_p99_ms<50",
		    TH_LT, 50 },
		{ " completed_per_s >= 990.5 ", "completed_per_s",
		    "completed_per_s>=990.5", TH_GE, 990.5 },
		{ "eaddrnotavail>0", "eaddrnotavail", "eaddrnotavail>0", TH_GT,
		    0 },
		{ "failed<=-1e3", "failed", "failed<=-1e3", TH_LE, -1000 },
		{ "failed!=7", "failed", "failed!=7", TH_NE, 7 },
	};
	struct threshold	t;
	size_t			i;

	for (i = 0; i < nitems(cases); i++) {
		ck_assert_ptr_null(threshold_parse(cases[i].expr, &t));
		ck_assert_str_eq(t.name, cases[i].name);
		ck_assert_str_eq(t.text, cases[i].text);
		ck_assert_int_eq(t.op, cases[i].op);
		ck_assert_double_eq(t.value, cases[i].value);
	}
}
END_TEST

START_TEST(test_parse_refuses_bad_expressions)
{
	static const char *const bad[] = {
		"", "==0", "failed", "failed=0", "failed=>0", "failed<",
		"failed<abc", "failed<5x", "failed<5 6", "failed<nan",
		"failed<inf", "Failed==0", "failed==0;rm",
		("a_column_name_far_longer_than_sixty_three_characters_in_all_xxxx"
		"==1"),
	};
	struct threshold	t;
	size_t			i;

	for (i = 0; i < nitems(bad); i++)
		ck_assert_msg(threshold_parse(bad[i], &t) != NULL,
		    "'%s' accepted", bad[i]);
	/* A lone '=' gets its own hint. */
	ck_assert_ptr_nonnull(strstr(threshold_parse("failed=0", &t), "=="));
}
END_TEST

START_TEST(test_eval_each_operator_at_its_edge)
{
	static const struct {
		const char		*expr, *field;
		enum threshold_result	 r;
	} cases[] = {
		{ "failed==0", "0", TH_MET },
		{ "failed==0", "1", TH_BREACHED },
		{ "failed!=0", "1", TH_MET },
		{ "failed!=0", "0", TH_BREACHED },
		{ "session_p99_ms<50", "49.999", TH_MET },
		{ "session_p99_ms<50", "50.000", TH_BREACHED },
		{ "session_p99_ms<=50", "50.000", TH_MET },
		{ "session_p99_ms<=50", "50.001", TH_BREACHED },
		{ "completed_per_s>990", "990.0", TH_BREACHED },
		{ "completed_per_s>=990", "990.0", TH_MET },
		{ "completed_per_s>=990", "989.9", TH_BREACHED },
		/* An empty field (no failure, no session) proves nothing. */
		{ "first_failure_s<1", "", TH_NO_VALUE },
		{ "first_failure_s>=0", "EADDRNOTAVAIL", TH_NO_VALUE },
		{ "failed==0", "0x", TH_NO_VALUE },
	};
	struct threshold	t;
	double			v;
	size_t			i;

	for (i = 0; i < nitems(cases); i++) {
		ck_assert_ptr_null(threshold_parse(cases[i].expr, &t));
		ck_assert_msg(threshold_eval(&t, cases[i].field, &v) ==
		    cases[i].r, "%s on '%s'", cases[i].expr, cases[i].field);
	}
	ck_assert_str_eq(threshold_result_name(TH_MET), "met");
	ck_assert_str_eq(threshold_result_name(TH_BREACHED), "BREACHED");
}
END_TEST

START_TEST(test_known_names_the_nearest)
{
	struct threshold	t;
	char			err[256];

	ck_assert_ptr_null(threshold_parse("failed==0", &t));
	ck_assert_int_eq(threshold_known(&t, columns, nitems(columns), err,
	    sizeof(err)), 0);
	ck_assert_ptr_null(threshold_parse("faild==0", &t));
	ck_assert_int_eq(threshold_known(&t, columns, nitems(columns), err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "unknown column 'faild' (nearest: failed)");
	ck_assert_ptr_null(threshold_parse("session_p99<50", &t));
	ck_assert_int_eq(threshold_known(&t, columns, nitems(columns), err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "unknown column 'session_p99' (nearest: "
	    "session_p99_ms)");
	/* Several near ones, nearest first. */
	ck_assert_ptr_null(threshold_parse("session_p9_ms<50", &t));
	ck_assert_int_eq(threshold_known(&t, columns, nitems(columns), err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "unknown column 'session_p9_ms' (nearest: "
	    "session_p99_ms, session_p50_ms, session_max_ms)");
	/* Nothing near: no list, rather than a misleading one. */
	ck_assert_ptr_null(threshold_parse("zzzz==0", &t));
	ck_assert_int_eq(threshold_known(&t, columns, nitems(columns), err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "unknown column 'zzzz'");
}
END_TEST

START_TEST(test_word_nearest)
{
	char	out[128];

	word_nearest("completd", columns, nitems(columns), out, sizeof(out));
	ck_assert_str_eq(out, "completed");
	/* A prefix is near, however short. */
	word_nearest("first_failure", columns, nitems(columns), out,
	    sizeof(out));
	ck_assert_str_eq(out, "first_failure_s, first_failure_errno");
	word_nearest("xyz", columns, nitems(columns), out, sizeof(out));
	ck_assert_str_eq(out, "");
	/* Bounded by its buffer, always terminated. */
	word_nearest("session_p", columns, nitems(columns), out, 8);
	ck_assert_uint_lt(strlen(out), 8);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("threshold");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_parse_every_operator);
	tcase_add_test(tc, test_parse_refuses_bad_expressions);
	tcase_add_test(tc, test_eval_each_operator_at_its_edge);
	tcase_add_test(tc, test_known_names_the_nearest);
	tcase_add_test(tc, test_word_nearest);
	suite_add_tcase(s, tc);
	return s;
}
