/* schedule.c: open-loop arrivals: arrival i is due at i / rate seconds,
 * whether or not earlier sessions have finished. */
#include <sys/time.h>

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "log.h"
#include "schedule.h"

/* Bounds the work of one timer callback so a rate the host cannot keep
 * up with still lets sessions, signals and I/O run between batches. */
#define SCHEDULE_BATCH	1000

static struct {
	struct schedule_params	 p;
	struct schedule_hooks	 hooks;
	struct event		*timer;
	struct timespec		 zero;
	uint64_t		 next;		/* next arrival to start */
	uint64_t		 last;		/* arrivals end before this one */
	uint64_t		 boundary;	/* end of the current interval */
	int			 arriving;
} sched;

static void	schedule_tick(evutil_socket_t, short, void *);

uint64_t
schedule_now_us(void)
{
	struct timespec	ts;
	int64_t		us;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	us = (int64_t)(ts.tv_sec - sched.zero.tv_sec) * 1000000 +
	    (ts.tv_nsec - sched.zero.tv_nsec) / 1000;
	return us < 0 ? 0 : (uint64_t)us;
}

/* When arrival i is due: computed from i, never accumulated, so rounding
 * does not drift over a long run. */
static uint64_t
arrival_due(uint64_t i)
{
	return (uint64_t)((double)i * 1e6 / sched.p.rate);
}

/* How many arrivals of an endless schedule are due before t. */
static uint64_t
due_before(uint64_t t)
{
	uint64_t	n;

	n = (uint64_t)((double)t * sched.p.rate / 1e6);
	/* The float estimate may be off by one either way: settle it on
	 * the same arrival_due() the timer uses. */
	while (n > 0 && arrival_due(n - 1) >= t)
		n--;
	while (arrival_due(n) < t)
		n++;
	return n;
}

uint64_t
schedule_due(uint64_t now_us)
{
	uint64_t	n = due_before(now_us);

	return n < sched.last ? n : sched.last;
}

static void
schedule_arm(uint64_t now, uint64_t when)
{
	struct timeval	tv;
	uint64_t	delay = when > now ? when - now : 0;

	tv.tv_sec = (time_t)(delay / 1000000);
	tv.tv_usec = (suseconds_t)(delay % 1000000);
	evtimer_add(sched.timer, &tv);
}

static void
schedule_end_arrivals(void)
{
	if (!sched.arriving)
		return;
	sched.arriving = 0;
	log_debug("schedule: arrivals done after %llu",
	    (unsigned long long)sched.next);
	sched.hooks.arrivals_done();
}

/* The earliest of the next arrival, the end of the arrival window and
 * the next interval boundary. */
static uint64_t
schedule_next_event(void)
{
	uint64_t	when = sched.boundary;

	if (sched.arriving && sched.next < sched.last &&
	    arrival_due(sched.next) < when)
		when = arrival_due(sched.next);
	if (sched.arriving && sched.p.duration_us < when)
		when = sched.p.duration_us;
	return when;
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
		if (sched.arriving && sched.next < sched.last &&
		    arrival_due(sched.next) < sched.boundary) {
			sched.hooks.arrival(sched.next++);
			started++;
			/* --count reached: no reason to wait for --duration. */
			if (sched.next == sched.p.count)
				schedule_end_arrivals();
		} else if (sched.arriving && sched.p.duration_us <= now &&
		    sched.p.duration_us < sched.boundary)
			schedule_end_arrivals();
		else {
			sched.hooks.interval(sched.boundary,
			    schedule_due(sched.boundary));
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
	if (clock_gettime(CLOCK_MONOTONIC, &sched.zero) == -1)
		fatal("clock_gettime");
	sched.next = 0;
	sched.last = due_before(p->duration_us);
	if (p->count != 0 && p->count < sched.last)
		sched.last = p->count;
	sched.boundary = p->interval_us;
	sched.arriving = 1;
	schedule_arm(0, 0);
}

void
schedule_stop_arrivals(void)
{
	uint64_t	now = schedule_now_us();

	/* Arrivals already due but not started stay counted as scheduled:
	 * that gap is the generator falling behind, and should show. */
	if (sched.arriving && schedule_due(now) < sched.last)
		sched.last = schedule_due(now);
	schedule_end_arrivals();
}

void
schedule_free(void)
{
	if (sched.timer != NULL)
		event_free(sched.timer);
	sched.timer = NULL;
}
