/* bench.h: `ephemera bench SCENARIO.ini... --repeat N --json FILE`: each
 * scenario N times, each run in a fresh namespace, every repeat's
 * metrics and the environment in one JSON file for `ephemera compare`. */
#ifndef EPHEMERA_BENCH_H
#define EPHEMERA_BENCH_H

#include "run.h"

/* The command, from its own argv ("bench", ...); results go under
 * `results` as ephemera run's do.  Exit 0 when every repeat measured, 2
 * on bad input, an error or an interruption (finished repeats stay in the
 * file). */
int	cmd_bench(const char *results, const struct lab_bins *bins, int argc,
	    char **argv);

#endif
