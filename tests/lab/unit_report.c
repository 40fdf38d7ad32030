/* unit_report.c: report_judge, which decides every verdict: each
 * expectation held and not held, and which one a verdict names first. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cdefs.h"
#include "cause.h"
#include "check_main.h"
#include "temp_ini.h"
#include "model.h"
#include "report.h"

/* 100 ports at 200/s for 2 s; [expect] follows. */
#define BASE	"[system]\nport_range = 20000-20099\n" \
		"[load]\nrate = 200\nduration = 2s\n"

static struct scenario	sc;
static struct plan	plan;

/* The scenario of `text`; the plan is set by hand, as the model would:
 * the first failure at 0.5 s, 100 ports in TIME_WAIT at the end. */
static void
load(const char *text)
{
	char	path[64], err[512];

	temp_ini(path, sizeof(path), text);
	ck_assert_msg(scenario_load(path, &sc, err, sizeof(err)) == 0, "%s",
	    err);
	unlink(path);
	memset(&plan, 0, sizeof(plan));
	plan.first_failure_s = 0.5;
	plan.time_wait_end = 100;
}

/* A run as loadgen's summary says it, and the verdict it should get. */
struct verdict {
	uint64_t	 completed;
	uint64_t	 failed;
	double		 first_failure_s;	/* lab seconds, -1: none */
	const char	*errno_name;
	int64_t		 time_wait_end;		/* -1: unknown */
	const char	*why;			/* NULL: held */
};

/* Judge each run; a held one must leave why empty. */
static void
judge_each(const struct verdict *v, size_t n)
{
	struct observed	 o;
	const char	*want;
	char		 why[256];
	size_t		 i;
	int		 held;

	for (i = 0; i < n; i++) {
		memset(&o, 0, sizeof(o));
		o.completed = v[i].completed;
		o.failed = v[i].failed;
		o.started = o.completed + o.failed;
		o.first_failure_s = v[i].first_failure_s;
		snprintf(o.first_failure_errno, sizeof(o.first_failure_errno),
		    "%s", v[i].errno_name);
		o.time_wait_end = v[i].time_wait_end;
		memset(why, 'x', sizeof(why) - 1);
		why[sizeof(why) - 1] = '\0';
		held = report_judge(&sc, &plan, &o, why, sizeof(why));
		want = v[i].why != NULL ? v[i].why : "";
		ck_assert_msg(held == (v[i].why == NULL), "run %zu: %s", i,
		    held ? "held" : why);
		ck_assert_str_eq(why, want);
	}
}

#define JUDGE_EACH(v)	judge_each((v), nitems(v))

/* kb319502-quick as predicted: 100 completed, the first failure at
 * 0.5 s with EADDRNOTAVAIL, 100 ports in TIME_WAIT. */
#define AS_PREDICTED	100, 300, 0.5, "EADDRNOTAVAIL", 100

START_TEST(no_expectation_always_holds)
{
	static const struct verdict	v[] = {
		{ AS_PREDICTED, NULL },
		{ 0, 0, -1, "", -1, NULL },
	};

	load(BASE);
	JUDGE_EACH(v);
}
END_TEST

START_TEST(outcome_fails)
{
	static const struct verdict	v[] = {
		{ AS_PREDICTED, NULL },
		{ 100, 0, -1, "", 100, "expected failures, none happened" },
	};

	load(BASE "[expect]\noutcome = fails\n");
	JUDGE_EACH(v);
}
END_TEST

START_TEST(outcome_holds)
{
	static const struct verdict	v[] = {
		{ 100, 0, -1, "", 100, NULL },
		{ 100, 3, 0.5, "EADDRNOTAVAIL", 100,
		    "expected no failure, 3 happened" },
	};

	load(BASE "[expect]\noutcome = holds\n");
	JUDGE_EACH(v);
}
END_TEST

START_TEST(first_failure_errno)
{
	static const struct verdict	v[] = {
		{ AS_PREDICTED, NULL },
		{ 100, 300, 0.5, "ETIMEDOUT", 100,
		    "first failure errno ETIMEDOUT, expected EADDRNOTAVAIL" },
		{ 100, 0, -1, "", 100,
		    "first failure errno (none), expected EADDRNOTAVAIL" },
	};

	load(BASE "[expect]\nfirst_failure_errno = EADDRNOTAVAIL\n");
	JUDGE_EACH(v);
}
END_TEST

/* A run whose first failure is `errno_name`, with these client ports at
 * that moment: sessions in flight, in TIME_WAIT, in FIN_WAIT_2. */
static struct observed
at_failure(const char *errno_name, int64_t fly, int64_t tw, int64_t fw2)
{
	struct observed	o;

	memset(&o, 0, sizeof(o));
	o.completed = 100;
	o.failed = 300;
	o.started = 400;
	o.first_failure_s = 0.5;
	o.time_wait_end = 100;
	snprintf(o.first_failure_errno, sizeof(o.first_failure_errno), "%s",
	    errno_name);
	o.session_p50_ms = -1;
	o.in_flight_at_fail = fly;
	o.tw_client_at_fail = tw;
	o.fw2_client_at_fail = fw2;
	return o;
}

/* Which holding ran the ports out: the larger share at the first
 * failure; a session waiting for a server that never closes counts as
 * FIN_WAIT_2; failures that are not a port running out have no cause. */
START_TEST(what_ran_the_ports_out)
{
	struct observed	o;

	o = at_failure("EADDRNOTAVAIL", 0, 100, 0);
	ck_assert_int_eq(cause_of(&o), CAUSE_TIME_WAIT);
	o = at_failure("EADDRNOTAVAIL", 95, 5, 0);
	ck_assert_int_eq(cause_of(&o), CAUSE_IN_FLIGHT);
	o = at_failure("EADDRINUSE", 40, 60, 0);
	ck_assert_int_eq(cause_of(&o), CAUSE_TIME_WAIT);
	o = at_failure("EADDRNOTAVAIL", 100, 0, 99);
	ck_assert_int_eq(cause_of(&o), CAUSE_FIN_WAIT2);
	o = at_failure("EADDRNOTAVAIL", 100, 0, 10);
	ck_assert_int_eq(cause_of(&o), CAUSE_IN_FLIGHT);
	o = at_failure("ECONNREFUSED", 100, 0, 0);
	ck_assert_int_eq(cause_of(&o), CAUSE_NONE);
	o = at_failure("EADDRNOTAVAIL", -1, -1, -1);
	ck_assert_int_eq(cause_of(&o), CAUSE_NONE);
	o = at_failure("EADDRNOTAVAIL", 0, 100, 0);
	o.first_failure_s = -1;
	ck_assert_int_eq(cause_of(&o), CAUSE_NONE);
	ck_assert_str_eq(cause_name(CAUSE_IN_FLIGHT), "in_flight");
}
END_TEST

START_TEST(ran_out_expectation)
{
	struct observed	o;
	char		why[256];

	load(BASE "[expect]\nran_out = in_flight\n");
	o = at_failure("EADDRNOTAVAIL", 95, 5, 0);
	ck_assert_int_eq(report_judge(&sc, &plan, &o, why, sizeof(why)), 1);
	ck_assert_str_eq(why, "");
	o = at_failure("EADDRNOTAVAIL", 0, 100, 0);
	ck_assert_int_eq(report_judge(&sc, &plan, &o, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "the ports ran out in TIME_WAIT, expected "
	    "in_flight");
	o = at_failure("ECONNREFUSED", 95, 5, 0);
	ck_assert_int_eq(report_judge(&sc, &plan, &o, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "the ports ran out in -, expected "
	    "in_flight");
}
END_TEST

START_TEST(completed_is_exact)
{
	static const struct verdict	v[] = {
		{ AS_PREDICTED, NULL },
		{ 99, 300, 0.5, "EADDRNOTAVAIL", 100,
		    "completed 99, expected 100" },
		{ 101, 300, 0.5, "EADDRNOTAVAIL", 100,
		    "completed 101, expected 100" },
	};

	load(BASE "[expect]\ncompleted = 100\n");
	JUDGE_EACH(v);
}
END_TEST

/* first_failure = predicted is the plan's 0.5 s, 5% either way. */
START_TEST(first_failure_predicted)
{
	static const struct verdict	v[] = {
		{ AS_PREDICTED, NULL },
		{ 100, 300, 0.525, "EADDRNOTAVAIL", 100, NULL },
		{ 100, 300, 0.475, "EADDRNOTAVAIL", 100, NULL },
		{ 100, 300, 0.53, "EADDRNOTAVAIL", 100, "first failure at "
		    "0.530s (model time), expected 0.500s +- 5%" },
		{ 100, 300, 0.47, "EADDRNOTAVAIL", 100, "first failure at "
		    "0.470s (model time), expected 0.500s +- 5%" },
		{ 100, 0, -1, "", 100,
		    "no failure, expected the first at 0.500s" },
	};
	/* The plan's number, not a recomputation: move it, and the same
	 * run no longer holds. */
	static const struct verdict	moved[] = {
		{ AS_PREDICTED, "first failure at 0.500s (model time), "
		    "expected 0.600s +- 5%" },
	};

	load(BASE "[expect]\nfirst_failure = predicted\n");
	JUDGE_EACH(v);
	plan.first_failure_s = 0.6;
	JUDGE_EACH(moved);
}
END_TEST

/* The observed time is the lab's: times the scale, it is model time. */
START_TEST(first_failure_in_model_time)
{
	static const struct verdict	v[] = {
		{ 3977, 300, 15.909, "EADDRNOTAVAIL", 3977, NULL },
		{ 3977, 300, 159.08, "EADDRNOTAVAIL", 3977, "first failure at "
		    "1590.800s (model time), expected 159.080s +- 1%" },
		{ 3977, 300, 16.1, "EADDRNOTAVAIL", 3977, "first failure at "
		    "161.000s (model time), expected 159.080s +- 1%" },
	};

	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\nduration = 240s\n[lab]\ntime_scale = 10\n"
	    "[expect]\nfirst_failure = predicted\n"
	    "first_failure_tolerance = 1%\n");
	plan.first_failure_s = 159.08;
	JUDGE_EACH(v);
}
END_TEST

START_TEST(first_failure_value)
{
	static const struct verdict	v[] = {
		{ 100, 300, 0.4, "EADDRNOTAVAIL", 100, NULL },
		{ AS_PREDICTED, "first failure at 0.500s (model time), "
		    "expected 0.400s +- 0%" },
	};

	load(BASE "[expect]\nfirst_failure = 400ms\n"
	    "first_failure_tolerance = 0%\n");
	JUDGE_EACH(v);
}
END_TEST

/* time_wait = predicted is the plan's 100 sockets, 5% either way. */
START_TEST(time_wait_predicted)
{
	static const struct verdict	v[] = {
		{ AS_PREDICTED, NULL },
		{ 100, 300, 0.5, "EADDRNOTAVAIL", 95, NULL },
		{ 100, 300, 0.5, "EADDRNOTAVAIL", 105, NULL },
		{ 100, 300, 0.5, "EADDRNOTAVAIL", 94,
		    "TIME_WAIT 94 at the end, expected 100 +- 5%" },
		{ 100, 300, 0.5, "EADDRNOTAVAIL", 106,
		    "TIME_WAIT 106 at the end, expected 100 +- 5%" },
		{ 100, 300, 0.5, "EADDRNOTAVAIL", -1,
		    "TIME_WAIT count unknown, expected 100" },
	};
	static const struct verdict	moved[] = {
		{ AS_PREDICTED, "TIME_WAIT 100 at the end, expected 50 +- 5%" },
	};

	load(BASE "[expect]\ntime_wait = predicted\n");
	JUDGE_EACH(v);
	/* The plan's number. */
	plan.time_wait_end = 50;
	JUDGE_EACH(moved);
}
END_TEST

START_TEST(time_wait_value)
{
	static const struct verdict	v[] = {
		{ 100, 0, -1, "", 0, NULL },
		{ 100, 0, -1, "", 1,
		    "TIME_WAIT 1 at the end, expected 0 +- 0%" },
	};

	load(BASE "[expect]\ntime_wait = 0\ntime_wait_tolerance = 0%\n");
	JUDGE_EACH(v);
}
END_TEST

/* Every expectation at once: the verdict names the first that failed,
 * in report_judge's order. */
START_TEST(first_unmet_expectation_is_named)
{
	static const struct verdict	v[] = {
		{ AS_PREDICTED, NULL },
		{ 100, 300, 0.6, "EADDRNOTAVAIL", 90, "first failure at "
		    "0.600s (model time), expected 0.500s +- 5%" },
		{ 99, 300, 0.6, "EADDRNOTAVAIL", 90,
		    "completed 99, expected 100" },
		{ 99, 300, 0.6, "EMFILE", 90,
		    "first failure errno EMFILE, expected EADDRNOTAVAIL" },
		{ 99, 0, -1, "", 90, "expected failures, none happened" },
		{ 100, 300, 0.5, "EADDRNOTAVAIL", 90,
		    "TIME_WAIT 90 at the end, expected 100 +- 5%" },
	};

	load(BASE "[expect]\noutcome = fails\n"
	    "first_failure_errno = EADDRNOTAVAIL\ncompleted = 100\n"
	    "first_failure = predicted\ntime_wait = predicted\n");
	JUDGE_EACH(v);
}
END_TEST

/* A summary.csv with these fields after the ones every summary has. */
static void
read_summary(const char *names, const char *vals, struct observed *o)
{
	char	path[64], text[512], err[512];

	snprintf(text, sizeof(text), "started,completed,failed,elapsed_s,"
	    "first_failure_s,first_failure_errno,time_wait_end,%s\r\n"
	    "100,100,0,2.0,,,100,%s\r\n", names, vals);
	temp_ini(path, sizeof(path), text);
	ck_assert_msg(report_read_summary(path, &sc, o, err, sizeof(err)) ==
	    0, "%s", err);
	unlink(path);
}

START_TEST(thresholds_judged_on_the_summary)
{
	struct observed	o;
	char		why[256], path[64], err[512];

	load(BASE "[expect]\nthresholds = failed==0, session_p99_ms<50,"
	    "completed_per_s >= 49\n");
	ck_assert_int_eq(sc.nthresholds, 3);
	read_summary("session_p99_ms,completed_per_s", "12.5,50.0", &o);
	ck_assert_int_eq(report_judge(&sc, &plan, &o, why, sizeof(why)), 1);
	ck_assert_str_eq(why, "");
	/* Every breach named, each as loadgen prints it. */
	read_summary("session_p99_ms,completed_per_s", "61.250,12.0", &o);
	ck_assert_int_eq(report_judge(&sc, &plan, &o, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "threshold session_p99_ms<50: 61.250 BREACHED; "
	    "threshold completed_per_s>=49: 12.0 BREACHED");
	/* No session completed: an empty field shows nothing. */
	read_summary("session_p99_ms,completed_per_s", ",50.0", &o);
	ck_assert_int_eq(report_judge(&sc, &plan, &o, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "threshold session_p99_ms<50: no value "
	    "BREACHED (no value)");
	/* A summary without the column: an error, not a verdict. */
	temp_ini(path, sizeof(path), "started,completed,failed,elapsed_s,"
	    "first_failure_s,first_failure_errno,time_wait_end\r\n"
	    "1,1,0,1,,,0\r\n");
	ck_assert_int_eq(report_read_summary(path, &sc, &o, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "no column 'session_p99_ms'"));
	unlink(path);
}
END_TEST

START_TEST(thresholds_bad_expression_names_the_line)
{
	char	path[64], err[512];

	temp_ini(path, sizeof(path), BASE "[expect]\n"
	    "thresholds = failed==0, failed=1\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, ":7:") != NULL && strstr(err, "thresholds")
	    != NULL && strstr(err, "==") != NULL, "%s", err);
	unlink(path);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("report");
	TCase	*tc = tcase_create("judge");

	tcase_add_test(tc, no_expectation_always_holds);
	tcase_add_test(tc, outcome_fails);
	tcase_add_test(tc, outcome_holds);
	tcase_add_test(tc, first_failure_errno);
	tcase_add_test(tc, completed_is_exact);
	tcase_add_test(tc, first_failure_predicted);
	tcase_add_test(tc, first_failure_in_model_time);
	tcase_add_test(tc, first_failure_value);
	tcase_add_test(tc, time_wait_predicted);
	tcase_add_test(tc, time_wait_value);
	tcase_add_test(tc, first_unmet_expectation_is_named);
	tcase_add_test(tc, what_ran_the_ports_out);
	tcase_add_test(tc, ran_out_expectation);
	tcase_add_test(tc, thresholds_judged_on_the_summary);
	tcase_add_test(tc, thresholds_bad_expression_names_the_line);
	suite_add_tcase(s, tc);
	return s;
}
