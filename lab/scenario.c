/* scenario.c: load and check a scenario file with libinih; every refusal
 * names file:line and what was expected. */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "addr.h"
#include "arrivals.h"
#include "cdefs.h"
#include "cmdline.h"
#include "log.h"
#include "scenario.h"
#include "steps.h"
#include "units.h"
#include "words.h"

#define NKEYS	(nitems(keys))

struct parse_ctx {
	struct scenario	*sc;
	int		 key_line[64];	/* where each of keys[] was set, or 0 */
	FILE		*fp;
	int		 lineno;	/* line the reader last returned */
	int		 err_line;	/* first line a handler refused, or 0 */
	char		 err[256];
	const struct scenario_set *set;	/* values over the file's */
	int		 nset;
};

typedef const char *(*key_parser)(const char *, struct scenario *, size_t);

struct key {
	const char	*section;
	const char	*name;
	key_parser	 parse;
	size_t		 off;		/* field in struct scenario */
};

#define FIELD(f)	offsetof(struct scenario, f)
#define AT(sc, off, type)	((type *)(void *)((char *)(sc) + (off)))

/* Each enum's words, indexed by its values: what a scenario says and
 * what the tables print. */
static const char *const kind_names[] = {
	[SERVER_FAKE_IMAPD] = "fake-imapd",
	[SERVER_DOVECOT] = "dovecot",
	[SERVER_COMMAND] = "command",
};

static const char *const logout_close_names[] = {
	[LOGOUT_CLOSE_CLIENT] = "client",
	[LOGOUT_CLOSE_SERVER] = "server",
	[LOGOUT_CLOSE_NEVER] = "never",
};

static const char *const close_names[] = {
	[CLOSE_CLIENT] = "client",
	[CLOSE_SERVER] = "server",
	[CLOSE_RST] = "rst",
	[CLOSE_NO_LOGOUT] = "no-logout",
};

/* No word says "no expectation": it is what a missing key means. */
static const char *const outcome_names[] = {
	[OUTCOME_ANY] = NULL,
	[OUTCOME_FAILS] = "fails",
	[OUTCOME_HOLDS] = "holds",
};

static const char *const cause_names[] = {
	[CAUSE_NONE] = "-",
	[CAUSE_IN_FLIGHT] = "in_flight",
	[CAUSE_TIME_WAIT] = "TIME_WAIT",
	[CAUSE_FIN_WAIT2] = "FIN_WAIT_2",
};

static const char *
parse_description(const char *v, struct scenario *sc, size_t off)
{
	if (strlen(v) >= sizeof(sc->description))
		return "at most 255 characters";
	strcpy(AT(sc, off, char), v);
	return NULL;
}

static const char *
parse_range(const char *v, struct scenario *sc, size_t off UNUSED)
{
	return parse_port_range(v, &sc->port_lo, &sc->port_hi);
}

static const char *
parse_tw_reuse(const char *v, struct scenario *sc, size_t off UNUSED)
{
	static const char *const words[] = { "0", "1", "2" };

	if ((sc->tw_reuse = WORD_INDEX(words, v)) == -1)
		return "0 (off), 1 (on) or 2 (loopback only)";
	return NULL;
}

/* One or more ADDR:PORT, separated by spaces: the destinations. */
static const char *
parse_listen(const char *v, struct scenario *sc, size_t off UNUSED)
{
	static char	 why[128];
	struct endpoint	 ep;
	char		 copy[512], *tok, *save = NULL;
	const char	*bad;

	if (strlen(v) >= sizeof(copy))
		return "at most 8 ADDR:PORT separated by spaces";
	strcpy(copy, v);
	sc->nlisten = 0;
	for (tok = strtok_r(copy, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if ((bad = endpoint_parse(tok, 0, &ep)) != NULL) {
			snprintf(why, sizeof(why), "%s (in '%s')", bad, tok);
			return why;
		}
		if (sc->nlisten == SCENARIO_MAX_LISTEN || strlen(tok) >= 64)
			return "at most 8 ADDR:PORT separated by spaces";
		strcpy(sc->listen[sc->nlisten++], tok);
	}
	return sc->nlisten == 0 ? "ADDR:PORT such as 127.0.0.1:1143" : NULL;
}

static const char *
parse_mailboxes(const char *v, struct scenario *sc, size_t off UNUSED)
{
	return parse_count(v, 1000000, &sc->mailboxes);
}

static const char *
parse_skew(const char *v, struct scenario *sc, size_t off UNUSED)
{
	double	s;

	if (strcmp(v, "uniform") != 0 && strcmp(v, "round-robin") != 0 &&
	    (strncmp(v, "zipf:", 5) != 0 || parse_rate(v + 5, &s) != NULL ||
	    s > 10))
		return "uniform, round-robin or zipf:S with 0 < S <= 10";
	if (strlen(v) >= sizeof(sc->mailbox_skew))
		return "a shorter skew";
	strcpy(sc->mailbox_skew, v);
	return NULL;
}

/* Extra fake-imapd options, passed as they are, split at spaces. */
static const char *
parse_server_options(const char *v, struct scenario *sc, size_t off UNUSED)
{
	const char	*p;
	int		 words = 0;

	if (strlen(v) >= sizeof(sc->server_options))
		return "at most 511 characters of fake-imapd options";
	if (v[0] != '-')
		return "fake-imapd options such as --command-delay 5ms";
	for (p = v; *p != '\0'; p++)
		if ((p == v || p[-1] == ' ' || p[-1] == '\t') &&
		    *p != ' ' && *p != '\t')
			words++;
	if (words > SCENARIO_MAX_SERVER_WORDS)
		return "at most 16 words of fake-imapd options";
	strcpy(sc->server_options, v);
	return NULL;
}

static const char *
parse_kind(const char *v, struct scenario *sc, size_t off UNUSED)
{
	int	i;

	if ((i = WORD_INDEX(kind_names, v)) == -1)
		return "fake-imapd, dovecot or command";
	sc->kind = (enum server_kind)i;
	return NULL;
}

/* Checked now, split again with the run's values when it starts. */
static const char *
parse_command(const char *v, struct scenario *sc, size_t off UNUSED)
{
	char		 buf[SCENARIO_COMMAND_MAX * 2];
	char		*words[CMDLINE_MAX_WORDS + 1];
	const char	*why;

	if (strlen(v) >= sizeof(sc->command))
		return "a command line of at most 1023 characters";
	if (cmdline_split(v, NULL, buf, sizeof(buf), words, CMDLINE_MAX_WORDS,
	    &why) == -1)
		return why;
	strcpy(sc->command, v);
	return NULL;
}

/* The highest rate a schedule reaches: the table's "offered". */
static double
schedule_peak(const struct arrival_spec *sp)
{
	double	peak = 0;
	int	k;

	switch (sp->shape) {
	case SHAPE_RAMP:
		return sp->from > sp->to ? sp->from : sp->to;
	case SHAPE_STEPS:
		for (k = 0; k < sp->nsteps; k++)
			if (sp->step_rate[k] > peak)
				peak = sp->step_rate[k];
		return peak;
	default:
		return sp->rate;
	}
}

/* loadgen's --schedule, parsed by the same code loadgen uses. */
static const char *
parse_schedule(const char *v, struct scenario *sc, size_t off UNUSED)
{
	const char	*why;

	if ((why = arrival_parse(v, &sc->schedule)) != NULL)
		return why;
	sc->has_schedule = 1;
	sc->rate = schedule_peak(&sc->schedule);
	return NULL;
}

/* loadgen's --steps, checked by the same code loadgen uses. */
static const char *
parse_steps_key(const char *v, struct scenario *sc, size_t off UNUSED)
{
	struct step_list	 list;
	const char		*why;

	if ((why = steps_parse(v, &list)) != NULL)
		return why;
	steps_format(&list, sc->steps, sizeof(sc->steps));
	return NULL;
}

static const char *
parse_load_close(const char *v, struct scenario *sc, size_t off UNUSED)
{
	int	i;

	if ((i = WORD_INDEX(close_names, v)) == -1)
		return "client, server, rst or no-logout";
	sc->close = (enum close_mode)i;
	return NULL;
}

static const char *
parse_logout_close(const char *v, struct scenario *sc, size_t off UNUSED)
{
	int	i;

	if ((i = WORD_INDEX(logout_close_names, v)) == -1)
		return "client, server or never";
	sc->logout_close = (enum logout_close)i;
	return NULL;
}

static const char *
parse_rate_key(const char *v, struct scenario *sc, size_t off UNUSED)
{
	const char	*why;

	if ((why = parse_rate(v, &sc->rate)) != NULL)
		return why;
	/* A constant rate is the simplest schedule: one model for both. */
	if (!sc->has_schedule)
		arrival_const(&sc->schedule, sc->rate);
	return NULL;
}

static const char *
parse_duration_key(const char *v, struct scenario *sc, size_t off)
{
	return parse_duration_us(v, AT(sc, off, uint64_t));
}

static const char *
parse_outcome(const char *v, struct scenario *sc, size_t off UNUSED)
{
	int	i;

	if ((i = WORD_INDEX(outcome_names, v)) == -1)
		return "fails or holds";
	sc->expect = (enum outcome)i;
	return NULL;
}

static const char *
parse_ran_out(const char *v, struct scenario *sc, size_t off UNUSED)
{
	int	i = WORD_INDEX(cause_names, v);

	if (i <= CAUSE_NONE)
		return "in_flight, TIME_WAIT or FIN_WAIT_2";
	sc->expect_ran_out = i;
	return NULL;
}

static const char *
parse_errno_name(const char *v, struct scenario *sc, size_t off UNUSED)
{
	if (v[0] != 'E' || strlen(v) >= sizeof(sc->expect_errno) ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(v))
		return "an errno name such as EADDRNOTAVAIL";
	strcpy(sc->expect_errno, v);
	return NULL;
}

/* "failed==0, session_p99_ms<50": loadgen's --threshold expressions,
 * comma-separated (none has a comma of its own).  Their columns are
 * loadgen's to check: it refuses an unknown one before any traffic. */
static const char *
parse_thresholds(const char *v, struct scenario *sc, size_t off UNUSED)
{
	char		 list[SCENARIO_MAX_THRESHOLDS * THRESHOLD_STRLEN];
	char		*p, *expr;
	const char	*why;

	if (strlen(v) >= sizeof(list))
		return "at most 16 expressions";
	snprintf(list, sizeof(list), "%s", v);
	sc->nthresholds = 0;
	for (p = list; (expr = strsep(&p, ",")) != NULL; ) {
		if (sc->nthresholds == SCENARIO_MAX_THRESHOLDS)
			return "at most 16 expressions";
		if ((why = threshold_parse(expr,
		    &sc->thresholds[sc->nthresholds])) != NULL)
			return why;
		sc->nthresholds++;
	}
	return NULL;
}

/* Whole seconds, as the sysctl takes them: "30s", "1m". */
static const char *
parse_seconds(const char *v, struct scenario *sc, size_t off)
{
	uint64_t	us;

	if (parse_duration_us(v, &us) != NULL || us % 1000000 != 0 ||
	    us == 0 || us > 3600000000ULL)
		return "a whole number of seconds from 1s to 1h, such as 60s";
	*AT(sc, off, int64_t) = (int64_t)(us / 1000000);
	return NULL;
}

static const char *
parse_scale(const char *v, struct scenario *sc, size_t off UNUSED)
{
	const char	*why;

	if ((why = parse_rate(v, &sc->time_scale)) != NULL)
		return "a positive number of model seconds per lab second, "
		    "such as 1 or 10";
	return why;
}

static const char *
parse_scale_by(const char *v, struct scenario *sc, size_t off UNUSED)
{
	static const char *const words[] = { "time", "ports" };

	if ((sc->scale_ports = WORD_INDEX(words, v)) == -1)
		return "time (multiply rates) or ports (divide the range)";
	return NULL;
}

/* "predicted" (the model's number) or a value of the key's kind. */
static const char *
parse_expect_number(const char *v, struct expect_number *e, int is_time)
{
	uint64_t	 n;

	if (strcmp(v, "predicted") == 0) {
		e->kind = EXPECT_PREDICTED;
		return NULL;
	}
	if (is_time && parse_duration_us(v, &n) == NULL) {
		e->kind = EXPECT_VALUE;
		e->value = n / 1e6;
		return NULL;
	}
	if (!is_time && parse_count(v, 100000000, &n) == NULL) {
		e->kind = EXPECT_VALUE;
		e->value = (double)n;
		return NULL;
	}
	return is_time ? "predicted, or a duration such as 159s" :
	    "predicted, or a whole number such as 100";
}

static const char *
parse_first_failure(const char *v, struct scenario *sc, size_t off UNUSED)
{
	return parse_expect_number(v, &sc->expect_first_failure, 1);
}

static const char *
parse_time_wait_expect(const char *v, struct scenario *sc, size_t off UNUSED)
{
	return parse_expect_number(v, &sc->expect_time_wait, 0);
}

/* A relative tolerance: "5%" or "0%". */
static const char *
parse_tolerance(const char *v, struct scenario *sc, size_t off)
{
	const char	*expected = "a percentage such as 5%";
	char		 num[32];
	size_t		 len = strlen(v);
	double		 pct;

	if (len < 2 || len >= sizeof(num) || v[len - 1] != '%')
		return expected;
	memcpy(num, v, len - 1);
	num[len - 1] = '\0';
	if (strcmp(num, "0") == 0)
		pct = 0;
	else if (parse_rate(num, &pct) != NULL || pct > 100)
		return expected;
	AT(sc, off, struct expect_number)->tolerance = pct / 100;
	return NULL;
}

static const char *
parse_exact_count(const char *v, struct scenario *sc, size_t off)
{
	uint64_t	 n;
	const char	*why;

	if ((why = parse_count(v, 100000000, &n)) != NULL)
		return why;
	*AT(sc, off, int64_t) = (int64_t)n;
	return NULL;
}

/* A number of hosts or loadgens, from 1 to `max`. */
static const char *
parse_small(const char *v, unsigned max, unsigned *out)
{
	static char	why[64];
	uint64_t	n;

	snprintf(why, sizeof(why), "a whole number from 1 to %u", max);
	if (parse_count(v, max, &n) != NULL || n == 0)
		return why;
	*out = (unsigned)n;
	return NULL;
}

static const char *
parse_clients(const char *v, struct scenario *sc, size_t off UNUSED)
{
	return parse_small(v, SCENARIO_MAX_CLIENTS, &sc->clients);
}

static const char *
parse_shards(const char *v, struct scenario *sc, size_t off UNUSED)
{
	return parse_small(v, SCENARIO_MAX_SHARDS, &sc->shards);
}

static const char *
parse_nat_ports(const char *v, struct scenario *sc, size_t off UNUSED)
{
	return parse_port_range(v, &sc->nat_lo, &sc->nat_hi);
}

static const struct key keys[] = {
	{ "scenario", "description", parse_description, FIELD(description) },
	{ "system", "port_range", parse_range, 0 },
	{ "system", "time_wait", parse_duration_key, FIELD(time_wait_us) },
	{ "system", "tcp_tw_reuse", parse_tw_reuse, 0 },
	{ "system", "tcp_max_tw_buckets", parse_exact_count,
	    FIELD(max_tw_buckets) },
	{ "system", "tcp_fin_timeout", parse_seconds, FIELD(fin_timeout_s) },
	{ "server", "kind", parse_kind, 0 },
	{ "server", "listen", parse_listen, 0 },
	{ "server", "command", parse_command, 0 },
	{ "server", "options", parse_server_options, 0 },
	{ "server", "logout_close", parse_logout_close, 0 },
	{ "load", "rate", parse_rate_key, 0 },
	{ "load", "schedule", parse_schedule, 0 },
	{ "load", "steps", parse_steps_key, 0 },
	{ "load", "duration", parse_duration_key, FIELD(duration_us) },
	{ "load", "timeout", parse_duration_key, FIELD(timeout_us) },
	{ "load", "session_time", parse_duration_key, FIELD(session_time_us) },
	{ "load", "close", parse_load_close, 0 },
	{ "load", "mailboxes", parse_mailboxes, 0 },
	{ "load", "cache_ttl", parse_duration_key, FIELD(cache_ttl_us) },
	{ "load", "mailbox_skew", parse_skew, 0 },
	{ "topology", "clients", parse_clients, 0 },
	{ "topology", "shards", parse_shards, 0 },
	{ "topology", "nat_ports", parse_nat_ports, 0 },
	{ "topology", "nat_time_wait", parse_seconds, FIELD(nat_time_wait_s) },
	{ "lab", "time_scale", parse_scale, 0 },
	{ "lab", "scale_by", parse_scale_by, 0 },
	{ "expect", "outcome", parse_outcome, 0 },
	{ "expect", "first_failure_errno", parse_errno_name, 0 },
	{ "expect", "ran_out", parse_ran_out, 0 },
	{ "expect", "completed", parse_exact_count, FIELD(expect_completed) },
	{ "expect", "first_failure", parse_first_failure, 0 },
	{ "expect", "first_failure_tolerance", parse_tolerance,
	    FIELD(expect_first_failure) },
	{ "expect", "time_wait", parse_time_wait_expect, 0 },
	{ "expect", "time_wait_tolerance", parse_tolerance,
	    FIELD(expect_time_wait) },
	{ "expect", "thresholds", parse_thresholds, 0 },
};

_Static_assert(nitems(keys) <=
    sizeof(((struct parse_ctx *)0)->key_line) /
    sizeof(((struct parse_ctx *)0)->key_line[0]), "key_line too short");

static void
scenario_defaults(struct scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->port_lo = 32768;		/* Linux's defaults */
	sc->port_hi = 60999;
	sc->time_wait_us = LINUX_TIME_WAIT_US;
	sc->tw_reuse = -1;
	sc->max_tw_buckets = -1;
	sc->fin_timeout_s = -1;
	strcpy(sc->listen[0], "127.0.0.1:1143");
	sc->nlisten = 1;
	sc->logout_close = LOGOUT_CLOSE_CLIENT;
	sc->close = CLOSE_CLIENT;
	sc->duration_us = 10 * 1000000ULL;
	sc->timeout_us = 10 * 1000000ULL;
	sc->shards = 1;
	sc->nat_time_wait_s = 120;	/* nf_conntrack_tcp_timeout_time_wait */
	sc->time_scale = 1;
	sc->cache_ttl_us = UINT64_MAX;		/* unset */
	strcpy(sc->mailbox_skew, "uniform");
	sc->expect = OUTCOME_ANY;
	sc->expect_completed = -1;
	sc->expect_ran_out = -1;
	sc->expect_first_failure.tolerance = 0.05;
	sc->expect_time_wait.tolerance = 0.05;
}

static int PRINTF_LIKE(2, 3)
ctx_error(struct parse_ctx *ctx, const char *fmt, ...)
{
	va_list	ap;

	if (ctx->err_line == 0) {
		ctx->err_line = ctx->lineno;
		va_start(ap, fmt);
		vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
		va_end(ap);
	}
	return 0;
}

/* An unknown key, with the keys of its section a typo away. */
static int
unknown_key(struct parse_ctx *ctx, const char *section, const char *name)
{
	const char	*names[nitems(keys)];
	char		 near[128];
	size_t		 i, n = 0;

	for (i = 0; i < nitems(keys); i++)
		if (strcmp(keys[i].section, section) == 0)
			names[n++] = keys[i].name;
	word_nearest(name, names, n, near, sizeof(near));
	return ctx_error(ctx, "unknown key '%s' in [%s]%s%s%s", name, section,
	    near[0] ? " (did you mean " : "", near, near[0] ? "?)" : "");
}

static int	set_keys(struct parse_ctx *, char *, size_t);

static int
is_set(const struct parse_ctx *ctx, size_t k)
{
	int	j;

	for (j = 0; j < ctx->nset; j++)
		if (ctx->set[j].key == (int)k)
			return 1;
	return 0;
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx	*ctx = user;
	const char		*why;
	size_t			 i;
	int			 known_section = 0;

	for (i = 0; i < nitems(keys); i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		known_section = 1;
		if (strcmp(keys[i].name, name) != 0)
			continue;
		/* The last value would win without a word: two listen lines
		 * would silently be one destination. */
		if (ctx->key_line[i] != 0)
			return ctx_error(ctx, "'%s' in [%s] set again (first on "
			    "line %d): one value per key%s", name, section,
			    ctx->key_line[i], strcmp(name, "listen") == 0 ?
			    "; several destinations go on one line, separated "
			    "by spaces" : "");
		ctx->key_line[i] = ctx->lineno;
		/* A value set from outside wins: set_keys() parses it. */
		if (is_set(ctx, i))
			return 1;
		if ((why = keys[i].parse(value, ctx->sc, keys[i].off)) != NULL)
			return ctx_error(ctx, "%s: expected %s, got '%s'",
			    name, why, value);
		return 1;
	}
	if (!known_section)
		return ctx_error(ctx, "unknown section [%s] (expected "
		    "scenario, system, server, load, topology, lab or expect)",
		    section);
	return unknown_key(ctx, section, name);
}

/* libinih reads through us so that we know which line a handler saw. */
static char *
read_line(char *str, int num, void *stream)
{
	struct parse_ctx	*ctx = stream;
	char			*r = fgets(str, num, ctx->fp);

	if (r != NULL)
		ctx->lineno++;
	return r;
}

/* Whether a session ends with LOGOUT: loadgen's default steps do. */
static int
scenario_logs_out(const struct scenario *sc)
{
	struct step_list	list;

	if (sc->steps[0] == '\0')
		return 1;
	return steps_parse(sc->steps, &list) == NULL &&
	    steps_have(&list, STEP_LOGOUT);
}

/* loadgen's mailbox cache serves each request with the list's mailbox
 * steps on a logged-in connection. */
static int
steps_serve_requests(const struct scenario *sc)
{
	struct step_list	l;

	return steps_parse(sc->steps, &l) == NULL &&
	    (steps_have(&l, STEP_LOGIN) || steps_have(&l, STEP_AUTHENTICATE)) &&
	    (steps_have(&l, STEP_SELECT) || steps_have(&l, STEP_EXAMINE));
}

/* The line keys[] entry section/name was set on, or 0. */
static int
line_of(const struct parse_ctx *ctx, const char *section, const char *name)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return ctx->key_line[i];
	return 0;
}

static int
later(int a, int b)
{
	return a > b ? a : b;
}

/* [topology]'s combinations; NULL or why, with *line the key's. */
static const char *
topology_check(const struct parse_ctx *ctx, int *line)
{
	const struct scenario	*sc = ctx->sc;
	int			 nat = line_of(ctx, "topology", "nat_ports");
	int			 natw = line_of(ctx, "topology", "nat_time_wait");
	int			 shards = line_of(ctx, "topology", "shards");

	if ((nat || natw) && sc->clients == 0) {
		*line = nat ? nat : natw;
		return "[topology] a NAT gateway stands between client hosts "
		    "and the server host: it needs clients = N";
	}
	if (natw && !nat) {
		*line = natw;
		return "[topology] nat_time_wait is the NAT gateway's: it needs "
		    "nat_ports = LO-HI";
	}
	if ((shards || sc->clients > 0) && sc->mailboxes > 0) {
		*line = shards ? shards : line_of(ctx, "topology", "clients");
		return "[topology] with [load] mailboxes: each loadgen would "
		    "keep a mailbox cache of its own";
	}
	if (sc->clients > 0 && sc->kind != SERVER_FAKE_IMAPD) {
		*line = line_of(ctx, "topology", "clients");
		return "[topology] clients: the server host runs fake-imapd "
		    "only (kind = fake-imapd)";
	}
	return NULL;
}

/* Combinations of keys that cannot work, named by the line of the key
 * that makes them so. */
static const char *
scenario_check_keys(const struct parse_ctx *ctx, int *line)
{
	const struct scenario	*sc = ctx->sc;
	int			 rate = line_of(ctx, "load", "rate");
	int			 sched = line_of(ctx, "load", "schedule");
	int			 kind = line_of(ctx, "server", "kind");
	int			 cmd = line_of(ctx, "server", "command");
	int			 steps = line_of(ctx, "load", "steps");
	const char		*topo;

	if (rate && sched) {
		*line = later(rate, sched);
		return "[load] rate and schedule exclude each other: a "
		    "constant rate is schedule = const:RATE";
	}
	if (sched && sc->mailboxes > 0) {
		*line = sched;
		return "[load] schedule with mailboxes: the mailbox cache is "
		    "modelled at a constant rate only";
	}
	if (sc->kind == SERVER_COMMAND && !cmd) {
		*line = kind;
		return "[server] kind = command needs command = the server's "
		    "command line";
	}
	if (cmd && sc->kind != SERVER_COMMAND) {
		*line = cmd;
		return "[server] command needs kind = command";
	}
	if (sc->kind == SERVER_COMMAND && sc->server_options[0] != '\0') {
		*line = line_of(ctx, "server", "options");
		return "[server] options are fake-imapd's; with kind = command "
		    "the command line says everything";
	}
	if (sc->kind == SERVER_COMMAND && sc->nlisten != 1) {
		*line = line_of(ctx, "server", "listen");
		return "[server] kind = command takes one listen address, the "
		    "one {addr} and {port} stand for";
	}
	if ((topo = topology_check(ctx, line)) != NULL)
		return topo;
	if (steps && sc->mailboxes > 0 && !steps_serve_requests(sc)) {
		*line = steps;
		return "[load] steps with mailboxes: a request is the steps "
		    "after the login, so they need login (or authenticate) and "
		    "select (or examine)";
	}
	if (steps && sc->close == CLOSE_SERVER &&
	    !scenario_logs_out(sc)) {
		*line = steps;
		return "[load] close = server waits for the server's close after "
		    "LOGOUT: steps must end with logout";
	}
	return NULL;
}

/* Checks that need every key: combinations that cannot work.  Those
 * that need the model are model_check()'s. */
static const char *
scenario_check(const struct scenario *sc)
{
	struct endpoint	ep;
	unsigned	port;
	int		i, j;

	if (sc->rate == 0)
		return "[load] rate (or schedule) is required";
	if (sc->mailboxes > 0 && sc->cache_ttl_us == UINT64_MAX)
		return "[load] mailboxes needs cache_ttl (0: a connection per "
		    "request, as with the article's very low MailboxCacheTTL)";
	if (sc->mailboxes == 0 && sc->cache_ttl_us != UINT64_MAX)
		return "[load] cache_ttl needs mailboxes";
	for (i = 0; i < sc->nlisten; i++) {
		endpoint_parse(sc->listen[i], 0, &ep);
		port = endpoint_port(&ep);
		if (port >= sc->port_lo && port <= sc->port_hi)
			return "[server] listen port lies inside [system] "
			    "port_range; the client could not use it and would "
			    "collide with the server";
		for (j = 0; j < i; j++)
			if (strcmp(sc->listen[i], sc->listen[j]) == 0)
				return "[server] listen names the same ADDR:PORT "
				    "twice";
	}
	if (sc->logout_close == LOGOUT_CLOSE_NEVER && sc->close != CLOSE_CLIENT)
		return "[server] logout_close = never needs [load] close = "
		    "client: the client's FIN is what the server then ignores";
	if (sc->kind == SERVER_DOVECOT &&
	    sc->logout_close != LOGOUT_CLOSE_SERVER)
		return "[server] kind = dovecot closes first after LOGOUT, as "
		    "RFC 3501 says: set logout_close = server";
	if (sc->kind == SERVER_DOVECOT && sc->server_options[0] != '\0')
		return "[server] options are fake-imapd's; kind = dovecot takes "
		    "none";
	if (sc->kind == SERVER_DOVECOT && sc->nlisten != 1)
		return "[server] kind = dovecot takes one listen address";
	if (sc->close == CLOSE_SERVER &&
	    sc->logout_close != LOGOUT_CLOSE_SERVER)
		return "[load] close = server waits for the server's close, "
		    "which needs [server] logout_close = server: every session "
		    "would time out";
	if (sc->expect == OUTCOME_HOLDS && (sc->expect_errno[0] != '\0' ||
	    sc->expect_first_failure.kind != EXPECT_OFF))
		return "[expect] a first failure contradicts outcome = holds";
	return NULL;
}

/* The scenario keeps its path; -1 with the error if it is too long. */
static int
scenario_set_path(struct scenario *sc, const char *path, char *err,
    size_t errsz)
{
	if (strlen(path) >= sizeof(sc->path)) {
		snprintf(err, errsz, "%s: path too long", path);
		return -1;
	}
	strcpy(sc->path, path);
	return 0;
}

/* The scenario in `fp`, set[0..nset-1] over its values. */
static int
load_stream(FILE *fp, const char *path, const struct scenario_set *set,
    int nset, struct scenario *sc, char *err, size_t errsz)
{
	struct parse_ctx	 ctx;
	char			 base[512], *dot;
	const char		*why;
	int			 line;

	scenario_defaults(sc);
	memset(&ctx, 0, sizeof(ctx));
	ctx.sc = sc;
	ctx.set = set;
	ctx.nset = nset;
	if (scenario_set_path(sc, path, err, errsz) == -1)
		return -1;
	ctx.fp = fp;
	line = ini_parse_stream(read_line, &ctx, on_key, &ctx);
	if (line > 0 && line != ctx.err_line) {
		snprintf(err, errsz, "%s:%d: expected '[section]' or "
		    "'key = value'", path, line);
		return -1;
	}
	if (line != 0) {
		snprintf(err, errsz, "%s:%d: %s", path, line, ctx.err);
		return -1;
	}
	if (set_keys(&ctx, err, errsz) == -1)
		return -1;
	if ((why = scenario_check_keys(&ctx, &line)) != NULL) {
		snprintf(err, errsz, "%s:%d: %s", path, line, why);
		return -1;
	}
	if ((why = scenario_check(sc)) != NULL) {
		snprintf(err, errsz, "%s: %s", path, why);
		return -1;
	}
	snprintf(base, sizeof(base), "%s", path);
	snprintf(sc->name, sizeof(sc->name), "%s", basename(base));
	if ((dot = strrchr(sc->name, '.')) != NULL && strcmp(dot, ".ini") == 0)
		*dot = '\0';
	return 0;
}

int
scenario_load_stream(FILE *fp, const char *path, struct scenario *sc,
    char *err, size_t errsz)
{
	return load_stream(fp, path, NULL, 0, sc, err, errsz);
}

int
scenario_load_set(const char *path, const struct scenario_set *set, int nset,
    struct scenario *sc, char *err, size_t errsz)
{
	FILE	*fp;
	int	 rc;

	if ((fp = fopen(path, "r")) == NULL) {
		scenario_defaults(sc);
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = load_stream(fp, path, set, nset, sc, err, errsz);
	fclose(fp);
	return rc;
}

int
scenario_load(const char *path, struct scenario *sc, char *err, size_t errsz)
{
	return scenario_load_set(path, NULL, 0, sc, err, errsz);
}

/* The values set from outside, parsed after the file's: a key the file
 * lacks counts as set on the line after its last. */
static int
set_keys(struct parse_ctx *ctx, char *err, size_t errsz)
{
	const struct scenario_set	*st;
	const char			*why;
	char				 name[64];
	int				 j;

	for (j = 0; j < ctx->nset; j++) {
		st = &ctx->set[j];
		if (st->key < 0 || (size_t)st->key >= NKEYS)
			abort();	/* scenario_key_find() made it */
		if ((why = keys[st->key].parse(st->value, ctx->sc,
		    keys[st->key].off)) != NULL) {
			snprintf(err, errsz, "--vary %s=%s: expected %s",
			    scenario_key_name(st->key, name, sizeof(name)),
			    st->value, why);
			return -1;
		}
		if (ctx->key_line[st->key] == 0)
			ctx->key_line[st->key] = ctx->lineno + 1;
	}
	return 0;
}

int
scenario_key_find(const char *key, char *err, size_t errsz)
{
	const char	*names[NKEYS * 2], *dot = strchr(key, '.');
	char		 full[NKEYS][64], near[256];
	size_t		 i, j, len, n = 0;
	int		 found = -1;

	for (i = 0; i < NKEYS; i++) {
		scenario_key_name((int)i, full[i], sizeof(full[i]));
		names[n++] = full[i];
		/* A bare name once: [system] and [expect] share time_wait. */
		for (j = 0; j < i && strcmp(keys[j].name, keys[i].name); j++)
			;
		if (j == i)
			names[n++] = keys[i].name;
		len = dot != NULL ? (size_t)(dot - key) : 0;
		if (dot != NULL ? strlen(keys[i].section) == len &&
		    strncmp(key, keys[i].section, len) == 0 &&
		    strcmp(dot + 1, keys[i].name) == 0 :
		    strcmp(key, keys[i].name) == 0 &&
		    strcmp(keys[i].section, "expect") != 0)
			found = (int)i;
	}
	if (found >= 0)
		return found;
	word_nearest(key, names, n, near, sizeof(near));
	snprintf(err, errsz, "unknown scenario key '%s'%s%s%s", key,
	    near[0] ? " (nearest: " : "", near, near[0] ? ")" : "");
	return -1;
}

const char *
scenario_key_name(int k, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%s.%s", keys[k].section, keys[k].name);
	return buf;
}

const char *
scenario_key_check(int k, const char *value)
{
	struct scenario	sc;

	scenario_defaults(&sc);
	return keys[k].parse(value, &sc, keys[k].off);
}

void
scenario_expect_none(struct scenario *sc)
{
	struct scenario	d;

	scenario_defaults(&d);
	sc->expect = d.expect;
	sc->expect_errno[0] = '\0';
	sc->expect_ran_out = d.expect_ran_out;
	sc->expect_completed = d.expect_completed;
	sc->expect_first_failure = d.expect_first_failure;
	sc->expect_time_wait = d.expect_time_wait;
	sc->nthresholds = 0;
}

unsigned
scenario_ports(const struct scenario *sc)
{
	return sc->port_hi - sc->port_lo + 1;
}

int
scenario_has_hosts(const struct scenario *sc)
{
	return sc->clients > 0;
}

unsigned
scenario_loadgens(const struct scenario *sc)
{
	return (sc->clients > 0 ? sc->clients : 1) * sc->shards;
}

unsigned
scenario_pools(const struct scenario *sc)
{
	return (unsigned)sc->nlisten * (sc->clients > 0 ? sc->clients : 1);
}

enum tw_holder
scenario_tw_holder(const struct scenario *sc)
{
	if (sc->close == CLOSE_RST)
		return TW_NOBODY;
	if (sc->logout_close == LOGOUT_CLOSE_NEVER && sc->close == CLOSE_CLIENT)
		return TW_FIN_WAIT2;
	/* Without LOGOUT the server waits for a command: the client's FIN
	 * is always first. */
	if (sc->close == CLOSE_NO_LOGOUT || !scenario_logs_out(sc))
		return TW_CLIENT;
	if (sc->close == CLOSE_SERVER)
		return TW_SERVER;
	/* A client that closes as soon as it has read the tagged OK races a
	 * server that closes as soon as it has sent it. */
	return sc->logout_close == LOGOUT_CLOSE_CLIENT ? TW_CLIENT : TW_RACE;
}

int
scenario_client_closes(const struct scenario *sc)
{
	return scenario_tw_holder(sc) == TW_CLIENT;
}

const char *
server_kind_name(enum server_kind k)
{
	return kind_names[k];
}

const char *
logout_close_name(enum logout_close lc)
{
	return logout_close_names[lc];
}

const char *
close_mode_name(enum close_mode m)
{
	return close_names[m];
}

const char *
cause_name(enum cause c)
{
	return cause_names[c];
}

const char *
outcome_name(enum outcome o)
{
	return outcome_names[o] != NULL ? outcome_names[o] : "-";
}
