/* sockdiag.h: TIME_WAIT and FIN_WAIT_2 sockets of this network namespace,
 * split into client and server side by port, via NETLINK_SOCK_DIAG.
 *
 * A dump walks every such socket in the kernel: tens of milliseconds with
 * 100,000 in TIME_WAIT, which on the event loop would hold up arrivals
 * (schedule lag) once per interval.  So dumps run on a worker thread;
 * the loop asks for one at an interval boundary and hears back later. */
#ifndef LOADGEN_SOCKDIAG_H
#define LOADGEN_SOCKDIAG_H

#include <stdint.h>

struct event_base;

struct sockdiag_counts {
	uint64_t	time_wait_client;	/* remote port is a target port */
	uint64_t	time_wait_server;	/* local port is a target port */
	uint64_t	fin_wait2_client;
	uint64_t	fin_wait2_server;
};

/* The result of one dump, on the event loop; NULL when it failed. */
typedef void	(*sockdiag_done_cb)(const struct sockdiag_counts *);

/* Open the netlink socket and start the worker; `ports` are the target
 * (server) ports.  Returns -1 (logged once) if sock_diag is unavailable. */
int	sockdiag_open(struct event_base *, const unsigned *ports, int nports,
	    sockdiag_done_cb);
/* Start a dump now.  Results come back in the order asked, one each.
 * -1 when not open. */
int	sockdiag_request(void);
/* Block (at the end of a run) until every result is reported or
 * timeout_ms passes; -1 on timeout. */
int	sockdiag_wait(int timeout_ms);
/* Stop the worker (after its current dump) and close. */
void	sockdiag_close(void);

#endif
