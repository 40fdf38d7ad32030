/* schedule.h: the open-loop arrival clock of loadgen. */
#ifndef LOADGEN_SCHEDULE_H
#define LOADGEN_SCHEDULE_H

#include <stdint.h>

struct event_base;
struct arrival_spec;

struct schedule_params {
	const struct arrival_spec *spec;	/* when arrivals are due */
	uint64_t	 seed;		/* for Poisson schedules */
	uint64_t	 duration_us;	/* arrivals fall in [0, duration) */
	uint64_t	 count;		/* at most this many; 0: no limit */
	uint64_t	 interval_us;	/* period of the interval hook */
	uint64_t	 zero_us;	/* mono_us() of time zero, not in the
					 * future; 0: now */
};

/* Called from the timer; `id` counts arrivals from 0, `due_us` is when
 * the schedule wanted it (the start latency is measured from). */
struct schedule_hooks {
	void	(*arrival)(uint64_t id, uint64_t due_us);
	void	(*interval)(uint64_t now_us, uint64_t scheduled);
	void	(*arrivals_done)(void);
};

/* Take time zero (now, or p->zero_us) and arm the first timer. */
void		schedule_start(struct event_base *,
		    const struct schedule_params *, const struct schedule_hooks *);
/* No arrival after now; interval boundaries go on until schedule_free. */
void		schedule_stop_arrivals(void);
void		schedule_free(void);
/* Microseconds since time zero, from CLOCK_MONOTONIC. */
uint64_t	schedule_now_us(void);
/* Arrivals due before `now_us` (cumulative), what "scheduled" counts;
 * `now_us` no earlier than the last interval boundary passed. */
uint64_t	schedule_due(uint64_t now_us);

#endif
