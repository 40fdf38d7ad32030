/* model.h: the arithmetic of port exhaustion, and how a modelled system
 * maps onto the lab's kernel. */
#ifndef EPHEMERA_MODEL_H
#define EPHEMERA_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/* What the lab sets and runs for a scenario. */
struct lab_plan {
	unsigned	 port_lo, port_hi;	/* ip_local_port_range */
	double		 rate;		/* connections per lab second (a
					 * schedule's peak) */
	struct arrival_spec schedule;	/* the scenario's, in lab time: what
					 * loadgen --schedule runs */
	uint64_t	 duration_us;	/* lab time */
	uint64_t	 interval_us;	/* loadgen's row period, lab time */
	uint64_t	 time_wait_us;	/* the effective TIME_WAIT in the lab */
	int		 tw_reuse;	/* sysctl net.ipv4.tcp_tw_reuse */
	unsigned	 tw_reuse_delay_ms;	/* 0: leave the default */
	int64_t		 max_tw_buckets;	/* -1: leave the default */
	int64_t		 fin_timeout_s;		/* -1: leave the default */
	uint64_t	 cache_ttl_us;		/* lab time */
	int64_t		 nat_time_wait_s;	/* the gateway's conntrack
						 * TIME_WAIT; 0: no gateway */
};

/*
 * A scenario's plan: what the model predicts for it, in model time, and
 * what the lab sets and runs for it.  model_check() computes it once when
 * the scenario is loaded; the run, the judging, the table and the plot
 * read it instead of asking the model again.
 */
struct plan {
	/* ports / TIME_WAIT, connections per model second (times the
	 * destinations and the client hosts); -1 when the client holds no
	 * TIME_WAIT or tcp_max_tw_buckets frees ports before TIME_WAIT
	 * ends; behind a NAT gateway at most nat_capacity */
	double		 capacity;
	/* behind a NAT gateway: its pool / the session time, the mappings
	 * in flight it can hold per model second (conntrack's TIME_WAIT
	 * does not count: a new SYN takes over a mapping in TIME_WAIT, at
	 * the price of a SYN retransmit, about 1 s); -1 without a gateway
	 * or a session time */
	double		 nat_capacity;
	/* new connections per model second: the request rate, or with a
	 * mailbox cache (MailboxCacheTTL T over N mailboxes, round-robin)
	 * one connection per mailbox per T, rounded up to whole request
	 * gaps */
	double		 connection_rate;
	/* the first time t at which the connections opened in the last
	 * TIME_WAIT, N(t) - N(t - TW) with N the schedule's expected
	 * arrivals, exceed the ports of every destination: ports / r for a
	 * constant rate r above capacity; found exactly (to 1e-6 model
	 * seconds or better) in a bounded number of steps; model seconds,
	 * -1: none in the run */
	double		 first_failure_s;
	/* the kernel's TIME_WAIT socket count at the end of the run; -1: no
	 * simple prediction (the server closes first, or reuse recycles
	 * more than the even ports) */
	int64_t		 time_wait_end;
	struct lab_plan	 lab;
};

/*
 * The checks of a scenario that need the model, and its plan.  Maps the
 * scenario onto the lab: the time scale s divides every duration
 * (TIME_WAIT, the run) and then either multiplies the rate by s (scale_by
 * = time, the default: the port range stays the model's) or divides the
 * port count by s (scale_by = ports: the rate stays the model's).  Either
 * way rate x TIME_WAIT / ports, the number that decides exhaustion, is
 * unchanged.  Dividing the ports is for large ranges near exhaustion:
 * there connect() scans the range for each new connection, so the
 * kernel's work grows with rate x ports, and multiplying the rate by s
 * multiplies it by s where dividing the range divides it by s.
 * A lab TIME_WAIT of exactly 60 s is the kernel's own (tcp_tw_reuse=0);
 * anything from 1 ms to 60 s is tcp_tw_reuse=1 with tcp_tw_reuse_delay.
 * Returns NULL, or what makes the scenario impossible: a lab it cannot
 * map to, or an [expect] = predicted where the model predicts nothing.
 */
const char	*model_check(const struct scenario *sc, struct plan *plan);

/* The ports the client holds in TIME_WAIT at model time t (seconds), in
 * the model: the connections of the last TIME_WAIT, N(t) - N(t - TW), at
 * most the ports of every destination.  -1 when the client keeps none
 * (the server closes first).  The plot's curve. */
double	model_held(const struct scenario *sc, double t_s);

#endif
