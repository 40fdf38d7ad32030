/* test_model.c: capacity, first failure, TIME_WAIT count, and the mapping
 * of a modelled system onto the lab's kernel (time scale). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "temp_ini.h"
#include "model.h"

static char		path[64];
static struct scenario	sc;

static void
load(const char *text)
{
	char	err[512];

	temp_ini(path, sizeof(path), text);
	ck_assert_msg(scenario_load(path, &sc, err, sizeof(err)) == 0, "%s",
	    err);
	unlink(path);
}

/* The seed's table: ports / TIME_WAIT for each stack. */
START_TEST(capacities_of_the_article)
{
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n[load]\nrate = 1\n"
	    "[lab]\ntime_scale = 10\n");
	ck_assert_double_eq_tol(model_capacity(&sc), 3977 / 240.0, 1e-9);
	load("[system]\nport_range = 1024-65534\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:65535\n[load]\nrate = 1\n"
	    "[lab]\ntime_scale = 10\n");
	ck_assert_double_eq_tol(model_capacity(&sc), 64511 / 240.0, 1e-9);
	load("[load]\nrate = 1\n");
	ck_assert_double_eq_tol(model_capacity(&sc), 28232 / 60.0, 1e-9);
}
END_TEST

START_TEST(first_failure_is_ports_over_rate)
{
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_double_eq_tol(model_first_failure_s(&sc), 3977 / 25.0, 1e-9);
	/* Below capacity: never. */
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 16\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_double_eq(model_first_failure_s(&sc), -1);
	/* Above capacity, but the run ends first. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nrate = 200\nduration = 400ms\n");
	ck_assert_double_eq(model_first_failure_s(&sc), -1);
	/* The client waits for the server to close: it holds no port. */
	load("[system]\nport_range = 20000-20099\n[server]\n"
	    "logout_close = server\n[load]\nrate = 200\nclose = server\n");
	ck_assert_double_eq(model_first_failure_s(&sc), -1);
	ck_assert_int_eq(model_time_wait_end(&sc), -1);
}
END_TEST

START_TEST(time_scale_keeps_the_ratio)
{
	struct lab_plan	plan;

	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_ptr_null(model_plan(&sc, &plan));
	ck_assert_double_eq(plan.rate, 250);
	ck_assert_uint_eq(plan.duration_us, 24000000);
	ck_assert_uint_eq(plan.time_wait_us, 24000000);
	ck_assert_int_eq(plan.tw_reuse, 1);
	ck_assert_uint_eq(plan.tw_reuse_delay_ms, 24000);
	/* rate x TIME_WAIT / ports, model and lab alike */
	ck_assert_double_eq_tol(plan.rate * plan.time_wait_us / 1e6,
	    sc.rate * sc.time_wait_us / 1e6, 1e-9);
}
END_TEST

START_TEST(native_time_wait_needs_no_reuse)
{
	struct lab_plan	plan;

	load("[system]\nport_range = 20000-20099\n[load]\nrate = 200\n");
	ck_assert_ptr_null(model_plan(&sc, &plan));
	ck_assert_int_eq(plan.tw_reuse, 0);
	ck_assert_uint_eq(plan.tw_reuse_delay_ms, 0);
	/* 240 s at scale 4 is 60 s: native again. */
	load("[system]\nport_range = 20000-20099\ntime_wait = 240s\n"
	    "[load]\nrate = 200\n[lab]\ntime_scale = 4\n");
	ck_assert_ptr_null(model_plan(&sc, &plan));
	ck_assert_int_eq(plan.tw_reuse, 0);
	/* An explicit tcp_tw_reuse = 1 with 60 s uses the delay. */
	load("[system]\nport_range = 20000-20099\ntcp_tw_reuse = 1\n"
	    "[load]\nrate = 200\n");
	ck_assert_ptr_null(model_plan(&sc, &plan));
	ck_assert_int_eq(plan.tw_reuse, 1);
	ck_assert_uint_eq(plan.tw_reuse_delay_ms, 60000);
}
END_TEST

START_TEST(kernel_time_wait_count)
{
	/* Native: every port touched within the last 60 s, capped. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nrate = 200\nduration = 2s\n");
	ck_assert_int_eq(model_time_wait_end(&sc), 100);
	load("[system]\nport_range = 20000-29999\n"
	    "[load]\nrate = 50\nduration = 10s\n");
	ck_assert_int_eq(model_time_wait_end(&sc), 500);
	/* Lab time counts: 30 model/s for 240 model s at scale 10 is
	 * 300/s for 24 s in the lab, all within the kernel's 60 s, and 900
	 * busy at a time fit in the even ports. */
	load("[system]\nport_range = 1024-65000\ntime_wait = 30s\n"
	    "[server]\nlisten = 127.0.0.1:65001\n"
	    "[load]\nrate = 30\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_int_eq(model_time_wait_end(&sc), 7200);
}
END_TEST

START_TEST(scale_by_ports_keeps_the_rate)
{
	struct lab_plan	plan;

	load("[system]\nport_range = 32768-60999\n[load]\nrate = 480\n"
	    "duration = 80s\n[lab]\ntime_scale = 4\nscale_by = ports\n");
	ck_assert_ptr_null(model_plan(&sc, &plan));
	ck_assert_double_eq(plan.rate, 480);
	ck_assert_uint_eq(plan.port_lo, 32768);
	ck_assert_uint_eq(plan.port_hi, 32768 + 28232 / 4 - 1);
	ck_assert_uint_eq(plan.duration_us, 20000000);
	ck_assert_uint_eq(plan.tw_reuse_delay_ms, 15000);
	/* The model's numbers are the unscaled system's. */
	ck_assert_double_eq_tol(model_first_failure_s(&sc), 28232 / 480.0,
	    1e-9);
}
END_TEST

START_TEST(reuse_prefers_even_ports)
{
	/* KB 319502 fix 2 in the lab: 750 ports busy at a time, fewer than
	 * the 1989 even ports of 1024-5000, so only those are touched. */
	load("[system]\nport_range = 1024-5000\ntime_wait = 30s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_int_eq(model_time_wait_end(&sc), 1989);
	/* Busy ports beyond the even ones: no simple prediction. */
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_int_eq(model_time_wait_end(&sc), -1);
}
END_TEST

START_TEST(bucket_limit_frees_ports)
{
	struct lab_plan	plan;

	load("[system]\nport_range = 20000-20099\ntcp_max_tw_buckets = 50\n"
	    "[load]\nrate = 200\nduration = 2s\n");
	ck_assert_double_eq(model_capacity(&sc), -1);
	ck_assert_double_eq(model_first_failure_s(&sc), -1);
	ck_assert_int_eq(model_time_wait_end(&sc), 50);
	ck_assert_ptr_null(model_plan(&sc, &plan));
	ck_assert_int_eq(plan.max_tw_buckets, 50);
	/* A limit above the range changes nothing. */
	load("[system]\nport_range = 20000-20099\ntcp_max_tw_buckets = 5000\n"
	    "[load]\nrate = 200\nduration = 2s\n");
	ck_assert_double_eq_tol(model_first_failure_s(&sc), 0.5, 1e-9);
}
END_TEST

START_TEST(fin_timeout_scales_with_time)
{
	struct lab_plan	plan;

	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "tcp_fin_timeout = 120s\n[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\n[lab]\ntime_scale = 10\n");
	ck_assert_ptr_null(model_plan(&sc, &plan));
	ck_assert_int_eq(plan.fin_timeout_s, 12);
	load("[load]\nrate = 25\n");
	ck_assert_ptr_null(model_plan(&sc, &plan));
	ck_assert_int_eq(plan.fin_timeout_s, -1);
	ck_assert_int_eq(plan.max_tw_buckets, -1);
}
END_TEST

START_TEST(destinations_multiply_capacity)
{
	load("[system]\nport_range = 20000-20099\n[server]\n"
	    "listen = 127.0.0.1:1143 127.0.0.1:1144\n"
	    "[load]\nrate = 200\nduration = 2s\n");
	ck_assert_int_eq(sc.nlisten, 2);
	ck_assert_double_eq_tol(model_capacity(&sc), 200 / 60.0, 1e-9);
	ck_assert_double_eq_tol(model_first_failure_s(&sc), 1.0, 1e-9);
	ck_assert_int_eq(model_time_wait_end(&sc), 200);
}
END_TEST

START_TEST(who_holds_time_wait)
{
	load("[load]\nrate = 200\n");
	ck_assert_int_eq(scenario_tw_holder(&sc), TW_CLIENT);
	load("[load]\nrate = 200\nclose = no-logout\n");
	ck_assert_int_eq(scenario_tw_holder(&sc), TW_CLIENT);
	load("[load]\nrate = 200\nclose = rst\n");
	ck_assert_int_eq(scenario_tw_holder(&sc), TW_NOBODY);
	ck_assert_int_eq(model_time_wait_end(&sc), 0);
	ck_assert_double_eq(model_first_failure_s(&sc), -1);
	load("[server]\nlogout_close = server\n[load]\nrate = 200\n");
	ck_assert_int_eq(scenario_tw_holder(&sc), TW_RACE);
	ck_assert_int_eq(model_time_wait_end(&sc), -1);
	load("[server]\nlogout_close = server\n[load]\nrate = 200\n"
	    "close = server\n");
	ck_assert_int_eq(scenario_tw_holder(&sc), TW_SERVER);
	load("[server]\nlogout_close = never\n[load]\nrate = 200\n");
	ck_assert_int_eq(scenario_tw_holder(&sc), TW_FIN_WAIT2);
	ck_assert_double_eq(model_capacity(&sc), -1);
	ck_assert_double_eq(model_first_failure_s(&sc), -1);
	ck_assert_int_eq(model_time_wait_end(&sc), -1);
}
END_TEST

START_TEST(mailbox_cache_lowers_the_connection_rate)
{
	/* TTL 0: a connection per request, the article's failure. */
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n[load]\nrate = 25\n"
	    "duration = 240s\nmailboxes = 100\ncache_ttl = 0\n"
	    "[lab]\ntime_scale = 10\n");
	ck_assert_double_eq(model_connection_rate(&sc), 25);
	ck_assert_double_eq_tol(model_first_failure_s(&sc), 3977 / 25.0, 1e-9);
	/* Fix 3: 30 min outlives the run, one connection per mailbox. */
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n[load]\nrate = 25\n"
	    "duration = 240s\nmailboxes = 100\ncache_ttl = 30m\n"
	    "[lab]\ntime_scale = 10\n");
	ck_assert_double_eq_tol(model_connection_rate(&sc), 100 / 240.0, 1e-9);
	ck_assert_double_eq(model_first_failure_s(&sc), -1);
	ck_assert_int_eq(model_time_wait_end(&sc), -1);
	/* Each mailbox every 4 s; TTL 10 s: reopened every 12 s. */
	load("[load]\nrate = 25\nduration = 10m\nmailboxes = 100\n"
	    "cache_ttl = 10s\n");
	ck_assert_double_eq_tol(model_connection_rate(&sc), 100 / 12.0, 1e-9);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("model");
	TCase	*tc = tcase_create("arithmetic");

	tcase_add_test(tc, capacities_of_the_article);
	tcase_add_test(tc, first_failure_is_ports_over_rate);
	tcase_add_test(tc, time_scale_keeps_the_ratio);
	tcase_add_test(tc, native_time_wait_needs_no_reuse);
	tcase_add_test(tc, kernel_time_wait_count);
	tcase_add_test(tc, scale_by_ports_keeps_the_rate);
	tcase_add_test(tc, reuse_prefers_even_ports);
	tcase_add_test(tc, bucket_limit_frees_ports);
	tcase_add_test(tc, fin_timeout_scales_with_time);
	tcase_add_test(tc, destinations_multiply_capacity);
	tcase_add_test(tc, who_holds_time_wait);
	tcase_add_test(tc, mailbox_cache_lowers_the_connection_rate);
	suite_add_tcase(s, tc);
	return s;
}
