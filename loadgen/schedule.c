/* schedule.c: open-loop arrivals: arrival i starts when the schedule says
 * (arrivals.c), whether or not earlier sessions have finished. */
#include <sys/time.h>

#include <stdint.h>
#include <stdlib.h>

#include <event2/event.h>

#include "arrivals.h"
#include "clock.h"
#include "log.h"
#include "schedule.h"

/* Bounds the work of one timer callback so a rate the host cannot keep
 * up with still lets sessions, signals and I/O run between batches. */
#define SCHEDULE_BATCH	1000

static struct {
	struct schedule_params	 p;
	struct schedule_hooks	 hooks;
	struct event		*timer;
	uint64_t		 zero_us;	/* mono_us() at time zero */
	struct arrivals		 gen;		/* the next arrival to start */
	struct arrivals		 counted;	/* first arrival due after the
						 * last interval boundary */
	uint64_t		 last;		/* arrivals end before this one */
	uint64_t		 boundary;	/* end of the current interval */
	int			 arriving;
} sched;

static void	schedule_tick(evutil_socket_t, short, void *);

uint64_t
schedule_now_us(void)
{
	uint64_t	now = mono_us();

	return now > sched.zero_us ? now - sched.zero_us : 0;
}

/* Advance a copy of the generator past every arrival due before t (and
 * within the run); its index is then the count. */
static void
count_to(struct arrivals *a, uint64_t t)
{
	if (t > sched.p.duration_us)
		t = sched.p.duration_us;
	while (a->i < sched.last && a->due_us < t)
		arrivals_next(a);
}

uint64_t
schedule_due(uint64_t now_us)
{
	struct arrivals	a = sched.counted;

	count_to(&a, now_us);
	return a.i;
}

/* Interval boundaries only grow: the counting generator moves with them. */
static uint64_t
schedule_due_boundary(uint64_t boundary)
{
	count_to(&sched.counted, boundary);
	return sched.counted.i;
}

static void
schedule_arm(uint64_t now, uint64_t when)
{
	struct timeval	tv = us_to_timeval(when > now ? when - now : 0);

	evtimer_add(sched.timer, &tv);
}

static void
schedule_end_arrivals(void)
{
	if (!sched.arriving)
		return;
	sched.arriving = 0;
	log_debug("schedule: arrivals done after %llu",
	    (unsigned long long)sched.gen.i);
	sched.hooks.arrivals_done();
}

/* Whether the generator's next arrival belongs to the run at all. */
static int
arrival_pending(void)
{
	return sched.arriving && sched.gen.i < sched.last &&
	    sched.gen.due_us < sched.p.duration_us;
}

/* The earliest of the next arrival, the end of the arrival window and
 * the next interval boundary. */
static uint64_t
schedule_next_event(void)
{
	uint64_t	when = sched.boundary;

	if (arrival_pending() && sched.gen.due_us < when)
		when = sched.gen.due_us;
	if (sched.arriving && sched.p.duration_us < when)
		when = sched.p.duration_us;
	return when;
}

static void
schedule_arrival(void)
{
	uint64_t	id = sched.gen.i, due = sched.gen.due_us;

	arrivals_next(&sched.gen);
	sched.hooks.arrival(id, due);
	/* --count reached, or the schedule has nothing more before the end:
	 * no reason to wait for --duration. */
	if (sched.arriving && !arrival_pending())
		schedule_end_arrivals();
}

/* Handle everything due by now in time order, at most a batch of
 * arrivals; returns 1 if more is already due. */
static int
schedule_run(uint64_t now)
{
	int	started = 0;

	while (schedule_next_event() <= now) {
		if (started == SCHEDULE_BATCH)
			return 1;
		if (arrival_pending() && sched.gen.due_us < sched.boundary) {
			schedule_arrival();
			started++;
		} else if (sched.arriving && sched.p.duration_us <= now &&
		    sched.p.duration_us < sched.boundary)
			schedule_end_arrivals();
		else {
			sched.hooks.interval(sched.boundary,
			    schedule_due_boundary(sched.boundary));
			sched.boundary += sched.p.interval_us;
		}
	}
	return 0;
}

static void
schedule_tick(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	uint64_t	now = schedule_now_us();

	if (schedule_run(now))
		schedule_arm(now, now);
	else
		schedule_arm(now, schedule_next_event());
}

void
schedule_start(struct event_base *base, const struct schedule_params *p,
    const struct schedule_hooks *hooks)
{
	sched.p = *p;
	sched.hooks = *hooks;
	if ((sched.timer = evtimer_new(base, schedule_tick, NULL)) == NULL)
		fatalx("evtimer_new");
	sched.zero_us = p->zero_us != 0 ? p->zero_us : mono_us();
	arrivals_init(&sched.gen, p->spec, p->seed);
	sched.counted = sched.gen;
	sched.last = p->count != 0 ? p->count : UINT64_MAX;
	sched.boundary = p->interval_us;
	sched.arriving = 1;
	if (!arrival_pending())
		schedule_end_arrivals();
	schedule_arm(0, 0);
}

void
schedule_stop_arrivals(void)
{
	uint64_t	due = schedule_due(schedule_now_us());

	/* Arrivals already due but not started stay counted as scheduled:
	 * that gap is the generator falling behind, and should show. */
	if (sched.arriving && due < sched.last)
		sched.last = due;
	schedule_end_arrivals();
}

void
schedule_free(void)
{
	if (sched.timer != NULL)
		event_free(sched.timer);
	sched.timer = NULL;
}
