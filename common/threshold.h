/* threshold.h: a gate on one measured figure, "NAME OP NUMBER"
 * (failed==0, session_p99_ms<50, completed_per_s>=990), as loadgen's
 * --threshold and a scenario's [expect] write it. */
#ifndef EPHEMERA_THRESHOLD_H
#define EPHEMERA_THRESHOLD_H

#include <stddef.h>

enum threshold_op { TH_LT, TH_LE, TH_GT, TH_GE, TH_EQ, TH_NE };

#define THRESHOLD_NAME_MAX	64
#define THRESHOLD_STRLEN	128

struct threshold {
	char			 name[THRESHOLD_NAME_MAX];	/* a column */
	enum threshold_op	 op;
	double			 value;
	char			 text[THRESHOLD_STRLEN];	/* as given */
};

/* Parse expr; NULL when done, else what was expected, for an error line
 * that names where the expression came from. */
const char	*threshold_parse(const char *expr, struct threshold *t);

/*
 * Is t->name one of names[0..n-1]?  0 when it is; else -1, with err
 * saying "unknown column 'X'" and the nearest valid names.
 */
int	threshold_known(const struct threshold *t, const char *const *names,
	    size_t n, char *err, size_t errsz);

enum threshold_result {
	TH_MET,
	TH_BREACHED,
	TH_NO_VALUE,	/* the field is empty or not a number: breached too,
			 * as nothing shows the gate was met */
};

/* The gate against a field as written in a CSV row; *v gets its value. */
enum threshold_result	threshold_eval(const struct threshold *t,
			    const char *field, double *v);
const char	*threshold_result_name(enum threshold_result r);

#endif
