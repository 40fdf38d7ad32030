/* search.c: bisection on the rate: each probe halves the bracket between
 * the highest rate seen to hold and the lowest seen to fail. */
#include "search.h"

void
search_init(struct search *s, double model, double lo_frac, double hi_frac,
    double tolerance, int max_steps)
{
	s->lo = model * lo_frac;
	s->hi = model * hi_frac;
	s->lo_held = s->hi_failed = 0;
	s->tolerance = tolerance;
	s->steps = 0;
	s->max_steps = max_steps;
	s->state = SEARCH_RUNNING;
}

double
search_next(const struct search *s)
{
	return (s->lo + s->hi) / 2;
}

/* Where the bracket stands after a probe: done once it is narrow enough,
 * and then it says whether either end was ever seen. */
static enum search_state
search_judge(const struct search *s)
{
	if ((s->hi - s->lo) / s->lo > s->tolerance) {
		if (s->steps >= s->max_steps)
			return SEARCH_STEPS;
		return SEARCH_RUNNING;
	}
	if (!s->lo_held)
		return SEARCH_BELOW;
	if (!s->hi_failed)
		return SEARCH_ABOVE;
	return SEARCH_FOUND;
}

void
search_record(struct search *s, double rate, int held)
{
	if (s->state != SEARCH_RUNNING)
		return;
	s->steps++;
	if (held) {
		s->lo = rate;
		s->lo_held = 1;
	} else {
		s->hi = rate;
		s->hi_failed = 1;
	}
	s->state = search_judge(s);
}

double
search_result(const struct search *s)
{
	return s->lo_held ? s->lo : -1;
}

const char *
search_state_name(enum search_state st)
{
	static const char *const names[] = {
		[SEARCH_RUNNING] = "running",
		[SEARCH_FOUND] = "found",
		[SEARCH_BELOW] = "below_bound",
		[SEARCH_ABOVE] = "above_bound",
		[SEARCH_STEPS] = "step_limit",
	};

	return names[st];
}
