/* sweep.h: `ephemera sweep`: a grid of real runs, one CSV row a point,
 * and `--search rate`, the highest sustainable rate at each point. */
#ifndef EPHEMERA_SWEEP_H
#define EPHEMERA_SWEEP_H

#include "run.h"

/* argv[0] is "sweep".  Exit status: 0 every point ran (and without
 * --search, held), 1 a point's expectation did not hold, 2 bad input,
 * an error or an interruption (the finished rows stay in the CSV). */
int	cmd_sweep(const char *results, const struct lab_bins *bins, int argc,
	    char **argv);

#endif
