/* sockdiag.h: TIME_WAIT and FIN_WAIT_2 sockets of this network namespace,
 * split into client and server side by port, via NETLINK_SOCK_DIAG. */
#ifndef LOADGEN_SOCKDIAG_H
#define LOADGEN_SOCKDIAG_H

#include <stdint.h>

struct sockdiag_counts {
	uint64_t	time_wait_client;	/* remote port is a target port */
	uint64_t	time_wait_server;	/* local port is a target port */
	uint64_t	fin_wait2_client;
	uint64_t	fin_wait2_server;
};

/* Open the netlink socket; `ports` are the target (server) ports.
 * Returns -1 (logged once) if sock_diag is unavailable. */
int	sockdiag_open(const unsigned *ports, int nports);
/* One dump of IPv4 and IPv6 TCP sockets; -1 on error or when not open. */
int	sockdiag_count(struct sockdiag_counts *);
void	sockdiag_close(void);

#endif
