/* capacity.c: the arithmetic of `ephemera plan` (README, "Capacity
 * planning"): Little's law on each pool of ports, no I/O. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capacity.h"

unsigned
capacity_ports(const struct capacity_input *in)
{
	unsigned	n;

	if (in->port_hi < in->port_lo)
		return 0;
	n = in->port_hi - in->port_lo + 1;
	return in->reserved >= n ? 0 : n - in->reserved;
}

double
capacity_after_close(const struct capacity_input *in)
{
	/* Only the side that closes first waits; an RST leaves no one. */
	if (in->closer != CAPACITY_CLOSER_CLIENT)
		return 0;
	/* tcp_tw_reuse hands a TIME_WAIT port to a new outgoing connection
	 * once the delay has passed since its last segment; only connect()
	 * picking the port does that, never bind(). */
	if (in->tw_reuse && in->bind == CAPACITY_BIND_CONNECT &&
	    in->tw_reuse_delay_s < in->time_wait_s)
		return in->tw_reuse_delay_s;
	return in->time_wait_s;
}

/*
 * With MailboxCacheTTL T over N mailboxes asked in turn, each mailbox is
 * asked every gap = N / rate seconds and its connection stays open T
 * after its first request.  A request within T reuses it, so a mailbox
 * opens one connection every gap x ceil(T / gap) seconds, at most N / T
 * per second in all; with gap >= T every request opens its own.  Either
 * way a connection is in flight at least T.  The lab's model counts the
 * same connections (model.c, connection_rate).
 */
double
capacity_conn_rate(const struct capacity_input *in, double *session_s)
{
	double	gap, period;

	*session_s = in->session_s;
	if (in->mailboxes == 0 || in->cache_ttl_s <= 0)
		return in->rate;
	*session_s = fmax(in->session_s, in->cache_ttl_s);
	gap = in->mailboxes / in->rate;
	if (gap >= in->cache_ttl_s)
		return in->rate;
	period = gap * ceil(in->cache_ttl_s / gap);
	return in->mailboxes / period;
}

const char *
capacity_check(const struct capacity_input *in)
{
	if (in->port_hi < in->port_lo)
		return "--ports: expected LO-HI with LO <= HI";
	if (capacity_ports(in) == 0)
		return "--reserved: leaves no port of --ports to hand out";
	if (!(in->rate > 0))
		return "--rate: expected a rate above 0";
	if (in->sources == 0)
		return "--sources: expected at least 1";
	if (in->destinations == 0)
		return "--destinations: expected at least 1";
	if (in->time_wait_s < 0 || in->session_s < 0)
		return "--time-wait, --session-time: expected 0 or more";
	if (in->mailboxes > 0 && !(in->cache_ttl_s > 0))
		return "--mailboxes: expected --cache-ttl above 0 too";
	if (in->mailboxes == 0 && in->cache_ttl_s > 0)
		return "--cache-ttl: expected --mailboxes too";
	return NULL;
}

/* Little's law on one pool: a port is taken hold_s seconds per
 * connection, connections spread evenly over the pools. */
static void
pool_compute(struct capacity_pool *p, double conn_rate, double session_s)
{
	p->hold_s = session_s + p->after_close_s;
	p->rate = conn_rate / p->pools;
	if (p->hold_s <= 0) {
		p->held = 0;
		p->max_rate = INFINITY;
		p->exhaust_s = -1;
		return;
	}
	p->held = fmin(p->ports, p->rate * p->hold_s);
	p->max_rate = p->pools * (double)p->ports / p->hold_s;
	/* Faster than ports / hold, the range is gone after ports / rate
	 * seconds, before the first port comes back. */
	p->exhaust_s = p->rate * p->hold_s > p->ports ?
	    p->ports / p->rate : -1;
}

/*
 * Linux 6.5 and later (nf_nat_core.c, nf_nat_used_tuple_harder): a SYN
 * tries at most 128 of the NAT's ports, one after another from a random
 * one, and in the last 32 tries it may evict a mapping whose connection
 * is in TIME_WAIT (or closed) if its sequence number is past the old
 * connection's last one (a signed 32-bit comparison).  When no try
 * succeeds the SYN is dropped, and the client sends it again 1 s later
 * (its initial RTO, RFC 6298).  Mappings of connections in flight are
 * never evicted.
 *
 * Initial sequence numbers of unrelated 4-tuples are uniform, so one try
 * succeeds half the time, but the tries are not independent: a mapping
 * survives only while the SYNs that come are behind it, and each one that
 * replaced another was ahead of it, so the pool's numbers bunch up and a
 * full pool of k ports drops about 2^-0.78k of SYNs, not 2^-k (measured
 * through the kernel's NAT: 5 ports 7.3%, 10 ports 0.40-0.57%; README,
 * "Many hosts").  No closed form is known to us, so the rule itself is
 * run: SYN_DRAWS uniform numbers against a pool at its steady state, from
 * a fixed seed, so a plan always gives the same answer.
 */
#define NAT_EVICTING_TRIES	32
#define SYN_WARMUP		64	/* draws per port before counting */
#define SYN_DRAWS		200000

/* splitmix64: a small, well-mixed generator; the seed is fixed. */
static uint64_t
draw(uint64_t *state)
{
	uint64_t	z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* One SYN against the pool: 1 if it found no port. */
static int
syn_dropped(uint32_t *seq, unsigned n, double busy, uint64_t *state)
{
	uint64_t	r = draw(state);
	uint32_t	y = (uint32_t)r;
	unsigned	i, p, start = (unsigned)((r >> 32) % n);

	for (i = 0; i < n; i++) {
		p = (start + i) % n;
		/* A port in flight now is never taken. */
		if (busy > 0 && (draw(state) >> 11) * 0x1p-53 < busy)
			continue;
		if ((int32_t)(y - seq[p]) > 0) {
			seq[p] = y;
			return 0;
		}
	}
	return 1;
}

double
capacity_syn_drop(unsigned ports, double in_flight)
{
	uint32_t	seq[NAT_EVICTING_TRIES];
	uint64_t	state = 319502;
	unsigned	n, i, drops = 0;
	double		busy;

	if (ports == 0 || in_flight >= ports)
		return 1;
	/* Beyond 32 ports only the last 32 tries may evict. */
	n = ports < NAT_EVICTING_TRIES ? ports : NAT_EVICTING_TRIES;
	busy = in_flight / ports;
	for (i = 0; i < n; i++)
		seq[i] = (uint32_t)draw(&state);
	for (i = 0; i < SYN_WARMUP * n; i++)
		(void)syn_dropped(seq, n, busy, &state);
	for (i = 0; i < SYN_DRAWS; i++)
		drops += syn_dropped(seq, n, busy, &state);
	return (double)drops / SYN_DRAWS;
}

static void
nat_compute(const struct capacity_input *in, struct capacity *c,
    double session_s)
{
	struct capacity_pool	*p = &c->nat;

	p->ports = in->nat_ports;
	p->pools = in->destinations;
	if (!in->nat_evicts) {
		/* Its conntrack keeps a mapping after any close. */
		p->after_close_s = fmax(in->nat_hold_s,
		    c->client.after_close_s);
		pool_compute(p, c->conn_rate, session_s);
		return;
	}
	/* Only connections in flight hold a port for good. */
	p->after_close_s = 0;
	pool_compute(p, c->conn_rate, session_s);
	p->entries = fmin(p->ports, p->rate * (session_s + in->nat_hold_s));
	p->syn_drop = p->entries < p->ports ? 0 :
	    capacity_syn_drop(p->ports, p->held);
}

/* The pool that fails first, or else the one with less room. */
static const struct capacity_pool *
tighter(const struct capacity *c)
{
	const struct capacity_pool	*a = &c->client, *b = &c->nat;

	if (b->ports == 0)
		return a;
	if (a->exhaust_s >= 0 && b->exhaust_s >= 0)
		return b->exhaust_s < a->exhaust_s ? b : a;
	if (a->exhaust_s >= 0 || b->exhaust_s >= 0)
		return a->exhaust_s >= 0 ? a : b;
	return b->max_rate < a->max_rate ? b : a;
}

void
capacity_compute(const struct capacity_input *in, struct capacity *c)
{
	double	session_s;

	memset(c, 0, sizeof(*c));
	c->conn_rate = capacity_conn_rate(in, &session_s);
	c->session_s = session_s;

	c->client.ports = capacity_ports(in);
	/* Ports are unique per 4-tuple: each source address has them all,
	 * and so has each destination unless bind() picked the port before
	 * the destination was known. */
	c->client.pools = in->sources *
	    (in->bind == CAPACITY_BIND_CONNECT ? in->destinations : 1);
	c->client.after_close_s = capacity_after_close(in);
	pool_compute(&c->client, c->conn_rate, session_s);

	/* A NAT's ports serve every client behind it, reused per
	 * destination. */
	if (in->nat_ports > 0)
		nat_compute(in, c, session_s);

	c->limit = tighter(c);
	c->headroom = c->limit->max_rate - c->conn_rate;
	c->utilization = isinf(c->limit->max_rate) ? 0 :
	    c->conn_rate / c->limit->max_rate;
}

unsigned
capacity_syn_draws(void)
{
	return SYN_DRAWS;
}
