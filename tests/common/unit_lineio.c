/* unit_lineio.c: bounded line splitting on evbuffers. */
#include <string.h>

#include <event2/buffer.h>

#include "check_main.h"
#include "lineio.h"

static struct evbuffer	*in;
static char		 out[64];
static size_t		 len;

static void
setup(void)
{
	in = evbuffer_new();
}

static void
teardown(void)
{
	evbuffer_free(in);
}

START_TEST(crlf_lines_come_out_one_by_one)
{
	evbuffer_add_printf(in, "a1 NOOP\r\na2 LOGOUT\r\n");
	ck_assert_int_eq(line_take(in, 32, out, sizeof(out), &len), LINE_OK);
	ck_assert_str_eq(out, "a1 NOOP");
	ck_assert_uint_eq(len, 7);
	ck_assert_int_eq(line_take(in, 32, out, sizeof(out), &len), LINE_OK);
	ck_assert_str_eq(out, "a2 LOGOUT");
	ck_assert_int_eq(line_take(in, 32, out, sizeof(out), &len), LINE_MORE);
	ck_assert_uint_eq(evbuffer_get_length(in), 0);
}
END_TEST

START_TEST(partial_line_waits)
{
	evbuffer_add_printf(in, "a1 NO");
	ck_assert_int_eq(line_take(in, 32, out, sizeof(out), &len), LINE_MORE);
	evbuffer_add_printf(in, "OP\r");
	ck_assert_int_eq(line_take(in, 32, out, sizeof(out), &len), LINE_MORE);
	evbuffer_add_printf(in, "\n");
	ck_assert_int_eq(line_take(in, 32, out, sizeof(out), &len), LINE_OK);
	ck_assert_str_eq(out, "a1 NOOP");
}
END_TEST

START_TEST(bare_lf_is_accepted)
{
	evbuffer_add_printf(in, "x\n");
	ck_assert_int_eq(line_take(in, 32, out, sizeof(out), &len), LINE_OK);
	ck_assert_str_eq(out, "x");
}
END_TEST

START_TEST(empty_line)
{
	evbuffer_add_printf(in, "\r\n");
	ck_assert_int_eq(line_take(in, 32, out, sizeof(out), &len), LINE_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(line_at_limit_is_ok)
{
	evbuffer_add_printf(in, "%s\r\n", "0123456789");
	ck_assert_int_eq(line_take(in, 10, out, sizeof(out), &len), LINE_OK);
	ck_assert_uint_eq(len, 10);
}
END_TEST

START_TEST(line_over_limit_is_refused_and_kept)
{
	evbuffer_add_printf(in, "%s\r\n", "01234567890");
	ck_assert_int_eq(line_take(in, 10, out, sizeof(out), &len),
	    LINE_TOOLONG);
	ck_assert_uint_eq(evbuffer_get_length(in), 13);
}
END_TEST

START_TEST(unterminated_overflow_is_refused_early)
{
	/* No line end yet, but already past the limit plus a CR. */
	evbuffer_add_printf(in, "%s", "0123456789AB");
	ck_assert_int_eq(line_take(in, 10, out, sizeof(out), &len),
	    LINE_TOOLONG);
	evbuffer_drain(in, evbuffer_get_length(in));
	evbuffer_add_printf(in, "%s", "0123456789\r");
	ck_assert_int_eq(line_take(in, 10, out, sizeof(out), &len), LINE_MORE);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("lineio");
	TCase	*tc = tcase_create("line_take");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, crlf_lines_come_out_one_by_one);
	tcase_add_test(tc, partial_line_waits);
	tcase_add_test(tc, bare_lf_is_accepted);
	tcase_add_test(tc, empty_line);
	tcase_add_test(tc, line_at_limit_is_ok);
	tcase_add_test(tc, line_over_limit_is_refused_and_kept);
	tcase_add_test(tc, unterminated_overflow_is_refused_early);
	suite_add_tcase(s, tc);
	return s;
}
