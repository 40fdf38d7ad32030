/* main.c: loadgen's run: signals, arrivals to sessions, stops, and the
 * start and end of a run. */
#include <sys/time.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "addr.h"
#include "bind.h"
#include "cache.h"
#include "clock.h"
#include "config.h"
#include "drain.h"
#include "log.h"
#include "nofile.h"
#include "gates.h"
#include "options.h"
#include "progress.h"
#include "output.h"
#include "schedule.h"
#include "session.h"
#include "sockdiag.h"
#include "stats.h"
#include "tls.h"

/* Exit status when failures stopped the arrivals (--stop-on-failure,
 * --max-failures): the run went well, and found what QA looks for. */
#define EXIT_STOPPED_BY_FAILURE	3
/* Exit status when the run ran and a --threshold was breached: what a CI
 * gate looks for, apart from "could not run" (1) and "bad input" (2). */
#define EXIT_THRESHOLD_BREACHED	4

/* A --start-at moment passed by more than this is not started. */
#define START_LATE_S	1.0

/* After SIGINT or SIGTERM, sessions in flight get this long to finish. */
#define DRAIN_US	2000000

static struct {
	struct config		 cfg;
	struct event_base	*base;
	struct event		*ev_sigint;
	struct event		*ev_sigterm;
	struct event		*ev_drain;
	struct event		*ev_start;	/* --start-at */
	uint64_t		 start_mono_us;	/* its moment, mono_us() */
	uint64_t		 arrivals;	/* started or skipped */
	uint64_t		 failures;
	int			 arrivals_done;
	int			 finished;
	int			 signals;
	int			 status;	/* main's exit status */
} run;

static void
finish(void)
{
	uint64_t	now;

	if (run.finished)
		return;
	run.finished = 1;
	progress_stop();
	now = schedule_now_us();
	/* Sessions still in flight now are the final row's `active`, and
	 * count as neither completed nor failed. */
	if (stats_finish(now, schedule_due(now), session_active(),
	    session_idle_count()) > 0)
		run.status = EXIT_THRESHOLD_BREACHED;
	session_abort_all();
	event_base_loopexit(run.base, NULL);
}

static void
maybe_finish(void)
{
	if (run.arrivals_done && session_active() == 0)
		finish();
}

/* Stop arrivals early and give sessions in flight the drain time; 0 if
 * they had stopped already. */
static int
stop_arrivals(const char *why)
{
	struct timeval	tv = { DRAIN_US / 1000000, DRAIN_US % 1000000 };

	if (run.arrivals_done || run.finished)
		return 0;
	stats_stop_reason(why);
	schedule_stop_arrivals();
	if (!run.finished)
		evtimer_add(run.ev_drain, &tv);
	return 1;
}

static void
on_session_end(int reason)
{
	if (reason >= REASON_FIRST_FAILURE && reason <= REASON_LAST_FAILURE) {
		run.failures++;
		if (run.cfg.stop_on_failure && stop_arrivals("failure"))
			run.status = EXIT_STOPPED_BY_FAILURE;
		else if (run.cfg.max_failures != 0 &&
		    run.failures >= run.cfg.max_failures &&
		    stop_arrivals("max_failures"))
			run.status = EXIT_STOPPED_BY_FAILURE;
	}
	maybe_finish();
}

static void
on_arrival(uint64_t id, uint64_t due_us)
{
	run.arrivals++;
	if (run.cfg.mailboxes != 0) {
		cache_request(id, due_us);
		return;
	}
	/* Open loop: over the cap, the arrival is lost, not postponed;
	 * postponing would hide the overload (coordinated omission). */
	if (run.cfg.max_in_flight != 0 &&
	    session_active() >= run.cfg.max_in_flight)
		stats_skipped();
	else
		session_start(id, due_us, -1);
}

static void
on_interval(uint64_t now_us, uint64_t scheduled)
{
	if (!run.finished)
		stats_interval(now_us, scheduled, session_active(),
		    session_idle_count());
}

static void
on_arrivals_done(void)
{
	stats_stop_reason(run.cfg.shard_count != 0 &&
	    run.arrivals == run.cfg.shard_count ?
	    "count" : "duration");
	run.arrivals_done = 1;
	/* Cached connections close properly (LOGOUT, --close); after a
	 * signal or a stop on failure the drain deadline bounds that. */
	if (run.cfg.mailboxes != 0)
		cache_shutdown();
	maybe_finish();
}

static void
on_drain_timeout(evutil_socket_t fd UNUSED, short events UNUSED,
    void *arg UNUSED)
{
	log_warnx("drain: aborting sessions still in flight after 2s: %llu",
	    (unsigned long long)session_active());
	finish();
}

static void
on_signal(evutil_socket_t sig, short events UNUSED, void *arg UNUSED)
{
	struct timeval	tv = { DRAIN_US / 1000000, DRAIN_US % 1000000 };

	if (run.finished)
		return;
	if (run.ev_start != NULL && evtimer_pending(run.ev_start, NULL)) {
		log_warnx("SIG%s during --start-at: not starting",
		    sigabbrev_np((int)sig));
		stats_close();
		exit(1);
	}
	if (drain_cancel()) {
		log_warnx("SIG%s during --drain: not starting",
		    sigabbrev_np((int)sig));
		stats_close();
		exit(1);
	}
	if (run.signals++ > 0) {
		/* No more waiting for sessions in flight: they count as
		 * active, and everything measured so far is written. */
		log_warnx("SIG%s again: stopping now, sessions in flight "
		    "(%llu) not waited for", sigabbrev_np((int)sig),
		    (unsigned long long)session_active());
		finish();
		run.status = EXIT_FAILURE;
		return;
	}
	log_warnx("SIG%s: stopping arrivals; sessions in flight: %llu",
	    sigabbrev_np((int)sig), (unsigned long long)session_active());
	stats_stop_reason("signal");
	schedule_stop_arrivals();
	/* Already draining after a stop on failure: that deadline holds. */
	if (!run.finished && !evtimer_pending(run.ev_drain, NULL))
		evtimer_add(run.ev_drain, &tv);
}

static struct event_base *
base_new(void)
{
	struct event_config	*ec;
	struct event_base	*b;

	/* Arrivals are microseconds apart at high rates: a timerfd, not
	 * epoll's whole milliseconds.  The changelist hands epoll only the
	 * net change once per loop iteration: a session's DEL goes after
	 * its close(), when the kernel has already dropped the fd, and
	 * costs a failed call instead of a real one. */
	if ((ec = event_config_new()) == NULL)
		fatalx("event_config_new");
	event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER |
	    EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	if ((b = event_base_new_with_config(ec)) == NULL)
		fatalx("event_base_new");
	event_config_free(ec);
	return b;
}

static void
events_setup(void)
{
	run.base = base_new();
	run.ev_sigint = evsignal_new(run.base, SIGINT, on_signal, NULL);
	run.ev_sigterm = evsignal_new(run.base, SIGTERM, on_signal, NULL);
	run.ev_drain = evtimer_new(run.base, on_drain_timeout, NULL);
	if (run.ev_sigint == NULL || run.ev_sigterm == NULL ||
	    run.ev_drain == NULL)
		fatalx("evsignal_new");
	evsignal_add(run.ev_sigint, NULL);
	evsignal_add(run.ev_sigterm, NULL);
	/* A write to a reset connection is a counted failure, not death. */
	signal(SIGPIPE, SIG_IGN);
}

static void
events_free(void)
{
	if (run.ev_start != NULL)
		event_free(run.ev_start);
	event_free(run.ev_sigint);
	event_free(run.ev_sigterm);
	event_free(run.ev_drain);
	event_base_free(run.base);
	libevent_global_shutdown();
}


/* CLOCK_REALTIME in seconds: the shards' common clock. */
static double
wall_s(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* The Unix time of time zero: --start-at itself, or the wall clock now
 * less how long ago zero was. */
static double
start_epoch(uint64_t zero_us)
{
	uint64_t	now;

	if (run.cfg.start_at != 0)
		return run.cfg.start_at;
	now = mono_us();
	return wall_s() - (zero_us != 0 && zero_us < now ?
	    (double)(now - zero_us) / 1e6 : 0);
}

/* One SSL_CTX for the run, when a session may use TLS; a CA file that
 * does not load is bad input. */
static void
tls_setup(const struct config *cfg)
{
	char	err[512];

	if (!cfg->tls && !steps_have(&cfg->steps, STEP_STARTTLS))
		return;
	if (tls_init(cfg->tls_ca, cfg->tls_servername, err, sizeof(err)) == -1)
		usage_error("%s", err);
}

/* TIME_WAIT by side needs to know which ports are the servers'. */
static int
open_sockdiag(const struct config *cfg)
{
	unsigned	ports[TARGETS_MAX];
	int		i;

	for (i = 0; i < cfg->ntargets; i++)
		ports[i] = endpoint_port(&cfg->targets[i]);
	return sockdiag_open(run.base, ports, cfg->ntargets,
	    output_side_counts) == 0;
}

/* Time zero: arrivals begin; `zero_us` mono_us() of it, 0: now. */
static void
begin_arrivals(uint64_t zero_us)
{
	const struct config	*cfg = &run.cfg;
	struct schedule_params	 pp = { &cfg->spec, cfg->seed,
				    cfg->duration_us, cfg->shard_count,
				    cfg->interval_us, zero_us };
	struct schedule_hooks	 hooks = { on_arrival, on_interval,
				    on_arrivals_done };

	stats_started_at(start_epoch(zero_us));
	progress_start(run.base);
	schedule_start(run.base, &pp, &hooks);
}

/* --start-at: the timer may wake a little early; time zero is the
 * moment itself, never the wakeup, so shards' arrivals line up. */
static void
on_start_at(evutil_socket_t fd UNUSED, short events UNUSED,
    void *arg UNUSED)
{
	uint64_t	now = mono_us();
	struct timeval	tv;

	if (now < run.start_mono_us) {
		tv = us_to_timeval(run.start_mono_us - now);
		evtimer_add(run.ev_start, &tv);
		return;
	}
	begin_arrivals(run.start_mono_us);
}

static void
start_arrivals(void)
{
	double		wait_s;
	struct timeval	tv;

	if (run.cfg.start_at == 0) {
		begin_arrivals(0);
		return;
	}
	wait_s = run.cfg.start_at - wall_s();
	/* --drain may have taken us past it: the other shards are long
	 * under way, and catching up would be a burst, not the schedule. */
	if (wait_s < -START_LATE_S) {
		log_warnx("--start-at %.3f: passed %.3f s ago (after --drain): "
		    "not starting", run.cfg.start_at, -wait_s);
		stats_close();
		exit(1);
	}
	/* Past by at most a second: start now, time zero then. */
	if (wait_s <= 0) {
		run.start_mono_us = mono_us() - (uint64_t)(-wait_s * 1e6);
		begin_arrivals(run.start_mono_us);
		return;
	}
	run.start_mono_us = mono_us() + (uint64_t)(wait_s * 1e6);
	log_debug("start-at: waiting %.3f s", wait_s);
	if ((run.ev_start = evtimer_new(run.base, on_start_at, NULL)) == NULL)
		fatalx("evtimer_new");
	tv = us_to_timeval(run.start_mono_us - mono_us());
	evtimer_add(run.ev_start, &tv);
}

static void
start(const struct config *cfg)
{
	static char		skew[MAILBOX_SKEW_STRLEN];

	struct stats_run	sr = { cfg->target_str, options_offered_rate(cfg),
				    cfg->duration_us, NULL, NULL, 0,
				    open_sockdiag(cfg), cfg->latency_path,
				    cfg->mailboxes, cfg->cache_ttl_us, skew,
				    cfg->thresholds, cfg->nthresholds,
				    cfg->histogram_path, cfg->meta_path,
				    cfg->shard_i, cfg->shard_n,
				    cfg->interval_us };
	struct session_params	sp = { cfg->targets, cfg->ntargets,
				    cfg->timeout_us, &cfg->steps, cfg->user,
				    cfg->password, cfg->close, cfg->tls,
				    cfg->bind.mode != BIND_NONE,
				    on_session_end, cache_idle, cache_gone };
	struct cache_params	cp = { cfg->mailboxes, cfg->cache_ttl_us,
				    cfg->skew, cfg->seed, cfg->max_in_flight };

	mailbox_skew_format(&cfg->skew, skew, sizeof(skew));
	options_columns(cfg, &sr.opt_names, &sr.opt_values, &sr.nopts);
	if (cfg->mailboxes != 0)
		cache_init(run.base, &cp);
	bind_init(&cfg->bind);
	/* Files first: a bad path fails before any waiting. */
	stats_open(cfg->csv_path, cfg->summary_path, &sr);
	gates_check(cfg->thresholds, cfg->nthresholds);
	session_init(run.base, &sp);
	log_debug("target=%s schedule=%s duration_us=%llu count=%llu",
	    cfg->target_str, sr.opt_values[0],
	    (unsigned long long)cfg->duration_us,
	    (unsigned long long)cfg->count);
	if (cfg->drain_below != 0)
		drain_start(run.base, cfg->drain_below, cfg->drain_timeout_us,
		    start_arrivals);
	else
		start_arrivals();
}

int
main(int argc, char **argv)
{
	log_init("loadgen", 0);
	options_parse(&run.cfg, argc, argv);
	log_init("loadgen", run.cfg.debug);
	nofile_raise();
	tls_setup(&run.cfg);
	events_setup();
	start(&run.cfg);

	event_base_dispatch(run.base);

	schedule_free();
	cache_free();
	/* A file that lost rows (a full disk) was said when it happened. */
	if (stats_close() == -1)
		run.status = EXIT_FAILURE;
	sockdiag_close();
	events_free();
	session_free_all();
	tls_free();
	return run.status;
}
