/* scenario.h: a reproduction described in an INI file (scenarios/NAME.ini). */
#ifndef EPHEMERA_SCENARIO_H
#define EPHEMERA_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arrivals.h"
#include "threshold.h"

/* Linux keeps a closed connection in TIME_WAIT for a fixed 60 s
 * (TCP_TIMEWAIT_LEN): a scenario's default, the model's native case. */
#define LINUX_TIME_WAIT_US	60000000ULL

enum server_kind {
	SERVER_FAKE_IMAPD,	/* the bundled server, started with --ready-fd */
	SERVER_DOVECOT,		/* Debian's Dovecot with a configuration of ours */
	SERVER_COMMAND,		/* any server, by its command line */
};

/* [server] logout_close: what the server does after LOGOUT, as
 * fake-imapd's --logout-close says it. */
enum logout_close {
	LOGOUT_CLOSE_CLIENT,	/* waits for the client's FIN */
	LOGOUT_CLOSE_SERVER,	/* closes first (RFC 3501 6.1.3) */
	LOGOUT_CLOSE_NEVER,	/* never closes: the client's FIN is ignored */
};

/* [load] close: how each session ends, as loadgen's --close says it. */
enum close_mode {
	CLOSE_CLIENT,		/* after LOGOUT, our FIN first */
	CLOSE_SERVER,		/* after LOGOUT, wait for the server's FIN */
	CLOSE_RST,		/* after LOGOUT, RST (SO_LINGER {1,0}) */
	CLOSE_NO_LOGOUT,	/* the steps without their logout, our FIN */
};

enum outcome {
	OUTCOME_ANY,		/* no expectation */
	OUTCOME_FAILS,		/* some connection must fail */
	OUTCOME_HOLDS,		/* no connection may fail */
};

/* What held the client's ports when they ran out (cause.c finds it). */
enum cause {
	CAUSE_NONE,		/* no port ran out */
	CAUSE_IN_FLIGHT,	/* sessions in flight: a server too slow */
	CAUSE_TIME_WAIT,	/* TIME_WAIT: the client closed first */
	CAUSE_FIN_WAIT2,	/* FIN_WAIT_2: the server never closed */
};

/* An expectation on a number: off, the model's prediction, or a value;
 * with a relative tolerance. */
enum expect_kind {
	EXPECT_OFF,
	EXPECT_PREDICTED,
	EXPECT_VALUE,
};

struct expect_number {
	enum expect_kind	 kind;
	double			 value;		/* EXPECT_VALUE */
	double			 tolerance;	/* relative: 0.05 is 5% */
};

/*
 * A scenario as written: every time and rate is the MODELLED system's
 * (the article's 240 s TIME_WAIT, 16 connections/s).  model_check()
 * maps them onto the lab's kernel.
 */
struct scenario {
	char		 path[512];
	char		 name[64];		/* file name without .ini */
	char		 description[256];

	/* [system]: the modelled client's TCP stack */
	unsigned	 port_lo, port_hi;	/* ip_local_port_range */
	uint64_t	 time_wait_us;		/* TIME_WAIT of the model */
	int		 tw_reuse;		/* tcp_tw_reuse, or -1: derived */
	int64_t		 max_tw_buckets;	/* tcp_max_tw_buckets, -1: default */
	int64_t		 fin_timeout_s;		/* tcp_fin_timeout, -1: default */

	/* [server]: fake-imapd, Dovecot or any command line, on one or more
	 * destinations */
	enum server_kind kind;
#define SCENARIO_COMMAND_MAX	1024
	char		 command[SCENARIO_COMMAND_MAX];	/* kind = command */
#define SCENARIO_MAX_LISTEN	8
	char		 listen[SCENARIO_MAX_LISTEN][64];	/* ADDR:PORT */
	int		 nlisten;
#define SCENARIO_MAX_SERVER_WORDS	16
	char		 server_options[512];	/* more fake-imapd options */
	enum logout_close logout_close;

	/* [load]: loadgen */
	double		 rate;			/* new connections per second; with
						 * a schedule, its peak */
	struct arrival_spec schedule;		/* rate as const:RATE, or the
						 * schedule as written */
	int		 has_schedule;		/* schedule = SPEC */
	char		 steps[512];		/* canonical step list, or "" */
	uint64_t	 duration_us;
	uint64_t	 timeout_us;		/* per step, lab time, not scaled */
	uint64_t	 session_time_us;	/* the model's connect-to-close
						 * time, model time: the ports a
						 * session holds while in flight */
	enum close_mode	 close;			/* loadgen --close */
	uint64_t	 mailboxes;		/* 0: one connection per arrival */
	uint64_t	 cache_ttl_us;		/* MailboxCacheTTL, model time */
	char		 mailbox_skew[32];	/* uniform | round-robin | zipf:S */

	/* [topology]: simulated hosts in the run's namespace (hosts.h) */
#define SCENARIO_MAX_CLIENTS	16
#define SCENARIO_MAX_SHARDS	16
	unsigned	 clients;		/* client hosts; 0: none, the
						 * one namespace of a plain run */
	unsigned	 shards;		/* loadgens per client (or in the
						 * plain namespace); 1: one */
	unsigned	 nat_lo, nat_hi;	/* the NAT gateway's pool; 0: no
						 * gateway */
	int64_t		 nat_time_wait_s;	/* its conntrack TIME_WAIT */

	/* [lab] */
	double		 time_scale;		/* model seconds per lab second */
	int		 scale_ports;		/* divide ports, not rates, by it */

	/* [expect] */
	enum outcome		 expect;
	char			 expect_errno[32];	/* first failure's errno */
	int			 expect_ran_out;	/* enum cause, -1: any */
	int64_t			 expect_completed;	/* -1: not checked */
	struct expect_number	 expect_first_failure;	/* model seconds */
	struct expect_number	 expect_time_wait;	/* sockets at the end */
	/* gates on loadgen's summary columns, as its --threshold */
#define SCENARIO_MAX_THRESHOLDS	16
	struct threshold	 thresholds[SCENARIO_MAX_THRESHOLDS];
	int			 nthresholds;
};

/* Parse `path` and check what needs no model (model_check does the
 * rest).  On error returns -1 with "file:line: what" in err. */
int	scenario_load(const char *path, struct scenario *sc, char *err,
	    size_t errsz);
/* The same from an open stream (fmemopen: the fuzz target); `path` names
 * it in errors and gives the scenario its name. */
int	scenario_load_stream(FILE *fp, const char *path, struct scenario *sc,
	    char *err, size_t errsz);

/*
 * A key set from outside the file, as if its line said so (a sweep's
 * --vary): it replaces the file's value of that key, or adds the key.
 */
#define SCENARIO_SET_VALUE	512
struct scenario_set {
	int	key;				/* scenario_key_find()'s */
	char	value[SCENARIO_SET_VALUE];
};

/*
 * The key table's entry for "section.name", or for a bare name: the key
 * of that name outside [expect] ([expect] time_wait is section.name
 * only).  Returns its index, or -1 with err naming the key and the
 * nearest valid ones.
 */
int		scenario_key_find(const char *key, char *err, size_t errsz);
/* "section.name" of key index k, for tables and CSV headers. */
const char	*scenario_key_name(int k, char *buf, size_t bufsz);
/* Whether `value` parses for key k: NULL, or what was expected. */
const char	*scenario_key_check(int k, const char *value);

/* scenario_load(), with set[0..nset-1] over the file's values; a bad
 * value is refused as "--vary name=value: expected ...". */
int	scenario_load_set(const char *path, const struct scenario_set *set,
	    int nset, struct scenario *sc, char *err, size_t errsz);

/* Drop every [expect]: a search judges its own probes. */
void	scenario_expect_none(struct scenario *sc);

unsigned	scenario_ports(const struct scenario *sc);
/* Whether the scenario runs in simulated hosts ([topology] clients). */
int		scenario_has_hosts(const struct scenario *sc);
/* How many loadgens it runs: clients x shards, 1 for a plain run. */
unsigned	scenario_loadgens(const struct scenario *sc);
/* Client address pools, each with the whole port range: the clients
 * (at least 1), times the destinations. */
unsigned	scenario_pools(const struct scenario *sc);

/* Who is left holding TIME_WAIT after each session. */
enum tw_holder {
	TW_CLIENT,	/* the client closes first: the article's case */
	TW_SERVER,	/* the server closes first and the client waits for it */
	TW_NOBODY,	/* the client resets (SO_LINGER {1,0}) */
	TW_RACE,	/* both close at once, either may: not modelled */
	TW_FIN_WAIT2,	/* the server never closes: the client's ports wait
			 * in FIN_WAIT_2, for as long as it does: not modelled */
};

enum tw_holder	scenario_tw_holder(const struct scenario *sc);
int		scenario_client_closes(const struct scenario *sc);

/* The words a scenario (and fake-imapd or loadgen) uses for them. */
const char	*server_kind_name(enum server_kind k);
const char	*logout_close_name(enum logout_close lc);
const char	*close_mode_name(enum close_mode m);
const char	*outcome_name(enum outcome o);
/* "in_flight", "TIME_WAIT", "FIN_WAIT_2" or "-": one word each. */
const char	*cause_name(enum cause c);

#endif
