/* hosts.h: simulated hosts inside the run's private network namespace:
 * each a holder process in a network (and UTS) namespace of its own,
 * linked to a bridge by a veth pair, addressed from 198.18.0.0/15. */
#ifndef EPHEMERA_HOSTS_H
#define EPHEMERA_HOSTS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define HOSTS_MAX	64
#define HOST_NAME_LEN	32

/* Called inside a new host's namespace, before it is linked: its
 * sysctls.  -1 with a message refuses the host. */
typedef int (*host_setup_fn)(const void *arg, char *err, size_t errsz);

#define HOST_LINKS	2	/* a NAT gateway has one on each bridge */
#define HOST_BRIDGES	2	/* the clients' and the server's */

/* Where a host is linked: eth0, eth1 in it. */
struct host_link {
	int		bridge;			/* index into hosts.bridge */
	uint32_t	addr;			/* host byte order, /24 */
};

struct host {
	char		name[HOST_NAME_LEN];	/* "client1", "server": its
						 * hostname */
	struct host_link link[HOST_LINKS];
	int		nlinks;
	uint32_t	gateway;		/* 198.18.0.0/15 routed through
						 * it; 0: the bridge's /24 only */
	char		veth[HOST_LINKS][16];	/* its ends on the bridges */
	pid_t		holder;			/* holds the namespaces; 0:
						 * gone */
};

struct hosts {
	char		run_id[7];		/* "e<pid>": in every name */
	char		bridge[HOST_BRIDGES][16];
	int		nbridges;
	struct host	host[HOSTS_MAX];
	int		n;
};

/* RFC 2544's benchmark range, 198.18.0.0/15: the only addresses a
 * simulated host may have. */
int	hosts_addr_allowed(uint32_t addr);

/* `nbridges` bridges named after the run in the current (the run's
 * private) namespace.  -1 with a message. */
int	hosts_init(struct hosts *hs, int nbridges, char *err, size_t errsz);

/*
 * The host `spec` names (its name, links, gateway; every address in
 * 198.18.0.0/15, a /24 on its bridge, and at most a route to
 * 198.18.0.0/15 through the gateway: nothing routes out): its holder
 * forked, its namespaces made, `setup` run in them, the veth pairs made
 * and their addresses up.  The holder dies with the caller
 * (PR_SET_PDEATHSIG SIGKILL), and the namespaces and links with the
 * holder.  Returns the host, or NULL with a message.
 */
struct host	*hosts_add(struct hosts *hs, const struct host *spec,
		    host_setup_fn setup, const void *arg, char *err,
		    size_t errsz);

/* Every holder killed and reaped: the kernel then removes the hosts'
 * namespaces and their veth pairs; the bridge is deleted. */
void	hosts_stop(struct hosts *hs);

/* "198.18.0.11" */
void	hosts_addr_str(uint32_t addr, char *buf, size_t bufsz);

#endif
