/* unit_vary.c: --vary's lists and ranges, their refusals (the key, the
 * value and why), the grid's order, and a scenario loaded with a point's
 * values over its file's. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "temp_ini.h"
#include "scenario.h"
#include "vary.h"

static const char *
refusal(const char *arg)
{
	static char	err[512];
	struct vary	v;

	ck_assert_int_eq(vary_parse(arg, &v, err, sizeof(err)), -1);
	return err;
}

START_TEST(list_of_values)
{
	struct vary	v;
	char		err[512];

	ck_assert_int_eq(vary_parse("port_range=1024-5000,1024-65535", &v, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(v.name, "system.port_range");
	ck_assert_int_eq(v.nvalues, 2);
	ck_assert_str_eq(v.values[0], "1024-5000");
	ck_assert_str_eq(v.values[1], "1024-65535");
}
END_TEST

START_TEST(list_with_semicolons)
{
	struct vary	v;
	char		err[512];

	/* Values with commas of their own: ';' separates them. */
	ck_assert_int_eq(vary_parse("steps=login,logout;login,select,logout",
	    &v, err, sizeof(err)), 0);
	ck_assert_str_eq(v.name, "load.steps");
	ck_assert_int_eq(v.nvalues, 2);
	ck_assert_str_eq(v.values[0], "login,logout");
	ck_assert_str_eq(v.values[1], "login,select,logout");
	ck_assert_int_eq(vary_parse("steps=login,logout;login,bogus", &v, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "login,bogus"));
}
END_TEST

START_TEST(range_with_units)
{
	struct vary	v;
	char		err[512];

	ck_assert_int_eq(vary_parse("time_wait=60s..240s/60s", &v, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(v.name, "system.time_wait");
	ck_assert_int_eq(v.nvalues, 4);
	ck_assert_str_eq(v.values[0], "60s");
	ck_assert_str_eq(v.values[3], "240s");
	/* STEP may leave the unit out; HI only when a step lands on it. */
	ck_assert_int_eq(vary_parse("time_wait=1s..2.5s/0.5", &v, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(v.nvalues, 4);
	ck_assert_str_eq(v.values[3], "2.5s");
	ck_assert_int_eq(vary_parse("rate=100..350/100", &v, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(v.nvalues, 3);
	ck_assert_str_eq(v.values[2], "300");
	/* Binary fractions: 0.1 + 2 x 0.1 still reaches 0.3. */
	ck_assert_int_eq(vary_parse("rate=0.1..0.3/0.1", &v, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(v.nvalues, 3);
	ck_assert_str_eq(v.values[2], "0.3");
	ck_assert_int_eq(vary_parse("rate=5..5/1", &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v.nvalues, 1);
}
END_TEST

START_TEST(section_names)
{
	struct vary	v;
	char		err[512];

	/* A bare time_wait is [system]'s; [expect]'s needs its section. */
	ck_assert_int_eq(vary_parse("expect.time_wait=100,200", &v, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(v.name, "expect.time_wait");
	ck_assert_int_eq(vary_parse("load.rate=1,2", &v, err, sizeof(err)),
	    0);
	ck_assert_str_eq(v.name, "load.rate");
}
END_TEST

START_TEST(refusals)
{
	ck_assert_str_eq(refusal("time_wiat=60s"), "--vary: unknown scenario "
	    "key 'time_wiat' (nearest: time_wait)");
	ck_assert_str_eq(refusal("load.rates=1"), "--vary: unknown scenario "
	    "key 'load.rates' (nearest: load.rate, load.steps)");
	ck_assert_str_eq(refusal("system.rate=1"), "--vary: unknown scenario "
	    "key 'system.rate'");
	ck_assert_str_eq(refusal("rate"), "--vary: expected KEY=V1,V2,..., "
	    "KEY=V1;V2;... or KEY=LO..HI/STEP, got 'rate'");
	ck_assert_str_eq(refusal("time_wait=60s,fast"), "--vary "
	    "system.time_wait=fast: expected a duration such as 500ms, 2s "
	    "or 1m");
	ck_assert_str_eq(refusal("port_range=1024-5000,9-1"), "--vary "
	    "system.port_range=9-1: expected a port range LO-HI with "
	    "1 <= LO <= HI <= 65535");
	ck_assert_str_eq(refusal("rate=1,,2"), "--vary load.rate: expected a "
	    "value of 1 to 63 characters, got ''");
	ck_assert_str_eq(refusal("rate=1,2,1"), "--vary load.rate: expected "
	    "each value once, got '1' twice");
	ck_assert_str_eq(refusal("rate=10..1/1"), "--vary load.rate: expected "
	    "LO <= HI and STEP > 0, got '10..1/1'");
	ck_assert_str_eq(refusal("rate=1..10/0"), "--vary load.rate: expected "
	    "LO <= HI and STEP > 0, got '1..10/0'");
	ck_assert_str_eq(refusal("time_wait=1s..2m/1s"), "--vary "
	    "system.time_wait: expected one unit on LO, HI and STEP, got "
	    "'1s..2m/1s'");
	ck_assert_str_eq(refusal("rate=1..1000/1"), "--vary load.rate: "
	    "expected at most 64 values, got 1000 from '1..1000/1'");
	ck_assert_str_eq(refusal("rate=1..x/1"), "--vary load.rate: expected "
	    "LO..HI/STEP, such as 60s..240s/60s, got '1..x/1'");
}
END_TEST

START_TEST(grid_order)
{
	struct vary		v[2];
	struct scenario_set	set[2];
	char			err[512];

	ck_assert_int_eq(vary_parse("port_range=1-10,1-20,1-30", &v[0], err,
	    sizeof(err)), 0);
	ck_assert_int_eq(vary_parse("time_wait=60s,120s", &v[1], err,
	    sizeof(err)), 0);
	ck_assert_int_eq(vary_points(v, 2), 6);
	/* The last --vary changes fastest. */
	vary_point(v, 2, 0, set);
	ck_assert_str_eq(set[0].value, "1-10");
	ck_assert_str_eq(set[1].value, "60s");
	vary_point(v, 2, 1, set);
	ck_assert_str_eq(set[0].value, "1-10");
	ck_assert_str_eq(set[1].value, "120s");
	vary_point(v, 2, 5, set);
	ck_assert_str_eq(set[0].value, "1-30");
	ck_assert_str_eq(set[1].value, "120s");
	ck_assert_int_eq(set[0].key, v[0].key);
}
END_TEST

START_TEST(load_with_values)
{
	struct scenario_set	set[2];
	struct scenario		sc;
	char			path[64], err[512];

	temp_ini(path, sizeof(path), "[system]\nport_range = 20000-20099\n"
	    "[load]\nrate = 200\n");
	set[0].key = scenario_key_find("port_range", err, sizeof(err));
	snprintf(set[0].value, sizeof(set[0].value), "20000-20499");
	/* A key the file lacks is added. */
	set[1].key = scenario_key_find("time_wait", err, sizeof(err));
	snprintf(set[1].value, sizeof(set[1].value), "120s");
	ck_assert_int_eq(scenario_load_set(path, set, 2, &sc, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(scenario_ports(&sc), 500);
	ck_assert_uint_eq(sc.time_wait_us, 120000000);
	ck_assert_double_eq(sc.rate, 200);
	/* A value that parses alone but not with the file: the rule's own
	 * message. */
	set[0].key = scenario_key_find("schedule", err, sizeof(err));
	snprintf(set[0].value, sizeof(set[0].value), "const:10");
	ck_assert_int_eq(scenario_load_set(path, set, 1, &sc, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "[load] rate and schedule exclude "
	    "each other"));
	unlink(path);
}
END_TEST

START_TEST(expect_dropped)
{
	struct scenario	sc;
	char		path[64], err[512];

	temp_ini(path, sizeof(path), "[load]\nrate = 200\n[expect]\n"
	    "outcome = fails\ncompleted = 100\nthresholds = failed==0\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	scenario_expect_none(&sc);
	ck_assert_int_eq(sc.expect, OUTCOME_ANY);
	ck_assert_int_eq(sc.expect_completed, -1);
	ck_assert_int_eq(sc.nthresholds, 0);
	unlink(path);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("vary");
	TCase	*tc = tcase_create("vary");

	tcase_add_test(tc, list_of_values);
	tcase_add_test(tc, list_with_semicolons);
	tcase_add_test(tc, range_with_units);
	tcase_add_test(tc, section_names);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, grid_order);
	tcase_add_test(tc, load_with_values);
	tcase_add_test(tc, expect_dropped);
	suite_add_tcase(s, tc);
	return s;
}
