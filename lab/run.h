/* run.h: one scenario, run in its own network namespace. */
#ifndef EPHEMERA_RUN_H
#define EPHEMERA_RUN_H

#include "scenario.h"

struct plan;

/* Where the two programs are. */
#include <limits.h>

/* Room for a directory of PATH_MAX plus the longest relative tail. */
#define LAB_PATH_MAX	(PATH_MAX + 64)

struct lab_bins {
	char	fake_imapd[LAB_PATH_MAX];
	char	loadgen[LAB_PATH_MAX];
	char	bindir[LAB_PATH_MAX];	/* fake-imapd's folder: {bindir} */
};

enum run_status {
	RUN_DONE = 0,		/* measured; the report judges the numbers */
	RUN_ERROR = 2,		/* could not measure; see the message */
	RUN_INTERRUPTED = 3,	/* stopped by a signal; CSV is still valid */
};

/*
 * Run `sc` as its plan's lab part says, with its results in `dir` (which
 * exists): in a child process that enters a private network namespace,
 * sets the plan's sysctls there, starts fake-imapd and then loadgen, and
 * stops both.  The host is untouched.  Returns the child's run_status; on
 * RUN_ERROR err says why.
 */
enum run_status	run_scenario(const struct scenario *sc,
		    const struct plan *plan, const char *dir,
		    const struct lab_bins *bins, char *err, size_t errsz);

#endif
