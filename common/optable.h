/* optable.h: a program's command-line options as one declarative table;
 * getopt_long's longopts, --help and --version come from it, and bad
 * input is one line naming the option, then exit 2. */
#ifndef EPHEMERA_OPTABLE_H
#define EPHEMERA_OPTABLE_H

#include <stddef.h>
#include <stdio.h>

struct opt;

/* Set the option's field of conf from arg (NULL for an option without an
 * argument); NULL when done, else what was expected ("a duration such as
 * 500ms"), for the one error line "--name: expected ..., got 'arg'". */
typedef const char *(*opt_parser)(void *conf, const struct opt *,
    const char *arg);

struct opt {
	const char	*name;		/* long name, without "--" */
	const char	*metavar;	/* its argument in --help; NULL: none */
	opt_parser	 parse;
	size_t		 off;		/* the field parse sets, in conf */
	const char	*help;		/* a paragraph, wrapped when printed */
};

/* The field an entry sets: OPT_FIELD(conf, o, uint64_t). */
#define OPT_FIELD(conf, o, type) \
	((type *)(void *)((char *)(conf) + (o)->off))

struct optable {
	const char		*prog;		/* --version: "prog VERSION" */
	const char		*head;		/* --help, before the options */
	const char		*tail;		/* after them, or NULL */
	const struct opt	*opts;
	size_t			 nopts;
};

/* Every option of argv into conf, in order; --help and --version print
 * to stdout and exit 0.  Returns the index of the first operand. */
int	optable_parse(const struct optable *, void *conf, int argc,
	    char **argv);
void	optable_help(const struct optable *, FILE *);
/* Whether the last optable_parse met the option: for checks across
 * options, where giving the default is not the same as giving nothing. */
int	optable_given(const struct optable *, const char *name);

/* The one bad-argument line, "--name: expected E[, got 'G']", exit 2;
 * got is NULL when the value must not be echoed. */
__attribute__((noreturn))
void	optable_refuse(const struct opt *, const char *expected,
	    const char *got);

/* Parsers both programs use: a string kept as given (const char *), a
 * flag set to 1 (int), a duration in microseconds, 0 too (uint64_t). */
const char	*opt_string(void *, const struct opt *, const char *);
const char	*opt_flag(void *, const struct opt *, const char *);
const char	*opt_duration(void *, const struct opt *, const char *);

#endif
