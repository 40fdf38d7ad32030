/* compare.h: `ephemera compare BASE.json HEAD.json`: each metric of each
 * scenario, base against head, judged with noise in mind: a regression
 * is a change beyond its tolerance and significant (Mann-Whitney U), and
 * the exact metrics must not move at all. */
#ifndef EPHEMERA_COMPARE_H
#define EPHEMERA_COMPARE_H

#include <jansson.h>

/* Exit statuses, documented in the README. */
enum {
	COMPARE_OK = 0,			/* no regression */
	COMPARE_REGRESSION = 1,		/* at least one, every one listed */
	COMPARE_BAD_INPUT = 2,
	COMPARE_NO_BASELINE = 3,	/* BASE.json does not exist */
};

/* The command, from its own argv ("compare", ...). */
int	cmd_compare(int argc, char **argv);

/*
 * Compare two loaded bench documents with the default gates, print the
 * table and return COMPARE_OK or COMPARE_REGRESSION; for `bench --noise`,
 * which then suggests tolerances from what moved.
 */
int	compare_print_noise(json_t *a, json_t *b);

#endif
