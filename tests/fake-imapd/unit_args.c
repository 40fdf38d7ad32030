/* unit_args.c: astrings as atoms, quoted strings and literals. */
#include <string.h>

#include "args.h"
#include "cdefs.h"
#include "check_main.h"

static struct args	a;
static char		buf[64];
static size_t		len;

static void
start(const char *s, size_t n)
{
	args_init(&a, s, n);
}

START_TEST(atoms_and_quoted)
{
	start("bob \"pass \\\"word\\\\\"", 19);
	ck_assert_int_eq(args_astring(&a, buf, sizeof(buf), &len), 0);
	ck_assert_str_eq(buf, "bob");
	ck_assert_int_eq(args_sp(&a), 0);
	ck_assert_int_eq(args_astring(&a, buf, sizeof(buf), &len), 0);
	ck_assert_str_eq(buf, "pass \"word\\");
	ck_assert(args_at_end(&a));
}
END_TEST

START_TEST(literals_in_wire_form)
{
	static const char cmd[] = "{3}\r\nbob {5+}\r\na\"b\r\n";

	start(cmd, sizeof(cmd) - 1);
	ck_assert_int_eq(args_astring(&a, buf, sizeof(buf), &len), 0);
	ck_assert_str_eq(buf, "bob");
	ck_assert_int_eq(args_sp(&a), 0);
	ck_assert_int_eq(args_astring(&a, buf, sizeof(buf), &len), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(buf, "a\"b\r\n", 5);
	ck_assert(args_at_end(&a));
	/* A literal holds CHAR8s, which exclude NUL (RFC 3501 9). */
	start("{3}\r\na\0b", 8);
	ck_assert_int_eq(args_astring(&a, buf, sizeof(buf), &len), -1);
	ck_assert_int_eq(args_peek(&a), '{');
	ck_assert_int_eq(args_mailbox(&a, buf, sizeof(buf)), -1);
}
END_TEST

START_TEST(malformed)
{
	static const char *bad[] = {
		"", "\"open", "\"bad \\x escape\"", "{3}\r\nab", "{3}ab",
		"(x", "{x}\r\n", "\"a\rb\"",
	};
	size_t	i;

	for (i = 0; i < nitems(bad); i++) {
		start(bad[i], strlen(bad[i]));
		ck_assert_msg(args_astring(&a, buf, sizeof(buf), &len) == -1,
		    "'%s'", bad[i]);
		ck_assert_ptr_eq(a.p, bad[i]);	/* cursor left alone */
	}
	/* Too long for the buffer. */
	start("{100}\r\n", 7);
	ck_assert_int_eq(args_astring(&a, buf, sizeof(buf), &len), -1);
}
END_TEST

START_TEST(list_patterns_and_numbers)
{
	unsigned long	n;

	start("Archive/% *", 11);
	ck_assert_int_eq(args_list_mailbox(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "Archive/%");
	ck_assert_int_eq(args_sp(&a), 0);
	ck_assert_int_eq(args_list_mailbox(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "*");
	/* An astring cannot hold a wildcard. */
	start("a%", 2);
	ck_assert_int_eq(args_astring(&a, buf, sizeof(buf), &len), 0);
	ck_assert_str_eq(buf, "a");
	start("4294967295", 10);
	ck_assert_int_eq(args_number(&a, &n), 0);
	ck_assert_uint_eq(n, 4294967295ul);
	start("4294967296", 10);
	ck_assert_int_eq(args_number(&a, &n), -1);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("args");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, atoms_and_quoted);
	tcase_add_test(tc, literals_in_wire_form);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, list_patterns_and_numbers);
	suite_add_tcase(s, tc);
	return s;
}
