/* unit_cmdline.c: a [server] command line split into words, quotes and
 * placeholders. */
#include <string.h>

#include "check_main.h"
#include "cmdline.h"

static char	 buf[4096];
static char	*words[CMDLINE_MAX_WORDS + 1];
static const struct cmdline_vals vals = { "127.0.0.1", "1143",
    "/tmp/results dir", "/opt/bin" };

static int
split(const char *line, const char **why)
{
	return cmdline_split(line, &vals, buf, sizeof(buf), words,
	    CMDLINE_MAX_WORDS, why);
}

START_TEST(words_and_placeholders)
{
	const char	*why = NULL;

	ck_assert_int_eq(split("{bindir}/fake-imapd  --listen\t{addr}:{port} "
	    "--csv {dir}/server.csv", &why), 5);
	ck_assert_str_eq(words[0], "/opt/bin/fake-imapd");
	ck_assert_str_eq(words[1], "--listen");
	ck_assert_str_eq(words[2], "127.0.0.1:1143");
	ck_assert_str_eq(words[3], "--csv");
	/* A value with a space stays one word: no shell reads it. */
	ck_assert_str_eq(words[4], "/tmp/results dir/server.csv");
	ck_assert_ptr_null(words[5]);
}
END_TEST

START_TEST(double_quotes_group)
{
	const char	*why = NULL;

	ck_assert_int_eq(split("srv --greeting \"hello there\" a\"b c\"d \"\"",
	    &why), 5);
	ck_assert_str_eq(words[2], "hello there");
	ck_assert_str_eq(words[3], "ab cd");
	ck_assert_str_eq(words[4], "");
}
END_TEST

START_TEST(refusals)
{
	const char	*why = NULL;

	ck_assert_int_eq(split("srv --port {prot}", &why), -1);
	ck_assert_str_eq(why, "a placeholder {addr}, {port}, {dir} or "
	    "{bindir} (a lone '{' is not allowed)");
	ck_assert_int_eq(split("srv \"open", &why), -1);
	ck_assert_str_eq(why, "a closing double quote");
	ck_assert_int_eq(split("   ", &why), -1);
	ck_assert_str_eq(why, "a command line such as {bindir}/fake-imapd "
	    "--listen {addr}:{port}");
	/* Checking alone (vals NULL) refuses the same. */
	ck_assert_int_eq(cmdline_split("x {nope}", NULL, buf, sizeof(buf),
	    words, CMDLINE_MAX_WORDS, &why), -1);
	ck_assert_int_eq(cmdline_split("x {port}", NULL, buf, sizeof(buf),
	    words, CMDLINE_MAX_WORDS, &why), 2);
}
END_TEST

START_TEST(bounded)
{
	char		 line[512] = "";
	char		 small[8];
	const char	*why = NULL;
	int		 i;

	for (i = 0; i < CMDLINE_MAX_WORDS + 1; i++)
		strcat(line, "w ");
	ck_assert_int_eq(split(line, &why), -1);
	ck_assert_str_eq(why, "at most 64 words");
	ck_assert_int_eq(cmdline_split("{bindir}/x", &vals, small,
	    sizeof(small), words, CMDLINE_MAX_WORDS, &why), -1);
	ck_assert_str_eq(why, "a shorter command line");
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("cmdline");
	TCase	*tc = tcase_create("split");

	tcase_add_test(tc, words_and_placeholders);
	tcase_add_test(tc, double_quotes_group);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, bounded);
	suite_add_tcase(s, tc);
	return s;
}
