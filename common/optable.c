/* optable.c: options from a declarative table: getopt_long's longopts
 * built from it, --help printed from it, the one line for bad input. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdefs.h"
#include "config.h"
#include "log.h"
#include "optable.h"
#include "units.h"

/* getopt_long returns OPT_VAL0 + i for entry i: above every char, so
 * a short option (there are none) can never be taken for an entry. */
#define OPT_VAL0	256
#define HELP_COL	24	/* where an option's help starts */
#define HELP_WIDTH	79	/* and where it wraps */

/* Every program has these two, after its own; no parser: they print
 * and exit before any check. */
static const struct opt builtin[] = {
	{ "help", NULL, NULL, 0, "show this help and exit" },
	{ "version", NULL, NULL, 0, "show the version and exit" },
};

/* Which entries the last optable_parse met, by index. */
static unsigned char	*given;
static size_t		 ngiven;

static size_t
entries(const struct optable *t)
{
	return t->nopts + nitems(builtin);
}

static const struct opt *
entry(const struct optable *t, size_t i)
{
	return i < t->nopts ? &t->opts[i] : &builtin[i - t->nopts];
}

static struct option *
longopts_new(const struct optable *t)
{
	struct option	*lo;
	size_t		 i;

	/* One more, zeroed: the end of getopt_long's array. */
	if ((lo = calloc(entries(t) + 1, sizeof(*lo))) == NULL)
		fatal("options");
	for (i = 0; i < entries(t); i++) {
		lo[i].name = entry(t, i)->name;
		lo[i].has_arg = entry(t, i)->metavar != NULL ?
		    required_argument : no_argument;
		lo[i].val = OPT_VAL0 + (int)i;
	}
	return lo;
}

void
optable_refuse(const struct opt *o, const char *expected, const char *got)
{
	if (got != NULL)
		usage_error("--%s: expected %s, got '%s'", o->name, expected,
		    got);
	usage_error("--%s: expected %s", o->name, expected);
}

/* getopt's own messages are off: these name the option and, for a
 * known one, what was expected. */
static void __attribute__((noreturn))
bad_option(const struct optable *t, int c, char **argv)
{
	const struct opt	*o;
	const char		*arg = argv[optind - 1], *eq;

	if (optopt >= OPT_VAL0) {
		o = entry(t, (size_t)(optopt - OPT_VAL0));
		if (c == ':')
			optable_refuse(o, "an argument", NULL);
		/* glibc: "--flag=value" to an option that takes none. */
		eq = strchr(arg, '=');
		optable_refuse(o, "no argument", eq != NULL ? eq + 1 : NULL);
	}
	if (optopt != 0)
		usage_error("-%c: unknown option (see --help)", optopt);
	usage_error("%s: unknown or ambiguous option (see --help)", arg);
}

static void __attribute__((noreturn))
run_builtin(const struct optable *t, const struct opt *o)
{
	if (o == &builtin[0])
		optable_help(t, stdout);
	else
		printf("%s %s\n", t->prog, EPHEMERA_VERSION);
	exit(0);
}

int
optable_parse(const struct optable *t, void *conf, int argc, char **argv)
{
	struct option		*lo = longopts_new(t);
	const struct opt	*o;
	const char		*expected;
	int			 c;

	free(given);
	if ((given = calloc(entries(t), 1)) == NULL)
		fatal("options");
	ngiven = t->nopts;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		if (c < OPT_VAL0)
			bad_option(t, c, argv);
		o = entry(t, (size_t)(c - OPT_VAL0));
		if (o->parse == NULL)
			run_builtin(t, o);
		if ((expected = o->parse(conf, o, optarg)) != NULL)
			optable_refuse(o, expected, optarg);
		given[c - OPT_VAL0] = 1;
	}
	free(lo);
	return optind;
}

int
optable_given(const struct optable *t, const char *name)
{
	size_t	i;

	for (i = 0; i < t->nopts && i < ngiven; i++)
		if (strcmp(t->opts[i].name, name) == 0)
			return given[i];
	fatalx("optable_given: --%s is not in the table parsed", name);
}

/* The help from column col on, words wrapped at HELP_WIDTH, later lines
 * at HELP_COL; a head too long for HELP_COL keeps two spaces. */
static void
help_text(FILE *fp, int col, const char *text)
{
	size_t	len;
	int	bare = 1;	/* no word on this line yet */

	col += fprintf(fp, "%*s", col + 2 > HELP_COL ? 2 : HELP_COL - col, "");
	for (;; text += len) {
		text += strspn(text, " ");
		if ((len = strcspn(text, " ")) == 0)
			break;
		if (!bare && col + 1 + (int)len > HELP_WIDTH) {
			col = fprintf(fp, "\n%*s", HELP_COL, "") - 1;
			bare = 1;
		}
		col += fprintf(fp, "%s%.*s", bare ? "" : " ", (int)len, text);
		bare = 0;
	}
	fputc('\n', fp);
}

void
optable_help(const struct optable *t, FILE *fp)
{
	const struct opt	*o;
	size_t			 i;
	int			 col;

	fputs(t->head, fp);
	for (i = 0; i < entries(t); i++) {
		o = entry(t, i);
		col = fprintf(fp, "  --%s%s%s", o->name,
		    o->metavar != NULL ? " " : "",
		    o->metavar != NULL ? o->metavar : "");
		help_text(fp, col, o->help);
	}
	if (t->tail != NULL)
		fputs(t->tail, fp);
}

const char *
opt_string(void *conf, const struct opt *o, const char *arg)
{
	*OPT_FIELD(conf, o, const char *) = arg;
	return NULL;
}

const char *
opt_flag(void *conf, const struct opt *o, const char *arg UNUSED)
{
	*OPT_FIELD(conf, o, int) = 1;
	return NULL;
}

const char *
opt_duration(void *conf, const struct opt *o, const char *arg)
{
	return parse_duration_us(arg, OPT_FIELD(conf, o, uint64_t));
}
