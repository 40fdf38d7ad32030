/* measure.h: one scenario run, what it measured, and its verdict: what
 * `ephemera run` prints a row of, and what a sweep writes a row of. */
#ifndef EPHEMERA_MEASURE_H
#define EPHEMERA_MEASURE_H

#include "report.h"
#include "run.h"
#include "scenario.h"
#include "status.h"

struct plan;

struct measurement {
	enum run_status	 status;	/* done, error or interrupted */
	int		 measured;	/* obs holds loadgen's numbers: also
					 * after an error or interruption
					 * part way */
	struct observed	 obs;
	int		 held;		/* every expectation held */
	char		 why[256];	/* !held: the one that did not */
	char		 err[512];	/* error, or !measured: why there are
					 * no numbers */
};

/* Every scenario of paths[0..n-1] and its plan, computed here once for
 * every run, table and plot of it; -1 after saying what was wrong with
 * each that is. */
int	measure_load(char **paths, int n, struct scenario *scs,
	    struct plan *plans);

/*
 * Run `sc` as `plan` says with its results in `dir` (absolute, existing),
 * showing `st` on a terminal while it runs (NULL: nothing), then read
 * loadgen's summary and the row of its first failure, and judge them.
 */
void	measure_run(const struct scenario *sc, const struct plan *plan,
	    const char *dir, const struct lab_bins *bins,
	    const struct status_run *st, struct measurement *m);

#endif
