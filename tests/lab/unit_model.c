/* unit_model.c: capacity, first failure, TIME_WAIT count, and the mapping
 * of a modelled system onto the lab's kernel (time scale). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "temp_ini.h"
#include "model.h"

static char		path[64];
static struct scenario	sc;
static struct plan	plan;

/* What model_check says of `text`, a scenario that loads: NULL or why
 * the model refuses it.  Fills sc and plan. */
static const char *
refusal_of(const char *text)
{
	char	err[512];

	temp_ini(path, sizeof(path), text);
	ck_assert_msg(scenario_load(path, &sc, err, sizeof(err)) == 0, "%s",
	    err);
	unlink(path);
	return model_check(&sc, &plan);
}

static void
load(const char *text)
{
	const char	*why = refusal_of(text);

	ck_assert_msg(why == NULL, "%s", why);
}

/* The seed's table: ports / TIME_WAIT for each stack. */
START_TEST(capacities_of_the_article)
{
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n[load]\nrate = 1\n"
	    "[lab]\ntime_scale = 10\n");
	ck_assert_double_eq_tol(plan.capacity, 3977 / 240.0, 1e-9);
	load("[system]\nport_range = 1024-65534\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:65535\n[load]\nrate = 1\n"
	    "[lab]\ntime_scale = 10\n");
	ck_assert_double_eq_tol(plan.capacity, 64511 / 240.0, 1e-9);
	load("[load]\nrate = 1\n");
	ck_assert_double_eq_tol(plan.capacity, 28232 / 60.0, 1e-9);
}
END_TEST

/* Sessions in flight hold ports too: ports / (session time + TIME_WAIT),
 * and with a server that closes first ports / session time alone. */
START_TEST(session_time_holds_ports)
{
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nrate = 200\nduration = 2s\nsession_time = 20s\n");
	ck_assert_double_eq_tol(plan.capacity, 100 / 80.0, 1e-9);
	ck_assert_double_eq_tol(plan.first_failure_s, 0.5, 1e-6);
	load("[system]\nport_range = 20000-20099\n"
	    "[server]\nlogout_close = server\n"
	    "[load]\nrate = 100\nduration = 3s\nsteps = login,select,logout\n"
	    "close = server\nsession_time = 2s\n");
	ck_assert_double_eq_tol(plan.capacity, 100 / 2.0, 1e-9);
	ck_assert_double_eq_tol(plan.first_failure_s, 1.0, 1e-6);
	/* Under capacity: 40/s x 2 s = 80 ports in flight of 100. */
	load("[system]\nport_range = 20000-20099\n"
	    "[server]\nlogout_close = server\n"
	    "[load]\nrate = 40\nduration = 3s\nsteps = login,select,logout\n"
	    "close = server\nsession_time = 2s\n");
	ck_assert(plan.first_failure_s < 0);
	/* Without a session time the same client holds nothing. */
	load("[system]\nport_range = 20000-20099\n"
	    "[server]\nlogout_close = server\n"
	    "[load]\nrate = 100\nduration = 3s\nclose = server\n");
	ck_assert(plan.capacity < 0);
	ck_assert(plan.first_failure_s < 0);
}
END_TEST

START_TEST(first_failure_is_ports_over_rate)
{
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_double_eq_tol(plan.first_failure_s, 3977 / 25.0, 1e-9);
	/* Below capacity: never. */
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 16\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_double_eq(plan.first_failure_s, -1);
	/* Above capacity, but the run ends first. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nrate = 200\nduration = 400ms\n");
	ck_assert_double_eq(plan.first_failure_s, -1);
	/* The client waits for the server to close: it holds no port. */
	load("[system]\nport_range = 20000-20099\n[server]\n"
	    "logout_close = server\n[load]\nrate = 200\nclose = server\n");
	ck_assert_double_eq(plan.first_failure_s, -1);
	ck_assert_int_eq(plan.time_wait_end, -1);
}
END_TEST

START_TEST(time_scale_keeps_the_ratio)
{
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_double_eq(plan.lab.rate, 250);
	ck_assert_uint_eq(plan.lab.duration_us, 24000000);
	ck_assert_uint_eq(plan.lab.time_wait_us, 24000000);
	ck_assert_int_eq(plan.lab.tw_reuse, 1);
	ck_assert_uint_eq(plan.lab.tw_reuse_delay_ms, 24000);
	/* rate x TIME_WAIT / ports, model and lab alike */
	ck_assert_double_eq_tol(plan.lab.rate * plan.lab.time_wait_us / 1e6,
	    sc.rate * sc.time_wait_us / 1e6, 1e-9);
}
END_TEST

START_TEST(native_time_wait_needs_no_reuse)
{
	load("[system]\nport_range = 20000-20099\n[load]\nrate = 200\n");
	ck_assert_int_eq(plan.lab.tw_reuse, 0);
	ck_assert_uint_eq(plan.lab.tw_reuse_delay_ms, 0);
	/* 240 s at scale 4 is 60 s: native again. */
	load("[system]\nport_range = 20000-20099\ntime_wait = 240s\n"
	    "[load]\nrate = 200\n[lab]\ntime_scale = 4\n");
	ck_assert_int_eq(plan.lab.tw_reuse, 0);
	/* An explicit tcp_tw_reuse = 1 with 60 s uses the delay. */
	load("[system]\nport_range = 20000-20099\ntcp_tw_reuse = 1\n"
	    "[load]\nrate = 200\n");
	ck_assert_int_eq(plan.lab.tw_reuse, 1);
	ck_assert_uint_eq(plan.lab.tw_reuse_delay_ms, 60000);
}
END_TEST

START_TEST(kernel_time_wait_count)
{
	/* Native: every port touched within the last 60 s, capped. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nrate = 200\nduration = 2s\n");
	ck_assert_int_eq(plan.time_wait_end, 100);
	load("[system]\nport_range = 20000-29999\n"
	    "[load]\nrate = 50\nduration = 10s\n");
	ck_assert_int_eq(plan.time_wait_end, 500);
	/* Lab time counts: 30 model/s for 240 model s at scale 10 is
	 * 300/s for 24 s in the lab, all within the kernel's 60 s, and 900
	 * busy at a time fit in the even ports. */
	load("[system]\nport_range = 1024-65000\ntime_wait = 30s\n"
	    "[server]\nlisten = 127.0.0.1:65001\n"
	    "[load]\nrate = 30\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_int_eq(plan.time_wait_end, 7200);
}
END_TEST

START_TEST(scale_by_ports_keeps_the_rate)
{
	load("[system]\nport_range = 32768-60999\n[load]\nrate = 480\n"
	    "duration = 80s\n[lab]\ntime_scale = 4\nscale_by = ports\n");
	ck_assert_double_eq(plan.lab.rate, 480);
	ck_assert_uint_eq(plan.lab.port_lo, 32768);
	ck_assert_uint_eq(plan.lab.port_hi, 32768 + 28232 / 4 - 1);
	ck_assert_uint_eq(plan.lab.duration_us, 20000000);
	ck_assert_uint_eq(plan.lab.tw_reuse_delay_ms, 15000);
	/* The model's numbers are the unscaled system's. */
	ck_assert_double_eq_tol(plan.first_failure_s, 28232 / 480.0,
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
	ck_assert_int_eq(plan.time_wait_end, 1989);
	/* Busy ports beyond the even ones: no simple prediction. */
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_int_eq(plan.time_wait_end, -1);
}
END_TEST

START_TEST(bucket_limit_frees_ports)
{
	load("[system]\nport_range = 20000-20099\ntcp_max_tw_buckets = 50\n"
	    "[load]\nrate = 200\nduration = 2s\n");
	ck_assert_double_eq(plan.capacity, -1);
	ck_assert_double_eq(plan.first_failure_s, -1);
	ck_assert_int_eq(plan.time_wait_end, 50);
	ck_assert_int_eq(plan.lab.max_tw_buckets, 50);
	/* A limit above the range changes nothing. */
	load("[system]\nport_range = 20000-20099\ntcp_max_tw_buckets = 5000\n"
	    "[load]\nrate = 200\nduration = 2s\n");
	ck_assert_double_eq_tol(plan.first_failure_s, 0.5, 1e-9);
}
END_TEST

START_TEST(fin_timeout_scales_with_time)
{
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "tcp_fin_timeout = 120s\n[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\n[lab]\ntime_scale = 10\n");
	ck_assert_int_eq(plan.lab.fin_timeout_s, 12);
	load("[load]\nrate = 25\n");
	ck_assert_int_eq(plan.lab.fin_timeout_s, -1);
	ck_assert_int_eq(plan.lab.max_tw_buckets, -1);
}
END_TEST

START_TEST(destinations_multiply_capacity)
{
	load("[system]\nport_range = 20000-20099\n[server]\n"
	    "listen = 127.0.0.1:1143 127.0.0.1:1144\n"
	    "[load]\nrate = 200\nduration = 2s\n");
	ck_assert_int_eq(sc.nlisten, 2);
	ck_assert_double_eq_tol(plan.capacity, 200 / 60.0, 1e-9);
	ck_assert_double_eq_tol(plan.first_failure_s, 1.0, 1e-9);
	ck_assert_int_eq(plan.time_wait_end, 200);
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
	ck_assert_int_eq(plan.time_wait_end, 0);
	ck_assert_double_eq(plan.first_failure_s, -1);
	load("[server]\nlogout_close = server\n[load]\nrate = 200\n");
	ck_assert_int_eq(scenario_tw_holder(&sc), TW_RACE);
	ck_assert_int_eq(plan.time_wait_end, -1);
	load("[server]\nlogout_close = server\n[load]\nrate = 200\n"
	    "close = server\n");
	ck_assert_int_eq(scenario_tw_holder(&sc), TW_SERVER);
	load("[server]\nlogout_close = never\n[load]\nrate = 200\n");
	ck_assert_int_eq(scenario_tw_holder(&sc), TW_FIN_WAIT2);
	ck_assert_double_eq(plan.capacity, -1);
	ck_assert_double_eq(plan.first_failure_s, -1);
	ck_assert_int_eq(plan.time_wait_end, -1);
}
END_TEST

START_TEST(mailbox_cache_lowers_the_connection_rate)
{
	/* TTL 0: a connection per request, the article's failure. */
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n[load]\nrate = 25\n"
	    "duration = 240s\nmailboxes = 100\ncache_ttl = 0\n"
	    "[lab]\ntime_scale = 10\n");
	ck_assert_double_eq(plan.connection_rate, 25);
	ck_assert_double_eq_tol(plan.first_failure_s, 3977 / 25.0, 1e-9);
	/* Fix 3: 30 min outlives the run, one connection per mailbox. */
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n[load]\nrate = 25\n"
	    "duration = 240s\nmailboxes = 100\ncache_ttl = 30m\n"
	    "[lab]\ntime_scale = 10\n");
	ck_assert_double_eq_tol(plan.connection_rate, 100 / 240.0, 1e-9);
	ck_assert_double_eq(plan.first_failure_s, -1);
	ck_assert_int_eq(plan.time_wait_end, -1);
	/* Each mailbox every 4 s; TTL 10 s: reopened every 12 s. */
	load("[load]\nrate = 25\nduration = 10m\nmailboxes = 100\n"
	    "cache_ttl = 10s\n");
	ck_assert_double_eq_tol(plan.connection_rate, 100 / 12.0, 1e-9);
}
END_TEST

/* N(t) = 10 t^2 on a ramp 0 -> 200/s over 10 s: 100 ports are all in
 * TIME_WAIT (60 s) when 10 t^2 = 100, at sqrt(10) s. */
START_TEST(ramp_fails_where_the_window_fills)
{
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nschedule = ramp:0-200/10s\nduration = 5s\n");
	ck_assert_double_eq_tol(plan.first_failure_s, sqrt(10), 1e-9);
	/* Poisson arrivals have the same expectation. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nschedule = poisson:ramp:0-200/10s\nduration = 5s\n");
	ck_assert_double_eq_tol(plan.first_failure_s, sqrt(10), 1e-9);
	/* Past the ramp: 100 by 10 s, then 20/s; 150 ports at 12.5 s. */
	load("[system]\nport_range = 20000-20149\n"
	    "[load]\nschedule = ramp:0-20/10s\nduration = 20s\n");
	ck_assert_double_eq_tol(plan.first_failure_s, 12.5, 1e-9);
	/* The run ends first. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nschedule = ramp:0-200/10s\nduration = 3s\n");
	ck_assert_double_eq(plan.first_failure_s, -1);
	/* A ramp down, 200 -> 0 over 10 s with TIME_WAIT 1 s: the window
	 * holds 200 t - 10 t^2 for t < 1 s, at most 190, then falls; 150
	 * ports fill when 10 t^2 - 200 t + 150 = 0, t = 10 - sqrt(85). */
	load("[system]\nport_range = 20000-20149\ntime_wait = 1s\n"
	    "[load]\nschedule = ramp:200-0.001/10s\nduration = 10s\n");
	ck_assert_double_eq_tol(plan.first_failure_s, 10 - sqrt(85),
	    1e-5);
	/* The window's peak, 190 at 1 s, is under 195 ports: never, though
	 * N(t) passes 195 by 1.03 s. */
	load("[system]\nport_range = 20000-20194\ntime_wait = 1s\n"
	    "[load]\nschedule = ramp:200-0.001/10s\nduration = 10s\n");
	ck_assert_double_eq(plan.first_failure_s, -1);
}
END_TEST

START_TEST(steps_fail_where_the_window_fills)
{
	/* 10/s for 5 s (50), then 100/s: 100 ports at 5.5 s. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nschedule = steps:10/5s,100/10s\nduration = 15s\n");
	ck_assert_double_eq_tol(plan.first_failure_s, 5.5, 1e-9);
	/* A pause does not free ports within TIME_WAIT: 50, nothing for
	 * 10 s, then 50/s again: 100 at 12 s. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nschedule = steps:50/1s,0/10s,50/1s\nduration = 20s\n");
	ck_assert_double_eq_tol(plan.first_failure_s, 12, 1e-9);
	/* A pause longer than TIME_WAIT does: 90 in the first second, gone
	 * from the window by 61 s; then 200/s from 71 s fills 100 ports at
	 * 71.5 s, not at 71 + (100 - 90) / 200. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nschedule = steps:90/1s,0/70s,200/1s\nduration = 80s\n");
	ck_assert_double_eq_tol(plan.first_failure_s, 71.5, 1e-9);
	/* ... and 1/s after it never fills them (capacity 100 / 60 s). */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nschedule = steps:90/1s,0/70s,1/1s\nduration = 100s\n");
	ck_assert_double_eq(plan.first_failure_s, -1);
}
END_TEST

START_TEST(constant_schedule_is_the_rate)
{
	double	by_rate;

	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nrate = 25\nduration = 240s\n[lab]\ntime_scale = 10\n");
	by_rate = plan.first_failure_s;
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n[load]\n"
	    "schedule = const:25\nduration = 240s\n[lab]\ntime_scale = 10\n");
	ck_assert_double_eq_tol(plan.first_failure_s, by_rate, 1e-9);
	ck_assert_double_eq_tol(by_rate, 3977 / 25.0, 1e-9);
	/* Exactly at capacity the window never exceeds the range. */
	load("[system]\nport_range = 20000-20059\n"
	    "[load]\nrate = 1\nduration = 2m\n");
	ck_assert_double_eq(plan.first_failure_s, -1);
}
END_TEST

START_TEST(schedule_scales_with_time)
{
	char		text[ARRIVAL_SPEC_STRLEN];

	/* scale_by = time: rates x 10, durations / 10. */
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nschedule = steps:10/50s,30/100s\nduration = 150s\n"
	    "[lab]\ntime_scale = 10\n");
	arrival_format(&plan.lab.schedule, text, sizeof(text));
	ck_assert_str_eq(text, "steps:100/5s,300/10s");
	ck_assert_double_eq(plan.lab.rate, 300);
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nschedule = poisson:ramp:0-20/100s\nduration = 150s\n"
	    "[lab]\ntime_scale = 10\n");
	arrival_format(&plan.lab.schedule, text, sizeof(text));
	ck_assert_str_eq(text, "poisson:ramp:0-200/10s");
	/* scale_by = ports: rates stay, durations / 10. */
	load("[system]\nport_range = 1024-5000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:143\n"
	    "[load]\nschedule = ramp:0-20/100s\nduration = 150s\n"
	    "[lab]\ntime_scale = 10\nscale_by = ports\n");
	arrival_format(&plan.lab.schedule, text, sizeof(text));
	ck_assert_str_eq(text, "ramp:0-20/10s");
	/* Either way the model answers in model time, unscaled: the ramp's
	 * N(t) = t^2 / 10 fills 3977 ports at 5 s... after the ramp's 1000
	 * at 100 s, 20/s: 100 + (3977 - 1000) / 20 = 248.85 s, past the
	 * run's 150 s. */
	ck_assert_double_eq(plan.first_failure_s, -1);
}
END_TEST

START_TEST(time_wait_count_follows_the_schedule)
{
	/* 10 t^2 arrivals by 5 s: 250 ports touched, all within 60 s. */
	load("[system]\nport_range = 20000-29999\n"
	    "[load]\nschedule = ramp:0-200/10s\nduration = 5s\n");
	ck_assert_int_eq(plan.time_wait_end, 250);
	/* Capped by the range. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nschedule = ramp:0-200/10s\nduration = 5s\n");
	ck_assert_int_eq(plan.time_wait_end, 100);
	/* Only the last 60 s count: 100/s for 30 s, then 10/s for 60 s. */
	load("[system]\nport_range = 20000-29999\n"
	    "[load]\nschedule = steps:100/30s,10/60s\nduration = 90s\n");
	ck_assert_int_eq(plan.time_wait_end, 600);
}
END_TEST

START_TEST(held_ports_follow_the_window)
{
	/* 1/s, TIME_WAIT 60 s: t ports held until 60 s, then 60. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nrate = 1\nduration = 100s\n");
	ck_assert_double_eq_tol(model_held(&sc, 0), 0, 1e-9);
	ck_assert_double_eq_tol(model_held(&sc, 30), 30, 1e-9);
	ck_assert_double_eq_tol(model_held(&sc, 90), 60, 1e-9);
	/* A ramp: 10 t^2 until the 100 ports are all held. */
	load("[system]\nport_range = 20000-20099\n"
	    "[load]\nschedule = ramp:0-200/10s\nduration = 5s\n");
	ck_assert_double_eq_tol(model_held(&sc, 2), 40, 1e-9);
	ck_assert_double_eq_tol(model_held(&sc, 4), 100, 1e-9);
	/* Two destinations hold the range twice over. */
	load("[system]\nport_range = 20000-20099\n"
	    "[server]\nlisten = 127.0.0.1:1143 127.0.0.1:1144\n"
	    "[load]\nrate = 100\nduration = 5s\n");
	ck_assert_double_eq_tol(model_held(&sc, 1.5), 150, 1e-9);
	ck_assert_double_eq_tol(model_held(&sc, 3), 200, 1e-9);
	/* The server closes first: the client holds none. */
	load("[system]\nport_range = 20000-20099\n"
	    "[server]\nlogout_close = server\n"
	    "[load]\nrate = 100\nclose = server\nduration = 5s\n");
	ck_assert_double_eq(model_held(&sc, 1), -1);
}
END_TEST

/* The checks scenario_load leaves to the model: a lab it cannot map to,
 * or a prediction it does not make. */
START_TEST(refusals_of_the_model)
{
	ck_assert_str_eq(refusal_of("[load]\nrate = 1\n[system]\n"
	    "time_wait = 30s\ntcp_tw_reuse = 0\n"),
	    "[system] time_wait / [lab] time_scale is 30.000 s in the lab; "
	    "with tcp_tw_reuse = 0 only 60 s is possible");
	ck_assert_str_eq(refusal_of("[load]\nrate = 1\n[system]\n"
	    "time_wait = 240s\n"),
	    "[system] time_wait / [lab] time_scale is 240.0000 s in the "
	    "lab; it must be a whole number of ms from 1 ms to 60 s "
	    "(tcp_tw_reuse_delay)");
	ck_assert_str_eq(refusal_of("[system]\nport_range = 20000-20099\n"
	    "time_wait = 1s\n[load]\nrate = 90\n[expect]\n"
	    "time_wait = predicted\n"),
	    "[expect] time_wait = predicted, but the model has no "
	    "prediction here (the server closes first, or tcp_tw_reuse "
	    "recycles more than the even ports)");
	ck_assert_str_eq(refusal_of("[load]\nrate = 1\n[expect]\n"
	    "first_failure = predicted\n"),
	    "[expect] first_failure = predicted, but the model predicts "
	    "no failure for this load");
	/* Scaled to the lab, a step would be shorter than loadgen's 1 ms. */
	ck_assert_str_eq(refusal_of("[load]\nschedule = steps:1/5ms,2/1s\n"
	    "[lab]\ntime_scale = 10\n[system]\ntime_wait = 600s\n"),
	    "[load] schedule: a duration / [lab] time_scale 10 is under "
	    "loadgen's 1 ms");
	/* An expectation the model can meet is no refusal. */
	ck_assert_ptr_null(refusal_of("[system]\nport_range = 20000-20099\n"
	    "[load]\nrate = 200\nduration = 2s\n[expect]\n"
	    "first_failure = predicted\ntime_wait = predicted\n"));
}
END_TEST

/* Each client host has the whole range: N clients at rate r fail at
 * N x ports / r, and hold N x the TIME_WAIT. */
START_TEST(clients_multiply_capacity)
{
	load("[system]\nport_range = 20000-20099\n[load]\nrate = 150\n"
	    "duration = 3s\n[topology]\nclients = 3\n");
	ck_assert_double_eq_tol(plan.capacity, 3 * 100 / 60.0, 1e-9);
	ck_assert_double_eq_tol(plan.first_failure_s, 2.0, 1e-6);
	ck_assert_int_eq(plan.time_wait_end, 300);
	ck_assert_double_eq(plan.nat_capacity, -1);
}
END_TEST

/* Behind a gateway: pool / session time, the mappings in flight, not
 * pool / (session time + conntrack's TIME_WAIT). */
START_TEST(nat_pool_over_session_time)
{
	load("[system]\nport_range = 20000-29999\n[load]\nrate = 20\n"
	    "duration = 4s\nsession_time = 2s\n[topology]\nclients = 2\n"
	    "nat_ports = 40000-40009\nnat_time_wait = 120s\n");
	ck_assert_double_eq_tol(plan.nat_capacity, 5.0, 1e-9);
	ck_assert_double_eq_tol(plan.capacity, 5.0, 1e-9);
	/* 10 mappings in flight at 20/s: the 11th SYN, at 0.5 s, dropped
	 * and retransmitted until the connect times out ([load] timeout,
	 * 10 s by default). */
	ck_assert_double_eq_tol(plan.first_failure_s, 0.5 + 10, 1e-6);
	ck_assert_int_eq(plan.time_wait_end, -1);
	ck_assert_int_eq(plan.lab.nat_time_wait_s, 120);
	/* A pool of 100: 40 mappings in flight fit, no failure (regression:
	 * "none" plus the timeout was predicted as a failure at 4 s). */
	load("[system]\nport_range = 20000-29999\n[load]\nrate = 20\n"
	    "duration = 4s\ntimeout = 5s\nsession_time = 2s\n[topology]\n"
	    "clients = 2\nnat_ports = 40000-40099\n");
	ck_assert_double_eq_tol(plan.nat_capacity, 50.0, 1e-9);
	ck_assert_double_eq(plan.first_failure_s, -1);
	/* Short sessions: no limit from the pool (TIME_WAIT mappings are
	 * taken over). */
	load("[load]\nrate = 20\n[topology]\nclients = 2\n"
	    "nat_ports = 40000-40009\n");
	ck_assert_double_eq(plan.nat_capacity, -1);
	ck_assert_str_eq(refusal_of("[load]\nrate = 20\n[topology]\n"
	    "clients = 2\nnat_ports = 40000-40009\nnat_time_wait = 4s\n"
	    "[lab]\ntime_scale = 10\n"),
	    "[topology] nat_time_wait / [lab] time_scale is under conntrack's "
	    "1 s");
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("model");
	TCase	*tc = tcase_create("arithmetic");

	tcase_add_test(tc, capacities_of_the_article);
	tcase_add_test(tc, first_failure_is_ports_over_rate);
	tcase_add_test(tc, session_time_holds_ports);
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
	tcase_add_test(tc, ramp_fails_where_the_window_fills);
	tcase_add_test(tc, steps_fail_where_the_window_fills);
	tcase_add_test(tc, constant_schedule_is_the_rate);
	tcase_add_test(tc, schedule_scales_with_time);
	tcase_add_test(tc, time_wait_count_follows_the_schedule);
	tcase_add_test(tc, held_ports_follow_the_window);
	tcase_add_test(tc, refusals_of_the_model);
	tcase_add_test(tc, clients_multiply_capacity);
	tcase_add_test(tc, nat_pool_over_session_time);
	suite_add_tcase(s, tc);
	return s;
}
