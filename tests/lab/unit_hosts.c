/* unit_hosts.c: simulated hosts take addresses from 198.18.0.0/15 only;
 * anything else is refused before a holder or a link is made. */
#include <string.h>

#include "check_main.h"
#include "hosts.h"

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			    (uint32_t)(c) << 8 | (uint32_t)(d))

START_TEST(benchmark_range_only)
{
	ck_assert_int_eq(hosts_addr_allowed(A(198, 18, 0, 0)), 1);
	ck_assert_int_eq(hosts_addr_allowed(A(198, 18, 0, 11)), 1);
	ck_assert_int_eq(hosts_addr_allowed(A(198, 19, 255, 255)), 1);
	ck_assert_int_eq(hosts_addr_allowed(A(198, 17, 255, 255)), 0);
	ck_assert_int_eq(hosts_addr_allowed(A(198, 20, 0, 0)), 0);
	ck_assert_int_eq(hosts_addr_allowed(A(10, 0, 0, 1)), 0);
	ck_assert_int_eq(hosts_addr_allowed(A(127, 0, 0, 1)), 0);
}
END_TEST

/* Refused before anything is forked or linked: no bridge needed. */
START_TEST(other_addresses_refused)
{
	struct hosts	hs;
	struct host	spec;
	char		err[256];

	memset(&hs, 0, sizeof(hs));
	hs.nbridges = 1;
	memset(&spec, 0, sizeof(spec));
	strcpy(spec.name, "client1");
	spec.nlinks = 1;
	spec.link[0].addr = A(10, 0, 0, 1);
	ck_assert_ptr_null(hosts_add(&hs, &spec, NULL, NULL, err,
	    sizeof(err)));
	ck_assert_str_eq(err, "host client1: address 10.0.0.1 is outside "
	    "198.18.0.0/15 (RFC 2544's benchmark range): refused");
	ck_assert_int_eq(hs.n, 0);
	spec.link[0].addr = A(198, 18, 0, 11);
	spec.link[0].bridge = 1;
	ck_assert_ptr_null(hosts_add(&hs, &spec, NULL, NULL, err,
	    sizeof(err)));
	ck_assert_str_eq(err, "host client1: no bridge 1");
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("hosts");
	TCase	*tc = tcase_create("addresses");

	tcase_add_test(tc, benchmark_range_only);
	tcase_add_test(tc, other_addresses_refused);
	suite_add_tcase(s, tc);
	return s;
}
