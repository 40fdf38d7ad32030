/* topology.c: the simulated hosts of a [topology] run: the server
 * host, a NAT gateway (nftables and conntrack inside it only) and the
 * client hosts, addressed from 198.18.0.0/15; and hosts.csv, each host's
 * counts and kernel state at the end. */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cdefs.h"
#include "csv.h"
#include "kstat.h"
#include "netns.h"
#include "report.h"
#include "run.h"
#include "spawn.h"
#include "textfile.h"
#include "topology.h"

#define EXEC_TIMEOUT_MS		5000	/* nft, sysctl, cat in a host */
#define SERVER_ADDR		0xc6120001u	/* 198.18.0.1: the server host */
#define GATEWAY_ADDR		0xc6120001u	/* 198.18.0.1: or the gateway */
#define GATEWAY_OUT_ADDR	0xc6120101u	/* 198.18.1.1: its other side */
#define NAT_SERVER_ADDR		0xc6120102u	/* 198.18.1.2: server behind it */
#define CLIENT_ADDR(c)		(0xc612000au + (uint32_t)(c))	/* 198.18.0.11 */

pid_t
topology_server(const struct topology *t)
{
	return t->hosts.n > 0 ? t->hosts.host[0].holder : 0;
}

pid_t
topology_client(const struct topology *t, unsigned c)
{
	return t->hosts.host[t->first_client + (int)c].holder;
}

/* The gateway's own settings, before it is linked: it forwards. */
static int
gateway_sysctls(const void *arg UNUSED, char *err, size_t errsz)
{
	return netns_sysctl_write("net/ipv4/ip_forward", "1", err, errsz);
}

/* A program run inside host h, bounded; -1 with its output in err. */
static int
host_exec(const struct host *h, char *const argv[], char *err, size_t errsz)
{
	char	out[512];
	int	rc;

	proc_in_host(h->holder);
	rc = proc_capture(argv, out, sizeof(out), EXEC_TIMEOUT_MS);
	proc_in_host(0);
	if (rc == 0)
		return 0;
	out[strcspn(out, "\n")] = '\0';
	snprintf(err, errsz, "host %s: %s: %s", h->name, argv[0], out[0] ?
	    out : rc == -1 ? "did not run" : "failed");
	return -1;
}

/* Masquerade from the clients' subnet to the pool, and conntrack's
 * TIME_WAIT, both inside the gateway's namespace only (nftables loads
 * conntrack, whose sysctls exist from then on). */
static int
gateway_nat(const struct host *gw, const struct scenario *sc,
    const struct lab_plan *plan, char *err, size_t errsz)
{
	char	rules[512], tw[96];
	char	*nft[] = { "nft", rules, NULL };
	char	*sysctl[] = { "sysctl", "-q", "-w", tw, NULL };

	snprintf(rules, sizeof(rules), "table ip ephemera_nat { chain post { "
	    "type nat hook postrouting priority srcnat; policy accept; "
	    "ip saddr 198.18.0.0/24 oifname \"eth1\" meta l4proto tcp "
	    "masquerade to :%u-%u; }; }", sc->nat_lo, sc->nat_hi);
	snprintf(tw, sizeof(tw), "net.netfilter."
	    "nf_conntrack_tcp_timeout_time_wait=%lld",
	    (long long)plan->nat_time_wait_s);
	return host_exec(gw, nft, err, errsz) == -1 ||
	    host_exec(gw, sysctl, err, errsz) == -1 ? -1 : 0;
}

/* The gateway: 198.18.0.1 on the clients' bridge, 198.18.1.1 on the
 * server's, forwarding and masquerading. */
static int
gateway_add(struct topology *t, const struct scenario *sc,
    const struct lab_plan *plan, char *err, size_t errsz)
{
	struct host	 spec, *gw;

	memset(&spec, 0, sizeof(spec));
	snprintf(spec.name, sizeof(spec.name), "nat");
	spec.nlinks = 2;
	spec.link[0].bridge = 0;
	spec.link[0].addr = GATEWAY_ADDR;
	spec.link[1].bridge = 1;
	spec.link[1].addr = GATEWAY_OUT_ADDR;
	if ((gw = hosts_add(&t->hosts, &spec, gateway_sysctls, NULL, err,
	    errsz)) == NULL)
		return -1;
	return gateway_nat(gw, sc, plan, err, errsz);
}

/* One host with one link, on bridge `bridge` at `addr`. */
static int
host_add(struct topology *t, const char *name, int bridge, uint32_t addr,
    uint32_t gateway, host_setup_fn setup, const struct lab_plan *plan,
    char *err, size_t errsz)
{
	struct host	spec;

	memset(&spec, 0, sizeof(spec));
	snprintf(spec.name, sizeof(spec.name), "%s", name);
	spec.nlinks = 1;
	spec.link[0].bridge = bridge;
	spec.link[0].addr = addr;
	spec.gateway = gateway;
	return hosts_add(&t->hosts, &spec, setup, plan, err, errsz) == NULL ?
	    -1 : 0;
}

/* The server's listen addresses become the server host's, ports kept. */
static void
listen_on(struct scenario *sc, uint32_t addr)
{
	struct endpoint	ep;
	char		a[32];
	int		i;

	hosts_addr_str(addr, a, sizeof(a));
	for (i = 0; i < sc->nlisten; i++) {
		endpoint_parse(sc->listen[i], 0, &ep);
		snprintf(sc->listen[i], sizeof(sc->listen[i]), "%s:%u", a,
		    endpoint_port(&ep));
	}
}

/* Behind a gateway the server is at 198.18.1.2 on a bridge of its own;
 * else all share one bridge, the server at 198.18.0.1.  Clients from
 * 198.18.0.11. */
int
topology_build(struct topology *t, struct scenario *sc, host_setup_fn setup,
    const struct lab_plan *plan, char *err, size_t errsz)
{
	int		nat = sc->nat_lo != 0;
	uint32_t	server = nat ? NAT_SERVER_ADDR : SERVER_ADDR;
	char		name[HOST_NAME_LEN];
	unsigned	c;

	if (hosts_init(&t->hosts, nat ? 2 : 1, err, errsz) == -1 ||
	    host_add(t, "server", nat, server, 0, setup, plan, err,
	    errsz) == -1 || (nat && gateway_add(t, sc, plan, err,
	    errsz) == -1))
		return -1;
	t->first_client = t->hosts.n;
	for (c = 1; c <= sc->clients; c++) {
		snprintf(name, sizeof(name), "client%u", c);
		if (host_add(t, name, 0, CLIENT_ADDR(c), nat ? GATEWAY_ADDR : 0,
		    setup, plan, err, errsz) == -1)
			return -1;
	}
	listen_on(sc, server);
	return 0;
}

/* One host's kernel at the end: TIME_WAIT sockets (sockstat's tw) and
 * TcpExt TCPTimeWaitOverflow, read inside the host. */
static void
host_kernel(const struct host *h, int64_t *tw, int64_t *overflow)
{
	static char	 text[65536];
	char		*argv[] = { "cat", "/proc/net/sockstat",
			    "/proc/net/netstat", NULL };

	*tw = *overflow = -1;
	proc_in_host(h->holder);
	if (proc_capture(argv, text, sizeof(text), EXEC_TIMEOUT_MS) == 0) {
		*tw = kstat_field(text, "TCP:", "tw");
		*overflow = kstat_field(text, "TcpExt:",
		    "TCPTimeWaitOverflow");
	}
	proc_in_host(0);
}

/* What a host's loadgens counted, their summaries added; the earliest
 * first failure. */
struct host_counts {
	int		loadgens;
	uint64_t	started, completed, failed;
	double		first_failure_s;	/* -1: none */
	char		first_class[32];
};

static void
host_count(const struct host *h, const char *const dirs[], const pid_t hosts[],
    int n, struct host_counts *hc)
{
	const char	**names, **vals;
	char		  path[LAB_PATH_MAX], err[256];
	double		  t;
	int		  i, nf, k;

	memset(hc, 0, sizeof(*hc));
	hc->first_failure_s = -1;
	for (i = 0; i < n; i++) {
		if (hosts[i] != h->holder)
			continue;
		hc->loadgens++;
		snprintf(path, sizeof(path), "%s/summary.csv", dirs[i]);
		if ((nf = report_summary_fields(path, &names, &vals, err,
		    sizeof(err))) == -1)
			continue;
		for (k = 0; k < nf; k++)
			if (strcmp(names[k], "started") == 0)
				hc->started += strtoull(vals[k], NULL, 10);
			else if (strcmp(names[k], "completed") == 0)
				hc->completed += strtoull(vals[k], NULL, 10);
			else if (strcmp(names[k], "failed") == 0)
				hc->failed += strtoull(vals[k], NULL, 10);
		k = csv_index(names, nf, "first_failure_s");
		if (k < 0 || vals[k][0] == '\0')
			continue;
		t = strtod(vals[k], NULL);
		if (hc->first_failure_s < 0 || t < hc->first_failure_s) {
			hc->first_failure_s = t;
			k = csv_index(names, nf, "first_failure_class");
			snprintf(hc->first_class, sizeof(hc->first_class), "%s",
			    k >= 0 ? vals[k] : "");
		}
	}
}

void
topology_write(const struct topology *t, const char *dir,
    const char *const dirs[], const pid_t hosts[], int n)
{
	struct host_counts	 hc;
	char			 path[LAB_PATH_MAX], a[32];
	int64_t			 tw, ov;
	FILE			*fp;
	int			 i;

	snprintf(path, sizeof(path), "%s/hosts.csv", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return;
	fprintf(fp, "host,addr,loadgens,started,completed,failed,"
	    "first_failure_s,first_failure_class,time_wait,tw_overflow\r\n");
	for (i = 0; i < t->hosts.n; i++) {
		hosts_addr_str(t->hosts.host[i].link[0].addr, a, sizeof(a));
		host_count(&t->hosts.host[i], dirs, hosts, n, &hc);
		host_kernel(&t->hosts.host[i], &tw, &ov);
		fprintf(fp, "%s,%s,%d,%llu,%llu,%llu,", t->hosts.host[i].name, a,
		    hc.loadgens, (unsigned long long)hc.started,
		    (unsigned long long)hc.completed,
		    (unsigned long long)hc.failed);
		if (hc.first_failure_s >= 0)
			fprintf(fp, "%.6f", hc.first_failure_s);
		fprintf(fp, ",%s,%lld,%lld\r\n", hc.first_class, (long long)tw,
		    (long long)ov);
	}
	text_close(fp, path);
}
