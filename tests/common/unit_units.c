/* unit_units.c: durations, counts, rates, port ranges, endpoints. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>

#include "addr.h"
#include "cdefs.h"
#include "check_main.h"
#include "units.h"

START_TEST(durations)
{
	uint64_t	us;

	ck_assert_ptr_null(parse_duration_us("500ms", &us));
	ck_assert_uint_eq(us, 500000);
	ck_assert_ptr_null(parse_duration_us("2s", &us));
	ck_assert_uint_eq(us, 2000000);
	ck_assert_ptr_null(parse_duration_us("2", &us));
	ck_assert_uint_eq(us, 2000000);
	ck_assert_ptr_null(parse_duration_us("1.5s", &us));
	ck_assert_uint_eq(us, 1500000);
	ck_assert_ptr_null(parse_duration_us("1m", &us));
	ck_assert_uint_eq(us, 60000000);
	ck_assert_ptr_null(parse_duration_us("250us", &us));
	ck_assert_uint_eq(us, 250);
	ck_assert_ptr_null(parse_duration_us("4h", &us));
	ck_assert_uint_eq(us, 4ULL * 3600 * 1000000);
}
END_TEST

/* Decimals that binary floating point holds inexactly: 0.0157 * 1e6 is
 * 15699.999999999998, 0.000981 * 1e6 is 980.9999999999999.  Each must be
 * taken as the whole number it names, and a true fraction of the unit
 * still refused. */
START_TEST(inexact_decimals)
{
	uint64_t	us, n;

	ck_assert_ptr_null(parse_duration_us("0.0157", &us));
	ck_assert_uint_eq(us, 15700);
	ck_assert_ptr_null(parse_duration_us("0.000981", &us));
	ck_assert_uint_eq(us, 981);
	ck_assert_ptr_null(parse_duration_us("0.00051", &us));
	ck_assert_uint_eq(us, 510);
	ck_assert_ptr_null(parse_duration_us("0.0079s", &us));
	ck_assert_uint_eq(us, 7900);
	ck_assert_ptr_nonnull(parse_duration_us("0.0000015", &us));
	ck_assert_ptr_nonnull(parse_duration_us("0.9999999us", &us));
	ck_assert_ptr_null(parse_count("0.0157M", 1000000, &n));
	ck_assert_uint_eq(n, 15700);
	ck_assert_ptr_nonnull(parse_count("0.00015k", 1000000, &n));
}
END_TEST

START_TEST(bad_durations)
{
	uint64_t	us;
	const char	*bad[] = { "", "ms", "-1s", "2 s", "2sec", "1e3",
	    "0x10", "inf", "1.5us", "1..2s", "nan" };
	size_t		i;

	for (i = 0; i < nitems(bad); i++)
		ck_assert_msg(parse_duration_us(bad[i], &us) != NULL,
		    "'%s' was accepted", bad[i]);
}
END_TEST

START_TEST(counts)
{
	uint64_t	n;

	ck_assert_ptr_null(parse_count("2k", 1000000, &n));
	ck_assert_uint_eq(n, 2000);
	ck_assert_ptr_null(parse_count("1.5k", 1000000, &n));
	ck_assert_uint_eq(n, 1500);
	ck_assert_ptr_null(parse_count("3M", 10000000, &n));
	ck_assert_uint_eq(n, 3000000);
	ck_assert_ptr_null(parse_count("0", 10, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_nonnull(parse_count("11", 10, &n));
	ck_assert_ptr_nonnull(parse_count("1.5", 10, &n));
	ck_assert_ptr_nonnull(parse_count("2x", 10, &n));
	ck_assert_ptr_nonnull(parse_count("-1", 10, &n));
}
END_TEST

START_TEST(rates)
{
	double	r;

	ck_assert_ptr_null(parse_rate("200", &r));
	ck_assert_double_eq(r, 200);
	ck_assert_ptr_null(parse_rate("12.5", &r));
	ck_assert_double_eq(r, 12.5);
	ck_assert_ptr_null(parse_rate("2k", &r));
	ck_assert_double_eq(r, 2000);
	ck_assert_ptr_nonnull(parse_rate("0", &r));
	ck_assert_ptr_nonnull(parse_rate("fast", &r));
	/* The limit is part of what the refusal says. */
	ck_assert_ptr_null(parse_rate("1000M", &r));
	ck_assert_str_eq(parse_rate("1001M", &r),
	    "a positive number up to 1000M, such as 200, 12.5 or 2k");
}
END_TEST

START_TEST(port_ranges)
{
	unsigned	lo, hi;

	ck_assert_ptr_null(parse_port_range("20000-20099", &lo, &hi));
	ck_assert_uint_eq(lo, 20000);
	ck_assert_uint_eq(hi, 20099);
	ck_assert_ptr_null(parse_port_range("1024-1024", &lo, &hi));
	ck_assert_ptr_nonnull(parse_port_range("5000-1024", &lo, &hi));
	ck_assert_ptr_nonnull(parse_port_range("0-10", &lo, &hi));
	ck_assert_ptr_nonnull(parse_port_range("10-65536", &lo, &hi));
	ck_assert_ptr_nonnull(parse_port_range("10", &lo, &hi));
	ck_assert_ptr_nonnull(parse_port_range("10-20x", &lo, &hi));
}
END_TEST

START_TEST(duration_format_round_trips)
{
	char		buf[32];
	uint64_t	us;

	format_duration(1500000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1500ms");
	format_duration(2000000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2s");
	format_duration(250, buf, sizeof(buf));
	ck_assert_str_eq(buf, "250us");
	ck_assert_ptr_null(parse_duration_us(buf, &us));
	ck_assert_uint_eq(us, 250);
}
END_TEST

START_TEST(endpoints)
{
	struct endpoint	ep;
	char		buf[ENDPOINT_STRLEN];

	ck_assert_ptr_null(endpoint_parse("127.0.0.1:1143", 0, &ep));
	ck_assert_int_eq(ep.ss.ss_family, AF_INET);
	ck_assert_uint_eq(endpoint_port(&ep), 1143);
	endpoint_format((struct sockaddr *)&ep.ss, buf, sizeof(buf));
	ck_assert_str_eq(buf, "127.0.0.1:1143");
	ck_assert_ptr_null(endpoint_parse("[::1]:993", 0, &ep));
	ck_assert_int_eq(ep.ss.ss_family, AF_INET6);
	endpoint_format((struct sockaddr *)&ep.ss, buf, sizeof(buf));
	ck_assert_str_eq(buf, "[::1]:993");
	ck_assert_ptr_nonnull(endpoint_parse("127.0.0.1:0", 0, &ep));
	ck_assert_ptr_null(endpoint_parse("127.0.0.1:0", 1, &ep));
	ck_assert_ptr_nonnull(endpoint_parse("localhost:143", 0, &ep));
	ck_assert_ptr_nonnull(endpoint_parse("::1:143", 0, &ep));
	ck_assert_ptr_nonnull(endpoint_parse("127.0.0.1", 0, &ep));
	ck_assert_ptr_nonnull(endpoint_parse("127.0.0.1:70000", 0, &ep));
	ck_assert_ptr_nonnull(endpoint_parse("[127.0.0.1]:143", 0, &ep));
}
END_TEST

/* Found by common/fuzz-parsers: a count that rounds to 2^64 (here
 * 18446744073709551615.5, and 2^64 itself) passed "at most UINT64_MAX",
 * whose double is 2^64, and its cast was undefined. */
START_TEST(crash_396f931a_count_at_2_64)
{
	uint64_t	n = 7;

	ck_assert_ptr_nonnull(parse_count("18446744073709551615.5", UINT64_MAX,
	    &n));
	ck_assert_ptr_nonnull(parse_count("18446744073709551616", UINT64_MAX,
	    &n));
	/* The fuzzer's own input, its first byte (the parser) taken off. */
	ck_assert_ptr_nonnull(parse_count("00000000000000000000000000000000"
	    "000018446744073709551615.5", UINT64_MAX, &n));
	ck_assert_uint_eq(n, 7);
	ck_assert_ptr_null(parse_count("9007199254740992", UINT64_MAX, &n));
	ck_assert_uint_eq(n, 9007199254740992ULL);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("units");
	TCase	*tc = tcase_create("parse");

	tcase_add_test(tc, durations);
	tcase_add_test(tc, inexact_decimals);
	tcase_add_test(tc, bad_durations);
	tcase_add_test(tc, counts);
	tcase_add_test(tc, rates);
	tcase_add_test(tc, port_ranges);
	tcase_add_test(tc, duration_format_round_trips);
	tcase_add_test(tc, endpoints);
	tcase_add_test(tc, crash_396f931a_count_at_2_64);
	suite_add_tcase(s, tc);
	return s;
}
