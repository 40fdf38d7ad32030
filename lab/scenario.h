/* scenario.h: a reproduction described in an INI file (scenarios/NAME.ini). */
#ifndef EPHEMERA_SCENARIO_H
#define EPHEMERA_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

enum outcome {
	OUTCOME_ANY,		/* no expectation */
	OUTCOME_FAILS,		/* some connection must fail */
	OUTCOME_HOLDS,		/* no connection may fail */
};

/* Linux keeps a closed connection in TIME_WAIT for a fixed 60 s
 * (TCP_TIMEWAIT_LEN); with tcp_tw_reuse=0 that is what the model gets. */
#define LINUX_TIME_WAIT_S	60.0

struct scenario {
	char		 path[512];
	char		 name[64];		/* file name without .ini */
	char		 description[256];

	/* [system]: kernel settings inside the run's namespace */
	unsigned	 port_lo, port_hi;	/* ip_local_port_range */
	int		 tw_reuse;		/* tcp_tw_reuse: 0, 1 or 2 */

	/* [server]: fake-imapd */
	char		 listen[64];		/* ADDR:PORT */
	char		 logout_close[16];	/* client | server */

	/* [load]: loadgen */
	double		 rate;			/* new connections per second */
	uint64_t	 duration_us;
	uint64_t	 timeout_us;		/* per step */
	char		 close[16];		/* loadgen --close: client | server */

	/* [expect] */
	enum outcome	 expect;
	char		 expect_errno[32];	/* first failure's errno name */
	int64_t		 expect_completed;	/* -1: not checked */
	int64_t		 expect_time_wait;	/* -1: not checked */
};

/* Parse `path`.  On error returns -1 with "file:line: what" in err. */
int	scenario_load(const char *path, struct scenario *sc, char *err,
	    size_t errsz);

/* The model's arithmetic: ports in the range, the sustainable rate
 * (ports / TIME_WAIT) and when the first failure is due (ports / rate,
 * or negative when the offered load fits). */
unsigned	scenario_ports(const struct scenario *sc);
double		scenario_capacity(const struct scenario *sc);
double		scenario_first_failure_s(const struct scenario *sc);

/* Whether the client closes first and so holds the TIME_WAIT ports. */
int		scenario_client_closes(const struct scenario *sc);

const char	*outcome_name(enum outcome o);

#endif
