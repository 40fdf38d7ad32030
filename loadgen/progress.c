/* progress.c: on a terminal, one status line (rate, active, TIME_WAIT,
 * failures; requests and reuses with --mailboxes) redrawn each second with a carriage return; never in a file
 * or pipe, where it would only be noise between log lines. */
#include <sys/time.h>

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <event2/event.h>

#include "kstat.h"
#include "log.h"
#include "progress.h"
#include "schedule.h"
#include "session.h"
#include "stats.h"

static struct {
	struct event		*timer;
	struct stats_snapshot	 last;
	int			 drawn;
} pr;

static void
progress_draw(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	struct stats_snapshot	 now;
	int64_t			 tw = kstat_time_wait();

	stats_snapshot(&now);
	/* \r and erase-to-end: the line is rewritten in place. */
	fprintf(stderr, "\r\033[K%7.1fs  started/s %llu  completed/s %llu  "
	    "active %llu  time_wait %lld  failed %llu  skipped %llu",
	    (double)schedule_now_us() / 1e6,
	    (unsigned long long)(now.started - pr.last.started),
	    (unsigned long long)(now.completed - pr.last.completed),
	    (unsigned long long)session_active(), (long long)tw,
	    (unsigned long long)now.failed, (unsigned long long)now.skipped);
	if (now.cache)
		fprintf(stderr, "  requests/s %llu  reused/s %llu  cached %llu",
		    (unsigned long long)(now.requests - pr.last.requests),
		    (unsigned long long)(now.reused - pr.last.reused),
		    (unsigned long long)session_idle_count());
	fflush(stderr);
	log_status_drawn(1);
	pr.last = now;
	pr.drawn = 1;
}

void
progress_start(struct event_base *base)
{
	struct timeval	tv = { 1, 0 };

	if (!isatty(STDERR_FILENO))
		return;
	if ((pr.timer = event_new(base, -1, EV_PERSIST, progress_draw,
	    NULL)) == NULL)
		fatalx("event_new");
	event_add(pr.timer, &tv);
}

void
progress_stop(void)
{
	if (pr.timer == NULL)
		return;
	event_free(pr.timer);
	pr.timer = NULL;
	if (pr.drawn)
		fprintf(stderr, "\r\033[K");
	log_status_drawn(0);
}
