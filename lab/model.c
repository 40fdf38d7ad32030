/* model.c: Little's law for ephemeral ports, and the time scale that lets
 * a 240 s TIME_WAIT run in a Linux namespace in seconds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "arrivals.h"
#include "model.h"

/* tcp_tw_reuse_delay may shorten Linux's TIME_WAIT (LINUX_TIME_WAIT_US)
 * to 1 ms. */
#define TW_REUSE_DELAY_MIN_MS	1
#define TW_REUSE_DELAY_MAX_MS	60000

/* Where the window count may change its formula: the schedule's own
 * edges, each of them one TIME_WAIT later, and the run's end. */
#define MAX_BREAKS	(2 * (ARRIVAL_STEPS_MAX + 2) + 1)

/* Whether the client's ports wait in TIME_WAIT after its close: only the
 * side that closes first holds it, and past the bucket limit TIME_WAIT
 * sockets vanish and their ports with them. */
static int
client_holds_tw(const struct scenario *sc)
{
	if (!scenario_client_closes(sc))
		return 0;
	return sc->max_tw_buckets < 0 ||
	    (uint64_t)sc->max_tw_buckets >= scenario_ports(sc);
}

/* How long one connection holds its client port, µs of model time: while
 * in flight (the session time) and then in TIME_WAIT if the client closed
 * first.  0: no port is held long enough to count. */
static uint64_t
held_us(const struct scenario *sc)
{
	return sc->session_time_us + (client_holds_tw(sc) ?
	    sc->time_wait_us : 0);
}

/* ports / (session time + TIME_WAIT) for each destination, or -1 (struct
 * plan). */
static double
capacity(const struct scenario *sc)
{
	if (held_us(sc) == 0)
		return -1;
	/* Ports are unique per 4-tuple: each destination has them all. */
	return scenario_pools(sc) * (double)scenario_ports(sc) /
	    (held_us(sc) / 1e6);
}

/* The gateway's pool over the session time: measured on kernel 6.18, a
 * new SYN reuses a mapping held in conntrack's TIME_WAIT (after a SYN
 * retransmit), so only mappings in flight run the pool out (README
 * "Many hosts").  -1 (struct plan). */
static double
nat_capacity(const struct scenario *sc)
{
	if (sc->nat_lo == 0 || sc->session_time_us == 0)
		return -1;
	return (double)(sc->nat_hi - sc->nat_lo + 1) /
	    (sc->session_time_us / 1e6);
}

static int
cache_on(const struct scenario *sc)
{
	return sc->mailboxes > 0 && sc->cache_ttl_us > 0;
}

/* New connections per model second (struct plan). */
static double
connection_rate(const struct scenario *sc)
{
	double	gap, ttl, period;

	if (!cache_on(sc))
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

/* The arrivals that open connections: the scenario's schedule, or with
 * the mailbox cache its constant rate of new connections. */
static void
connection_schedule(const struct scenario *sc, struct arrival_spec *sp)
{
	if (cache_on(sc))
		arrival_const(sp, connection_rate(sc));
	else
		*sp = sc->schedule;
}

/* Connections opened in the TIME_WAIT before t (µs): N(t) - N(t - TW). */
static double
window_count(const struct arrival_spec *sp, uint64_t tw, uint64_t t)
{
	double	n = arrival_expected(sp, t);

	return t > tw ? n - arrival_expected(sp, t - tw) : n;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The times in [0, end] between which the window count is one polynomial
 * of degree <= 2: N is linear (const, steps) or quadratic (ramp) between
 * the schedule's edges, so N(t) - N(t - TW) is too between those edges
 * and the edges one TW later.  Sorted, unique; returns how many.
 */
static int
breakpoints(const struct arrival_spec *sp, uint64_t tw, uint64_t end,
    uint64_t *bp)
{
	uint64_t	edges[ARRIVAL_STEPS_MAX + 1], at = 0;
	int		ne = 0, n = 0, k, i;

	edges[ne++] = 0;
	if (sp->shape == SHAPE_RAMP)
		edges[ne++] = sp->ramp_us;
	/* The last step's rate holds after it: no edge at its end. */
	for (k = 0; sp->shape == SHAPE_STEPS && k + 1 < sp->nsteps; k++)
		edges[ne++] = (at += sp->step_us[k]);
	for (k = 0; k < ne; k++) {
		if (edges[k] < end)
			bp[n++] = edges[k];
		if (edges[k] + tw < end)
			bp[n++] = edges[k] + tw;
	}
	bp[n++] = end;
	qsort(bp, (size_t)n, sizeof(*bp), cmp_u64);
	for (i = k = 0; i < n; i++)
		if (k == 0 || bp[i] != bp[k - 1])
			bp[k++] = bp[i];
	return k;
}

/* Where in (a, b) a quadratic through W(a), W(m), W(b) turns, or 0. */
static uint64_t
vertex(const struct arrival_spec *sp, uint64_t tw, uint64_t a, uint64_t b)
{
	uint64_t	m = a + (b - a) / 2;
	double		wa, wm, wb, um, A, B, u;

	if (b - a < 4)
		return 0;
	wa = window_count(sp, tw, a);
	wm = window_count(sp, tw, m);
	wb = window_count(sp, tw, b);
	/* W(u) = wa + B u + A u^2 over u = (t - a) / (b - a) in [0, 1]. */
	um = (double)(m - a) / (double)(b - a);
	A = (wm - wa - (wb - wa) * um) / (um * um - um);
	B = wb - wa - A;
	if (A == 0 || (u = -B / (2 * A)) <= 0 || u >= 1)
		return 0;
	return a + (uint64_t)llround(u * (double)(b - a));
}

/* First t in [lo, hi] (µs) where W exceeds cap, W increasing there and
 * W(lo) <= cap < W(hi): bisect to one µs, then interpolate in it (exact
 * for a linear W, off by under 1e-12 s for the ramp's quadratic). */
static double
crossing(const struct arrival_spec *sp, uint64_t tw, double cap, uint64_t lo,
    uint64_t hi)
{
	uint64_t	mid;
	double		wlo, whi;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (window_count(sp, tw, mid) > cap)
			hi = mid;
		else
			lo = mid;
	}
	wlo = window_count(sp, tw, lo);
	whi = window_count(sp, tw, hi);
	return ((double)lo + (cap - wlo) / (whi - wlo)) / 1e6;
}

/* The first crossing on a part where W is monotone, or -1. */
static double
part_crossing(const struct arrival_spec *sp, uint64_t tw, double cap,
    uint64_t x, uint64_t y)
{
	if (window_count(sp, tw, y) <= cap)
		return -1;
	if (window_count(sp, tw, x) > cap)
		return (double)x / 1e6;
	return crossing(sp, tw, cap, x, y);
}

/*
 * The first t in [0, end] (µs) with N(t) - N(t - TW) > cap, in seconds,
 * or -1.  Between breakpoints W is quadratic, so splitting each piece at
 * its turning point leaves monotone parts, each searched by bisection:
 * at most MAX_BREAKS pieces of two parts, each at most 64 halvings.
 */
static double
first_excess(const struct arrival_spec *sp, uint64_t tw, double cap,
    uint64_t end)
{
	uint64_t	bp[MAX_BREAKS], v;
	double		t;
	int		n, i;

	n = breakpoints(sp, tw, end, bp);
	for (i = 0; i + 1 < n; i++) {
		if ((v = vertex(sp, tw, bp[i], bp[i + 1])) != 0) {
			if ((t = part_crossing(sp, tw, cap, bp[i], v)) >= 0)
				return t;
			if ((t = part_crossing(sp, tw, cap, v, bp[i + 1])) >= 0)
				return t;
		} else if ((t = part_crossing(sp, tw, cap, bp[i],
		    bp[i + 1])) >= 0)
			return t;
	}
	return -1;
}

/* The first failure in model seconds, or -1 (struct plan). */
static double
first_failure_s(const struct scenario *sc)
{
	struct arrival_spec	sp;
	double			t, nat = -1;

	/* Behind a gateway: the mappings in flight (the last session time's
	 * connections) outnumber its pool; the gateway drops that SYN, the
	 * client retransmits it, and its connect() fails when [load]
	 * timeout (lab time) has passed. */
	if (nat_capacity(sc) > 0) {
		connection_schedule(sc, &sp);
		nat = first_excess(&sp, sc->session_time_us,
		    (double)(sc->nat_hi - sc->nat_lo + 1), sc->duration_us);
		if (nat >= 0 && nat < sc->duration_us / 1e6)
			nat += sc->timeout_us / 1e6 * sc->time_scale;
		else
			nat = -1;
	}
	/* A client that waits for the server's close, and has no session
	 * time in the model, keeps no port. */
	if (held_us(sc) == 0)
		return nat;
	/* No port comes back within one holding time (session time plus
	 * TIME_WAIT): the range runs out when the connections of the last
	 * holding time outnumber the ports (each destination has them all).
	 * At a constant rate r that is ports / r when r is above capacity,
	 * never otherwise. */
	connection_schedule(sc, &sp);
	t = first_excess(&sp, held_us(sc),
	    scenario_pools(sc) * (double)scenario_ports(sc), sc->duration_us);
	if (t >= sc->duration_us / 1e6)
		t = -1;
	return nat >= 0 && (t < 0 || nat < t) ? nat : t;
}

double
model_held(const struct scenario *sc, double t_s)
{
	struct arrival_spec	sp;
	double			n, ports;

	if (held_us(sc) == 0 || t_s < 0)
		return -1;
	connection_schedule(sc, &sp);
	n = window_count(&sp, held_us(sc), (uint64_t)llround(t_s * 1e6));
	ports = scenario_pools(sc) * (double)scenario_ports(sc);
	return n < ports ? n : ports;
}

/* connect() tries even ports first and leaves odd ones to bind()
 * (Linux 4.2+); how many even ones a range has. */
static unsigned
even_ports(unsigned lo, unsigned hi)
{
	return hi / 2 - (lo - 1) / 2;
}

/* The kernel's TIME_WAIT count at the end of the run in `lab` (NULL:
 * the scenario cannot run there), or -1 (struct plan). */
static int64_t
time_wait_end(const struct scenario *sc, const struct lab_plan *lab)
{
	double	tw, cap;

	/* The server's TIME_WAIT sockets are recycled by SYNs from reused
	 * client ports: their count is no simple function of the load. */
	if (scenario_tw_holder(sc) == TW_NOBODY)
		return 0;
	/* With the cache, when connections close depends on the TTL timers:
	 * not modelled here. */
	if (!scenario_client_closes(sc) || cache_on(sc) || lab == NULL)
		return -1;
	/* The kernel keeps every TIME_WAIT socket 60 s unless a reuse takes
	 * its port, so its count is the ports touched in the last 60 s of
	 * lab time: Little's law, capped by the range. */
	cap = scenario_pools(sc) * (double)(lab->port_hi - lab->port_lo + 1);
	if (lab->tw_reuse != 0) {
		/* With reuse, connect() takes an old TIME_WAIT even port before
		 * any odd one: while the modelled occupancy fits in the even
		 * ports, the odd ones are never touched. */
		cap = scenario_pools(sc) * (double)even_ports(lab->port_lo,
		    lab->port_hi);
		if (lab->rate * lab->time_wait_us / 1e6 >= cap)
			return -1;
	}
	/* Past tcp_max_tw_buckets the kernel destroys a new TIME_WAIT
	 * socket at once (TCPTimeWaitOverflow), and its port is free. */
	if (lab->max_tw_buckets >= 0 && lab->max_tw_buckets < cap)
		cap = (double)lab->max_tw_buckets;
	/* The connections of the run's last 60 s (all of a shorter run). */
	tw = window_count(&lab->schedule, LINUX_TIME_WAIT_US, lab->duration_us);
	return (int64_t)llround(tw < cap ? tw : cap);
}

/* The schedule in lab time: every duration divided by s, every rate
 * multiplied by mul (s with scale_by = time, 1 with scale_by = ports). */
static int
scale_schedule(const struct arrival_spec *in, double mul, double s,
    struct arrival_spec *out)
{
	int	k;

	*out = *in;
	out->rate *= mul;
	out->from *= mul;
	out->to *= mul;
	out->ramp_us = (uint64_t)llround(in->ramp_us / s);
	if (in->shape == SHAPE_RAMP && out->ramp_us < 1000)
		return -1;
	for (k = 0; k < in->nsteps; k++) {
		out->step_rate[k] *= mul;
		out->step_us[k] = (uint64_t)llround(in->step_us[k] / s);
		if (out->step_us[k] < 1000)
			return -1;
	}
	return 0;
}

/* The scenario in the lab (model_check in model.h), or why it cannot be. */
/*
 * loadgen's row period for a run of `duration_us`: at least ROW_COUNT rows
 * over the run, so that its plot has a curve rather than two samples, but
 * never under ROW_MIN_US (each row costs loadgen a sock_diag dump of every
 * TIME_WAIT socket, milliseconds for tens of thousands) nor over a second.
 * Whole milliseconds.
 */
#define ROW_COUNT	100
#define ROW_MIN_US	20000
#define ROW_MAX_US	1000000

static uint64_t
row_period_us(uint64_t duration_us)
{
	uint64_t	us = duration_us / ROW_COUNT / 1000 * 1000;

	if (us < ROW_MIN_US)
		return ROW_MIN_US;
	return us > ROW_MAX_US ? ROW_MAX_US : us;
}

static const char *
map_to_lab(const struct scenario *sc, struct lab_plan *plan)
{
	static char	why[160];
	double		s = sc->time_scale;

	plan->port_lo = sc->port_lo;
	plan->port_hi = sc->port_hi;
	plan->rate = sc->rate * s;
	if (scale_schedule(&sc->schedule, sc->scale_ports ? 1 : s, s,
	    &plan->schedule) == -1) {
		snprintf(why, sizeof(why), "[load] schedule: a duration / [lab] "
		    "time_scale %g is under loadgen's 1 ms", s);
		return why;
	}
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
	plan->interval_us = row_period_us(plan->duration_us);
	plan->cache_ttl_us = sc->cache_ttl_us == UINT64_MAX ? 0 :
	    (uint64_t)llround(sc->cache_ttl_us / s);
	plan->time_wait_us = (uint64_t)llround(sc->time_wait_us / s);
	plan->tw_reuse_delay_ms = 0;
	plan->max_tw_buckets = sc->max_tw_buckets;
	plan->nat_time_wait_s = 0;
	if (sc->nat_lo != 0) {
		if (sc->scale_ports) {
			snprintf(why, sizeof(why), "[lab] scale_by = ports with "
			    "[topology] nat_ports: the gateway's pool is not "
			    "scaled; use scale_by = time");
			return why;
		}
		plan->nat_time_wait_s = llround(sc->nat_time_wait_s / s);
		if (plan->nat_time_wait_s < 1) {
			snprintf(why, sizeof(why), "[topology] nat_time_wait / "
			    "[lab] time_scale is under conntrack's 1 s");
			return why;
		}
	}
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

const char *
model_check(const struct scenario *sc, struct plan *plan)
{
	const char	*unplanned;

	unplanned = map_to_lab(sc, &plan->lab);
	plan->capacity = capacity(sc);
	plan->nat_capacity = nat_capacity(sc);
	/* Behind a NAT gateway the lower of the clients' and its pool's. */
	if (plan->nat_capacity >= 0 && (plan->capacity < 0 ||
	    plan->nat_capacity < plan->capacity))
		plan->capacity = plan->nat_capacity;
	plan->connection_rate = connection_rate(sc);
	plan->first_failure_s = first_failure_s(sc);
	/* Behind a gateway, a session without a mapping never gets its
	 * socket: no simple TIME_WAIT count. */
	plan->time_wait_end = sc->nat_lo != 0 ? -1 : time_wait_end(sc,
	    unplanned == NULL ? &plan->lab : NULL);
	if (sc->expect_first_failure.kind == EXPECT_PREDICTED &&
	    plan->first_failure_s < 0)
		return "[expect] first_failure = predicted, but the model "
		    "predicts no failure for this load";
	if (sc->expect_time_wait.kind == EXPECT_PREDICTED &&
	    plan->time_wait_end < 0)
		return "[expect] time_wait = predicted, but the model has no "
		    "prediction here (the server closes first, or tcp_tw_reuse "
		    "recycles more than the even ports)";
	return unplanned;
}
