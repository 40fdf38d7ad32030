/* options.c: loadgen's options: the option table, defaults, its parsers,
 * checks across options, and the options as summary columns. */
#include <sys/socket.h>
#include <sys/time.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "arrivals.h"
#include "bind.h"
#include "columns.h"
#include "cdefs.h"
#include "log.h"
#include "mailbox.h"
#include "optable.h"
#include "options.h"
#include "session.h"
#include "steps.h"
#include "units.h"

/* Longest --user or --password; keeps the LOGIN line well under the
 * line limits of real servers (Dovecot: 64k, others 8k). */
#define CRED_MAX	1024

#define FIELD(f)	offsetof(struct config, f)

static void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rate = 100;
	cfg->duration_us = 10000000;
	cfg->count = 0;
	cfg->interval_us = 1000000;
	cfg->timeout_us = 10000000;
	cfg->user = "user";
	cfg->password = "password";
	cfg->seed = 1;
	cfg->drain_timeout_us = 120000000;
	cfg->bind.mode = BIND_NONE;
	if (steps_parse(STEPS_DEFAULT, &cfg->steps) != NULL)
		fatalx("STEPS_DEFAULT does not parse");
}

/* A period of at least 1ms: zero would spin the timers. */
static const char *
opt_period(void *cfg, const struct opt *o, const char *arg)
{
	const char	*expected;

	if ((expected = opt_duration(cfg, o, arg)) != NULL)
		return expected;
	if (*OPT_FIELD(cfg, o, uint64_t) < 1000)
		return "a duration of at least 1ms, such as 500ms or 2s";
	return NULL;
}

/* A count of at least 1, such as 500 or 2k. */
static const char *
opt_positive(void *cfg, const struct opt *o, const char *arg)
{
	uint64_t	*n = OPT_FIELD(cfg, o, uint64_t);
	const char	*expected;

	if ((expected = parse_count(arg, UINT32_MAX, n)) != NULL)
		return expected;
	if (*n == 0)
		return "a whole number of at least 1";
	return NULL;
}

/* RFC 3501 9: a quoted string holds 7-bit TEXT-CHARs, no CR or LF. */
static const char *
opt_credential(void *cfg, const struct opt *o, const char *arg)
{
	const unsigned char	*p;
	char			 why[64];

	/* Name the option, never echo the value: it may be a password. */
	for (p = (const unsigned char *)arg; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n' || *p >= 0x80)
			optable_refuse(o, "text without CR, LF or 8-bit bytes",
			    NULL);
	if (p - (const unsigned char *)arg > CRED_MAX) {
		snprintf(why, sizeof(why), "at most %d bytes", CRED_MAX);
		optable_refuse(o, why, NULL);
	}
	return opt_string(cfg, o, arg);
}

static const char *
opt_seed(void *cfg, const struct opt *o, const char *arg)
{
	return parse_count(arg, UINT64_MAX, OPT_FIELD(cfg, o, uint64_t));
}

static const char *
opt_rate(void *cfg, const struct opt *o, const char *arg)
{
	return parse_rate(arg, OPT_FIELD(cfg, o, double));
}

/* I/N, 1 <= I <= N <= SHARDS_MAX. */
#define SHARDS_MAX	1000

static const char *
opt_shard(void *conf, const struct opt *o UNUSED, const char *arg)
{
	struct config	*cfg = conf;
	unsigned	 i, n;
	int		 end = 0;

	if (sscanf(arg, "%u/%u%n", &i, &n, &end) != 2 ||
	    arg[end] != '\0' || i < 1 || i > n || n > SHARDS_MAX ||
	    arg[0] < '0' || arg[0] > '9')
		return "I/N with 1 <= I <= N <= 1000, such as 2/3";
	cfg->shard_i = i;
	cfg->shard_n = n;
	return NULL;
}

/* Unix seconds, within the next hour: a moment the shards agree on. */
#define START_AHEAD_MAX	3600.0
#define START_LATE_MAX	1.0

static const char *
opt_start_at(void *cfg, const struct opt *o, const char *arg)
{
	static char	 expected[128];
	struct timeval	 tv;
	double		*at = OPT_FIELD(cfg, o, double), now;
	char		*end;

	gettimeofday(&tv, NULL);
	now = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	snprintf(expected, sizeof(expected), "a Unix time (seconds, "
	    "fraction allowed) from 1 s ago to 1 hour ahead; now is %.3f",
	    now);
	*at = strtod(arg, &end);
	if (end == arg || *end != '\0' || !(*at > 0))
		return expected;
	if (*at > now + START_AHEAD_MAX || *at < now - START_LATE_MAX)
		return expected;
	return NULL;
}

static const char *
opt_schedule(void *cfg, const struct opt *o, const char *arg)
{
	return arrival_parse(arg, OPT_FIELD(cfg, o, struct arrival_spec));
}

static const char *
opt_close(void *cfg, const struct opt *o, const char *arg)
{
	int	mode;

	if ((mode = close_mode_parse(arg)) == -1)
		return "client or server, rst or no-logout";
	*OPT_FIELD(cfg, o, enum close_mode) = (enum close_mode)mode;
	return NULL;
}

static const char *
opt_steps(void *cfg, const struct opt *o, const char *arg)
{
	return steps_parse(arg, OPT_FIELD(cfg, o, struct step_list));
}

static const char *
opt_bind(void *cfg, const struct opt *o, const char *arg)
{
	return bind_parse_mode(arg, OPT_FIELD(cfg, o, struct bind_config));
}

static const char *
opt_source(void *cfg, const struct opt *o, const char *arg)
{
	return bind_add_source(arg, OPT_FIELD(cfg, o, struct bind_config));
}

/* --target and the argument, which options_parse then moves first. */
static const char *
add_target(struct config *cfg, const char *arg)
{
	static char	 too_many[64];
	const char	*expected;

	if (cfg->ntargets == TARGETS_MAX) {
		snprintf(too_many, sizeof(too_many),
		    "at most %d destinations", TARGETS_MAX);
		return too_many;
	}
	if ((expected = endpoint_parse(arg, 0,
	    &cfg->targets[cfg->ntargets])) != NULL)
		return expected;
	cfg->ntargets++;
	return NULL;
}

static const char *
opt_target(void *cfg, const struct opt *o UNUSED, const char *arg)
{
	return add_target(cfg, arg);
}

/* --threshold EXPR: its syntax now; its column once the summary's
 * columns are laid out (main.c), both before any traffic. */
static const char *
opt_threshold(void *conf, const struct opt *o UNUSED, const char *arg)
{
	struct config	*cfg = conf;
	const char	*why;

	if (cfg->nthresholds == THRESHOLDS_MAX)
		return "at most 32 thresholds";
	if ((why = threshold_parse(arg, &cfg->thresholds[cfg->nthresholds]))
	    != NULL)
		return why;
	cfg->nthresholds++;
	return NULL;
}

static const char *
opt_mailboxes(void *cfg, const struct opt *o, const char *arg)
{
	return parse_count(arg, MAILBOXES_MAX, OPT_FIELD(cfg, o, uint64_t));
}

static const char *
opt_skew(void *cfg, const struct opt *o, const char *arg)
{
	return mailbox_skew_parse(arg, OPT_FIELD(cfg, o, struct mailbox_skew));
}

/* A DNS name for SNI (RFC 6066 3): letters, digits, '-' and '.'. */
static const char *
opt_servername(void *cfg, const struct opt *o, const char *arg)
{
	const char	*p;

	if (*arg == '\0' || strlen(arg) > 253)
		return "a host name of 1 to 253 characters";
	for (p = arg; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return "a host name (letters, digits, '-' and '.')";
	return opt_string(cfg, o, arg);
}

static const struct opt opts[] = {
	{ "rate", "N", opt_rate, FIELD(rate),
	    "new connections per second (100)" },
	{ "schedule", "SPEC", opt_schedule, FIELD(spec),
	    "instead of --rate: const:200, poisson:200, ramp:50-2000/60s, "
	    "steps:100/10s,200/10s; poisson: before any shape for random "
	    "gaps" },
	{ "seed", "N", opt_seed, FIELD(seed),
	    "seed of poisson schedules (1)" },
	{ "shard", "I/N", opt_shard, 0,
	    "run shard I of N of the schedule: 1/N of its rate, every shape; "
	    "evenly spaced arrivals I-1, I-1+N, ... of the whole run, or a "
	    "Poisson stream with a seed of its own from --seed and I; "
	    "--count is the whole run's, shared out; ephemera merge adds the "
	    "shards up" },
	{ "start-at", "EPOCH", opt_start_at, FIELD(start_at),
	    "wait until this Unix time (seconds, may be fractional; at most "
	    "1 hour ahead) before the first arrival; times in the CSV stay "
	    "relative to it" },
	{ "duration", "D", opt_period, FIELD(duration_us),
	    "arrivals during D (10s)" },
	{ "count", "N", opt_positive, FIELD(count),
	    "stop arrivals after N connections" },
	{ "max-in-flight", "N", opt_positive, FIELD(max_in_flight),
	    "arrivals beyond N sessions in flight are skipped (counted), "
	    "never delayed" },
	{ "stop-on-failure", NULL, opt_flag, FIELD(stop_on_failure),
	    "stop arrivals at the first failure (exit 3)" },
	{ "max-failures", "N", opt_positive, FIELD(max_failures),
	    "stop arrivals after N failures (exit 3)" },
	{ "steps", "LIST", opt_steps, FIELD(steps),
	    "the session between greeting and close, in order, "
	    "comma-separated: login, authenticate (PLAIN), select[=MAILBOX], "
	    "examine[=MAILBOX], fetch=N (messages 1:N, bodies), noop, "
	    "idle=DURATION, logout (" STEPS_DEFAULT "); starttls first "
	    "upgrades the connection (RFC 3501 6.2.1)" },
	{ "close", "MODE", opt_close, FIELD(close),
	    "after the session: client sends the first FIN (TIME_WAIT on the "
	    "client; default); server waits for the server's FIN; rst: "
	    "SO_LINGER {1,0}, an RST, no TIME_WAIT anywhere; no-logout: as "
	    "client, without the list's logout step (close first right after "
	    "the last reply)" },
	{ "timeout", "D", opt_period, FIELD(timeout_us),
	    "limit on each step: connect, greeting, each reply (10s)" },
	{ "tls", NULL, opt_flag, FIELD(tls),
	    "TLS right after connect (port 993 style)" },
	{ "tls-ca", "FILE", opt_string, FIELD(tls_ca),
	    "verify the server's chain against these PEM CAs, and its name. "
	    "WITHOUT --tls-ca THE SERVER IS NOT VERIFIED AT ALL (any "
	    "certificate is accepted), as load generators usually do" },
	{ "tls-servername", "NAME", opt_servername, FIELD(tls_servername),
	    "SNI, and the name the certificate must carry with --tls-ca; "
	    "default: no SNI, and the target's IP address must be one of the "
	    "certificate's IP SANs" },
	{ "user", "U", opt_credential, FIELD(user),
	    "LOGIN and AUTHENTICATE user (user)" },
	{ "password", "P", opt_credential, FIELD(password),
	    "their password (password)" },
	{ "bind", "MODE", opt_bind, FIELD(bind),
	    "source side: none (default), addr, addr-no-port, range:LO-HI, "
	    "explicit:LO-HI or explicit:LO-HI,reuseaddr" },
	{ "source", "ADDR", opt_source, FIELD(bind),
	    "source address (repeatable, round-robin)" },
	{ "target", "ADDR:PORT", opt_target, 0,
	    "another destination (repeatable, round-robin with the "
	    "argument)" },
	{ "drain", "N", opt_positive, FIELD(drain_below),
	    "first wait until the namespace has fewer than N TIME_WAIT "
	    "sockets" },
	{ "drain-timeout", "D", opt_period, FIELD(drain_timeout_us),
	    "give up (exit 1) after D (120s)" },
	{ "interval", "D", opt_period, FIELD(interval_us),
	    "per-interval CSV row period (1s)" },
	{ "csv", "FILE", opt_string, FIELD(csv_path),
	    "per-interval CSV" },
	{ "summary-csv", "FILE", opt_string, FIELD(summary_path),
	    "whole-run CSV, one row" },
	{ "latency-csv", "FILE", opt_string, FIELD(latency_path),
	    "whole-run latency percentiles, a row each" },
	{ "histogram-csv", "FILE", opt_string, FIELD(histogram_path),
	    "latency histograms as bucket counts, per interval and for the "
	    "whole run (layout v1, CSV.md), what ephemera merge adds up" },
	{ "meta", "FILE", opt_string, FIELD(meta_path),
	    "the run's metadata as key=value lines: shard, host, start "
	    "epoch, offered and achieved rate, sysctls" },
	{ "mailboxes", "N", opt_mailboxes, FIELD(mailboxes),
	    "KB 319502's mailbox cache: each arrival is a request (the list's "
	    "steps after login: SELECT INBOX by default) for one of N "
	    "mailboxes, on its cached connection if idle and younger than "
	    "--cache-ttl, else on a new one that is then cached" },
	/* 0 too: one connection per request. */
	{ "cache-ttl", "D", opt_duration, FIELD(cache_ttl_us),
	    "MailboxCacheTTL: a connection is closed (LOGOUT, --close) at "
	    "age D; 0: one connection per request" },
	{ "mailbox-skew", "K", opt_skew, FIELD(skew),
	    "uniform (default), zipf:S (0 < S <= 10) or round-robin "
	    "(request i: mailbox i mod N)" },
	{ "threshold", "EXPR", opt_threshold, 0,
	    "a gate on a summary column, NAME OP NUMBER with OP one of < <= "
	    "> >= == != (failed==0, session_p99_ms<50); repeatable; each is "
	    "printed met or BREACHED after the summary line, and a breach "
	    "exits 4" },
	{ "debug", NULL, opt_flag, FIELD(debug),
	    "log every session state change" },
	{ "list-columns", NULL, opt_flag, FIELD(list_columns),
	    "print each CSV file's columns and units, then exit" },
};

static const struct optable optable = {
	"loadgen",
	"usage: loadgen [options] ADDR:PORT\n"
	"ADDR is numeric (127.0.0.1, [::1]): no DNS, so a run targets\n"
	"exactly the address it was given.\n"
	"Open-loop IMAP connection churn: connect, greeting, the --steps\n"
	"(LOGIN, SELECT INBOX, LOGOUT by default), read the whole reply,\n"
	"then close first (so TIME_WAIT is ours).\n"
	"\n",
	"\n"
	"SIGINT/SIGTERM: stop arrivals, give sessions in flight 2s, write\n"
	"the summary, exit 0; a second signal stops at once (sessions in\n"
	"flight counted active), writes the summary and exits 1.\n"
	"A file that cannot be written (a full disk) keeps its whole rows,\n"
	"takes no more, is named on stderr; the run goes on, exit 1.\n"
	"Exit status: 0 the run ran (failures are measurements), 3 the\n"
	"same but --stop-on-failure or --max-failures stopped it, 1 it\n"
	"could not run (--drain-timeout, a system error), 2 bad input,\n"
	"4 the run ran and a --threshold was breached.\n"
	"Columns: loadgen/CSV.md.\n",
	opts, nitems(opts),
};
/* The mailbox cache's options go together. */
static void
check_cache(const struct config *cfg)
{
	if (cfg->mailboxes == 0) {
		if (optable_given(&optable, "cache-ttl"))
			usage_error("--cache-ttl: expected --mailboxes N "
			    "(N >= 1) too");
		if (optable_given(&optable, "mailbox-skew"))
			usage_error("--mailbox-skew: expected --mailboxes N "
			    "(N >= 1) too");
		return;
	}
	if (!optable_given(&optable, "cache-ttl"))
		usage_error("--mailboxes: expected --cache-ttl too, such as "
		    "--cache-ttl 0 or --cache-ttl 60s");
	/* A request is the list's mailbox steps, after the login. */
	if ((!steps_have(&cfg->steps, STEP_LOGIN) &&
	    !steps_have(&cfg->steps, STEP_AUTHENTICATE)) ||
	    (!steps_have(&cfg->steps, STEP_SELECT) &&
	    !steps_have(&cfg->steps, STEP_EXAMINE)))
		usage_error("--steps: expected login or authenticate and a "
		    "select or examine step with --mailboxes");
}

/* A shard's part of the schedule and of --count. */
static void
check_shard(struct config *cfg)
{
	cfg->shard_count = cfg->count;
	if (cfg->shard_n == 0)
		return;
	if (cfg->mailboxes != 0)
		usage_error("--shard: not supported with --mailboxes yet (each "
		    "shard would keep a cache of its own)");
	if (cfg->count != 0 && cfg->count < cfg->shard_n)
		usage_error("--count: expected at least N = %u with --shard, "
		    "got %llu", cfg->shard_n, (unsigned long long)cfg->count);
	cfg->shard_count = arrival_shard_count(cfg->count, cfg->shard_i,
	    cfg->shard_n);
	arrival_shard(&cfg->spec, cfg->shard_i, cfg->shard_n);
}

/* The list as run: --close no-logout drops its logout step. */
static void
check_steps(struct config *cfg)
{
	struct step_list	*l = &cfg->steps;

	if (cfg->tls && steps_have(l, STEP_STARTTLS))
		usage_error("--tls: expected either --tls or a starttls step, "
		    "not both");
	if (!cfg->tls && !steps_have(l, STEP_STARTTLS) &&
	    (cfg->tls_ca != NULL || cfg->tls_servername != NULL))
		usage_error("--%s: expected --tls or a starttls step too",
		    cfg->tls_ca != NULL ? "tls-ca" : "tls-servername");
	if (cfg->close == CLOSE_NO_LOGOUT && l->n > 0 &&
	    l->step[l->n - 1].kind == STEP_LOGOUT)
		l->n--;
}

/* Cross-option checks, once every option is known. */
static void
check_config(struct config *cfg)
{
	const char	*why;
	int		 family = cfg->targets[0].ss.ss_family, i;

	if (cfg->latency_path != NULL &&
	    ((cfg->csv_path != NULL &&
	    strcmp(cfg->latency_path, cfg->csv_path) == 0) ||
	    (cfg->summary_path != NULL &&
	    strcmp(cfg->latency_path, cfg->summary_path) == 0)))
		usage_error("--latency-csv: expected a file other than --csv "
		    "and --summary-csv, got '%s'", cfg->latency_path);
	if (optable_given(&optable, "rate") &&
	    optable_given(&optable, "schedule"))
		usage_error("--schedule: expected either --rate or --schedule, "
		    "not both");
	if (!optable_given(&optable, "schedule"))
		arrival_const(&cfg->spec, cfg->rate);
	for (i = 0; i < cfg->ntargets; i++)
		if (cfg->targets[i].ss.ss_family != family)
			usage_error("--target: expected every destination in "
			    "one address family");
	for (i = 0; i < cfg->bind.nsources; i++)
		if (cfg->bind.sources[i].ss_family != family)
			usage_error("--source: expected an address of the "
			    "destinations' family");
	if (cfg->bind.nsources > 0 && cfg->bind.mode == BIND_NONE)
		usage_error("--source: expected a --bind mode other than none");
	if (cfg->bind.mode == BIND_RANGE &&
	    (why = bind_range_supported(family)) != NULL)
		usage_error("--bind: expected %s", why);
	check_steps(cfg);
	check_cache(cfg);
	check_shard(cfg);
}


/* The argument: the first destination, before every --target. */
static void
add_operand(struct config *cfg, const char *arg)
{
	struct endpoint	 ep;
	const char	*expected;

	if ((expected = add_target(cfg, arg)) != NULL)
		usage_error("ADDR:PORT: expected %s, got '%s'", expected, arg);
	ep = cfg->targets[cfg->ntargets - 1];
	memmove(&cfg->targets[1], &cfg->targets[0],
	    sizeof(ep) * (size_t)(cfg->ntargets - 1));
	cfg->targets[0] = ep;
}

void
options_parse(struct config *cfg, int argc, char **argv)
{
	int	first;

	config_defaults(cfg);
	first = optable_parse(&optable, cfg, argc, argv);
	if (cfg->list_columns)
		columns_list(cfg);	/* exits */
	/* More destinations come with --target; the argument is the first. */
	if (argc - first > 1 || (argc - first == 0 && cfg->ntargets == 0))
		usage_error("expected one ADDR:PORT argument, got %d (see "
		    "--help)", argc - first);
	if (argc - first == 1)
		add_operand(cfg, argv[first]);
	endpoint_format((struct sockaddr *)&cfg->targets[0].ss,
	    cfg->target_str, sizeof(cfg->target_str));
	check_config(cfg);
	if (cfg->csv_path != NULL && cfg->summary_path != NULL &&
	    strcmp(cfg->csv_path, cfg->summary_path) == 0)
		usage_error("--summary-csv: expected a file other than --csv, "
		    "got '%s'", cfg->summary_path);
}

/* The run's options as summary columns, so rows of many runs line up:
 * the ones a table groups by, then the whole command line. */
static const char *const opt_names[] = {
	"schedule", "bind", "sources", "targets", "close", "options", "steps",
};
#define NOPTS	(int)(nitems(opt_names))
#define OPT_STRLEN	(ARRIVAL_SPEC_STRLEN + 4096)

static char	opt_buf[NOPTS][OPT_STRLEN];
static const char *opt_values[NOPTS];

/* Space-separated list of endpoints or addresses. */
static void
join_addrs(char *buf, size_t sz, const struct sockaddr_storage *ss,
    size_t stride, int n, const char *sep, int port)
{
	char	one[ENDPOINT_STRLEN];
	size_t	len = 0;
	int	i;

	buf[0] = '\0';
	for (i = 0; i < n && len < sz; i++) {
		const struct sockaddr	*sa = (const struct sockaddr *)
		    ((const char *)ss + (size_t)i * stride);

		endpoint_format(sa, one, sizeof(one));
		if (!port)	/* "10.0.0.2:0" -> "10.0.0.2" */
			*strrchr(one, ':') = '\0';
		len += (size_t)snprintf(buf + len, sz - len, "%s%s",
		    i > 0 ? sep : "", one);
	}
}

/* Append printf output to buf, which holds `len` bytes so far. */
static size_t PRINTF_LIKE(4, 5)
append(char *buf, size_t sz, size_t len, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (len >= sz)
		return len;
	va_start(ap, fmt);
	n = vsnprintf(buf + len, sz - len, fmt, ap);
	va_end(ap);
	return n < 0 ? len : len + (size_t)n;
}

/* Every option in force, as a command line (never the password). */
static void
options_line(const struct config *cfg, const char *schedule,
    const char *bind, char *buf, size_t sz)
{
	char	d[32], t[32], iv[32], addrs[4096], steps[STEPS_MAX * 80];
	size_t	n;

	format_duration(cfg->duration_us, d, sizeof(d));
	format_duration(cfg->timeout_us, t, sizeof(t));
	format_duration(cfg->interval_us, iv, sizeof(iv));
	steps_format(&cfg->steps, steps, sizeof(steps));
	n = append(buf, sz, 0, "--schedule %s --seed %llu --duration %s "
	    "--interval %s --timeout %s --steps %s --close %s --bind %s",
	    schedule, (unsigned long long)cfg->seed, d, iv, t, steps,
	    close_mode_name(cfg->close), bind);
	if (cfg->count != 0)
		n = append(buf, sz, n, " --count %llu",
		    (unsigned long long)cfg->count);
	if (cfg->max_in_flight != 0)
		n = append(buf, sz, n, " --max-in-flight %llu",
		    (unsigned long long)cfg->max_in_flight);
	if (cfg->max_failures != 0)
		n = append(buf, sz, n, " --max-failures %llu",
		    (unsigned long long)cfg->max_failures);
	if (cfg->stop_on_failure)
		n = append(buf, sz, n, " --stop-on-failure");
	/* Last of the schedule's: ephemera merge takes it out. */
	if (cfg->shard_n != 0)
		n = append(buf, sz, n, " --shard %u/%u", cfg->shard_i,
		    cfg->shard_n);
	if (cfg->tls)
		n = append(buf, sz, n, " --tls");
	if (cfg->tls_ca != NULL)
		n = append(buf, sz, n, " --tls-ca %s", cfg->tls_ca);
	if (cfg->tls_servername != NULL)
		n = append(buf, sz, n, " --tls-servername %s",
		    cfg->tls_servername);
	if (cfg->drain_below != 0) {
		format_duration(cfg->drain_timeout_us, t, sizeof(t));
		n = append(buf, sz, n, " --drain %llu --drain-timeout %s",
		    (unsigned long long)cfg->drain_below, t);
	}
	if (strcmp(cfg->user, "user") != 0)
		n = append(buf, sz, n, " --user %s", cfg->user);
	if (cfg->mailboxes != 0) {
		format_duration(cfg->cache_ttl_us, t, sizeof(t));
		mailbox_skew_format(&cfg->skew, addrs, sizeof(addrs));
		n = append(buf, sz, n, " --mailboxes %llu --cache-ttl %s "
		    "--mailbox-skew %s", (unsigned long long)cfg->mailboxes, t,
		    addrs);
	}
	if (cfg->bind.nsources > 0) {
		join_addrs(addrs, sizeof(addrs), cfg->bind.sources,
		    sizeof(cfg->bind.sources[0]), cfg->bind.nsources,
		    " --source ", 0);
		n = append(buf, sz, n, " --source %s", addrs);
	}
	join_addrs(addrs, sizeof(addrs), &cfg->targets[0].ss,
	    sizeof(cfg->targets[0]), cfg->ntargets, " --target ", 1);
	append(buf, sz, n, " %s", addrs);
}

void
options_columns(const struct config *cfg, const char *const **names,
    const char *const **values, int *n)
{
	int	i;

	arrival_format(&cfg->spec, opt_buf[0], sizeof(opt_buf[0]));
	bind_format(&cfg->bind, opt_buf[1], sizeof(opt_buf[1]));
	join_addrs(opt_buf[2], sizeof(opt_buf[2]), cfg->bind.sources,
	    sizeof(cfg->bind.sources[0]), cfg->bind.nsources, " ", 0);
	join_addrs(opt_buf[3], sizeof(opt_buf[3]), &cfg->targets[0].ss,
	    sizeof(cfg->targets[0]), cfg->ntargets, " ", 1);
	snprintf(opt_buf[4], sizeof(opt_buf[4]), "%s",
	    close_mode_name(cfg->close));
	options_line(cfg, opt_buf[0], opt_buf[1], opt_buf[5],
	    sizeof(opt_buf[5]));
	steps_format(&cfg->steps, opt_buf[6], sizeof(opt_buf[6]));
	for (i = 0; i < NOPTS; i++)
		opt_values[i] = opt_buf[i];
	*names = opt_names;
	*values = opt_values;
	*n = NOPTS;
}

/* The mean offered rate over the run: --rate itself when constant. */
double
options_offered_rate(const struct config *cfg)
{
	if (cfg->spec.shape == SHAPE_CONST)
		return cfg->spec.rate / (cfg->shard_n > 1 ? cfg->shard_n : 1);
	return arrival_expected(&cfg->spec, cfg->duration_us) /
	    ((double)cfg->duration_us / 1e6);
}
