/* unit_netstat.c: the TcpExt counters are found by name, not position. */
#include <stdint.h>

#include "check_main.h"
#include "netstat.h"

START_TEST(parse_by_name)
{
	struct tcpext_counters	c;
	const char		*text =
	    "TcpExt: SyncookiesSent TW TWRecycled TCPAbortOnData "
	    "TCPAbortOnClose Other TCPTimeWaitOverflow\n"
	    "TcpExt: 0 7572 11 22 33 44 55\n"
	    "IpExt: InNoRoutes\n"
	    "IpExt: 0\n";

	ck_assert_int_eq(netstat_parse(text, &c), 0);
	ck_assert_uint_eq(c.v[TCPEXT_TW_RECYCLED], 11);
	ck_assert_uint_eq(c.v[TCPEXT_ABORT_ON_DATA], 22);
	ck_assert_uint_eq(c.v[TCPEXT_ABORT_ON_CLOSE], 33);
	ck_assert_uint_eq(c.v[TCPEXT_TW_OVERFLOW], 55);
	ck_assert_str_eq(tcpext_column(TCPEXT_TW_OVERFLOW), "tw_overflow");
}
END_TEST

START_TEST(missing_counter_or_value)
{
	struct tcpext_counters	c;

	ck_assert_int_eq(netstat_parse("TcpExt: TWRecycled\nTcpExt: 1\n", &c),
	    -1);
	ck_assert_int_eq(netstat_parse("TcpExt: TWRecycled TCPAbortOnData "
	    "TCPAbortOnClose TCPTimeWaitOverflow\nTcpExt: 1 2 3\n", &c), -1);
	ck_assert_int_eq(netstat_parse("", &c), -1);
}
END_TEST

/* This namespace's own file parses. */
START_TEST(reads_proc)
{
	struct tcpext_counters	c;

	ck_assert_int_eq(netstat_read(&c), 0);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("netstat");
	TCase	*tc = tcase_create("netstat");

	tcase_add_test(tc, parse_by_name);
	tcase_add_test(tc, missing_counter_or_value);
	tcase_add_test(tc, reads_proc);
	suite_add_tcase(s, tc);
	return s;
}
