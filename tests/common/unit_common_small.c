/* unit_common_small.c: the small shared helpers: nitems, a word to its
 * enum value, microseconds as a timeval, and the RST-on-close option. */
#include <sys/socket.h>

#include <unistd.h>

#include <check.h>

#include "cdefs.h"
#include "check_main.h"
#include "clock.h"
#include "sock.h"
#include "words.h"

enum colour { RED, GREEN, BLUE };

static const char *const colour_names[] = {
	[RED] = "red",
	[GREEN] = "green",
	[BLUE] = "blue",
};

START_TEST(test_nitems)
{
	int	a[7];
	char	b[3][5];

	ck_assert_uint_eq(nitems(a), 7);
	ck_assert_uint_eq(nitems(b), 3);
	ck_assert_uint_eq(nitems(colour_names), 3);
}
END_TEST

START_TEST(test_word_index)
{
	ck_assert_int_eq(WORD_INDEX(colour_names, "red"), RED);
	ck_assert_int_eq(WORD_INDEX(colour_names, "blue"), BLUE);
	ck_assert_int_eq(WORD_INDEX(colour_names, "Blue"), -1);
	ck_assert_int_eq(WORD_INDEX(colour_names, "blu"), -1);
	ck_assert_int_eq(WORD_INDEX(colour_names, ""), -1);
}
END_TEST

START_TEST(test_word_index_skips_holes)
{
	static const char *const sparse[] = { [0] = "a", [2] = "c" };

	ck_assert_int_eq(WORD_INDEX(sparse, "c"), 2);
	ck_assert_int_eq(WORD_INDEX(sparse, "b"), -1);
}
END_TEST

START_TEST(test_us_to_timeval)
{
	struct timeval	tv;

	tv = us_to_timeval(0);
	ck_assert_int_eq(tv.tv_sec, 0);
	ck_assert_int_eq(tv.tv_usec, 0);
	tv = us_to_timeval(999999);
	ck_assert_int_eq(tv.tv_sec, 0);
	ck_assert_int_eq(tv.tv_usec, 999999);
	tv = us_to_timeval(240000001);
	ck_assert_int_eq(tv.tv_sec, 240);
	ck_assert_int_eq(tv.tv_usec, 1);
}
END_TEST

START_TEST(test_sock_reset_on_close)
{
	struct linger	lg;
	socklen_t	len = sizeof(lg);
	int		fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sock_reset_on_close(fd), 0);
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len), 0);
	ck_assert_int_eq(lg.l_onoff, 1);
	ck_assert_int_eq(lg.l_linger, 0);
	close(fd);
	/* A closed descriptor is an error the caller sees, not a crash. */
	ck_assert_int_eq(sock_reset_on_close(fd), -1);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("common_small");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_nitems);
	tcase_add_test(tc, test_word_index);
	tcase_add_test(tc, test_word_index_skips_holes);
	tcase_add_test(tc, test_us_to_timeval);
	tcase_add_test(tc, test_sock_reset_on_close);
	suite_add_tcase(s, tc);
	return s;
}
