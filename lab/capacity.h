/* capacity.h: the arithmetic of `ephemera plan`: how many ports a
 * connection rate holds, the highest rate a pool sustains and when a
 * faster one runs out; pure functions, no I/O. */
#ifndef EPHEMERA_CAPACITY_H
#define EPHEMERA_CAPACITY_H

/* Who closes first: only that side's port waits in TIME_WAIT. */
enum capacity_closer {
	CAPACITY_CLOSER_CLIENT,		/* the article's client */
	CAPACITY_CLOSER_SERVER,		/* RFC 9051 6.1.3's LOGOUT */
	CAPACITY_CLOSER_RST,		/* SO_LINGER {1,0}: no TIME_WAIT */
};

/* How the client picks its local port. */
enum capacity_bind {
	CAPACITY_BIND_CONNECT,	/* connect() alone (or IP_BIND_ADDRESS_NO_PORT):
				 * the port is picked per destination */
	CAPACITY_BIND_BIND,	/* bind(port 0) before connect(): the port is
				 * picked before the destination is known */
};

struct capacity_input {
	unsigned		 port_lo, port_hi;
	unsigned		 reserved;	/* ports of the range never
						 * handed out */
	double			 time_wait_s;	/* the client's TIME_WAIT */
	double			 session_s;	/* a connection in flight */
	unsigned		 sources;	/* source addresses, >= 1 */
	unsigned		 destinations;	/* address:port pairs, >= 1 */
	enum capacity_bind	 bind;
	enum capacity_closer	 closer;
	int			 tw_reuse;
	double			 tw_reuse_delay_s;
	unsigned		 mailboxes;	/* 0: no mailbox cache */
	double			 cache_ttl_s;
	double			 rate;		/* requests per second */
	/* A NAT between client and servers: its ports per pool (0: none)
	 * and how long its conntrack keeps a mapping after the close,
	 * whoever closed first.  nat_evicts: a new SYN may take over a
	 * mapping in TIME_WAIT (Linux 6.5 and later), so only connections
	 * in flight hold the NAT's ports, at the price of dropped SYNs. */
	unsigned		 nat_ports;
	double			 nat_hold_s;
	int			 nat_evicts;
};

/* One pool of ports: the client's own range, or a NAT's. */
struct capacity_pool {
	unsigned	 ports;		/* per pool */
	unsigned	 pools;		/* independent pools */
	double		 hold_s;	/* a connection's port is taken this
					 * long: in flight, then after close */
	double		 after_close_s;	/* the part after the close */
	double		 rate;		/* new connections per pool per s */
	double		 held;		/* ports held per pool, steady state,
					 * at most ports */
	double		 max_rate;	/* new connections per s, every pool;
					 * INFINITY: no port is held */
	double		 exhaust_s;	/* the first failure, s; -1 never */
	/* An evicting NAT only: mappings in its table (in flight or in
	 * TIME_WAIT), and the chance that a SYN finds none it may take,
	 * is dropped, and waits 1 s for its retransmission. */
	double		 entries;
	double		 syn_drop;
};

struct capacity {
	double			 conn_rate;	/* new connections per s */
	double			 session_s;	/* in flight, cache included */
	struct capacity_pool	 client;
	struct capacity_pool	 nat;		/* .ports 0: no NAT */
	const struct capacity_pool *limit;	/* the tighter of the two */
	double			 headroom;	/* max_rate - conn_rate, the
						 * limit's; may be negative */
	double			 utilization;	/* conn_rate / max_rate */
};

/* Usable ports: the range less the reserved ones; 0 when there is none. */
unsigned	capacity_ports(const struct capacity_input *);
/* The client's port after its close: TIME_WAIT, min(TIME_WAIT, delay)
 * under tcp_tw_reuse (connect() only), 0 when the server closes first
 * or on RST. */
double		capacity_after_close(const struct capacity_input *);
/* New connections per second, with the mailbox cache. */
double		capacity_conn_rate(const struct capacity_input *,
		    double *session_s);
/* NULL, or the options that contradict each other ("--ports: ..."). */
const char	*capacity_check(const struct capacity_input *);
/* The share of SYNs an evicting NAT drops: ports per pool, of which
 * in_flight are taken by open connections, every other one by a mapping
 * in TIME_WAIT (a full table); 0 means fewer than 1 in
 * capacity_syn_draws(). */
unsigned	capacity_syn_draws(void);
double		capacity_syn_drop(unsigned ports, double in_flight);
/* Everything, for a checked input. */
void		capacity_compute(const struct capacity_input *,
		    struct capacity *);

#endif
