/* netns.h: a private network namespace for one run, and its sysctls. */
#ifndef EPHEMERA_NETNS_H
#define EPHEMERA_NETNS_H

#include <stddef.h>

/*
 * Move the calling process into a new network namespace: as root with
 * unshare(CLONE_NEWNET); otherwise inside a new user namespace as well.
 * Brings the loopback interface up.  Fills `mode` ("root" or "userns").
 * Returns -1 with a message in err.
 */
int	netns_enter(char *mode, size_t modesz, char *err, size_t errsz);

/*
 * Write a sysctl ("net/ipv4/tcp_tw_reuse") of the current namespace.
 * Refuses unless netns_enter() succeeded in this process: the host's
 * settings are never touched.
 */
int	netns_sysctl_write(const char *name, const char *value, char *err,
	    size_t errsz);

#endif
