/* topology.h: the simulated hosts of a [topology] run (README "Many
 * hosts"), and hosts.csv. */
#ifndef EPHEMERA_TOPOLOGY_H
#define EPHEMERA_TOPOLOGY_H

#include <sys/types.h>

#include "hosts.h"
#include "model.h"
#include "scenario.h"

struct topology {
	struct hosts	hosts;		/* n == 0: none */
	int		first_client;	/* hosts.host[] index of client1 */
};

/*
 * In the run's namespace: the server host, the NAT gateway when
 * sc->nat_lo is set (ip_forward, nftables masquerade to the pool and
 * conntrack's TIME_WAIT from `plan`, inside it only), and the client
 * hosts; the server and every client get `setup(plan)` (the scenario's
 * sysctls) in their namespaces.  sc's listen addresses become the server
 * host's.  -1 with a message: what was refused, in which host.
 */
int	topology_build(struct topology *t, struct scenario *sc,
	    host_setup_fn setup, const struct lab_plan *plan, char *err,
	    size_t errsz);

/* The holder of the server host, of client c (from 0); 0: no hosts. */
pid_t	topology_server(const struct topology *t);
pid_t	topology_client(const struct topology *t, unsigned c);

/* dir/hosts.csv: each host, its address, what its loadgens (the n
 * folders dirs[], each in host hosts[]) counted, and its kernel's
 * TIME_WAIT and TCPTimeWaitOverflow at the end, read inside it. */
void	topology_write(const struct topology *t, const char *dir,
	    const char *const dirs[], const pid_t hosts[], int n);

#endif
