/* metrics.h: what `ephemera bench` records of each run and `ephemera
 * compare` judges: one table, name, unit, which way is worse, and the
 * default gate. */
#ifndef EPHEMERA_METRICS_H
#define EPHEMERA_METRICS_H

#include <stddef.h>

#include "scenario.h"

enum metric_kind {
	METRIC_LOWER_IS_BETTER,		/* latencies: up is a regression */
	METRIC_HIGHER_IS_BETTER,	/* sessions/s: down is */
	METRIC_EXACT,			/* counts the model decides: any
					 * change is, without statistics */
	METRIC_INFO,			/* recorded, shown, never gated */
};

struct metric {
	const char		*name;		/* a summary column, mostly */
	const char		*unit;
	enum metric_kind	 kind;
	/* the default gate: a change of the medians beyond `tolerance`
	 * (relative) and beyond `floor` (absolute: below it the machine's
	 * noise, not the server, decides); 0: not gated unless asked */
	double			 tolerance;
	double			 floor;
};

extern const struct metric	metrics[];
extern const int		nmetrics;

/* The index of a metric by name, or -1. */
int	metric_index(const char *name);
/* Every metric's name, for "unknown metric" errors' nearest names. */
const char *const *metric_names(void);

/*
 * A finished run's metrics, from its folder's summary.csv and
 * loadgen.csv, into v[nmetrics]; NAN where the run has none (no
 * failure: no first failure).  The first failure is in model seconds
 * (times the scenario's time scale), to the millisecond.
 */
int	metrics_read(const char *dir, const struct scenario *sc, double *v,
	    char *err, size_t errsz);

#endif
