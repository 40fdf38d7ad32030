/* unit_framing.c: where each IMAP response begins in loadgen's input:
 * whole first lines only, literals ({N}) and the lines that continue
 * them skipped, however the bytes arrive, and the limits. */
#include <string.h>

#include <event2/buffer.h>

#include "check_main.h"
#include "framing.h"

static char	line[FRAMING_LINE_MAX + 2];

/* Feed `bytes` `chunk` bytes at a time; the first lines found, joined by
 * '|'. */
static void
first_lines(const char *bytes, size_t chunk, char *out, size_t outsz)
{
	struct evbuffer		*in = evbuffer_new();
	struct framing		 f = { 0 };
	size_t			 off = 0, total = strlen(bytes), len, n;
	enum framing_status	 st;

	out[0] = '\0';
	while (off < total) {
		n = total - off < chunk ? total - off : chunk;
		evbuffer_add(in, bytes + off, n);
		off += n;
		while ((st = framing_next(&f, in, line, sizeof(line), &len)) ==
		    FRAMING_LINE) {
			ck_assert_uint_eq(len, strlen(line));
			if (out[0] != '\0')
				strncat(out, "|", outsz - strlen(out) - 1);
			strncat(out, line, outsz - strlen(out) - 1);
		}
		ck_assert_int_eq(st, FRAMING_MORE);
	}
	evbuffer_free(in);
}

START_TEST(plain_lines)
{
	char	out[256];

	first_lines("* OK ready\r\na1 OK done\r\n", 64, out, sizeof(out));
	ck_assert_str_eq(out, "* OK ready|a1 OK done");
}
END_TEST

/* A FETCH literal holds CRLFs and a fake tagged line: none of it is a
 * response, nor is the line that closes the literal's response. */
START_TEST(literal_skipped_whatever_the_chunks)
{
	static const char	bytes[] =
	    "* 1 FETCH (BODY[] {24}\r\n"
	    "a1 OK fake\r\nx\r\n12345678)"
	    " FLAGS (\\Seen))\r\n"
	    "a1 OK FETCH completed\r\n";
	char			out[256];
	size_t			chunk;

	for (chunk = 1; chunk <= sizeof(bytes); chunk++) {
		first_lines(bytes, chunk, out, sizeof(out));
		ck_assert_msg(strcmp(out, "* 1 FETCH (BODY[] {24}|"
		    "a1 OK FETCH completed") == 0, "chunk %zu: %s", chunk, out);
	}
}
END_TEST

/* Two literals in one response; and "{N+}" is no literal from a server
 * (RFC 7888's non-synchronizing literals go from client to server only),
 * so the line after it is a response of its own. */
START_TEST(two_literals_and_no_literal_plus)
{
	char	out[256];

	first_lines("* 2 FETCH (A {2}\r\nxy B {1}\r\nz)\r\n"
	    "* LIST () \"/\" {3+}\r\nabc\r\na2 OK\r\n", 7, out,
	    sizeof(out));
	ck_assert_str_eq(out, "* 2 FETCH (A {2}|* LIST () \"/\" {3+}|abc|"
	    "a2 OK");
}
END_TEST

START_TEST(line_too_long)
{
	struct evbuffer	*in = evbuffer_new();
	struct framing	 f = { 0 };
	static char	 big[FRAMING_LINE_MAX + 16];
	size_t		 len;

	memset(big, 'x', sizeof(big));
	evbuffer_add(in, big, sizeof(big));
	ck_assert_int_eq(framing_next(&f, in, line, sizeof(line), &len),
	    FRAMING_TOOLONG);
	evbuffer_free(in);
}
END_TEST

/* A literal no server sends ({4294967295} fits, 2^40 and more does not):
 * refused at once, before any of it is awaited. */
START_TEST(literal_too_long)
{
	struct evbuffer	*in = evbuffer_new();
	struct framing	 f = { 0 };
	size_t		 len;

	evbuffer_add_printf(in, "* 1 FETCH (BODY[] {99999999999999})\r\n");
	ck_assert_int_eq(framing_next(&f, in, line, sizeof(line), &len),
	    FRAMING_LINE);
	evbuffer_add_printf(in, "* 1 FETCH (BODY[] {1099511627777}\r\n");
	ck_assert_int_eq(framing_next(&f, in, line, sizeof(line), &len),
	    FRAMING_LITERAL_TOOLONG);
	evbuffer_free(in);
}
END_TEST

/* NUL is no TEXT-CHAR: a line holding one is refused, in a first line or
 * after a literal; inside the literal it is data, skipped. */
START_TEST(nul_in_a_line)
{
	struct evbuffer	*in = evbuffer_new();
	struct framing	 f = { 0 };
	size_t		 len;

	evbuffer_add(in, "* 1 FETCH (BODY[] {3}\r\na\0b)\r\n", 29);
	evbuffer_add(in, "a1 OK done\r\n", 12);
	ck_assert_int_eq(framing_next(&f, in, line, sizeof(line), &len),
	    FRAMING_LINE);
	ck_assert_int_eq(framing_next(&f, in, line, sizeof(line), &len),
	    FRAMING_LINE);
	ck_assert_str_eq(line, "a1 OK done");
	evbuffer_add(in, "* OK \0hi\r\n", 10);
	ck_assert_int_eq(framing_next(&f, in, line, sizeof(line), &len),
	    FRAMING_NUL);
	f = (struct framing){ 0 };
	evbuffer_add(in, "* 1 FETCH (BODY[] {1}\r\nx \0)\r\n", 29);
	ck_assert_int_eq(framing_next(&f, in, line, sizeof(line), &len),
	    FRAMING_LINE);
	ck_assert_int_eq(framing_next(&f, in, line, sizeof(line), &len),
	    FRAMING_NUL);
	evbuffer_free(in);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("framing");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, plain_lines);
	tcase_add_test(tc, literal_skipped_whatever_the_chunks);
	tcase_add_test(tc, two_literals_and_no_literal_plus);
	tcase_add_test(tc, line_too_long);
	tcase_add_test(tc, literal_too_long);
	tcase_add_test(tc, nul_in_a_line);
	suite_add_tcase(s, tc);
	return s;
}
