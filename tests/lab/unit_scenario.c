/* unit_scenario.c: scenario files and their refusals; the model's own
 * refusals are test_model.c's (this test links no model). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "temp_ini.h"
#include "scenario.h"
#include "steps.h"

static char	path[64];

static void
write_ini(const char *text)
{
	temp_ini(path, sizeof(path), text);
}

static void
teardown(void)
{
	unlink(path);
}

/* The error for `text`, with the temporary path replaced by "F". */
static const char *
error_of(const char *text)
{
	static char	err[512], out[512];
	struct scenario	sc;
	const char	*p;

	write_ini(text);
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), -1);
	p = strstr(err, path);
	ck_assert_ptr_nonnull(p);
	snprintf(out, sizeof(out), "F%s", p + strlen(path));
	return out;
}

START_TEST(full_scenario)
{
	struct scenario	sc;
	char		err[512];

	write_ini("; comment\n[scenario]\ndescription = small\n"
	    "[system]\nport_range = 20000-20099\ntcp_tw_reuse = 0\n"
	    "[server]\nlisten = 127.0.0.1:1143\nlogout_close = server\n"
	    "[load]\nrate = 200\nduration = 2s\ntimeout = 500ms\n"
	    "[expect]\noutcome = fails\nfirst_failure_errno = EADDRNOTAVAIL\n"
	    "completed = 100\ntime_wait = 100\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	ck_assert_str_eq(sc.description, "small");
	ck_assert_uint_eq(scenario_ports(&sc), 100);
	ck_assert_int_eq(sc.logout_close, LOGOUT_CLOSE_SERVER);
	ck_assert_double_eq(sc.rate, 200);
	ck_assert_uint_eq(sc.duration_us, 2000000);
	ck_assert_uint_eq(sc.timeout_us, 500000);
	ck_assert_int_eq(sc.expect, OUTCOME_FAILS);
	ck_assert_str_eq(sc.expect_errno, "EADDRNOTAVAIL");
	ck_assert_int_eq(sc.expect_completed, 100);
	ck_assert_int_eq(sc.expect_time_wait.kind, EXPECT_VALUE);
	ck_assert_double_eq(sc.expect_time_wait.value, 100);
	ck_assert_double_eq(sc.expect_time_wait.tolerance, 0.05);
	/* The name is the file's, without .ini. */
	ck_assert_int_eq(strncmp(sc.name, "ephemera-test-", 14), 0);
	ck_assert_ptr_null(strstr(sc.name, ".ini"));
}
END_TEST

START_TEST(defaults_are_linux)
{
	struct scenario	sc;
	char		err[512];

	write_ini("[load]\nrate = 10\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	ck_assert_uint_eq(sc.port_lo, 32768);
	ck_assert_uint_eq(sc.port_hi, 60999);
	ck_assert_int_eq(sc.nlisten, 1);
	ck_assert_str_eq(sc.listen[0], "127.0.0.1:1143");
	ck_assert_int_eq(sc.logout_close, LOGOUT_CLOSE_CLIENT);
	ck_assert_int_eq(sc.close, CLOSE_CLIENT);
	ck_assert_int_eq(sc.expect, OUTCOME_ANY);
	ck_assert_int_eq(sc.expect_completed, -1);
}
END_TEST

START_TEST(model_keys)
{
	struct scenario	sc;
	char		err[512];

	write_ini("[system]\nport_range = 1024-65000\ntime_wait = 240s\n"
	    "[server]\nlisten = 127.0.0.1:65001\n"
	    "[load]\nrate = 25\nduration = 240s\n[lab]\ntime_scale = 10\n"
	    "scale_by = ports\n[expect]\nfirst_failure = 150s\n"
	    "first_failure_tolerance = 2.5%\ntime_wait = predicted\n"
	    "time_wait_tolerance = 0%\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	ck_assert_uint_eq(sc.time_wait_us, 240000000);
	ck_assert_double_eq(sc.time_scale, 10);
	ck_assert_int_eq(sc.tw_reuse, -1);
	ck_assert_int_eq(sc.scale_ports, 1);
	ck_assert_int_eq(sc.expect_first_failure.kind, EXPECT_VALUE);
	ck_assert_double_eq(sc.expect_first_failure.value, 150);
	ck_assert_double_eq_tol(sc.expect_first_failure.tolerance, 0.025,
	    1e-12);
	ck_assert_int_eq(sc.expect_time_wait.kind, EXPECT_PREDICTED);
	ck_assert_double_eq(sc.expect_time_wait.tolerance, 0);
}
END_TEST

START_TEST(refusals_name_file_line_and_what)
{
	ck_assert_str_eq(error_of("[load]\nrate = fast\n"),
	    "F:2: rate: expected a positive number up to 1000M, such as 200, 12.5 or 2k, "
	    "got 'fast'");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n\n[load]\nspeed = 3\n"),
	    "F:5: unknown key 'speed' in [load]");
	ck_assert_str_eq(error_of("[load]\nrat = 1\n"),
	    "F:2: unknown key 'rat' in [load] (did you mean rate?)");
	ck_assert_str_eq(error_of("[system]\nport_rang = 1-2\n"),
	    "F:2: unknown key 'port_rang' in [system] (did you mean "
	    "port_range?)");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n\n[load]\nrate = 3\n"),
	    "F:5: 'rate' in [load] set again (first on line 2): one value "
	    "per key");
	ck_assert_str_eq(error_of("[server]\nlisten = 127.0.0.1:1143\n"
	    "listen = 127.0.0.1:1144\n"),
	    "F:3: 'listen' in [server] set again (first on line 2): one value "
	    "per key; several destinations go on one line, separated by "
	    "spaces");
	ck_assert_str_eq(error_of("[nope]\nx = 1\n"),
	    "F:2: unknown section [nope] (expected scenario, system, server, "
	    "load, topology, lab or expect)");
	ck_assert_str_eq(error_of("[expect]\nfirst_failure_tolerance = 5\n"),
	    "F:2: first_failure_tolerance: expected a percentage such as 5%, "
	    "got '5'");
	ck_assert_str_eq(error_of("[expect]\ntime_wait = lots\n"),
	    "F:2: time_wait: expected predicted, or a whole number such as "
	    "100, got 'lots'");
	ck_assert_str_eq(error_of("[expect]\nran_out = slowness\n"),
	    "F:2: ran_out: expected in_flight, TIME_WAIT or FIN_WAIT_2, got "
	    "'slowness'");
	ck_assert_str_eq(error_of("[expect]\nran_out = -\n"),
	    "F:2: ran_out: expected in_flight, TIME_WAIT or FIN_WAIT_2, got "
	    "'-'");
	ck_assert_str_eq(error_of("[load]\nsession_time = soon\n"),
	    "F:2: session_time: expected a duration such as 500ms, 2s or 1m, "
	    "got 'soon'");
	ck_assert_str_eq(error_of("[lab]\nscale_by = rate\n"),
	    "F:2: scale_by: expected time (multiply rates) or ports (divide "
	    "the range), got 'rate'");
	ck_assert_str_eq(error_of("[lab]\ntime_scale = 0\n"),
	    "F:2: time_scale: expected a positive number of model seconds "
	    "per lab second, such as 1 or 10, got '0'");
	ck_assert_str_eq(error_of("[load]\nrate = 1\njunk\n"),
	    "F:3: expected '[section]' or 'key = value'");
	ck_assert_str_eq(error_of("[system]\nport_range = 9-1\n"),
	    "F:2: port_range: expected a port range LO-HI with 1 <= LO <= HI "
	    "<= 65535, got '9-1'");
	ck_assert_str_eq(error_of("[server]\nlisten = 127.0.0.1:1143 x\n"),
	    "F:2: listen: expected ADDR:PORT such as 127.0.0.1:1143 or "
	    "[::1]:1143 (in 'x'), got '127.0.0.1:1143 x'");
	ck_assert_str_eq(error_of("[load]\nclose = later\n"),
	    "F:2: close: expected client, server, rst or no-logout, got "
	    "'later'");
	ck_assert_str_eq(error_of("[system]\ntcp_tw_reuse = 3\n"),
	    "F:2: tcp_tw_reuse: expected 0 (off), 1 (on) or 2 (loopback "
	    "only), got '3'");
}
END_TEST

START_TEST(first_error_wins)
{
	/* A syntax error before a bad value: the syntax error's line. */
	ck_assert_str_eq(error_of("[load]\njunk\nrate = x\n"),
	    "F:2: expected '[section]' or 'key = value'");
	ck_assert_str_eq(error_of("[load]\nrate = x\njunk\n"),
	    "F:2: rate: expected a positive number up to 1000M, such as 200, 12.5 or 2k, "
	    "got 'x'");
}
END_TEST

START_TEST(impossible_combinations)
{
	ck_assert_str_eq(error_of("[system]\nport_range = 1000-2000\n"),
	    "F: [load] rate (or schedule) is required");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[system]\n"
	    "port_range = 1000-2000\n"),
	    "F: [server] listen port lies inside [system] port_range; the "
	    "client could not use it and would collide with the server");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[expect]\n"
	    "outcome = holds\nfirst_failure_errno = EADDRNOTAVAIL\n"),
	    "F: [expect] a first failure contradicts outcome = holds");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[server]\n"
	    "listen = 127.0.0.1:1143 127.0.0.1:1143\n"),
	    "F: [server] listen names the same ADDR:PORT twice");
	ck_assert_str_eq(error_of("[server]\noptions = messages 5\n"),
	    "F:2: options: expected fake-imapd options such as "
	    "--command-delay 5ms, got 'messages 5'");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[server]\nkind = dovecot\n"
	    "logout_close = server\noptions = --messages 5\n"),
	    "F: [server] options are fake-imapd's; kind = dovecot takes none");
	ck_assert_str_eq(error_of("[load]\nrate = 1\nmailboxes = 10\n"),
	    "F: [load] mailboxes needs cache_ttl (0: a connection per request, "
	    "as with the article's very low MailboxCacheTTL)");
	ck_assert_str_eq(error_of("[load]\nrate = 1\ncache_ttl = 1s\n"),
	    "F: [load] cache_ttl needs mailboxes");
	ck_assert_str_eq(error_of("[load]\nmailbox_skew = zipf:0\n"),
	    "F:2: mailbox_skew: expected uniform, round-robin or zipf:S with "
	    "0 < S <= 10, got 'zipf:0'");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[server]\nkind = dovecot\n"),
	    "F: [server] kind = dovecot closes first after LOGOUT, as RFC 3501 "
	    "says: set logout_close = server");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[server]\nkind = courier\n"),
	    "F:4: kind: expected fake-imapd, dovecot or command, got "
	    "'courier'");
	ck_assert_str_eq(error_of("[load]\nrate = 1\nclose = server\n"),
	    "F: [load] close = server waits for the server's close, which "
	    "needs [server] logout_close = server: every session would time "
	    "out");
	ck_assert_str_eq(error_of("[load]\nrate = 1\nclose = rst\n[server]\n"
	    "logout_close = never\n"),
	    "F: [server] logout_close = never needs [load] close = client: "
	    "the client's FIN is what the server then ignores");
}
END_TEST

START_TEST(schedule_key)
{
	struct scenario	sc;
	char		err[512], text[ARRIVAL_SPEC_STRLEN];

	write_ini("[load]\nschedule = poisson:ramp:0-200/10s\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	ck_assert_int_eq(sc.has_schedule, 1);
	ck_assert_int_eq(sc.schedule.shape, SHAPE_RAMP);
	ck_assert_int_eq(sc.schedule.poisson, 1);
	/* The peak, for the table's "offered". */
	ck_assert_double_eq(sc.rate, 200);
	arrival_format(&sc.schedule, text, sizeof(text));
	ck_assert_str_eq(text, "poisson:ramp:0-200/10s");
	unlink(path);
	write_ini("[load]\nschedule = steps:100/2s,300/1s,50/2s\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	ck_assert_int_eq(sc.schedule.nsteps, 3);
	ck_assert_double_eq(sc.rate, 300);
	unlink(path);
	/* A plain rate is the constant schedule. */
	write_ini("[load]\nrate = 25\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	ck_assert_int_eq(sc.has_schedule, 0);
	ck_assert_int_eq(sc.schedule.shape, SHAPE_CONST);
	ck_assert_double_eq(sc.schedule.rate, 25);
}
END_TEST

START_TEST(schedule_refusals)
{
	ck_assert_str_eq(error_of("[load]\nschedule = ramp:5/10s\n"),
	    "F:2: schedule: expected ramp:FROM-TO/DURATION such as "
	    "ramp:50-2000/60s, got 'ramp:5/10s'");
	ck_assert_str_eq(error_of("[load]\nrate = 5\nduration = 2s\n"
	    "schedule = const:5\n"),
	    "F:4: [load] rate and schedule exclude each other: a constant "
	    "rate is schedule = const:RATE");
	ck_assert_str_eq(error_of("[load]\nschedule = const:5\nrate = 5\n"),
	    "F:3: [load] rate and schedule exclude each other: a constant "
	    "rate is schedule = const:RATE");
	ck_assert_str_eq(error_of("[load]\nschedule = const:5\n"
	    "mailboxes = 10\ncache_ttl = 0\n"),
	    "F:2: [load] schedule with mailboxes: the mailbox cache is "
	    "modelled at a constant rate only");
}
END_TEST

START_TEST(command_server)
{
	struct scenario	sc;
	char		err[512];

	write_ini("[load]\nrate = 1\n[server]\nkind = command\n"
	    "command = {bindir}/fake-imapd --listen \"{addr}:{port}\"\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	ck_assert_int_eq(sc.kind, SERVER_COMMAND);
	ck_assert_str_eq(sc.command,
	    "{bindir}/fake-imapd --listen \"{addr}:{port}\"");
}
END_TEST

START_TEST(command_refusals)
{
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[server]\n"
	    "kind = command\n"),
	    "F:4: [server] kind = command needs command = the server's "
	    "command line");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[server]\n"
	    "command = imapd --port {port}\n"),
	    "F:4: [server] command needs kind = command");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[server]\nkind = dovecot\n"
	    "logout_close = server\ncommand = imapd\n"),
	    "F:6: [server] command needs kind = command");
	ck_assert_str_eq(error_of("[server]\nkind = command\n"
	    "command = imapd --port {prot}\n"),
	    "F:3: command: expected a placeholder {addr}, {port}, {dir} or "
	    "{bindir} (a lone '{' is not allowed), got 'imapd --port {prot}'");
	ck_assert_str_eq(error_of("[server]\ncommand = imapd \"--x\n"),
	    "F:2: command: expected a closing double quote, got "
	    "'imapd \"--x'");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[server]\nkind = command\n"
	    "command = imapd\noptions = --messages 5\n"),
	    "F:6: [server] options are fake-imapd's; with kind = command the "
	    "command line says everything");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[server]\nkind = command\n"
	    "command = imapd\nlisten = 127.0.0.1:1143 127.0.0.1:1144\n"),
	    "F:6: [server] kind = command takes one listen address, the one "
	    "{addr} and {port} stand for");
}
END_TEST

START_TEST(steps_key)
{
	struct scenario	sc;
	char		err[512];

	write_ini("[load]\nrate = 1\nsteps = login,select,noop,logout\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	/* steps_format's canonical text: what loadgen --steps is given. */
	ck_assert_str_eq(sc.steps, "login,select=INBOX,noop,logout");
	ck_assert_int_eq(scenario_tw_holder(&sc), TW_CLIENT);
	unlink(path);
	/* Without LOGOUT the server waits: the client closes first even
	 * against a server that would close after LOGOUT. */
	write_ini("[load]\nrate = 1\nsteps = login,noop\n"
	    "[server]\nlogout_close = server\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	ck_assert_int_eq(scenario_tw_holder(&sc), TW_CLIENT);
	unlink(path);
	write_ini("[load]\nrate = 1\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	ck_assert_str_eq(sc.steps, "");
}
END_TEST

START_TEST(steps_refusals)
{
	struct step_list	list;
	char			want[512];

	/* The parser's own words, after file:line and the key. */
	snprintf(want, sizeof(want), "F:3: steps: expected %s, got "
	    "'login,dance'", steps_parse("login,dance", &list));
	ck_assert_str_eq(error_of("[load]\nrate = 1\nsteps = login,dance\n"),
	    want);
	snprintf(want, sizeof(want), "F:3: steps: expected %s, got "
	    "'logout,login'", steps_parse("logout,login", &list));
	ck_assert_str_eq(error_of("[load]\nrate = 1\nsteps = logout,login\n"),
	    want);
	ck_assert_str_eq(error_of("[load]\nrate = 1\nmailboxes = 10\n"
	    "cache_ttl = 0\nsteps = login,noop,logout\n"),
	    "F:5: [load] steps with mailboxes: a request is the steps after "
	    "the login, so they need login (or authenticate) and select (or "
	    "examine)");
	ck_assert_str_eq(error_of("[server]\nlogout_close = server\n[load]\n"
	    "rate = 1\nclose = server\nsteps = login,noop\n"),
	    "F:6: [load] close = server waits for the server's close after "
	    "LOGOUT: steps must end with logout");
}
END_TEST

/* A lab the model cannot map to is model_check's refusal: the parser
 * takes it. */
START_TEST(model_refusals_are_not_the_parsers)
{
	struct scenario	sc;
	char		err[512];

	write_ini("[load]\nrate = 1\n[system]\ntime_wait = 240s\n"
	    "[expect]\nfirst_failure = predicted\n");
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	ck_assert_int_eq(sc.expect_first_failure.kind, EXPECT_PREDICTED);
}
END_TEST

/* What [topology] loads as: clients, shards, the pool, conntrack's
 * TIME_WAIT, and what the run derives from them. */
static void
check_topology(const char *text, unsigned clients, unsigned shards,
    unsigned nat_lo, int64_t nat_tw, unsigned loadgens, unsigned pools)
{
	struct scenario	sc;
	char		err[512];

	write_ini(text);
	ck_assert_int_eq(scenario_load(path, &sc, err, sizeof(err)), 0);
	ck_assert_uint_eq(sc.clients, clients);
	ck_assert_uint_eq(sc.shards, shards);
	ck_assert_uint_eq(sc.nat_lo, nat_lo);
	ck_assert_uint_eq(sc.nat_hi, nat_lo == 0 ? 0 : nat_lo + 9);
	ck_assert_int_eq(sc.nat_time_wait_s, nat_tw);
	ck_assert_int_eq(scenario_has_hosts(&sc), clients > 0);
	ck_assert_uint_eq(scenario_loadgens(&sc), loadgens);
	ck_assert_uint_eq(scenario_pools(&sc), pools);
}

START_TEST(topology_keys)
{
	check_topology("[load]\nrate = 1\n[topology]\nclients = 3\n"
	    "shards = 2\nnat_ports = 40000-40009\nnat_time_wait = 30s\n",
	    3, 2, 40000, 30, 6, 3);
	/* None: one namespace, one loadgen, conntrack's default kept for a
	 * gateway; the pools are the destinations. */
	check_topology("[load]\nrate = 1\n[server]\n"
	    "listen = 127.0.0.1:1143 127.0.0.1:1144\n", 0, 1, 0, 120, 1, 2);
	check_topology("[load]\nrate = 1\n[topology]\nshards = 4\n",
	    0, 4, 0, 120, 4, 1);
}
END_TEST

START_TEST(topology_refusals)
{
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[topology]\n"
	    "clients = 0\n"),
	    "F:4: clients: expected a whole number from 1 to 16, got '0'");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[topology]\n"
	    "clients = 17\n"),
	    "F:4: clients: expected a whole number from 1 to 16, got '17'");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[topology]\n"
	    "shards = many\n"),
	    "F:4: shards: expected a whole number from 1 to 16, got 'many'");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[topology]\n"
	    "clients = 2\nnat_ports = 5-2\n"),
	    "F:5: nat_ports: expected a port range LO-HI with 1 <= LO <= HI "
	    "<= 65535, got '5-2'");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[topology]\n"
	    "clients = 2\nnat_time_wait = 1.5s\n"),
	    "F:5: nat_time_wait: expected a whole number of seconds from 1s "
	    "to 1h, such as 60s, got '1.5s'");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[topology]\n"
	    "client = 2\n"),
	    "F:4: unknown key 'client' in [topology] (did you mean "
	    "clients?)");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[topology]\n"
	    "nat_ports = 40000-40009\n"),
	    "F:4: [topology] a NAT gateway stands between client hosts and "
	    "the server host: it needs clients = N");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[topology]\n"
	    "clients = 2\nnat_time_wait = 60s\n"),
	    "F:5: [topology] nat_time_wait is the NAT gateway's: it needs "
	    "nat_ports = LO-HI");
	ck_assert_str_eq(error_of("[load]\nrate = 1\nmailboxes = 10\n"
	    "cache_ttl = 1s\n[topology]\nshards = 2\n"),
	    "F:6: [topology] with [load] mailboxes: each loadgen would keep a "
	    "mailbox cache of its own");
	ck_assert_str_eq(error_of("[load]\nrate = 1\n[server]\nkind = "
	    "dovecot\nlogout_close = server\n[topology]\nclients = 2\n"),
	    "F:7: [topology] clients: the server host runs fake-imapd only "
	    "(kind = fake-imapd)");
}
END_TEST

START_TEST(missing_file)
{
	struct scenario	sc;
	char		err[512];

	ck_assert_int_eq(scenario_load("/nonexistent/x.ini", &sc, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/x.ini: No such file or directory");
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("scenario");
	TCase	*tc = tcase_create("load");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, full_scenario);
	tcase_add_test(tc, defaults_are_linux);
	tcase_add_test(tc, model_keys);
	tcase_add_test(tc, refusals_name_file_line_and_what);
	tcase_add_test(tc, first_error_wins);
	tcase_add_test(tc, impossible_combinations);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, topology_keys);
	tcase_add_test(tc, topology_refusals);
	tcase_add_test(tc, model_refusals_are_not_the_parsers);
	tcase_add_test(tc, schedule_key);
	tcase_add_test(tc, schedule_refusals);
	tcase_add_test(tc, command_server);
	tcase_add_test(tc, command_refusals);
	tcase_add_test(tc, steps_key);
	tcase_add_test(tc, steps_refusals);
	suite_add_tcase(s, tc);
	return s;
}
