/* unit_optable.c: options from a table: fields set in order, the help
 * laid out from the table, and each kind of bad input refused with one
 * line naming the option and exit 2. */
#include <sys/wait.h>

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "cdefs.h"
#include "check_main.h"
#include "log.h"
#include "optable.h"
#include "units.h"

struct conf {
	const char	*name;
	int		 quiet;
	uint64_t	 count;
};

#define FIELD(f)	offsetof(struct conf, f)

static const char *
opt_count(void *conf, const struct opt *o, const char *arg)
{
	return parse_count(arg, 10, OPT_FIELD(conf, o, uint64_t));
}

static const struct opt opts[] = {
	{ "name", "NAME", opt_string, FIELD(name), "who" },
	{ "quiet", NULL, opt_flag, FIELD(quiet), "say less" },
	{ "count", "N", opt_count, FIELD(count),
	    "how many times to do the thing that this option is about, "
	    "which takes a while to explain" },
	{ "a-rather-long-option", "VALUE", opt_string, FIELD(name),
	    "its help starts two spaces after" },
};

static const struct optable table = {
	"prog", "usage: prog [options] ARG\n", "tail\n", opts, nitems(opts),
};

/* A fresh getopt for each parse: glibc starts over at optind 0. */
static int
parse(struct conf *c, char **argv)
{
	int	argc = 0;

	while (argv[argc] != NULL)
		argc++;
	memset(c, 0, sizeof(*c));
	optind = 0;
	return optable_parse(&table, c, argc, argv);
}

static void
parse_quietly(char **argv)
{
	struct conf	c;

	freopen("/dev/null", "w", stdout);
	parse(&c, argv);
}

static void
refuse_a_name(char **argv UNUSED)
{
	optable_refuse(&opts[0], "a name", NULL);
}

/* body(argv) in a child: its exit status, and what it wrote on stderr. */
static int
in_child(char *out, size_t outsz, void (*body)(char **), char **argv)
{
	ssize_t	n;
	int	fds[2], status;
	pid_t	pid;

	ck_assert_int_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		dup2(fds[1], STDERR_FILENO);
		log_init("prog", 0);
		body(argv);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], out, outsz - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define ck_refused(line, ...) do {					\
	char	*argv_[] = { "prog", __VA_ARGS__, NULL };		\
	char	 err_[256];						\
									\
	ck_assert_int_eq(in_child(err_, sizeof(err_), parse_quietly,	\
	    argv_), 2);	\
	ck_assert_str_eq(err_, line);					\
} while (0)

START_TEST(test_fields_in_order)
{
	char		*argv[] = { "prog", "--name", "a", "--quiet",
	    "--count=3", "--name", "b", "arg", NULL };
	struct conf	 c;

	ck_assert_int_eq(parse(&c, argv), 7);
	ck_assert_str_eq(c.name, "b");
	ck_assert_int_eq(c.quiet, 1);
	ck_assert_uint_eq(c.count, 3);
}
END_TEST

START_TEST(test_given)
{
	char		*given[] = { "prog", "--count", "0", NULL };
	char		*none[] = { "prog", NULL };
	struct conf	 c;

	parse(&c, given);
	/* Given the value a default would have: still given. */
	ck_assert_int_eq(optable_given(&table, "count"), 1);
	ck_assert_int_eq(optable_given(&table, "quiet"), 0);
	parse(&c, none);
	ck_assert_int_eq(optable_given(&table, "count"), 0);
}
END_TEST

START_TEST(test_abbreviation_and_double_dash)
{
	char		*argv[] = { "prog", "--qu", "--", "--count", NULL };
	struct conf	 c;

	ck_assert_int_eq(parse(&c, argv), 3);
	ck_assert_int_eq(c.quiet, 1);
	ck_assert_uint_eq(c.count, 0);
}
END_TEST

START_TEST(test_help_from_the_table)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	optable_help(&table, fp);
	fclose(fp);
	ck_assert_str_eq(buf,
	    "usage: prog [options] ARG\n"
	    "  --name NAME           who\n"
	    "  --quiet               say less\n"
	    "  --count N             how many times to do the thing that "
	    "this option is\n"
	    "                        about, which takes a while to explain\n"
	    "  --a-rather-long-option VALUE  its help starts two spaces "
	    "after\n"
	    "  --help                show this help and exit\n"
	    "  --version             show the version and exit\n"
	    "tail\n");
	free(buf);
}
END_TEST

START_TEST(test_bad_value_names_the_option)
{
	ck_refused("prog: --count: expected a whole number up to 10, such as "
	    "100 or 2k, got '11'\n", "--count", "11");
}
END_TEST

START_TEST(test_missing_argument)
{
	ck_refused("prog: --name: expected an argument\n", "--name");
}
END_TEST

START_TEST(test_flag_given_a_value)
{
	ck_refused("prog: --quiet: expected no argument, got 'yes'\n",
	    "--quiet=yes");
	ck_refused("prog: --quiet: expected no argument, got 'yes'\n",
	    "--qui=yes");
}
END_TEST

START_TEST(test_unknown_options)
{
	ck_refused("prog: --bogus: unknown or ambiguous option "
	    "(see --help)\n", "--bogus");
	ck_refused("prog: -x: unknown option (see --help)\n", "-x");
}
END_TEST

START_TEST(test_refuse_without_the_value)
{
	char	 err[256];

	ck_assert_int_eq(in_child(err, sizeof(err), refuse_a_name, NULL), 2);
	ck_assert_str_eq(err, "prog: --name: expected a name\n");
}
END_TEST

START_TEST(test_help_and_version_exit_zero)
{
	char	 out[64];
	char	*help[] = { "prog", "--help", NULL };
	char	*version[] = { "prog", "--version", NULL };

	ck_assert_int_eq(in_child(out, sizeof(out), parse_quietly, help), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(in_child(out, sizeof(out), parse_quietly,
	    version), 0);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("optable");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_fields_in_order);
	tcase_add_test(tc, test_given);
	tcase_add_test(tc, test_abbreviation_and_double_dash);
	tcase_add_test(tc, test_help_from_the_table);
	tcase_add_test(tc, test_bad_value_names_the_option);
	tcase_add_test(tc, test_missing_argument);
	tcase_add_test(tc, test_flag_given_a_value);
	tcase_add_test(tc, test_unknown_options);
	tcase_add_test(tc, test_refuse_without_the_value);
	tcase_add_test(tc, test_help_and_version_exit_zero);
	suite_add_tcase(s, tc);
	return s;
}
