/* unit_errors.c: an errno as loadgen reports it: class, name and the
 * Windows Sockets error of the articles. */
#include <errno.h>

#include "check_main.h"
#include "errors.h"

START_TEST(classes)
{
	ck_assert_int_eq(reason_from_errno(EADDRNOTAVAIL), REASON_EADDRNOTAVAIL);
	ck_assert_int_eq(reason_from_errno(EADDRINUSE), REASON_EADDRINUSE);
	ck_assert_int_eq(reason_from_errno(ECONNREFUSED), REASON_ECONNREFUSED);
	/* A write after the peer's RST is the same reset. */
	ck_assert_int_eq(reason_from_errno(ECONNRESET), REASON_ECONNRESET);
	ck_assert_int_eq(reason_from_errno(EPIPE), REASON_ECONNRESET);
	ck_assert_int_eq(reason_from_errno(ETIMEDOUT), REASON_ETIMEDOUT);
	ck_assert_int_eq(reason_from_errno(EMFILE), REASON_EMFILE);
	ck_assert_int_eq(reason_from_errno(ENFILE), REASON_EMFILE);
	ck_assert_int_eq(reason_from_errno(ENOBUFS), REASON_OTHER);
	ck_assert_int_eq(reason_from_errno(EHOSTUNREACH), REASON_OTHER);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(errno_name(EADDRNOTAVAIL), "EADDRNOTAVAIL");
	ck_assert_str_eq(errno_name(ENOBUFS), "ENOBUFS");
	ck_assert_str_eq(errno_name(0), "");
	ck_assert_str_eq(errno_name(100000), "");
}
END_TEST

START_TEST(windows_errors)
{
	int	code;

	/* KB 319502: out of anonymous ports, through connect() or bind(). */
	ck_assert_str_eq(windows_error(EADDRNOTAVAIL, &code), "WSAEADDRINUSE");
	ck_assert_int_eq(code, 10048);
	ck_assert_str_eq(windows_error(EADDRINUSE, &code), "WSAEADDRINUSE");
	ck_assert_int_eq(code, 10048);
	/* KB 196271: the same exhaustion as other Windows versions say it. */
	ck_assert_str_eq(windows_error(ENOBUFS, &code), "WSAENOBUFS");
	ck_assert_int_eq(code, 10055);
	ck_assert_str_eq(windows_error(ECONNREFUSED, &code), "WSAECONNREFUSED");
	ck_assert_int_eq(code, 10061);
	ck_assert_str_eq(windows_error(ETIMEDOUT, &code), "WSAETIMEDOUT");
	ck_assert_int_eq(code, 10060);
	ck_assert_str_eq(windows_error(EPIPE, &code), "WSAECONNRESET");
	ck_assert_int_eq(code, 10054);
	ck_assert_str_eq(windows_error(ENFILE, &code), "WSAEMFILE");
	ck_assert_int_eq(code, 10024);
	ck_assert_ptr_null(windows_error(EHOSTUNREACH, &code));
	ck_assert_int_eq(code, 0);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("errors");
	TCase	*tc = tcase_create("errno");

	tcase_add_test(tc, classes);
	tcase_add_test(tc, names);
	tcase_add_test(tc, windows_errors);
	suite_add_tcase(s, tc);
	return s;
}
