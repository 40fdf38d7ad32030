/* run.h: one scenario, run in its own network namespace. */
#ifndef EPHEMERA_RUN_H
#define EPHEMERA_RUN_H

#include "bins.h"
#include "scenario.h"

struct plan;

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

/* Whether the scenario's loadgens run as shards whose files the run
 * merges ([topology] clients, or more than one loadgen). */
int	run_sharded(const struct scenario *sc);

/*
 * Loadgen i's folder (from 0) of a run in `dir`: dir itself for a plain
 * run, dir/hosts/clientC (dir/hosts/clientC/shardS with more than one
 * shard a host), or dir/shards/shardI without hosts; with `parent`, the
 * folder that holds it.  -1 when it does not fit bufsz.
 */
int	run_loadgen_dir(const struct scenario *sc, const char *dir,
	    unsigned i, int parent, char *buf, size_t bufsz);
/* The CSV loadgen i writes its rows to while it runs: loadgen.csv, or a
 * shard's interval.csv in its folder. */
int	run_loadgen_csv(const struct scenario *sc, const char *dir,
	    unsigned i, char *buf, size_t bufsz);

#endif
