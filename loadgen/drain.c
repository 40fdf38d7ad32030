/* drain.c: TIME_WAIT left by an earlier run lasts 60 s and would take
 * ports from this one; wait for it to clear, on a timer, bounded. */
#include <sys/time.h>

#include <stdint.h>
#include <stdlib.h>

#include <event2/event.h>

#include "clock.h"
#include "drain.h"
#include "kstat.h"
#include "log.h"

/* /proc/net/sockstat is O(1) to read: polling often costs nothing. */
#define DRAIN_POLL_US	50000

static struct {
	struct event	*timer;
	uint64_t	 below;
	uint64_t	 deadline_us;
	uint64_t	 start_us;
	void		(*ready)(void);
} dr;

static void
drain_done(void)
{
	event_free(dr.timer);
	dr.timer = NULL;
}

static void
drain_poll(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	struct timeval	tv = { 0, DRAIN_POLL_US };
	int64_t		tw = kstat_time_wait();
	uint64_t	now = mono_us();

	if (tw < 0)
		fatalx("--drain: cannot read the TIME_WAIT count "
		    "(/proc/net/sockstat)");
	if ((uint64_t)tw < dr.below) {
		log_warnx("drain: time_wait=%lld below %llu after %.3fs",
		    (long long)tw, (unsigned long long)dr.below,
		    (double)(now - dr.start_us) / 1e6);
		drain_done();
		dr.ready();
		return;
	}
	if (now >= dr.deadline_us) {
		log_warnx("drain: time_wait=%lld still not below %llu after "
		    "%.3fs; not starting", (long long)tw,
		    (unsigned long long)dr.below,
		    (double)(now - dr.start_us) / 1e6);
		exit(1);
	}
	evtimer_add(dr.timer, &tv);
}

void
drain_start(struct event_base *base, uint64_t below, uint64_t timeout_us,
    void (*ready)(void))
{
	struct timeval	tv = { 0, 0 };

	dr.below = below;
	dr.ready = ready;
	dr.start_us = mono_us();
	dr.deadline_us = dr.start_us + timeout_us;
	if ((dr.timer = evtimer_new(base, drain_poll, NULL)) == NULL)
		fatalx("evtimer_new");
	evtimer_add(dr.timer, &tv);
}

int
drain_cancel(void)
{
	if (dr.timer == NULL)
		return 0;
	drain_done();
	return 1;
}
