/* plot.h: a run's time series drawn with gnuplot, PNG and SVG. */
#ifndef EPHEMERA_PLOT_H
#define EPHEMERA_PLOT_H

#include <stddef.h>

#include "scenario.h"

struct plan;

/*
 * Write dir/plot.gp and run gnuplot on it: TIME_WAIT sockets and failures
 * per interval against model time, with the modelled plateau and the
 * predicted first failure drawn in.  Makes dir/plot.png and dir/plot.svg.
 * Returns -1 with a message in err (gnuplot missing or failing); the
 * run's numbers are unaffected.
 */
int	plot_run(const struct scenario *sc, const struct plan *plan,
	    const char *dir, char *err, size_t errsz);

/*
 * A run on client hosts without a gateway, one loadgen a host: the same
 * plot for each host in its folder (hosts/clientC/plot.png), against
 * the model of that host alone (its shard of the load, its own range).
 * Nothing for other runs.  Returns the plots made, or -1 with a message.
 */
int	plot_hosts(const struct scenario *sc, const char *dir, char *err,
	    size_t errsz);

/* Run gnuplot on `script` (a file name in dir) in dir, bounded; its
 * output into dir/plot.log.  -1 with a message in err. */
int	plot_gnuplot(const char *dir, const char *script, char *err,
	    size_t errsz);

#endif
