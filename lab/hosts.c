/* hosts.c: simulated hosts, each a holder process in namespaces of its
 * own, linked to a bridge in the run's namespace over rtnetlink
 * (libmnl).  Nothing here has a name outside the run's namespace: the
 * hosts' namespaces are anonymous and vanish with their holders. */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "hosts.h"
#include "spawn.h"

#define HOST_READY_MS	10000	/* a holder's answer, each step */
#define HOST_PREFIX	24	/* the bridge's subnet: 198.18.X.0/24 */
#define BENCH_NET	0xc6120000u	/* 198.18.0.0 */
#define BENCH_MASK	0xfffe0000u	/* /15 */

int
hosts_addr_allowed(uint32_t addr)
{
	return (addr & BENCH_MASK) == BENCH_NET;
}

void
hosts_addr_str(uint32_t addr, char *buf, size_t bufsz)
{
	struct in_addr	in = { .s_addr = htonl(addr) };

	if (inet_ntop(AF_INET, &in, buf, (socklen_t)bufsz) == NULL)
		snprintf(buf, bufsz, "?");
}

/* The one refusal of an address outside the benchmark range; `what`
 * says whose ("host client1: address", "gateway"). */
static int
addr_check(const char *what, uint32_t addr, char *err, size_t errsz)
{
	char	a[INET_ADDRSTRLEN];

	if (hosts_addr_allowed(addr))
		return 0;
	hosts_addr_str(addr, a, sizeof(a));
	snprintf(err, errsz, "%s %s is outside 198.18.0.0/15 (RFC 2544's "
	    "benchmark range): refused", what, a);
	return -1;
}

/* One request to the kernel and its acknowledgement. */
static int
nl_talk(struct nlmsghdr *nlh, const char *what, char *err, size_t errsz)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket	*nl;
	uint32_t		 seq = (uint32_t)time(NULL), portid;
	ssize_t			 n;
	int			 rc = -1;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if ((nl = mnl_socket_open(NETLINK_ROUTE)) == NULL ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == -1) {
		snprintf(err, errsz, "%s: netlink socket: %s", what,
		    strerror(errno));
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) == -1 ||
	    (n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) == -1 ||
	    mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL) == -1) {
		snprintf(err, errsz, "%s: %s", what, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (nl != NULL)
		mnl_socket_close(nl);
	return rc;
}

static struct nlmsghdr *
link_msg(char *buf, int type, int flags, int ifindex)
{
	struct nlmsghdr		*nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg	*ifm;

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

/* Link `ifindex` up, on bridge `master` when not 0. */
static int
link_up(int ifindex, int master, const char *name, char *err, size_t errsz)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr		*nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg	*ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	if (master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	snprintf(what, sizeof(what), "link %s up", name);
	return nl_talk(nlh, what, err, errsz);
}

static int
link_up_named(const char *name, int master, char *err, size_t errsz)
{
	int	idx;

	if ((idx = (int)if_nametoindex(name)) == 0) {
		snprintf(err, errsz, "link %s: %s", name, strerror(errno));
		return -1;
	}
	return link_up(idx, master, name, err, errsz);
}

static int
bridge_create(const char *name, char *err, size_t errsz)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr		*nlh;
	struct nlattr		*info;

	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	snprintf(what, sizeof(what), "bridge %s", name);
	if (nl_talk(nlh, what, err, errsz) == -1)
		return -1;
	return link_up_named(name, 0, err, errsz);
}

/* A veth pair: `name` here, its peer `peer_name` in the namespace of
 * `pid`. */
static int
veth_create(const char *name, const char *peer_name, pid_t pid, char *err,
    size_t errsz)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr		*nlh;
	struct nlattr		*info, *data, *peer;
	struct ifinfomsg	*pifm;

	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow an ifinfomsg of its own. */
	pifm = (struct ifinfomsg *)mnl_nlmsg_get_payload_tail(nlh);
	memset(pifm, 0, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*pifm));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_name);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)pid);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	snprintf(what, sizeof(what), "veth %s", name);
	return nl_talk(nlh, what, err, errsz);
}

static int
link_delete(const char *name, char *err, size_t errsz)
{
	char		 buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr	*nlh = link_msg(buf, RTM_DELLINK, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	snprintf(what, sizeof(what), "delete link %s", name);
	return nl_talk(nlh, what, err, errsz);
}

/* addr/24 on `dev` of the current namespace, refused outside
 * 198.18.0.0/15: the kernel adds the subnet's route and no other. */
static int
addr_add(const char *dev, uint32_t addr, char *err, size_t errsz)
{
	char		 buf[MNL_SOCKET_BUFFER_SIZE], what[64], a[INET_ADDRSTRLEN];
	struct nlmsghdr	*nlh;
	struct ifaddrmsg *ifa;
	int		 idx;

	if (addr_check("address", addr, err, errsz) == -1)
		return -1;
	hosts_addr_str(addr, a, sizeof(a));
	if ((idx = (int)if_nametoindex(dev)) == 0) {
		snprintf(err, errsz, "link %s: %s", dev, strerror(errno));
		return -1;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = HOST_PREFIX;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)idx;
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(addr));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(addr));
	snprintf(what, sizeof(what), "address %s/%d on %s", a, HOST_PREFIX,
	    dev);
	return nl_talk(nlh, what, err, errsz);
}

/* 198.18.0.0/15 through `gw` (on a link of the host's): the rest of the
 * benchmark range, and nothing beyond it. */
static int
route_add(uint32_t gw, char *err, size_t errsz)
{
	char		 buf[MNL_SOCKET_BUFFER_SIZE], what[64], a[INET_ADDRSTRLEN];
	struct nlmsghdr	*nlh;
	struct rtmsg	*rtm;

	if (addr_check("gateway", gw, err, errsz) == -1)
		return -1;
	hosts_addr_str(gw, a, sizeof(a));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 15;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_DST, htonl(BENCH_NET));
	mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gw));
	snprintf(what, sizeof(what), "route 198.18.0.0/15 via %s", a);
	return nl_talk(nlh, what, err, errsz);
}

int
hosts_init(struct hosts *hs, int nbridges, char *err, size_t errsz)
{
	int	i;

	memset(hs, 0, sizeof(*hs));
	/* Short: "e<pid>-client16" must fit a process name (15). */
	snprintf(hs->run_id, sizeof(hs->run_id), "e%u",
	    (unsigned)getpid() % 100000);
	for (i = 0; i < nbridges && i < HOST_BRIDGES; i++) {
		snprintf(hs->bridge[i], sizeof(hs->bridge[i]), "%sbr%d",
		    hs->run_id, i);
		if (bridge_create(hs->bridge[i], err, errsz) == -1) {
			hs->bridge[i][0] = '\0';
			return -1;
		}
		hs->nbridges = i + 1;
	}
	return 0;
}

/* A line to the lab, whole (under PIPE_BUF). */
static void
tell(int fd, const char *line)
{
	char	buf[512];
	ssize_t	ignored;

	snprintf(buf, sizeof(buf), "%s\n", line);
	ignored = write(fd, buf, strlen(buf));
	(void)ignored;
}

/* The holder keeps only its two pipes: a descriptor of the lab's (the
 * supervisor's message pipe) held here would outlive the lab. */
static void
close_others(int a, int b)
{
	int	lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
}

/* Inside the host: each ethN's address, up; the route through the
 * gateway. */
static int
links_up(const struct host *h, char *err, size_t errsz)
{
	char	dev[IFNAMSIZ];
	int	i;

	for (i = 0; i < h->nlinks; i++) {
		snprintf(dev, sizeof(dev), "eth%d", i);
		if (addr_add(dev, h->link[i].addr, err, errsz) == -1 ||
		    link_up_named(dev, 0, err, errsz) == -1)
			return -1;
	}
	return h->gateway != 0 ? route_add(h->gateway, err, errsz) : 0;
}

/* The holder: new namespaces, the host's settings, then (once the lab
 * has made its link) its address; then it only holds them.  Never
 * returns. */
static void
holder_main(const struct hosts *hs, const struct host *h, pid_t lab,
    host_setup_fn setup, const void *arg, int told, int go)
{
	char	err[400], line[512], comm[16], c;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != lab)
		_exit(1);
	close_others(told, go);
	/* ps shows which run and which host: "e1234-client1". */
	if (snprintf(comm, sizeof(comm), "%s-%s", hs->run_id, h->name) > 0)
		prctl(PR_SET_NAME, comm);
	if (unshare(CLONE_NEWNET | CLONE_NEWUTS) == -1) {
		snprintf(line, sizeof(line), "unshare(CLONE_NEWNET|"
		    "CLONE_NEWUTS): %s", strerror(errno));
		goto fail;
	}
	if (sethostname(h->name, strlen(h->name)) == -1) {
		snprintf(line, sizeof(line), "sethostname: %s",
		    strerror(errno));
		goto fail;
	}
	if (link_up_named("lo", 0, err, sizeof(err)) == -1 ||
	    (setup != NULL && setup(arg, err, sizeof(err)) == -1)) {
		snprintf(line, sizeof(line), "%s", err);
		goto fail;
	}
	tell(told, "in");
	if (read(go, &c, 1) != 1)
		_exit(1);
	if (links_up(h, err, sizeof(err)) == -1) {
		snprintf(line, sizeof(line), "%s", err);
		goto fail;
	}
	tell(told, "up");
	for (;;)
		pause();
fail:
	tell(told, line);
	_exit(1);
}

static void
holder_kill(struct host *h)
{
	if (h->holder <= 0)
		return;
	kill(h->holder, SIGKILL);
	while (waitpid(h->holder, NULL, 0) == -1 && errno == EINTR)
		;
	h->holder = 0;
}

/* The holder's next line: "in", "up", or what went wrong. */
static int
holder_says(int fd, const struct host *h, const char *want, char *err,
    size_t errsz)
{
	char	line[512], why[128];

	if (proc_read_line(fd, HOST_READY_MS, line, sizeof(line), why,
	    sizeof(why)) == -1) {
		snprintf(err, errsz, "host %s: %s", h->name, why);
		return -1;
	}
	if (strcmp(line, want) != 0) {
		snprintf(err, errsz, "host %s: %s", h->name, line);
		return -1;
	}
	return 0;
}

/* The host's veth pairs, each on its bridge, up. */
static int
host_veths(struct hosts *hs, struct host *h, char *err, size_t errsz)
{
	char	peer[IFNAMSIZ];
	int	i, br;

	for (i = 0; i < h->nlinks; i++) {
		snprintf(peer, sizeof(peer), "eth%d", i);
		if (veth_create(h->veth[i], peer, h->holder, err, errsz) == -1)
			return -1;
		if ((br = (int)if_nametoindex(hs->bridge[h->link[i].bridge])) ==
		    0) {
			snprintf(err, errsz, "bridge %s: %s",
			    hs->bridge[h->link[i].bridge], strerror(errno));
			return -1;
		}
		if (link_up_named(h->veth[i], br, err, errsz) == -1)
			return -1;
	}
	return 0;
}

static int
host_link(struct hosts *hs, struct host *h, int told, int go, char *err,
    size_t errsz)
{
	if (holder_says(told, h, "in", err, errsz) == -1 ||
	    host_veths(hs, h, err, errsz) == -1)
		return -1;
	if (write(go, "g", 1) != 1) {
		snprintf(err, errsz, "host %s: %s", h->name, strerror(errno));
		return -1;
	}
	return holder_says(told, h, "up", err, errsz);
}

/* A spec the lab may build: its addresses in 198.18.0.0/15, its links
 * on bridges that exist. */
static int
spec_check(const struct hosts *hs, const struct host *spec, char *err,
    size_t errsz)
{
	char	what[HOST_NAME_LEN + 16];
	int	i;

	if (hs->n == HOSTS_MAX) {
		snprintf(err, errsz, "at most %d hosts", HOSTS_MAX);
		return -1;
	}
	if (spec->nlinks < 1 || spec->nlinks > HOST_LINKS) {
		snprintf(err, errsz, "host %s: 1 to %d links", spec->name,
		    HOST_LINKS);
		return -1;
	}
	snprintf(what, sizeof(what), "host %s: address", spec->name);
	for (i = 0; i < spec->nlinks; i++) {
		if (addr_check(what, spec->link[i].addr, err, errsz) == -1)
			return -1;
		if (spec->link[i].bridge < 0 ||
		    spec->link[i].bridge >= hs->nbridges) {
			snprintf(err, errsz, "host %s: no bridge %d",
			    spec->name, spec->link[i].bridge);
			return -1;
		}
	}
	return 0;
}

struct host *
hosts_add(struct hosts *hs, const struct host *spec, host_setup_fn setup,
    const void *arg, char *err, size_t errsz)
{
	struct host	*h;
	char		 id[sizeof(hs->run_id)];
	pid_t		 lab = getpid();
	int		 told[2], go[2], rc, i;

	if (spec_check(hs, spec, err, errsz) == -1)
		return NULL;
	h = &hs->host[hs->n];
	*h = *spec;
	h->holder = 0;
	snprintf(id, sizeof(id), "%s", hs->run_id);
	for (i = 0; i < h->nlinks; i++)
		snprintf(h->veth[i], sizeof(h->veth[i]), "%s%c%u", id,
		    "hi"[i], (unsigned char)(hs->n + 1));
	if (pipe2(told, O_CLOEXEC) == -1 || pipe2(go, O_CLOEXEC) == -1) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return NULL;
	}
	if ((h->holder = fork()) == -1) {
		snprintf(err, errsz, "fork host %s: %s", h->name,
		    strerror(errno));
		h->holder = 0;
		rc = -1;
		goto out;
	}
	if (h->holder == 0) {
		close(told[0]);
		close(go[1]);
		holder_main(hs, h, lab, setup, arg, told[1], go[0]);
	}
	close(told[1]);
	close(go[0]);
	told[1] = go[0] = -1;
	hs->n++;
	if ((rc = host_link(hs, h, told[0], go[1], err, errsz)) == -1)
		holder_kill(h);
out:
	for (i = 0; i < 2; i++) {
		if (told[i] != -1)
			close(told[i]);
		if (go[i] != -1)
			close(go[i]);
	}
	return rc == 0 ? h : NULL;
}

void
hosts_stop(struct hosts *hs)
{
	char	ignored[128];
	int	i;

	for (i = 0; i < hs->n; i++)
		holder_kill(&hs->host[i]);
	/* The veth pairs went with the hosts' namespaces. */
	for (i = 0; i < hs->nbridges; i++)
		(void)link_delete(hs->bridge[i], ignored, sizeof(ignored));
	hs->nbridges = 0;
}
