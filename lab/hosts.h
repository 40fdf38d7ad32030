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

struct host {
	char		name[HOST_NAME_LEN];	/* "client1", "server": its
						 * hostname */
	char		veth[16];		/* its end on the bridge */
	uint32_t	addr;			/* host byte order */
	pid_t		holder;			/* holds the namespaces; 0:
						 * gone */
};

struct hosts {
	char		run_id[11];		/* "eph<pid>": in every name */
	char		bridge[16];
	struct host	host[HOSTS_MAX];
	int		n;
};

/* RFC 2544's benchmark range, 198.18.0.0/15: the only addresses a
 * simulated host may have. */
int	hosts_addr_allowed(uint32_t addr);

/* A bridge named after the run in the current (the run's private)
 * namespace.  -1 with a message. */
int	hosts_init(struct hosts *hs, char *err, size_t errsz);

/*
 * A host named `name` at `addr` (198.18.0.0/15 only; /24 on the
 * bridge, nothing routed beyond it): its holder forked, its namespaces
 * made, `setup` run in them, the veth pair made and its address up.
 * The holder dies with the caller (PR_SET_PDEATHSIG SIGKILL), and the
 * namespaces and links with the holder.  -1 with a message.
 */
int	hosts_add(struct hosts *hs, const char *name, uint32_t addr,
	    host_setup_fn setup, const void *arg, char *err, size_t errsz);

/* Every holder killed and reaped: the kernel then removes the hosts'
 * namespaces and their veth pairs; the bridge is deleted. */
void	hosts_stop(struct hosts *hs);

/* "198.18.0.11" */
void	hosts_addr_str(uint32_t addr, char *buf, size_t bufsz);

#endif
