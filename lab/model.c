/* model.c: Little's law for ephemeral ports, and the time scale that lets
 * a 240 s TIME_WAIT run in a Linux namespace in seconds. */
#include <math.h>
#include <stdio.h>

#include "model.h"

double
model_capacity(const struct scenario *sc)
{
	/* A client that holds no TIME_WAIT, or TIME_WAIT past the bucket
	 * limit, keeps no port: no such limit. */
	if (!scenario_client_closes(sc))
		return -1;
	if (sc->max_tw_buckets >= 0 &&
	    (uint64_t)sc->max_tw_buckets < scenario_ports(sc))
		return -1;
	/* Ports are unique per 4-tuple: each destination has them all. */
	return sc->nlisten * (double)scenario_ports(sc) /
	    (sc->time_wait_us / 1e6);
}

int
model_cache_on(const struct scenario *sc)
{
	return sc->mailboxes > 0 && sc->cache_ttl_us > 0;
}

double
model_connection_rate(const struct scenario *sc)
{
	double	gap, ttl, period;

	if (!model_cache_on(sc))
		return sc->rate;
	/* Each mailbox is asked every N / rate seconds; its connection is
	 * reused until it is T old, then the next request opens a new one:
	 * one connection per mailbox every gap x ceil(T / gap). */
	gap = sc->mailboxes / sc->rate;
	ttl = sc->cache_ttl_us / 1e6;
	period = gap * ceil(ttl / gap);
	if (period >= sc->duration_us / 1e6)
		return sc->mailboxes / (sc->duration_us / 1e6);
	return sc->mailboxes / period;
}

double
model_first_failure_s(const struct scenario *sc)
{
	double	t;

	/* Only the side that closes first holds TIME_WAIT; a client that
	 * waits for the server's close keeps no port.  Past the bucket limit
	 * TIME_WAIT sockets vanish and their ports with them. */
	if (!scenario_client_closes(sc) || model_capacity(sc) < 0 ||
	    model_connection_rate(sc) <= model_capacity(sc))
		return -1;
	/* Above capacity no port comes back within one TIME_WAIT, so the
	 * range runs out after `ports` connections: at ports / rate (the
	 * rate of new connections, which the mailbox cache lowers). */
	t = sc->nlisten * (double)scenario_ports(sc) / model_connection_rate(sc);
	return t < sc->duration_us / 1e6 ? t : -1;
}

/* connect() tries even ports first and leaves odd ones to bind()
 * (Linux 4.2+); how many even ones a range has. */
static unsigned
even_ports(unsigned lo, unsigned hi)
{
	return hi / 2 - (lo - 1) / 2;
}

int64_t
model_time_wait_end(const struct scenario *sc)
{
	struct lab_plan	plan;
	double		window, tw, cap;

	/* The server's TIME_WAIT sockets are recycled by SYNs from reused
	 * client ports: their count is no simple function of the load. */
	if (scenario_tw_holder(sc) == TW_NOBODY)
		return 0;
	/* With the cache, when connections close depends on the TTL timers:
	 * not modelled here. */
	if (!scenario_client_closes(sc) || model_cache_on(sc) ||
	    model_plan(sc, &plan) != NULL)
		return -1;
	/* The kernel keeps every TIME_WAIT socket 60 s unless a reuse takes
	 * its port, so its count is the ports touched in the last 60 s of
	 * lab time: Little's law, capped by the range. */
	cap = sc->nlisten * (double)(plan.port_hi - plan.port_lo + 1);
	if (plan.tw_reuse != 0) {
		/* With reuse, connect() takes an old TIME_WAIT even port before
		 * any odd one: while the modelled occupancy fits in the even
		 * ports, the odd ones are never touched. */
		cap = sc->nlisten * (double)even_ports(plan.port_lo,
		    plan.port_hi);
		if (plan.rate * plan.time_wait_us / 1e6 >= cap)
			return -1;
	}
	/* Past tcp_max_tw_buckets the kernel destroys a new TIME_WAIT
	 * socket at once (TCPTimeWaitOverflow), and its port is free. */
	if (plan.max_tw_buckets >= 0 && plan.max_tw_buckets < cap)
		cap = (double)plan.max_tw_buckets;
	window = plan.duration_us / 1e6;
	if (window > LINUX_TIME_WAIT_US / 1e6)
		window = LINUX_TIME_WAIT_US / 1e6;
	tw = plan.rate * window;
	return (int64_t)llround(tw < cap ? tw : cap);
}

const char *
model_plan(const struct scenario *sc, struct lab_plan *plan)
{
	static char	why[160];
	double		s = sc->time_scale;

	plan->port_lo = sc->port_lo;
	plan->port_hi = sc->port_hi;
	plan->rate = sc->rate * s;
	if (sc->scale_ports) {
		plan->rate = sc->rate;
		plan->port_hi = sc->port_lo + (unsigned)(scenario_ports(sc) / s) - 1;
		if (plan->port_hi < plan->port_lo) {
			snprintf(why, sizeof(why), "[lab] time_scale %g leaves "
			    "no port of %u", s, scenario_ports(sc));
			return why;
		}
	}
	plan->duration_us = (uint64_t)llround(sc->duration_us / s);
	plan->cache_ttl_us = sc->cache_ttl_us == UINT64_MAX ? 0 :
	    (uint64_t)llround(sc->cache_ttl_us / s);
	plan->time_wait_us = (uint64_t)llround(sc->time_wait_us / s);
	plan->tw_reuse_delay_ms = 0;
	plan->max_tw_buckets = sc->max_tw_buckets;
	/* FIN_WAIT_2 holds a port like TIME_WAIT does: scale it alike. */
	plan->fin_timeout_s = sc->fin_timeout_s < 0 ? -1 :
	    (int64_t)llround(sc->fin_timeout_s / s);
	if (sc->fin_timeout_s >= 0 && plan->fin_timeout_s < 1) {
		snprintf(why, sizeof(why), "[system] tcp_fin_timeout / [lab] "
		    "time_scale is under the sysctl's 1 s");
		return why;
	}
	if (plan->time_wait_us == LINUX_TIME_WAIT_US && sc->tw_reuse <= 0) {
		plan->tw_reuse = 0;
		return NULL;
	}
	if (sc->tw_reuse == 0) {
		snprintf(why, sizeof(why), "[system] time_wait / [lab] "
		    "time_scale is %.3f s in the lab; with tcp_tw_reuse = 0 "
		    "only 60 s is possible", plan->time_wait_us / 1e6);
		return why;
	}
	if (plan->time_wait_us % 1000 != 0 ||
	    plan->time_wait_us / 1000 < TW_REUSE_DELAY_MIN_MS ||
	    plan->time_wait_us / 1000 > TW_REUSE_DELAY_MAX_MS) {
		snprintf(why, sizeof(why), "[system] time_wait / [lab] "
		    "time_scale is %.4f s in the lab; it must be a whole number "
		    "of ms from 1 ms to 60 s (tcp_tw_reuse_delay)",
		    plan->time_wait_us / 1e6);
		return why;
	}
	plan->tw_reuse = sc->tw_reuse < 0 ? 1 : sc->tw_reuse;
	plan->tw_reuse_delay_ms = (unsigned)(plan->time_wait_us / 1000);
	return NULL;
}
