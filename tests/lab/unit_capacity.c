/* unit_capacity.c: `ephemera plan`'s arithmetic (capacity.c) and its
 * preset table (presets.c), on cases worked by hand. */
#include <math.h>
#include <string.h>

#include <check.h>

#include "capacity.h"
#include "cdefs.h"
#include "check_main.h"
#include "presets.h"

/* One client, one destination, the client closes first. */
static struct capacity_input
input(unsigned lo, unsigned hi, double tw, double rate)
{
	struct capacity_input	in;

	memset(&in, 0, sizeof(in));
	in.port_lo = lo, in.port_hi = hi;
	in.time_wait_s = tw, in.rate = rate;
	in.sources = in.destinations = 1;
	return in;
}

START_TEST(test_kb319502_exhausts_at_159s)
{
	struct capacity_input	in = input(1024, 5000, 240, 25);
	struct capacity		c;

	ck_assert_ptr_null(capacity_check(&in));
	capacity_compute(&in, &c);
	ck_assert_uint_eq(c.client.ports, 3977);
	ck_assert_double_eq_tol(c.limit->max_rate, 3977 / 240.0, 1e-9);
	ck_assert_double_eq_tol(c.limit->exhaust_s, 3977 / 25.0, 1e-9);
	ck_assert_double_eq(c.limit->held, 3977);
	ck_assert_double_eq_tol(c.headroom, 3977 / 240.0 - 25, 1e-9);
	ck_assert_ptr_eq(c.limit, &c.client);
}
END_TEST

START_TEST(test_linux_defaults_hold_at_100)
{
	struct capacity_input	in = input(32768, 60999, 60, 100);
	struct capacity		c;

	capacity_compute(&in, &c);
	ck_assert_uint_eq(c.client.ports, 28232);
	ck_assert_double_eq_tol(c.limit->max_rate, 28232 / 60.0, 1e-9);
	ck_assert_int_eq((int)lround(c.limit->max_rate * 10), 4705);
	ck_assert_double_eq(c.limit->exhaust_s, -1);
	/* Little's law: rate x TIME_WAIT ports held. */
	ck_assert_double_eq_tol(c.limit->held, 6000, 1e-9);
	ck_assert_double_eq_tol(c.utilization, 100 / (28232 / 60.0), 1e-12);
}
END_TEST

START_TEST(test_exactly_at_capacity_holds)
{
	struct capacity_input	in = input(1, 100, 10, 10);
	struct capacity		c;

	capacity_compute(&in, &c);
	ck_assert_double_eq(c.limit->exhaust_s, -1);
	in.rate = 10.5;
	capacity_compute(&in, &c);
	ck_assert_double_eq_tol(c.limit->exhaust_s, 100 / 10.5, 1e-12);
}
END_TEST

START_TEST(test_session_time_holds_ports)
{
	struct capacity_input	in = input(1, 100, 8, 10);
	struct capacity		c;

	/* 2 s in flight + 8 s TIME_WAIT: 10 s a port, 10 ports/s. */
	in.session_s = 2;
	capacity_compute(&in, &c);
	ck_assert_double_eq_tol(c.limit->hold_s, 10, 1e-12);
	ck_assert_double_eq_tol(c.limit->max_rate, 10, 1e-12);
	/* Server closes first: only the 2 s in flight. */
	in.closer = CAPACITY_CLOSER_SERVER;
	in.rate = 40;
	capacity_compute(&in, &c);
	ck_assert_double_eq_tol(c.limit->max_rate, 50, 1e-12);
	ck_assert_double_eq(c.limit->exhaust_s, -1);
	in.rate = 60;
	capacity_compute(&in, &c);
	ck_assert_double_eq_tol(c.limit->exhaust_s, 100 / 60.0, 1e-12);
}
END_TEST

START_TEST(test_closer_and_reuse)
{
	struct capacity_input	in = input(1, 100, 60, 10);
	struct capacity		c;

	ck_assert_double_eq(capacity_after_close(&in), 60);
	in.closer = CAPACITY_CLOSER_SERVER;
	ck_assert_double_eq(capacity_after_close(&in), 0);
	in.closer = CAPACITY_CLOSER_RST;
	ck_assert_double_eq(capacity_after_close(&in), 0);
	capacity_compute(&in, &c);
	ck_assert(isinf(c.limit->max_rate));
	ck_assert_double_eq(c.limit->exhaust_s, -1);
	ck_assert_double_eq(c.utilization, 0);
	/* tcp_tw_reuse: min(TIME_WAIT, delay). */
	in.closer = CAPACITY_CLOSER_CLIENT;
	in.tw_reuse = 1, in.tw_reuse_delay_s = 1;
	ck_assert_double_eq(capacity_after_close(&in), 1);
	capacity_compute(&in, &c);
	ck_assert_double_eq_tol(c.limit->max_rate, 100, 1e-12);
	in.tw_reuse_delay_s = 90;
	ck_assert_double_eq(capacity_after_close(&in), 60);
	/* bind() before connect() never takes a TIME_WAIT port. */
	in.tw_reuse_delay_s = 1, in.bind = CAPACITY_BIND_BIND;
	ck_assert_double_eq(capacity_after_close(&in), 60);
}
END_TEST

START_TEST(test_reserved_ports)
{
	struct capacity_input	in = input(1024, 5000, 240, 25);

	in.reserved = 977;
	ck_assert_uint_eq(capacity_ports(&in), 3000);
	in.reserved = 3977;
	ck_assert_uint_eq(capacity_ports(&in), 0);
	ck_assert_ptr_nonnull(capacity_check(&in));
	ck_assert_str_eq(capacity_check(&in),
	    "--reserved: leaves no port of --ports to hand out");
}
END_TEST

START_TEST(test_destinations_sources_bind)
{
	struct capacity_input	in = input(1, 100, 10, 25);
	struct capacity		c;

	/* connect(): each destination and each source its own pool. */
	in.destinations = 3, in.sources = 2;
	capacity_compute(&in, &c);
	ck_assert_uint_eq(c.client.pools, 6);
	ck_assert_double_eq_tol(c.limit->max_rate, 60, 1e-12);
	ck_assert_double_eq_tol(c.limit->rate, 25 / 6.0, 1e-12);
	ck_assert_double_eq(c.limit->exhaust_s, -1);
	/* bind() before connect(): one pool per source address. */
	in.bind = CAPACITY_BIND_BIND;
	capacity_compute(&in, &c);
	ck_assert_uint_eq(c.client.pools, 2);
	ck_assert_double_eq_tol(c.limit->max_rate, 20, 1e-12);
	ck_assert_double_eq_tol(c.limit->exhaust_s, 100 / 12.5, 1e-12);
}
END_TEST

START_TEST(test_mailbox_cache)
{
	struct capacity_input	in = input(1024, 5000, 240, 25);
	struct capacity		c;
	double			s;

	/* 100 mailboxes at 25/s: each asked every 4 s.  TTL 0.5 s < 4 s:
	 * every request its own connection, in flight 0.5 s. */
	in.mailboxes = 100, in.cache_ttl_s = 0.5;
	ck_assert_double_eq(capacity_conn_rate(&in, &s), 25);
	ck_assert_double_eq(s, 0.5);
	/* TTL 30 min: one connection per mailbox per 1800 s. */
	in.cache_ttl_s = 1800;
	ck_assert_double_eq_tol(capacity_conn_rate(&in, &s), 100 / 1800.0,
	    1e-12);
	ck_assert_double_eq(s, 1800);
	/* TTL 10 s: reused until 12 s (3 gaps of 4 s). */
	in.cache_ttl_s = 10;
	ck_assert_double_eq_tol(capacity_conn_rate(&in, &s), 100 / 12.0,
	    1e-12);
	capacity_compute(&in, &c);
	ck_assert_double_eq_tol(c.limit->held, 100 / 12.0 * 250, 1e-9);
	ck_assert_double_eq(c.limit->exhaust_s, -1);
	/* Never above mailboxes / TTL. */
	in.rate = 1e6;
	ck_assert(capacity_conn_rate(&in, &s) <= 100 / 10.0 + 1e-12);
}
END_TEST

START_TEST(test_nat_holds_whoever_closes)
{
	struct capacity_input	in = input(32768, 60999, 60, 10);
	struct capacity		c;

	/* GCP's 64 ports, conntrack 120 s: 0.53/s; the server closing
	 * first does not free the NAT's port. */
	in.nat_ports = 64, in.nat_hold_s = 120;
	in.closer = CAPACITY_CLOSER_SERVER;
	capacity_compute(&in, &c);
	ck_assert_ptr_eq(c.limit, &c.nat);
	ck_assert_double_eq(c.nat.after_close_s, 120);
	ck_assert_double_eq_tol(c.limit->max_rate, 64 / 120.0, 1e-12);
	ck_assert_double_eq_tol(c.limit->exhaust_s, 6.4, 1e-12);
	ck_assert(isinf(c.client.max_rate));
	/* Per destination. */
	in.destinations = 2;
	capacity_compute(&in, &c);
	ck_assert_double_eq_tol(c.limit->exhaust_s, 12.8, 1e-12);
	/* A client TIME_WAIT longer than the conntrack's wins. */
	in.closer = CAPACITY_CLOSER_CLIENT, in.time_wait_s = 240;
	capacity_compute(&in, &c);
	ck_assert_double_eq(c.nat.after_close_s, 240);
}
END_TEST

START_TEST(test_nat_evicting_holds_in_flight)
{
	struct capacity_input	in = input(20000, 29999, 60, 20);
	struct capacity		c;

	/* Linux 6.5+: 10 ports, 2 s sessions at 20/s: only the 10 ports
	 * in flight count, 5/s, gone after 0.5 s; every SYN past them is
	 * dropped. */
	in.nat_ports = 10, in.nat_hold_s = 120, in.nat_evicts = 1;
	in.session_s = 2;
	capacity_compute(&in, &c);
	ck_assert_ptr_eq(c.limit, &c.nat);
	ck_assert_double_eq(c.nat.after_close_s, 0);
	ck_assert_double_eq_tol(c.nat.max_rate, 5, 1e-12);
	ck_assert_double_eq_tol(c.nat.exhaust_s, 0.5, 1e-12);
	ck_assert_double_eq(c.nat.syn_drop, 1);
	/* 50/s of 4 ms sessions: the table is full (50 x 120 s > 10), 0.2
	 * ports in flight, the rest evictable. */
	in.rate = 50, in.session_s = 0.004;
	capacity_compute(&in, &c);
	ck_assert_ptr_eq(c.limit, &c.client);
	ck_assert_double_eq_tol(c.nat.held, 0.2, 1e-12);
	ck_assert_double_eq(c.nat.entries, 10);
	ck_assert_double_eq(c.nat.syn_drop, capacity_syn_drop(10, 0.2));
	ck_assert(c.nat.syn_drop > 0 && c.nat.syn_drop < 0.05);
	ck_assert_double_eq(c.nat.exhaust_s, -1);
	/* A table not yet full drops nothing: 0.05/s x 120 s = 6 of 10. */
	in.rate = 0.05;
	capacity_compute(&in, &c);
	ck_assert_double_eq_tol(c.nat.entries, 6.0002, 1e-9);
	ck_assert_double_eq(c.nat.syn_drop, 0);
}
END_TEST

START_TEST(test_syn_drop)
{
	double	p5 = capacity_syn_drop(5, 0), p10 = capacity_syn_drop(10, 0);
	double	p20 = capacity_syn_drop(20, 0);

	/* Each try succeeds half the time, but the tries are correlated: a
	 * full pool drops more than 2^-k of SYNs, and less than 2^-k/2. */
	ck_assert(p10 > pow(0.5, 10) && p10 < pow(0.5, 5));
	ck_assert(p5 > pow(0.5, 5) && p5 < pow(0.5, 2.5));
	ck_assert(p20 > 0 && p20 < p10 && p10 < p5);
	/* Ports in flight are never evicted: fewer tries, more drops. */
	ck_assert(capacity_syn_drop(10, 5) > p10);
	/* A fixed seed: the same plan, the same answer. */
	ck_assert_double_eq(capacity_syn_drop(10, 0), p10);
	/* Beyond 32 ports only 32 tries evict: too rare to see. */
	ck_assert_double_eq(capacity_syn_drop(1024, 0), 0);
	ck_assert_double_eq(capacity_syn_drop(10, 10), 1);
	ck_assert_double_eq(capacity_syn_drop(0, 0), 1);
}
END_TEST

START_TEST(test_checks)
{
	struct capacity_input	in = input(5000, 1024, 240, 25);

	ck_assert_str_eq(capacity_check(&in),
	    "--ports: expected LO-HI with LO <= HI");
	in = input(1024, 5000, 240, 0);
	ck_assert_str_eq(capacity_check(&in), "--rate: expected a rate above 0");
	in = input(1024, 5000, 240, 25);
	in.mailboxes = 10;
	ck_assert_str_eq(capacity_check(&in),
	    "--mailboxes: expected --cache-ttl above 0 too");
	in.mailboxes = 0, in.cache_ttl_s = 5;
	ck_assert_str_eq(capacity_check(&in),
	    "--cache-ttl: expected --mailboxes too");
}
END_TEST

START_TEST(test_os_presets)
{
	static const struct {
		const char	*name;
		unsigned	 lo, hi, ports;
		double		 tw, rate;	/* rate: to 0.1/s */
	} want[] = {
		{ "windows2000", 1024, 5000, 3977, 240, 16.6 },
		{ "windows", 49152, 65535, 16384, 240, 68.3 },
		{ "linux", 32768, 60999, 28232, 60, 470.5 },
		{ "freebsd", 10000, 65535, 55536, 60, 925.6 },
		{ "macos", 49152, 65535, 16384, 30, 546.1 },
	};
	const struct preset	*p;
	struct capacity_input	 in;
	struct capacity		 c;
	size_t			 i;

	for (i = 0; i < nitems(want); i++) {
		p = preset_find(want[i].name);
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(p->kind, PRESET_OS);
		ck_assert_uint_eq(p->port_lo, want[i].lo);
		ck_assert_uint_eq(p->port_hi, want[i].hi);
		ck_assert_double_eq(p->time_wait_s, want[i].tw);
		ck_assert(strlen(p->source) > 10);
		in = input(p->port_lo, p->port_hi, p->time_wait_s, 1);
		capacity_compute(&in, &c);
		ck_assert_uint_eq(c.client.ports, want[i].ports);
		ck_assert_double_eq_tol(floor(c.limit->max_rate * 10 + 0.5) /
		    10, want[i].rate, 1e-9);
	}
	ck_assert_ptr_null(preset_find("windows95"));
}
END_TEST

START_TEST(test_nat_presets)
{
	const struct preset	*p;

	ck_assert_uint_eq(preset_azure_lb_ports(1), 1024);
	ck_assert_uint_eq(preset_azure_lb_ports(50), 1024);
	ck_assert_uint_eq(preset_azure_lb_ports(51), 512);
	ck_assert_uint_eq(preset_azure_lb_ports(100), 512);
	ck_assert_uint_eq(preset_azure_lb_ports(101), 256);
	ck_assert_uint_eq(preset_azure_lb_ports(200), 256);
	ck_assert_uint_eq(preset_azure_lb_ports(201), 128);
	ck_assert_uint_eq(preset_azure_lb_ports(400), 128);
	ck_assert_uint_eq(preset_azure_lb_ports(401), 64);
	ck_assert_uint_eq(preset_azure_lb_ports(800), 64);
	ck_assert_uint_eq(preset_azure_lb_ports(801), 32);
	ck_assert_uint_eq(preset_azure_lb_ports(1000), 32);
	ck_assert_uint_eq(preset_azure_lb_ports(1001), 0);
	ck_assert_uint_eq(preset_azure_lb_ports(0), 0);
	p = preset_find("azure-lb");
	ck_assert_uint_eq(preset_nat_ports(p, 60), 512);
	ck_assert_double_eq(p->nat_hold_s, 120);
	p = preset_find("azure-nat");
	ck_assert_uint_eq(preset_nat_ports(p, 0), 50000);
	p = preset_find("aws-nat");
	ck_assert_uint_eq(preset_nat_ports(p, 0), 55000);
	p = preset_find("gcp-nat");
	ck_assert_uint_eq(preset_nat_ports(p, 0), 64);
	ck_assert_int_eq(p->kind, PRESET_NAT);
	ck_assert_uint_eq(preset_nat_ports(preset_find("linux"), 5), 0);
	ck_assert_int_eq(p->nat_evicts, 0);
	p = preset_find("linux-nat");
	ck_assert_uint_eq(preset_nat_ports(p, 0), 64512);
	ck_assert_int_eq(p->nat_evicts, 1);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("capacity");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_kb319502_exhausts_at_159s);
	tcase_add_test(tc, test_linux_defaults_hold_at_100);
	tcase_add_test(tc, test_exactly_at_capacity_holds);
	tcase_add_test(tc, test_session_time_holds_ports);
	tcase_add_test(tc, test_closer_and_reuse);
	tcase_add_test(tc, test_reserved_ports);
	tcase_add_test(tc, test_destinations_sources_bind);
	tcase_add_test(tc, test_mailbox_cache);
	tcase_add_test(tc, test_nat_holds_whoever_closes);
	tcase_add_test(tc, test_nat_evicting_holds_in_flight);
	tcase_add_test(tc, test_syn_drop);
	tcase_add_test(tc, test_checks);
	tcase_add_test(tc, test_os_presets);
	tcase_add_test(tc, test_nat_presets);
	suite_add_tcase(s, tc);
	return s;
}
