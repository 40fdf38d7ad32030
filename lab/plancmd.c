/* plancmd.c: `ephemera plan`: options into a capacity_input, then the
 * answer on the terminal, in CSV and JSON, and as a lab scenario. */
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "capacity.h"
#include "cdefs.h"
#include "csv.h"
#include "log.h"
#include "optable.h"
#include "plancmd.h"
#include "presets.h"
#include "textfile.h"
#include "units.h"

#define FIELD(f)	offsetof(struct plan_conf, f)
#define MAX_LEVERS	12
#define LAB_MAX_TW_S	60	/* Linux's own TIME_WAIT: the lab's longest */
#define LAB_MAX_RUN_S	20	/* an emitted scenario's lab seconds, at most */
#define LAB_LISTEN_MAX	8	/* a scenario's listen addresses */
#define WIDE_LO		1024	/* the widest range a client can ask for */
#define WIDE_HI		65535
#define SHORT_TW_S	30	/* TcpTimedWaitDelay's minimum (KB 319502) */
#define EMIT_LINE_MAX	76	/* a comment line of --emit-scenario's */
#define LAB_TIMEOUT_S	5	/* an emitted scenario's connect timeout */
#define LAB_NAT_LO	40000	/* the lab gateway's pool starts here */
#define LAB_NAT_MAX	20000	/* ... and fits below 60000 */

struct plan_conf {
	unsigned	 port_lo, port_hi;
	const char	*reserved;
	uint64_t	 time_wait_us, session_us, reuse_delay_us, ttl_us;
	double		 rate;
	uint64_t	 sources, destinations, mailboxes, instances;
	uint64_t	 nat_ports, nat_tw_us;
	const char	*bind, *closer, *preset, *nat_evict;
	int		 tw_reuse;
	const char	*csv, *json, *emit;
};

/* One row of the levers table: a changed input and what it gives. */
struct lever {
	const char		*name;
	char			 change[64];
	struct capacity		 cap;
};

static const char *
opt_ports(void *conf, const struct opt *o UNUSED, const char *arg)
{
	struct plan_conf	*pc = conf;

	if (parse_port_range(arg, &pc->port_lo, &pc->port_hi) != NULL)
		return "LO-HI with 1 <= LO <= HI <= 65535, such as 1024-5000";
	return NULL;
}

static const char *
opt_rate_arg(void *conf, const struct opt *o, const char *arg)
{
	double	*r = OPT_FIELD(conf, o, double);

	if (parse_rate(arg, r) != NULL || !(*r > 0) || !isfinite(*r))
		return "a rate above 0, such as 25 or 2k";
	return NULL;
}

static const char *
opt_count(void *conf, const struct opt *o, const char *arg)
{
	uint64_t	*n = OPT_FIELD(conf, o, uint64_t);

	if (parse_count(arg, 1000000, n) != NULL || *n == 0)
		return "a whole number from 1 to 1000000";
	return NULL;
}

static const struct opt opts[] = {
	{ "preset", "NAME", opt_string, FIELD(preset),
	    "start from a preset: windows2000, windows, linux, freebsd, "
	    "macos (a client's range and TIME_WAIT), azure-lb (with "
	    "--instances), azure-nat, aws-nat, gcp-nat, linux-nat (a NAT in "
	    "front of the client); options given too override it" },
	{ "ports", "LO-HI", opt_ports, 0,
	    "the client's ephemeral port range" },
	{ "reserved", "LIST", opt_string, FIELD(reserved),
	    "ports or ranges of it never handed out (5000,6000-6010): "
	    "Linux's ip_local_reserved_ports" },
	{ "time-wait", "SECONDS", opt_duration, FIELD(time_wait_us),
	    "the client's TIME_WAIT (2 x MSL), such as 240 or 60s" },
	{ "rate", "N", opt_rate_arg, FIELD(rate),
	    "requests per second, each on a new connection unless "
	    "--mailboxes caches them" },
	{ "session-time", "SECONDS", opt_duration, FIELD(session_us),
	    "connect to close: in-flight connections hold ports too "
	    "(default 0)" },
	{ "sources", "N", opt_count, FIELD(sources),
	    "source addresses the client spreads its connections over "
	    "(default 1)" },
	{ "destinations", "N", opt_count, FIELD(destinations),
	    "distinct server address:port pairs, connections spread evenly "
	    "(default 1)" },
	{ "bind", "MODE", opt_string, FIELD(bind),
	    "connect (default: a port per destination) or bind (bind() "
	    "before connect(): one pool shared by every destination)" },
	{ "closer", "SIDE", opt_string, FIELD(closer),
	    "who closes first: client (default; its port waits in "
	    "TIME_WAIT), server or rst (the client keeps no TIME_WAIT)" },
	{ "tw-reuse", NULL, opt_flag, FIELD(tw_reuse),
	    "Linux tcp_tw_reuse: a TIME_WAIT port serves a new outgoing "
	    "connection after --tw-reuse-delay" },
	{ "tw-reuse-delay", "SECONDS", opt_duration, FIELD(reuse_delay_us),
	    "tcp_tw_reuse_delay (default 1s)" },
	{ "mailboxes", "N", opt_count, FIELD(mailboxes),
	    "mailboxes asked in turn, each connection cached --cache-ttl" },
	{ "cache-ttl", "SECONDS", opt_duration, FIELD(ttl_us),
	    "MailboxCacheTTL: a mailbox's connection serves its requests "
	    "this long (KB 319502's fix 3)" },
	{ "instances", "N", opt_count, FIELD(instances),
	    "with --preset azure-lb: the backend pool's size" },
	{ "nat-ports", "N", opt_count, FIELD(nat_ports),
	    "a NAT in front of the client, with N ports per destination" },
	{ "nat-time-wait", "SECONDS", opt_duration, FIELD(nat_tw_us),
	    "how long the NAT keeps a closed connection's mapping: "
	    "conntrack's nf_conntrack_tcp_timeout_time_wait (default 120)" },
	{ "nat-evict", "yes|no", opt_string, FIELD(nat_evict),
	    "yes (Linux 6.5 and later, and --nat-ports' default): a new SYN "
	    "may take over a mapping in TIME_WAIT; no: it waits it out (the "
	    "cloud presets)" },
	{ "csv", "FILE", opt_string, FIELD(csv),
	    "the answer and every lever, one row each" },
	{ "json", "FILE", opt_string, FIELD(json),
	    "the inputs, the answer and the levers" },
	{ "emit-scenario", "FILE", opt_string, FIELD(emit),
	    "a scenario that tests this plan in the lab (ephemera run FILE)" },
};

static const struct optable optable = {
	"ephemera plan",
	"usage: ephemera plan --ports LO-HI --time-wait SECONDS --rate N "
	    "[options]\n"
	    "       ephemera plan --preset NAME --rate N [options]\n"
	    "Capacity of a client's ephemeral ports under connection churn, "
	    "no traffic.\n\n",
	"\nports held = rate x (session time + TIME_WAIT) per pool; highest "
	    "rate =\nports / (session time + TIME_WAIT); faster, the ports "
	    "are gone after\nports / rate seconds.  README: \"Capacity "
	    "planning\".\n",
	opts, nitems(opts),
};

/* Ports of LIST (N or LO-HI, comma-separated) inside lo..hi, each once. */
static unsigned
reserved_count(const char *list, unsigned lo, unsigned hi)
{
	static unsigned char	 seen[65536];
	char			 buf[4096], one[16], *tok, *save;
	unsigned		 a, b, p, n = 0;

	if (list == NULL)
		return 0;
	if (strlen(list) >= sizeof(buf))
		usage_error("--reserved: expected a shorter list");
	strcpy(buf, list);
	memset(seen, 0, sizeof(seen));
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		/* A lone port is the range from it to itself. */
		if (strchr(tok, '-') == NULL && strlen(tok) <= 5)
			snprintf(one, sizeof(one), "%s-%s", tok, tok);
		else
			snprintf(one, sizeof(one), "%.15s", tok);
		if (strlen(tok) > 11 || parse_port_range(one, &a, &b) != NULL)
			usage_error("--reserved: expected ports or LO-HI "
			    "ranges, comma-separated, got '%s'", tok);
		for (p = a; p <= b; p++)
			if (p >= lo && p <= hi && !seen[p]) {
				seen[p] = 1;
				n++;
			}
	}
	return n;
}

/* v's index among n words, else the one line listing them. */
static int
word_index(const char *opt, const char *v, const char *const *words,
    int n)
{
	char	list[128] = "";
	int	i;

	for (i = 0; i < n; i++)
		if (strcmp(v, words[i]) == 0)
			return i;
	for (i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
		    words[i]);
	usage_error("--%s: expected %s, got '%s'", opt, list, v);
}

/* The preset's numbers first, then any option given over them. */
static const struct preset *
apply_preset(struct plan_conf *pc, struct capacity_input *in)
{
	const struct preset	*p = NULL;

	in->port_lo = 32768, in->port_hi = 60999, in->time_wait_s = 60;
	if (pc->preset != NULL && (p = preset_find(pc->preset)) == NULL)
		usage_error("--preset: expected windows2000, windows, linux, "
		    "freebsd, macos, azure-lb, azure-nat, aws-nat, gcp-nat or "
		    "linux-nat, got '%s'", pc->preset);
	if (p != NULL && p->kind == PRESET_OS) {
		in->port_lo = p->port_lo, in->port_hi = p->port_hi;
		in->time_wait_s = p->time_wait_s;
	}
	if (p != NULL && p->kind == PRESET_NAT) {
		if (strcmp(p->name, "azure-lb") == 0 &&
		    !optable_given(&optable, "instances"))
			usage_error("--preset azure-lb: expected --instances N "
			    "(the backend pool's size) too");
		if ((in->nat_ports = preset_nat_ports(p, pc->instances)) == 0)
			usage_error("--instances: expected 1 to 1000 with "
			    "--preset azure-lb (no default SNAT ports beyond), "
			    "got %llu", (unsigned long long)pc->instances);
		in->nat_hold_s = p->nat_hold_s;
		in->nat_evicts = p->nat_evicts;
	}
	if (optable_given(&optable, "instances") &&
	    (p == NULL || strcmp(p->name, "azure-lb") != 0))
		usage_error("--instances: expected --preset azure-lb too");
	return p;
}

/* --nat-ports, --nat-time-wait and --nat-evict, over a NAT preset's. */
static void
override_nat(struct plan_conf *pc, const struct preset *p,
    struct capacity_input *in)
{
	static const char *const yesno[] = { "no", "yes" };
	int	nat = p != NULL && p->kind == PRESET_NAT;

	if (optable_given(&optable, "nat-ports")) {
		if (!nat)
			in->nat_hold_s = 120, in->nat_evicts = 1;
		in->nat_ports = pc->nat_ports;
		nat = 1;
	}
	if (!nat && (optable_given(&optable, "nat-time-wait") ||
	    optable_given(&optable, "nat-evict")))
		usage_error("--nat-time-wait, --nat-evict: expected "
		    "--nat-ports N or a NAT --preset too");
	if (optable_given(&optable, "nat-time-wait"))
		in->nat_hold_s = pc->nat_tw_us / 1e6;
	if (pc->nat_evict != NULL)
		in->nat_evicts = word_index("nat-evict", pc->nat_evict, yesno,
		    2);
}

static void
override(struct plan_conf *pc, const struct preset *p,
    struct capacity_input *in)
{
	int	ports = optable_given(&optable, "ports");
	int	tw = optable_given(&optable, "time-wait");

	if (p == NULL && !ports)
		usage_error("--ports: expected LO-HI, or an OS --preset");
	if (p == NULL && !tw)
		usage_error("--time-wait: expected SECONDS, or an OS --preset");
	if (p != NULL && p->kind == PRESET_OS && ports)
		log_warnx("note: --ports %u-%u overrides --preset %s's %u-%u",
		    pc->port_lo, pc->port_hi, p->name, p->port_lo, p->port_hi);
	if (p != NULL && p->kind == PRESET_OS && tw)
		log_warnx("note: --time-wait %g overrides --preset %s's %g s",
		    pc->time_wait_us / 1e6, p->name, p->time_wait_s);
	if (ports)
		in->port_lo = pc->port_lo, in->port_hi = pc->port_hi;
	if (tw)
		in->time_wait_s = pc->time_wait_us / 1e6;
	override_nat(pc, p, in);
}

/* Options that make sense alone but not together. */
static void
check_across(const struct plan_conf *pc, const struct capacity_input *in)
{
	const char	*why;

	if (!optable_given(&optable, "rate"))
		usage_error("--rate: expected the requests per second");
	if (pc->tw_reuse && in->closer != CAPACITY_CLOSER_CLIENT)
		usage_error("--tw-reuse, --closer %s: tcp_tw_reuse shortens "
		    "the client's TIME_WAIT, and with --closer %s it keeps "
		    "none", pc->closer, pc->closer);
	if (!pc->tw_reuse && optable_given(&optable, "tw-reuse-delay"))
		usage_error("--tw-reuse-delay: expected --tw-reuse too");
	if (pc->tw_reuse && pc->reuse_delay_us == 0)
		usage_error("--tw-reuse-delay: expected a delay above 0 "
		    "(Linux: 1ms to 60s)");
	if (pc->csv != NULL && pc->json != NULL &&
	    strcmp(pc->csv, pc->json) == 0)
		usage_error("--csv, --json: expected two different files, got "
		    "'%s' twice", pc->csv);
	if ((why = capacity_check(in)) != NULL)
		usage_error("%s", why);
}

static const struct preset *
parse(int argc, char **argv, struct plan_conf *pc, struct capacity_input *in)
{
	static const char *const binds[] = { "connect", "bind" };
	static const char *const closers[] = { "client", "server", "rst" };
	const struct preset	*p;
	int			 first;

	memset(pc, 0, sizeof(*pc));
	pc->sources = pc->destinations = 1;
	pc->bind = "connect", pc->closer = "client";
	pc->reuse_delay_us = 1000000;
	optind = 0;		/* a fresh scan: main's getopt ran first */
	first = optable_parse(&optable, pc, argc, argv);
	if (first < argc)
		usage_error("plan: unexpected argument '%s' (see --help)",
		    argv[first]);
	memset(in, 0, sizeof(*in));
	p = apply_preset(pc, in);
	override(pc, p, in);
	in->bind = word_index("bind", pc->bind, binds, 2);
	in->closer = word_index("closer", pc->closer, closers, 3);
	in->reserved = reserved_count(pc->reserved, in->port_lo, in->port_hi);
	in->session_s = pc->session_us / 1e6;
	in->sources = pc->sources, in->destinations = pc->destinations;
	in->tw_reuse = pc->tw_reuse;
	in->tw_reuse_delay_s = pc->reuse_delay_us / 1e6;
	in->mailboxes = pc->mailboxes, in->cache_ttl_s = pc->ttl_us / 1e6;
	in->rate = pc->rate;
	check_across(pc, in);
	return p;
}

/* Each lever: one input changed, and why it is worth a row. */
static int
levers_make(const struct capacity_input *in, struct lever *lv)
{
	struct capacity_input	 x;
	int			 n = 0;

#define LEVER(label, cond, edit, ...) do {				\
	if (cond) {							\
		x = *in;						\
		edit;							\
		lv[n].name = label;					\
		snprintf(lv[n].change, sizeof(lv[n].change), __VA_ARGS__); \
		capacity_compute(&x, &lv[n].cap);			\
		n++;							\
	}								\
} while (0)

	LEVER("wider range", in->port_lo > WIDE_LO || in->port_hi < WIDE_HI,
	    (x.port_lo = WIDE_LO, x.port_hi = WIDE_HI),
	    "--ports %u-%u", WIDE_LO, WIDE_HI);
	LEVER("shorter TIME_WAIT", in->closer == CAPACITY_CLOSER_CLIENT &&
	    in->time_wait_s > SHORT_TW_S, x.time_wait_s = SHORT_TW_S,
	    "--time-wait %d", SHORT_TW_S);
	LEVER("tcp_tw_reuse", in->closer == CAPACITY_CLOSER_CLIENT &&
	    !in->tw_reuse && in->time_wait_s > 1,
	    (x.tw_reuse = 1, x.tw_reuse_delay_s = 1), "--tw-reuse (1 s)");
	LEVER("another destination", 1, x.destinations++,
	    "--destinations %u", in->destinations + 1);
	LEVER("another source address", 1, x.sources++, "--sources %u",
	    in->sources + 1);
	LEVER("IP_BIND_ADDRESS_NO_PORT", in->bind == CAPACITY_BIND_BIND,
	    x.bind = CAPACITY_BIND_CONNECT, "--bind connect");
	LEVER("server closes first", in->closer == CAPACITY_CLOSER_CLIENT,
	    x.closer = CAPACITY_CLOSER_SERVER, "--closer server");
	LEVER("longer MailboxCacheTTL", in->mailboxes > 0,
	    x.cache_ttl_s *= 2, "--cache-ttl %g", in->cache_ttl_s * 2);
	LEVER("mailbox cache", in->mailboxes == 0,
	    (x.mailboxes = 100, x.cache_ttl_s = 60),
	    "--mailboxes 100 --cache-ttl 60");
	LEVER("bigger NAT pool", in->nat_ports > 0, x.nat_ports *= 2,
	    "%u NAT ports", in->nat_ports * 2);
#undef LEVER
	return n;
}

/* "16.6/s", or "unlimited" when no port is held. */
static const char *
fmt_rate(char *buf, size_t len, double r)
{
	if (isinf(r))
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%.1f/s", r);
	return buf;
}

static const char *
fmt_exhaust(char *buf, size_t len, double s)
{
	if (s < 0)
		snprintf(buf, len, "never");
	else
		snprintf(buf, len, "%.1f s", s);
	return buf;
}

static void
print_pool(const char *name, const struct capacity_pool *p)
{
	char	r[32], e[32];

	printf("%-8s %8u %6u %9.1f s %10.0f %12s %12s\n", name, p->ports,
	    p->pools, p->hold_s, p->held,
	    fmt_rate(r, sizeof(r), p->max_rate),
	    fmt_exhaust(e, sizeof(e), p->exhaust_s));
}

/* What a NAT that evicts mappings in TIME_WAIT costs: dropped SYNs. */
static void
print_evictions(const struct capacity_input *in,
    const struct capacity_pool *n)
{
	printf("nat table   %.0f of %u mappings per pool (%.1f in flight, "
	    "the rest in TIME_WAIT for %g s)\n", n->entries, n->ports,
	    n->held, in->nat_hold_s);
	if (n->entries < n->ports) {
		printf("nat SYNs    none dropped: a port is free for each\n");
		return;
	}
	if (n->held >= n->ports) {
		printf("nat SYNs    all dropped while every port is in flight: "
		    "connections wait for one to close, or time out\n");
		return;
	}
	if (n->syn_drop == 0) {
		printf("nat SYNs    fewer than 1 in %u dropped (each may evict "
		    "a mapping in TIME_WAIT\n            whose sequence number "
		    "it passes)\n", capacity_syn_draws());
		return;
	}
	printf("nat SYNs    %.3g dropped (each may evict a mapping in TIME_WAIT "
	    "whose sequence\n            number it passes): connect takes 1 s "
	    "more for %.3g%% of connections,\n            3 s more for %.3g%%\n",
	    n->syn_drop, n->syn_drop * 100, n->syn_drop * n->syn_drop * 100);
}

static void
print_answer(const struct capacity_input *in, const struct preset *p,
    const struct capacity *c)
{
	const struct capacity_pool	*l = c->limit;
	char				 r[32], e[32];

	if (p != NULL)
		printf("preset   %s: %s (%s)\n", p->name, p->title, p->source);
	printf("client   ports %u-%u (%u usable), TIME_WAIT %g s, after "
	    "close %g s, session %g s\n", in->port_lo, in->port_hi,
	    c->client.ports, in->time_wait_s, c->client.after_close_s,
	    c->session_s);
	printf("load     %.1f requests/s, %.1f new connections/s\n\n",
	    in->rate, c->conn_rate);
	printf("%-8s %8s %6s %11s %10s %12s %12s\n", "pool", "ports",
	    "pools", "hold", "held", "capacity", "exhaustion");
	print_pool("client", &c->client);
	if (c->nat.ports > 0)
		print_pool("nat", &c->nat);
	printf("\ncapacity    %s (%u ports / %.1f s held, x %u pool%s; "
	    "limit: %s)\n", fmt_rate(r, sizeof(r), l->max_rate), l->ports,
	    l->hold_s, l->pools, l->pools == 1 ? "" : "s",
	    l == &c->nat ? "the NAT" : "the client's range");
	printf("headroom    %s%s (%.0f%% of capacity offered)\n",
	    isinf(c->headroom) ? "" : (c->headroom >= 0 ? "+" : ""),
	    fmt_rate(r, sizeof(r), c->headroom), c->utilization * 100);
	if (l->exhaust_s >= 0)
		printf("exhaustion  after %s (%u ports / %.1f/s per pool)\n",
		    fmt_exhaust(e, sizeof(e), l->exhaust_s), l->ports, l->rate);
	else
		printf("exhaustion  never at this steady rate\n");
	if (c->nat.ports > 0 && in->nat_evicts)
		print_evictions(in, &c->nat);
}

static void
print_levers(const struct lever *lv, int n)
{
	char	r[32], e[32];
	int	i;

	printf("\n%-24s %-31s %10s %10s %11s\n", "lever", "change",
	    "capacity", "offered", "exhaustion");
	for (i = 0; i < n; i++)
		printf("%-24s %-31s %10s %8.1f/s %11s\n", lv[i].name,
		    lv[i].change,
		    fmt_rate(r, sizeof(r), lv[i].cap.limit->max_rate),
		    lv[i].cap.conn_rate,
		    fmt_exhaust(e, sizeof(e), lv[i].cap.limit->exhaust_s));
}

/* A number for CSV and JSON: an unlimited rate or "never" is empty. */
static void
csv_num(struct csv_writer *w, double v, int decimals)
{
	if (isinf(v) || v < 0)
		csv_empty(w);
	else
		csv_double(w, v, decimals);
}

static void
csv_row(struct csv_writer *w, const char *name, const char *change,
    const struct capacity *c)
{
	const struct capacity_pool	*l = c->limit;

	csv_str(w, name);
	csv_str(w, change);
	csv_str(w, l == &c->nat ? "nat" : "client");
	csv_u64(w, l->ports);
	csv_u64(w, l->pools);
	csv_double(w, l->hold_s, 3);
	csv_double(w, c->conn_rate, 3);
	csv_num(w, l->max_rate, 3);
	if (isinf(c->headroom))
		csv_empty(w);
	else
		csv_double(w, c->headroom, 3);
	csv_double(w, l->held, 1);
	csv_num(w, l->exhaust_s, 3);
}

static int
write_csv(const char *path, const struct capacity *c,
    const struct lever *lv, int n)
{
	static const char *const head[] = { "lever", "change", "limit",
	    "ports", "pools", "hold_s", "conn_rate_per_s", "capacity_per_s",
	    "headroom_per_s", "held", "exhaustion_s" };
	struct csv_writer	 w;
	FILE			*fp;
	size_t			 i;
	int			 k, rc = 0;

	if ((fp = fopen(path, "w")) == NULL) {
		log_warn("--csv: %s", path);
		return -1;
	}
	csv_init(&w, fp);
	for (i = 0; i < nitems(head); i++)
		csv_str(&w, head[i]);
	rc |= csv_end_row(&w);
	csv_row(&w, "as given", "", c);
	rc |= csv_end_row(&w);
	for (k = 0; k < n; k++) {
		csv_row(&w, lv[k].name, lv[k].change, &lv[k].cap);
		rc |= csv_end_row(&w);
	}
	if (text_close(fp, path) != 0 || rc != 0) {
		log_warn("--csv: %s", path);
		return -1;
	}
	return 0;
}

/* JSON null for an unlimited rate or "never". */
static json_t *
json_num(double v)
{
	return isinf(v) || v < 0 ? json_null() : json_real(v);
}

static json_t *
json_pool(const struct capacity_pool *p)
{
	if (p->ports == 0)
		return json_null();
	return json_pack("{s:i, s:i, s:f, s:f, s:f, s:f, s:o, s:o, s:f, "
	    "s:f}",
	    "ports", (json_int_t)p->ports, "pools", (json_int_t)p->pools,
	    "hold_s", p->hold_s, "after_close_s", p->after_close_s,
	    "rate_per_pool_per_s", p->rate, "held", p->held,
	    "capacity_per_s", json_num(p->max_rate),
	    "exhaustion_s", json_num(p->exhaust_s),
	    "entries", p->entries, "syn_drop", p->syn_drop);
}

static json_t *
json_answer(const struct capacity *c)
{
	return json_pack("{s:s, s:f, s:f, s:o, s:o, s:f, s:o, s:o, s:o}",
	    "limit", c->limit == &c->nat ? "nat" : "client",
	    "conn_rate_per_s", c->conn_rate, "session_s", c->session_s,
	    "capacity_per_s", json_num(c->limit->max_rate),
	    "headroom_per_s", isinf(c->headroom) ? json_null() :
	    json_real(c->headroom),
	    "utilization", c->utilization,
	    "exhaustion_s", json_num(c->limit->exhaust_s),
	    "client", json_pool(&c->client), "nat", json_pool(&c->nat));
}

static json_t *
json_inputs(const struct capacity_input *in, const struct preset *p)
{
	static const char *const closers[] = { "client", "server", "rst" };

	return json_pack("{s:o, s:i, s:i, s:i, s:i, s:f, s:f, s:i, s:i, "
	    "s:s, s:s, s:b, s:f, s:i, s:f, s:f, s:i, s:f, s:b}",
	    "preset", p != NULL ? json_string(p->name) : json_null(),
	    "port_lo", (json_int_t)in->port_lo,
	    "port_hi", (json_int_t)in->port_hi,
	    "reserved", (json_int_t)in->reserved,
	    "ports", (json_int_t)capacity_ports(in),
	    "time_wait_s", in->time_wait_s, "session_s", in->session_s,
	    "sources", (json_int_t)in->sources,
	    "destinations", (json_int_t)in->destinations,
	    "bind", in->bind == CAPACITY_BIND_BIND ? "bind" : "connect",
	    "closer", closers[in->closer], "tw_reuse", in->tw_reuse,
	    "tw_reuse_delay_s", in->tw_reuse_delay_s,
	    "mailboxes", (json_int_t)in->mailboxes,
	    "cache_ttl_s", in->cache_ttl_s, "rate_per_s", in->rate,
	    "nat_ports", (json_int_t)in->nat_ports,
	    "nat_hold_s", in->nat_hold_s, "nat_evicts", in->nat_evicts);
}

static int
write_json(const char *path, const struct capacity_input *in,
    const struct preset *p, const struct capacity *c,
    const struct lever *lv, int n)
{
	json_t	*doc, *levers = json_array(), *a;
	int	 k, rc;

	for (k = 0; k < n; k++) {
		a = json_answer(&lv[k].cap);
		json_object_set_new(a, "lever", json_string(lv[k].name));
		json_object_set_new(a, "change", json_string(lv[k].change));
		json_array_append_new(levers, a);
	}
	doc = json_pack("{s:i, s:o, s:o, s:o}", "version", 1,
	    "inputs", json_inputs(in, p), "answer", json_answer(c),
	    "levers", levers);
	if (doc == NULL)
		fatalx("plan: the JSON document");
	if ((rc = json_dump_file(doc, path, JSON_INDENT(2))) != 0)
		log_warn("--json: %s", path);
	json_decref(doc);
	return rc == 0 ? 0 : -1;
}

/* What the lab cannot run of this plan: NULL, or the options. */
static const char *
emit_refusal(const struct capacity_input *in)
{
	if (in->nat_ports > 0 && !in->nat_evicts)
		return "--emit-scenario: the lab's NAT gateway is Linux's, which "
		    "evicts mappings in TIME_WAIT; expected --nat-evict yes";
	if (in->nat_ports > LAB_NAT_MAX)
		return "--emit-scenario: the lab's NAT pool is at most 20000 "
		    "ports; expected --nat-ports 20000 or fewer";
	if (in->nat_ports > 0 && in->destinations > 1)
		return "--emit-scenario: the lab's NAT gateway serves one "
		    "destination; expected --destinations 1 with --nat-ports";
	if (in->sources > 1)
		return "--emit-scenario: the lab has one source address; "
		    "expected --sources 1";
	if (in->destinations > LAB_LISTEN_MAX)
		return "--emit-scenario: the lab runs at most 8 destinations; "
		    "expected --destinations 8 or fewer";
	if (in->bind == CAPACITY_BIND_BIND &&
	    (in->destinations > 1 || in->tw_reuse))
		return "--emit-scenario: the lab's loadgen connects without "
		    "bind(); expected --bind connect with --destinations or "
		    "--tw-reuse";
	return NULL;
}

/* The time_wait the scenario models: the client's after-close time
 * (tcp_tw_reuse's delay included), or the TIME_WAIT a server-side close
 * leaves the server. */
static double
emit_time_wait(const struct capacity_input *in, const struct capacity *c)
{
	return in->closer == CAPACITY_CLOSER_CLIENT ? c->client.after_close_s :
	    in->time_wait_s;
}

/*
 * Model seconds to run: twice the time to exhaustion, or twice a port's
 * hold, at least 2 s.  The time scale keeps the lab's TIME_WAIT within
 * Linux's 60 s and a whole number of ms (tcp_tw_reuse_delay's unit), and
 * the run within LAB_MAX_RUN_S.
 */
static void
emit_times(const struct capacity *c, double tw_s, double *duration_s,
    unsigned *scale)
{
	const struct capacity_pool	*l = c->limit;
	long long			 tw_ms = llround(tw_s * 1000);
	double				 d;

	d = l->exhaust_s >= 0 ? 2 * l->exhaust_s : 2 * l->hold_s;
	/* Behind a NAT the first SYN without a mapping is retransmitted at
	 * 1 and 3 s and its connect times out at LAB_TIMEOUT_S: arrivals go
	 * on past that, or a retransmission finds a freed port. */
	if (l == &c->nat && l->exhaust_s >= 0)
		d = fmax(d, l->exhaust_s + fmax(LAB_TIMEOUT_S,
		    2 * c->session_s) + 1);
	*duration_s = ceil(fmax(d, 2));
	*scale = (unsigned)fmax(1, fmax(ceil(tw_s / LAB_MAX_TW_S),
	    ceil(*duration_s / LAB_MAX_RUN_S)));
	while (tw_ms > 0 && tw_ms % *scale != 0 && *scale < tw_ms)
		(*scale)++;
}

/* A listen port outside the client's range, for each destination. */
static unsigned
listen_base(const struct capacity_input *in)
{
	unsigned	n = in->destinations;

	if (1143 + n <= in->port_lo || 1143 > in->port_hi)
		return 1143;
	return in->port_hi + n <= 65535 ? in->port_hi + 1 : in->port_lo - n;
}

static int
write_scenario(const char *path, const struct capacity_input *in,
    const struct capacity *c, int argc, char **argv)
{
	static const char *const closers[] = { "client", "server", "rst" };
	FILE		*fp;
	double		 duration_s;
	unsigned	 scale, base, i;
	int		 k, col, fails = c->limit->exhaust_s >= 0;

	emit_times(c, emit_time_wait(in, c), &duration_s, &scale);
	if ((fp = fopen(path, "w")) == NULL) {
		log_warn("--emit-scenario: %s", path);
		return -1;
	}
	/* The command, in comment lines short enough for the INI reader's
	 * line limit however long its paths are. */
	col = fprintf(fp, "; written by: ephemera");
	for (k = 0; k < argc; k++) {
		if (col + 1 + strlen(argv[k]) > EMIT_LINE_MAX && col > 2) {
			fprintf(fp, "\n;");
			col = 1;
		}
		/* A word longer than a line is cut: this is a comment. */
		col += fprintf(fp, " %.*s%s", EMIT_LINE_MAX, argv[k],
		    strlen(argv[k]) > EMIT_LINE_MAX ? "..." : "");
	}
	fprintf(fp, "\n; the plan: capacity %.1f/s, %s\n\n[scenario]\n"
	    "description = ephemera plan: %u ports, %g s after close, %g/s\n\n",
	    c->limit->max_rate, fails ? "exhaustion predicted" : "holds",
	    c->client.ports, c->client.after_close_s, c->conn_rate);
	/* The lab needs the count of ports, not which: the reserved ones
	 * are left out at the top. */
	fprintf(fp, "[system]\nport_range = %u-%u\n", in->port_lo,
	    in->port_lo + c->client.ports - 1);
	/* tcp_tw_reuse's delay is the client's effective TIME_WAIT; the lab
	 * makes any from 1 ms to 60 s with tcp_tw_reuse_delay. */
	fprintf(fp, "time_wait = %gs\n\n[server]\nlisten =",
	    emit_time_wait(in, c));
	base = listen_base(in);
	for (i = 0; i < in->destinations; i++)
		fprintf(fp, " 127.0.0.1:%u", base + i);
	fprintf(fp, "\nlogout_close = %s\n",
	    in->closer == CAPACITY_CLOSER_SERVER ? "server" : "client");
	/* The session time, made by fake-imapd holding its greeting back;
	 * its options are in lab time, not scaled. */
	if (in->session_s > 0)
		fprintf(fp, "; the session time, in lab seconds (/ time_scale)"
		    "\noptions = --greeting-delay %.0fms\n",
		    in->session_s / scale * 1000);
	fprintf(fp, "\n[load]\nrate = %g\nduration = %gs\ntimeout = %.0fs\n"
	    "close = %s\n", in->rate, duration_s,
	    fmax(LAB_TIMEOUT_S, ceil(2 * in->session_s / scale)),
	    closers[in->closer]);
	if (in->session_s > 0)
		fprintf(fp, "session_time = %gs\n", in->session_s);
	if (in->mailboxes > 0)
		fprintf(fp, "mailboxes = %u\ncache_ttl = %gs\n"
		    "mailbox_skew = round-robin\n", in->mailboxes,
		    in->cache_ttl_s);
	if (in->nat_ports > 0)
		fprintf(fp, "\n[topology]\nclients = 1\nnat_ports = %u-%u\n"
		    "nat_time_wait = %gs\n", LAB_NAT_LO,
		    LAB_NAT_LO + in->nat_ports - 1, in->nat_hold_s);
	fprintf(fp, "\n[lab]\ntime_scale = %u\n\n[expect]\noutcome = %s\n",
	    scale, fails ? "fails" : "holds");
	/* A NAT drops the SYNs it has no mapping for: the connect times
	 * out (the lab's model adds the timeout), never EADDRNOTAVAIL. */
	if (fails && c->limit == &c->nat)
		fprintf(fp, "first_failure = predicted\n"
		    "thresholds = etimedout>0, eaddrnotavail==0\n");
	else if (fails)
		fprintf(fp, "first_failure_errno = EADDRNOTAVAIL\n"
		    "first_failure = predicted\n");
	if (text_close(fp, path) != 0) {
		log_warn("--emit-scenario: %s", path);
		return -1;
	}
	return 0;
}

int
cmd_plan(int argc, char **argv)
{
	static struct lever		 lv[MAX_LEVERS];
	struct plan_conf		 pc;
	struct capacity_input		 in;
	struct capacity			 c;
	const struct preset		*p;
	const char			*why;
	int				 n, rc = 0;

	p = parse(argc, argv, &pc, &in);
	if (pc.emit != NULL && (why = emit_refusal(&in)) != NULL)
		usage_error("%s", why);
	capacity_compute(&in, &c);
	n = levers_make(&in, lv);
	print_answer(&in, p, &c);
	print_levers(lv, n);
	if (pc.csv != NULL && write_csv(pc.csv, &c, lv, n) == -1)
		rc = 1;
	if (pc.json != NULL && write_json(pc.json, &in, p, &c, lv, n) == -1)
		rc = 1;
	if (pc.emit != NULL && write_scenario(pc.emit, &in, &c, argc,
	    argv) == -1)
		rc = 1;
	return rc;
}
