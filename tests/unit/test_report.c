/* test_report.c: report_judge, which decides every verdict: each
 * expectation held and not held, and which one a verdict names first. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "temp_ini.h"
#include "model.h"
#include "report.h"

/* 100 ports at 200/s for 2 s; [expect] follows. */
#define BASE	"[system]\nport_range = 20000-20099\n" \
		"[load]\nrate = 200\nduration = 2s\n"

static struct scenario	sc;
static struct plan	plan;
static struct observed	obs;
static char		why[256];

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

/* What loadgen's summary says: the kb319502-quick run, as predicted. */
static void
observe(uint64_t failed, double first_failure_s, const char *errno_name,
    int64_t time_wait_end)
{
	memset(&obs, 0, sizeof(obs));
	obs.completed = 100;
	obs.failed = failed;
	obs.started = obs.completed + failed;
	obs.elapsed_s = 2;
	obs.first_failure_s = first_failure_s;
	snprintf(obs.first_failure_errno, sizeof(obs.first_failure_errno),
	    "%s", errno_name);
	obs.time_wait_end = time_wait_end;
}

/* 1 when held (why is then empty), else 0 with why. */
static int
judge(void)
{
	int	held;

	memset(why, 'x', sizeof(why) - 1);
	why[sizeof(why) - 1] = '\0';
	held = report_judge(&sc, &plan, &obs, why, sizeof(why));
	if (held)
		ck_assert_str_eq(why, "");
	else
		ck_assert_str_ne(why, "");
	return held;
}

START_TEST(no_expectation_always_holds)
{
	load(BASE);
	observe(300, 0.5, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 1);
	observe(0, -1, "", -1);
	ck_assert_int_eq(judge(), 1);
}
END_TEST

START_TEST(outcome_fails)
{
	load(BASE "[expect]\noutcome = fails\n");
	observe(300, 0.5, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 1);
	observe(0, -1, "", 100);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "expected failures, none happened");
}
END_TEST

START_TEST(outcome_holds)
{
	load(BASE "[expect]\noutcome = holds\n");
	observe(0, -1, "", 100);
	ck_assert_int_eq(judge(), 1);
	observe(3, 0.5, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "expected no failure, 3 happened");
}
END_TEST

START_TEST(first_failure_errno)
{
	load(BASE "[expect]\nfirst_failure_errno = EADDRNOTAVAIL\n");
	observe(300, 0.5, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 1);
	observe(300, 0.5, "ETIMEDOUT", 100);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "first failure errno ETIMEDOUT, expected "
	    "EADDRNOTAVAIL");
	observe(0, -1, "", 100);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "first failure errno (none), expected "
	    "EADDRNOTAVAIL");
}
END_TEST

START_TEST(completed_is_exact)
{
	load(BASE "[expect]\ncompleted = 100\n");
	observe(300, 0.5, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 1);
	obs.completed = 99;
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "completed 99, expected 100");
	obs.completed = 101;
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "completed 101, expected 100");
}
END_TEST

/* first_failure = predicted is the plan's 0.5 s, 5% either way. */
START_TEST(first_failure_predicted)
{
	load(BASE "[expect]\nfirst_failure = predicted\n");
	observe(300, 0.5, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 1);
	observe(300, 0.525, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 1);
	observe(300, 0.475, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 1);
	observe(300, 0.53, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "first failure at 0.530s (model time), expected "
	    "0.500s +- 5%");
	observe(300, 0.47, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "first failure at 0.470s (model time), expected "
	    "0.500s +- 5%");
	observe(0, -1, "", 100);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "no failure, expected the first at 0.500s");
	/* The plan's number, not a recomputation: move it, and the same
	 * run no longer holds. */
	observe(300, 0.5, "EADDRNOTAVAIL", 100);
	plan.first_failure_s = 0.6;
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "first failure at 0.500s (model time), expected "
	    "0.600s +- 5%");
}
END_TEST

/* The observed time is the lab's: times the scale, it is model time. */
START_TEST(first_failure_in_model_time)
{
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\nduration = 240s\n[lab]\ntime_scale = 10\n"
	    "[expect]\nfirst_failure = predicted\n"
	    "first_failure_tolerance = 1%\n");
	plan.first_failure_s = 159.08;
	observe(300, 15.909, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 1);
	observe(300, 159.08, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "first failure at 1590.800s (model time), "
	    "expected 159.080s +- 1%");
	observe(300, 16.1, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "first failure at 161.000s (model time), "
	    "expected 159.080s +- 1%");
}
END_TEST

START_TEST(first_failure_value)
{
	load(BASE "[expect]\nfirst_failure = 400ms\n"
	    "first_failure_tolerance = 0%\n");
	observe(300, 0.4, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 1);
	observe(300, 0.5, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "first failure at 0.500s (model time), expected "
	    "0.400s +- 0%");
}
END_TEST

/* time_wait = predicted is the plan's 100 sockets, 5% either way. */
START_TEST(time_wait_predicted)
{
	load(BASE "[expect]\ntime_wait = predicted\n");
	observe(300, 0.5, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 1);
	observe(300, 0.5, "EADDRNOTAVAIL", 95);
	ck_assert_int_eq(judge(), 1);
	observe(300, 0.5, "EADDRNOTAVAIL", 105);
	ck_assert_int_eq(judge(), 1);
	observe(300, 0.5, "EADDRNOTAVAIL", 94);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "TIME_WAIT 94 at the end, expected 100 +- 5%");
	observe(300, 0.5, "EADDRNOTAVAIL", 106);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "TIME_WAIT 106 at the end, expected 100 +- 5%");
	observe(300, 0.5, "EADDRNOTAVAIL", -1);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "TIME_WAIT count unknown, expected 100");
	/* The plan's number. */
	observe(300, 0.5, "EADDRNOTAVAIL", 100);
	plan.time_wait_end = 50;
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "TIME_WAIT 100 at the end, expected 50 +- 5%");
}
END_TEST

START_TEST(time_wait_value)
{
	load(BASE "[expect]\ntime_wait = 0\ntime_wait_tolerance = 0%\n");
	observe(0, -1, "", 0);
	ck_assert_int_eq(judge(), 1);
	observe(0, -1, "", 1);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "TIME_WAIT 1 at the end, expected 0 +- 0%");
}
END_TEST

/* Every expectation at once: the verdict names the first that failed,
 * in report_judge's order. */
START_TEST(first_unmet_expectation_is_named)
{
	load(BASE "[expect]\noutcome = fails\n"
	    "first_failure_errno = EADDRNOTAVAIL\ncompleted = 100\n"
	    "first_failure = predicted\ntime_wait = predicted\n");
	observe(300, 0.5, "EADDRNOTAVAIL", 100);
	ck_assert_int_eq(judge(), 1);
	observe(300, 0.6, "EADDRNOTAVAIL", 90);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "first failure at 0.600s (model time), expected "
	    "0.500s +- 5%");
	obs.completed = 99;
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "completed 99, expected 100");
	snprintf(obs.first_failure_errno, sizeof(obs.first_failure_errno),
	    "EMFILE");
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "first failure errno EMFILE, expected "
	    "EADDRNOTAVAIL");
	observe(0, -1, "", 90);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "expected failures, none happened");
	observe(300, 0.5, "EADDRNOTAVAIL", 90);
	ck_assert_int_eq(judge(), 0);
	ck_assert_str_eq(why, "TIME_WAIT 90 at the end, expected 100 +- 5%");
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
	suite_add_tcase(s, tc);
	return s;
}
