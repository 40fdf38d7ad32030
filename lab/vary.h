/* vary.h: a sweep's grid: `--vary KEY=V1,V2,...` or `KEY=LO..HI/STEP`
 * for any scenario key, and the points of their product.  No I/O. */
#ifndef EPHEMERA_VARY_H
#define EPHEMERA_VARY_H

#include <stddef.h>

#include "scenario.h"

#define VARY_MAX_KEYS		8
#define VARY_MAX_VALUES		64
#define VARY_MAX_POINTS		4096
#define VARY_VALUE_MAX		64

/* One --vary: a scenario key and its values, in the order given. */
struct vary {
	int	 key;				/* scenario_key_find()'s */
	char	 name[64];			/* "section.name" */
	int	 nvalues;
	char	 values[VARY_MAX_VALUES][VARY_VALUE_MAX];
};

/*
 * Parse "KEY=V1,V2,..." or "KEY=LO..HI/STEP" (numbers with one unit
 * suffix, the same on LO, HI and STEP or none on STEP: 60s..240s/60s,
 * 100..400/100; HI is included when a whole number of steps reaches it).
 * Every value is checked by the key's own parser.  Returns -1 with err
 * naming the key, the value and why.
 */
int	vary_parse(const char *arg, struct vary *v, char *err, size_t errsz);

/* Expand LO..HI/STEP alone (vary_parse's range): values into v.  -1 and
 * why on a malformed range or more than VARY_MAX_VALUES values. */
int	vary_range(const char *spec, struct vary *v, char *err, size_t errsz);

/* Points of the product of vs[0..n-1]: the first --vary changes slowest. */
int	vary_points(const struct vary *vs, int n);

/* Point p (from 0) as a scenario_set per key, in set[0..n-1]. */
void	vary_point(const struct vary *vs, int n, int p,
	    struct scenario_set *set);

#endif
