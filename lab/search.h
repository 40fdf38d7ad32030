/* search.h: the bisection of `ephemera sweep --search rate`: the highest
 * rate that a probe run sustains, bracketed from the model's capacity.
 * Only the bookkeeping; the caller runs each probe.  No I/O. */
#ifndef EPHEMERA_SEARCH_H
#define EPHEMERA_SEARCH_H

enum search_state {
	SEARCH_RUNNING,		/* search_next() gives the next probe */
	SEARCH_FOUND,		/* lo held, hi failed, within the tolerance */
	SEARCH_BELOW,		/* every probe failed: under the low bound */
	SEARCH_ABOVE,		/* every probe held: at least the high bound */
	SEARCH_STEPS,		/* the step limit came first */
};

struct search {
	double	lo, hi;		/* the bracket: lo holds (or is the low
				 * bound), hi fails (or is the high bound) */
	int	lo_held, hi_failed;	/* whether a probe showed it */
	double	tolerance;	/* stop when (hi - lo) / lo is at most this */
	int	steps, max_steps;
	enum search_state state;
};

/* Bracket [lo_frac x model, hi_frac x model]; 0 < lo_frac < hi_frac. */
void	search_init(struct search *s, double model, double lo_frac,
	    double hi_frac, double tolerance, int max_steps);
/* The rate to probe next: the bracket's middle. */
double	search_next(const struct search *s);
/* What the probe at `rate` gave: 1 sustained (no failure), 0 not. */
void	search_record(struct search *s, double rate, int held);
/* The highest rate a probe sustained, or -1 when none did. */
double	search_result(const struct search *s);
const char	*search_state_name(enum search_state st);

#endif
