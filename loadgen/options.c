/* options.c: loadgen's options: getopt_long table, defaults, parsing,
 * checks across options, and the options as summary columns. */
#include <sys/socket.h>

#include <getopt.h>
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
#include "config.h"
#include "log.h"
#include "mailbox.h"
#include "options.h"
#include "session.h"
#include "steps.h"
#include "units.h"

/* Longest --user or --password; keeps the LOGIN line well under the
 * line limits of real servers (Dovecot: 64k, others 8k). */
#define CRED_MAX	1024

enum {
	OPT_RATE = 256,
	OPT_DURATION,
	OPT_COUNT,
	OPT_INTERVAL,
	OPT_TIMEOUT,
	OPT_USER,
	OPT_PASSWORD,
	OPT_CSV,
	OPT_SUMMARY_CSV,
	OPT_CLOSE,
	OPT_SCHEDULE,
	OPT_DRAIN,
	OPT_DRAIN_TIMEOUT,
	OPT_LATENCY_CSV,
	OPT_SEED,
	OPT_STOP_ON_FAILURE,
	OPT_MAX_FAILURES,
	OPT_MAX_IN_FLIGHT,
	OPT_BIND,
	OPT_SOURCE,
	OPT_TARGET,
	OPT_MAILBOXES,
	OPT_CACHE_TTL,
	OPT_MAILBOX_SKEW,
	OPT_STEPS,
	OPT_TLS,
	OPT_TLS_CA,
	OPT_TLS_SERVERNAME,
	OPT_DEBUG,
	OPT_LIST_COLUMNS,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "rate",		required_argument, NULL, OPT_RATE },
	{ "duration",		required_argument, NULL, OPT_DURATION },
	{ "count",		required_argument, NULL, OPT_COUNT },
	{ "interval",		required_argument, NULL, OPT_INTERVAL },
	{ "timeout",		required_argument, NULL, OPT_TIMEOUT },
	{ "user",		required_argument, NULL, OPT_USER },
	{ "password",		required_argument, NULL, OPT_PASSWORD },
	{ "csv",		required_argument, NULL, OPT_CSV },
	{ "summary-csv",	required_argument, NULL, OPT_SUMMARY_CSV },
	{ "close",		required_argument, NULL, OPT_CLOSE },
	{ "schedule",		required_argument, NULL, OPT_SCHEDULE },
	{ "drain",		required_argument, NULL, OPT_DRAIN },
	{ "drain-timeout",	required_argument, NULL, OPT_DRAIN_TIMEOUT },
	{ "latency-csv",	required_argument, NULL, OPT_LATENCY_CSV },
	{ "seed",		required_argument, NULL, OPT_SEED },
	{ "stop-on-failure",	no_argument, NULL, OPT_STOP_ON_FAILURE },
	{ "max-failures",	required_argument, NULL, OPT_MAX_FAILURES },
	{ "max-in-flight",	required_argument, NULL, OPT_MAX_IN_FLIGHT },
	{ "bind",		required_argument, NULL, OPT_BIND },
	{ "source",		required_argument, NULL, OPT_SOURCE },
	{ "target",		required_argument, NULL, OPT_TARGET },
	{ "mailboxes",		required_argument, NULL, OPT_MAILBOXES },
	{ "cache-ttl",		required_argument, NULL, OPT_CACHE_TTL },
	{ "mailbox-skew",	required_argument, NULL, OPT_MAILBOX_SKEW },
	{ "steps",		required_argument, NULL, OPT_STEPS },
	{ "tls",		no_argument, NULL, OPT_TLS },
	{ "tls-ca",		required_argument, NULL, OPT_TLS_CA },
	{ "tls-servername",	required_argument, NULL, OPT_TLS_SERVERNAME },
	{ "debug",		no_argument, NULL, OPT_DEBUG },
	{ "list-columns",	no_argument, NULL, OPT_LIST_COLUMNS },
	{ "help",		no_argument, NULL, OPT_HELP },
	{ "version",		no_argument, NULL, OPT_VERSION },
	{ NULL,			0, NULL, 0 },
};

static __attribute__((noreturn)) void
usage(void)
{
	printf("usage: loadgen [options] ADDR:PORT\n"
	    "ADDR is numeric (127.0.0.1, [::1]): no DNS, so a run targets\n"
	    "exactly the address it was given.\n"
	    "Open-loop IMAP connection churn: connect, greeting, the --steps\n"
	    "(LOGIN, SELECT INBOX, LOGOUT by default), read the whole reply,\n"
	    "then close first (so TIME_WAIT is ours).\n"
	    "\n"
	    "  --rate N            new connections per second (100)\n"
	    "  --schedule SPEC     instead of --rate: const:200, poisson:200,\n"
	    "                      ramp:50-2000/60s, steps:100/10s,200/10s;\n"
	    "                      poisson: before any shape for random gaps\n"
	    "  --seed N            seed of poisson schedules (1)\n"
	    "  --max-in-flight N   arrivals beyond N sessions in flight are\n"
	    "                      skipped (counted), never delayed\n"
	    "  --stop-on-failure   stop arrivals at the first failure (exit 3)\n"
	    "  --max-failures N    stop arrivals after N failures (exit 3)\n"
	    "  --bind MODE         source side: none (default), addr,\n"
	    "                      addr-no-port, range:LO-HI, explicit:LO-HI\n"
	    "                      or explicit:LO-HI,reuseaddr\n"
	    "  --source ADDR       source address (repeatable, round-robin)\n"
	    "  --target ADDR:PORT  another destination (repeatable,\n"
	    "                      round-robin with the argument)\n"
	    "  --drain N           first wait until the namespace has fewer\n"
	    "                      than N TIME_WAIT sockets\n"
	    "  --drain-timeout D   give up (exit 1) after D (120s)\n"
	    "  --duration D        arrivals during D (10s)\n"
	    "  --count N           stop arrivals after N connections\n"
	    "  --interval D        per-interval CSV row period (1s)\n"
	    "  --timeout D         limit on each step: connect, greeting,\n"
	    "                      each reply (10s)\n"
	    "  --steps LIST        the session between greeting and close,\n"
	    "                      in order, comma-separated: login,\n"
	    "                      authenticate (PLAIN), select[=MAILBOX],\n"
	    "                      examine[=MAILBOX], fetch=N (messages 1:N,\n"
	    "                      bodies), noop, idle=DURATION, logout\n"
	    "                      (" STEPS_DEFAULT "); starttls first\n"
	    "                      upgrades the connection (RFC 3501 6.2.1)\n"
	    "  --tls               TLS right after connect (port 993 style)\n"
	    "  --tls-ca FILE       verify the server's chain against these PEM\n"
	    "                      CAs, and its name. WITHOUT --tls-ca THE\n"
	    "                      SERVER IS NOT VERIFIED AT ALL (any\n"
	    "                      certificate is accepted), as load\n"
	    "                      generators usually do\n"
	    "  --tls-servername N  SNI, and the name the certificate must\n"
	    "                      carry with --tls-ca; default: no SNI, and\n"
	    "                      the target's IP address must be one of\n"
	    "                      the certificate's IP SANs\n"
	    "  --user U            LOGIN and AUTHENTICATE user (user)\n"
	    "  --password P        their password (password)\n"
	    "  --csv FILE          per-interval CSV\n"
	    "  --summary-csv FILE  whole-run CSV, one row\n"
	    "  --latency-csv FILE  whole-run latency percentiles, a row each\n"
	    "  --close client|server  after LOGOUT: client sends the first FIN\n"
	    "                      (TIME_WAIT on the client; default), or\n"
	    "                      wait for the server's FIN\n"
	    "  --close rst         after LOGOUT, SO_LINGER {1,0}: RST, no\n"
	    "                      TIME_WAIT anywhere\n"
	    "  --close no-logout   as client, without the list's logout step\n"
	    "                      (close first right after the last reply)\n"
	    "  --mailboxes N       KB 319502's mailbox cache: each arrival is\n"
	    "                      a request (the list's steps after login:\n"
	    "                      SELECT INBOX by default) for one of N\n"
	    "                      mailboxes, on its cached connection if idle\n"
	    "                      and younger than --cache-ttl, else on a\n"
	    "                      new one that is then cached\n"
	    "  --cache-ttl D       MailboxCacheTTL: a connection is closed\n"
	    "                      (LOGOUT, --close) at age D; 0: one\n"
	    "                      connection per request\n"
	    "  --mailbox-skew K    uniform (default), zipf:S (0 < S <= 10) or\n"
	    "                      round-robin (request i: mailbox i mod N)\n"
	    "  --debug             log every session state change\n"
	    "  --list-columns      print each CSV file's columns and units\n"
	    "  --help, --version\n"
	    "\n"
	    "SIGINT/SIGTERM: stop arrivals, give sessions in flight 2s, write\n"
	    "the summary, exit 0; a second signal exits 1 at once.\n"
	    "Exit status: 0 the run ran (failures are measurements), 3 the\n"
	    "same but --stop-on-failure or --max-failures stopped it, 1 it\n"
	    "could not run (--drain-timeout, a system error), 2 bad input.\n"
	    "Columns: loadgen/CSV.md.\n");
	exit(0);
}

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

/* Name of a long option by its value, for error messages. */
static const char *
option_name(int val)
{
	const struct option	*o;

	for (o = longopts; o->name != NULL; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

static void
check(int val, const char *arg, const char *expected)
{
	if (expected != NULL)
		usage_error("--%s: expected %s, got '%s'", option_name(val),
		    expected, arg);
}

/* A duration that must be at least 1ms: zero would spin the timers. */
static uint64_t
opt_duration(int val, const char *arg)
{
	uint64_t	us = 0;

	check(val, arg, parse_duration_us(arg, &us));
	if (us < 1000)
		check(val, arg,
		    "a duration of at least 1ms, such as 500ms or 2s");
	return us;
}

/* RFC 3501 9: a quoted string holds 7-bit TEXT-CHARs, no CR or LF. */
static const char *
opt_credential(int val, const char *arg)
{
	const unsigned char	*p;

	/* Name the option, never echo the value: it may be a password. */
	for (p = (const unsigned char *)arg; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n' || *p >= 0x80)
			usage_error("--%s: expected text without CR, LF or "
			    "8-bit bytes", option_name(val));
	if (p - (const unsigned char *)arg > CRED_MAX)
		usage_error("--%s: expected at most %d bytes", option_name(val),
		    CRED_MAX);
	return arg;
}

/* A DNS name for SNI (RFC 6066 3): letters, digits, '-' and '.'. */
static const char *
servername_check(const char *s)
{
	const char	*p;

	if (*s == '\0' || strlen(s) > 253)
		return "a host name of 1 to 253 characters";
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return "a host name (letters, digits, '-' and '.')";
	return NULL;
}

/* A count of at least 1, such as 500 or 2k. */
static uint64_t
opt_positive(int val, const char *arg)
{
	uint64_t	n = 0;

	check(val, arg, parse_count(arg, UINT32_MAX, &n));
	if (n == 0)
		check(val, arg, "a whole number of at least 1");
	return n;
}

static void
add_target(struct config *cfg, const char *what, const char *arg)
{
	const char	*expected;

	if (cfg->ntargets == TARGETS_MAX)
		usage_error("%s: expected at most %d destinations", what,
		    TARGETS_MAX);
	if ((expected = endpoint_parse(arg, 0,
	    &cfg->targets[cfg->ntargets])) != NULL)
		usage_error("%s: expected %s, got '%s'", what, expected, arg);
	cfg->ntargets++;
}

static void	parse_option2(struct config *, int, char **);

static void
bad_option(int c, char **argv)
{
	if (c == ':')
		usage_error("--%s: expected an argument", option_name(optopt));
	if (optopt >= OPT_RATE)
		usage_error("--%s: takes no argument", option_name(optopt));
	if (optopt != 0)
		usage_error("unknown option '-%c' (see --help)", optopt);
	usage_error("unknown or ambiguous option '%s' (see --help)",
	    argv[optind - 1]);
}

static void
parse_option(struct config *cfg, int c, char **argv)
{
	int	mode;

	switch (c) {
	case OPT_DURATION:
		cfg->duration_us = opt_duration(c, optarg);
		break;
	case OPT_COUNT:
		cfg->count = opt_positive(c, optarg);
		break;
	case OPT_RATE:
		check(c, optarg, parse_rate(optarg, &cfg->rate));
		cfg->rate_set = 1;
		break;
	case OPT_INTERVAL:
		cfg->interval_us = opt_duration(c, optarg);
		break;
	case OPT_TIMEOUT:
		cfg->timeout_us = opt_duration(c, optarg);
		break;
	case OPT_USER:
		cfg->user = opt_credential(c, optarg);
		break;
	case OPT_PASSWORD:
		cfg->password = opt_credential(c, optarg);
		break;
	case OPT_CSV:
		cfg->csv_path = optarg;
		break;
	case OPT_SUMMARY_CSV:
		cfg->summary_path = optarg;
		break;
	case OPT_CLOSE:
		if ((mode = close_mode_parse(optarg)) == -1)
			check(c, optarg, "client or server, rst or no-logout");
		cfg->close = (enum close_mode)mode;
		break;
	case OPT_DEBUG:
		cfg->debug = 1;
		break;
	default:
		parse_option2(cfg, c, argv);
	}
}

/* Options added after the first cut: schedules, stops, the source side. */
static void
parse_option2(struct config *cfg, int c, char **argv)
{
	switch (c) {
	case OPT_SCHEDULE:
		check(c, optarg, arrival_parse(optarg, &cfg->spec));
		cfg->schedule_set = 1;
		break;
	case OPT_DRAIN:
		cfg->drain_below = opt_positive(c, optarg);
		break;
	case OPT_DRAIN_TIMEOUT:
		cfg->drain_timeout_us = opt_duration(c, optarg);
		break;
	case OPT_LATENCY_CSV:
		cfg->latency_path = optarg;
		break;
	case OPT_SEED:
		check(c, optarg, parse_count(optarg, UINT64_MAX, &cfg->seed));
		break;
	case OPT_STOP_ON_FAILURE:
		cfg->stop_on_failure = 1;
		break;
	case OPT_MAX_FAILURES:
		cfg->max_failures = opt_positive(c, optarg);
		break;
	case OPT_MAX_IN_FLIGHT:
		cfg->max_in_flight = opt_positive(c, optarg);
		break;
	case OPT_BIND:
		check(c, optarg, bind_parse_mode(optarg, &cfg->bind));
		break;
	case OPT_SOURCE:
		check(c, optarg, bind_add_source(optarg, &cfg->bind));
		break;
	case OPT_TARGET:
		add_target(cfg, "--target", optarg);
		break;
	case OPT_MAILBOXES:
		check(c, optarg, parse_count(optarg, MAILBOXES_MAX,
		    &cfg->mailboxes));
		cfg->mailboxes_set = 1;
		break;
	case OPT_CACHE_TTL:
		check(c, optarg, parse_duration_us(optarg, &cfg->cache_ttl_us));
		cfg->cache_ttl_set = 1;
		break;
	case OPT_MAILBOX_SKEW:
		check(c, optarg, mailbox_skew_parse(optarg, &cfg->skew));
		cfg->skew_set = 1;
		break;
	case OPT_STEPS:
		check(c, optarg, steps_parse(optarg, &cfg->steps));
		break;
	case OPT_TLS:
		cfg->tls = 1;
		break;
	case OPT_TLS_CA:
		cfg->tls_ca = optarg;
		break;
	case OPT_TLS_SERVERNAME:
		check(c, optarg, servername_check(optarg));
		cfg->tls_servername = optarg;
		break;
	case OPT_LIST_COLUMNS:
		columns_list(cfg);
	case OPT_HELP:
		usage();
	case OPT_VERSION:
		printf("loadgen %s\n", EPHEMERA_VERSION);
		exit(0);
	default:
		bad_option(c, argv);
	}
}

/* The mailbox cache's options go together. */
static void
check_cache(const struct config *cfg)
{
	if (cfg->mailboxes == 0) {
		if (cfg->cache_ttl_set)
			usage_error("--cache-ttl: expected --mailboxes N "
			    "(N >= 1) too");
		if (cfg->skew_set)
			usage_error("--mailbox-skew: expected --mailboxes N "
			    "(N >= 1) too");
		return;
	}
	if (!cfg->cache_ttl_set)
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

	if (cfg->ntargets > TARGETS_MAX)
		usage_error("--target: expected at most %d destinations",
		    TARGETS_MAX);
	if (cfg->latency_path != NULL &&
	    ((cfg->csv_path != NULL &&
	    strcmp(cfg->latency_path, cfg->csv_path) == 0) ||
	    (cfg->summary_path != NULL &&
	    strcmp(cfg->latency_path, cfg->summary_path) == 0)))
		usage_error("--latency-csv: expected a file other than --csv "
		    "and --summary-csv, got '%s'", cfg->latency_path);
	if (cfg->rate_set && cfg->schedule_set)
		usage_error("--schedule: expected either --rate or --schedule, "
		    "not both");
	if (!cfg->schedule_set)
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
}

void
options_parse(struct config *cfg, int argc, char **argv)
{
	const char	*expected;
	int		 c;

	config_defaults(cfg);
	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1)
		parse_option(cfg, c, argv);
	/* More destinations come with --target; the argument is the first. */
	if (argc - optind > 1 || (argc - optind == 0 && cfg->ntargets == 0))
		usage_error("expected one ADDR:PORT argument, got %d (see "
		    "--help)", argc - optind);
	if (argc - optind == 1) {
		memmove(&cfg->targets[1], &cfg->targets[0],
		    sizeof(cfg->targets[0]) * (size_t)cfg->ntargets);
		cfg->ntargets++;
		if ((expected = endpoint_parse(argv[optind], 0,
		    &cfg->targets[0])) != NULL)
			usage_error("ADDR:PORT: expected %s, got '%s'",
			    expected, argv[optind]);
	}
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
		return cfg->spec.rate;
	return arrival_expected(&cfg->spec, cfg->duration_us) /
	    ((double)cfg->duration_us / 1e6);
}
