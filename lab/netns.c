/* netns.c: enter a fresh network namespace and set kernel knobs in it. */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <net/if.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "textfile.h"

static ino_t	netns_host_ino;		/* namespace we started in */
static int	netns_entered;

static ino_t
netns_current_ino(void)
{
	struct stat	st;

	if (stat("/proc/self/ns/net", &st) == -1)
		return 0;
	return st.st_ino;
}

/* Unprivileged: become root of a new user namespace that owns the new
 * network namespace, which is what lets us write its sysctls. */
static int
enter_userns(const char *as_root, char *err, size_t errsz)
{
	char	map[64];
	uid_t	uid = getuid();
	gid_t	gid = getgid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == -1) {
		/* ENOSPC is a namespace count at its limit, not a disk. */
		snprintf(err, errsz, "%s%sunshare(CLONE_NEWUSER|CLONE_NEWNET): "
		    "%s (%s)", as_root, *as_root != '\0' ? "; " : "",
		    strerror(errno), errno == ENOSPC ? "the namespace limits "
		    "/proc/sys/user/max_net_namespaces and max_user_namespaces "
		    "are reached" : "run as root, or allow unprivileged user "
		    "namespaces");
		return -1;
	}
	if (text_write("/proc/self/setgroups", "deny", err, errsz) == -1)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (text_write("/proc/self/uid_map", map, err, errsz) == -1)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	return text_write("/proc/self/gid_map", map, err, errsz);
}

static int
loopback_up(char *err, size_t errsz)
{
	struct ifreq	ifr;
	int		s;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errsz, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == -1 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) == -1)) {
		snprintf(err, errsz, "bring up lo: %s", strerror(errno));
		close(s);
		return -1;
	}
	close(s);
	return 0;
}

int
netns_enter(char *mode, size_t modesz, char *err, size_t errsz)
{
	char	as_root[128] = "";

	netns_host_ino = netns_current_ino();
	if (geteuid() == 0) {
		if (unshare(CLONE_NEWNET) == 0) {
			snprintf(mode, modesz, "root");
			goto entered;
		}
		snprintf(as_root, sizeof(as_root), "unshare(CLONE_NEWNET) as "
		    "root: %s", strerror(errno));
	}
	if (enter_userns(as_root, err, errsz) == 0)
		snprintf(mode, modesz, "userns");
	else
		return -1;
entered:
	if (netns_current_ino() == netns_host_ino || netns_host_ino == 0) {
		snprintf(err, errsz, "still in the host's network namespace");
		return -1;
	}
	netns_entered = 1;
	return loopback_up(err, errsz);
}

int
netns_sysctl_write(const char *name, const char *value, char *err,
    size_t errsz)
{
	char	path[256];

	/* The one guard that keeps a run from changing the host. */
	if (!netns_entered || netns_current_ino() == netns_host_ino) {
		snprintf(err, errsz, "refusing to set %s outside a private "
		    "network namespace", name);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	return text_write(path, value, err, errsz);
}
