/* unit_reader.c: input framing: literal announcements, {N} and {N+},
 * caps, and refused literals never read as commands. */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "check_main.h"
#include "reader.h"

static struct evbuffer	*in;
static struct reader	 r;
static const char	*out;
static size_t		 outlen;

static void
setup(void)
{
	in = evbuffer_new();
	reader_init(&r);
}

static void
teardown(void)
{
	reader_free(&r);
	evbuffer_free(in);
}

static void
feed(const char *s)
{
	evbuffer_add(in, s, strlen(s));
}

static void
feed_n(char c, size_t n)
{
	char	*b = malloc(n);

	memset(b, c, n);
	evbuffer_add(in, b, n);
	free(b);
}

static enum reader_result
next(void)
{
	return reader_next(&r, in, &out, &outlen);
}

START_TEST(literal_announcements)
{
	uint64_t	n = 0;
	int		ns = -1;

	ck_assert_int_eq(reader_literal("a LOGIN {3}", 11, &n, &ns), 1);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(ns, 0);
	ck_assert_int_eq(reader_literal("{12+}", 5, &n, &ns), 1);
	ck_assert_uint_eq(n, 12);
	ck_assert_int_eq(ns, 1);
	ck_assert_int_eq(reader_literal("{0}", 3, &n, &ns), 1);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(reader_literal("{4294967295+}", 13, &n, &ns), 1);
	ck_assert_uint_eq(n, 4294967295u);
	ck_assert_int_eq(reader_literal("{4294967296}", 12, &n, &ns), -1);
	ck_assert_int_eq(reader_literal("{99999999999+}", 14, &n, &ns), -1);
	ck_assert_int_eq(ns, 1);
	ck_assert_int_eq(reader_literal("{}", 2, &n, &ns), 0);
	ck_assert_int_eq(reader_literal("{+}", 3, &n, &ns), 0);
	ck_assert_int_eq(reader_literal("a NOOP", 6, &n, &ns), 0);
	ck_assert_int_eq(reader_literal("3}", 2, &n, &ns), 0);
	ck_assert_int_eq(reader_literal("{3a}", 4, &n, &ns), 0);
}
END_TEST

START_TEST(plain_lines)
{
	ck_assert_int_eq(next(), READ_MORE);
	feed("a1 NOOP\r\na2 NO");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_str_eq(out, "a1 NOOP");
	ck_assert_uint_eq(outlen, 7);
	ck_assert_int_eq(next(), READ_MORE);
	feed("OP\r\n");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_str_eq(out, "a2 NOOP");
}
END_TEST

/* RFC 3501 7.5: the client waits for "+" before the literal's bytes. */
START_TEST(synchronizing_literal_asks_to_continue)
{
	feed("a LOGIN {3}\r\n");
	ck_assert_int_eq(next(), READ_CONTINUE);
	ck_assert_int_eq(next(), READ_MORE);
	feed("bo");
	ck_assert_int_eq(next(), READ_MORE);
	feed("b pw\r\n");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_str_eq(out, "a LOGIN {3}\r\nbob pw");
	ck_assert_uint_eq(outlen, strlen("a LOGIN {3}\r\nbob pw"));
}
END_TEST

/* RFC 7888: {N+} needs no "+"; the bytes follow at once. */
START_TEST(non_synchronizing_literals)
{
	feed("a LOGIN {3+}\r\nbob {2+}\r\npw\r\na2 NOOP\r\n");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_str_eq(out, "a LOGIN {3+}\r\nbob {2+}\r\npw");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_str_eq(out, "a2 NOOP");
}
END_TEST

/* A literal may hold CRLF, NUL and command-like text: all of it data. */
START_TEST(literal_bytes_are_data)
{
	static const char lit[] = "x\r\na9 LOGOUT\r\n\0z";
	static const char want[] = "a LOGIN {17+}\r\nx\r\na9 LOGOUT\r\n\0z p";

	feed("a LOGIN {17+}\r\n");
	evbuffer_add(in, lit, sizeof(lit) - 1);
	feed(" p\r\n");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_uint_eq(outlen, sizeof(want) - 1);
	ck_assert_mem_eq(out, want, sizeof(want) - 1);
	ck_assert_int_eq(next(), READ_MORE);
}
END_TEST

START_TEST(empty_literal)
{
	feed("a LOGIN {0}\r\n");
	ck_assert_int_eq(next(), READ_CONTINUE);
	feed(" p\r\n");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_str_eq(out, "a LOGIN {0}\r\n p");
}
END_TEST

/* A {N} over the cap: BAD at once, no "+", so no bytes will come. */
START_TEST(synchronizing_literal_over_the_cap)
{
	feed("a1 LOGIN {65537}\r\na2 NOOP\r\n");
	ck_assert_int_eq(next(), READ_TOO_BIG);
	ck_assert_str_eq(out, "a1 LOGIN {65537}");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_str_eq(out, "a2 NOOP");
}
END_TEST

/* A {N+} over the cap: the client sends it anyway; it is skipped, with
 * the rest of its command, and never read as commands. */
START_TEST(non_synchronizing_literal_over_the_cap_is_skipped)
{
	size_t	i;

	feed("a1 LOGIN {65540+}\r\n");
	for (i = 0; i < 65540 / 10; i++)
		feed("a9 NOOP\r\n ");
	ck_assert_int_eq(next(), READ_TOO_BIG);
	ck_assert_str_eq(out, "a1 LOGIN {65540+}");
	ck_assert_int_eq(next(), READ_MORE);
	feed(" pass\r\na2 NOOP\r\n");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_str_eq(out, "a2 NOOP");
}
END_TEST

/* The rest of a refused command may announce more {N+}: skipped too. */
START_TEST(skipping_follows_further_literals)
{
	feed("a1 X {70000+}\r\n");
	feed_n('y', 70000);
	feed(" {12+}\r\na9 LOGOUT\r\n\r\na2 NOOP\r\n");
	ck_assert_int_eq(next(), READ_TOO_BIG);
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_str_eq(out, "a2 NOOP");
}
END_TEST

/* The tag of a command refused at its second literal is its first line's. */
START_TEST(second_literal_over_the_cap)
{
	feed("t7 LOGIN {3+}\r\nbob {70000}\r\nt8 NOOP\r\n");
	ck_assert_int_eq(next(), READ_TOO_BIG);
	ck_assert_str_eq(out, "t7 LOGIN {3+}");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_str_eq(out, "t8 NOOP");
}
END_TEST

START_TEST(whole_command_cap)
{
	size_t	i, n = READER_COMMAND_MAX / 60000 + 1;

	feed("a1 X");
	for (i = 0; i < n; i++) {
		feed(" {60000+}\r\n");
		feed_n('z', 60000);
	}
	feed("\r\na2 NOOP\r\n");
	ck_assert_int_eq(next(), READ_TOO_BIG);
	ck_assert_str_eq(out, "a1 X {60000+}");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_str_eq(out, "a2 NOOP");
}
END_TEST

START_TEST(literal_too_large_to_skip)
{
	feed("a1 LOGIN {16777217+}\r\n");
	ck_assert_int_eq(next(), READ_HUGE);
	reader_free(&r);
	reader_init(&r);
	evbuffer_drain(in, evbuffer_get_length(in));
	feed("a1 LOGIN {99999999999+}\r\n");
	ck_assert_int_eq(next(), READ_HUGE);
}
END_TEST

START_TEST(line_caps)
{
	feed_n('x', READER_LINE_MAX_UNAUTH + 2);
	ck_assert_int_eq(next(), READ_LINE_TOO_LONG);
	evbuffer_drain(in, evbuffer_get_length(in));
	/* Exactly the cap is fine; after login the cap is larger. */
	feed_n('x', READER_LINE_MAX_UNAUTH);
	feed("\r\n");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_uint_eq(outlen, READER_LINE_MAX_UNAUTH);
	r.line_max = READER_LINE_MAX_AUTH;
	feed_n('x', READER_LINE_MAX_AUTH);
	feed("\r\n");
	ck_assert_int_eq(next(), READ_COMMAND);
	ck_assert_uint_eq(outlen, READER_LINE_MAX_AUTH);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("reader");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, literal_announcements);
	tcase_add_test(tc, plain_lines);
	tcase_add_test(tc, synchronizing_literal_asks_to_continue);
	tcase_add_test(tc, non_synchronizing_literals);
	tcase_add_test(tc, literal_bytes_are_data);
	tcase_add_test(tc, empty_literal);
	tcase_add_test(tc, synchronizing_literal_over_the_cap);
	tcase_add_test(tc, non_synchronizing_literal_over_the_cap_is_skipped);
	tcase_add_test(tc, skipping_follows_further_literals);
	tcase_add_test(tc, second_literal_over_the_cap);
	tcase_add_test(tc, whole_command_cap);
	tcase_add_test(tc, literal_too_large_to_skip);
	tcase_add_test(tc, line_caps);
	suite_add_tcase(s, tc);
	return s;
}
