/* columns.c: loadgen's CSV files as three tables, one per file, of
 * columns: name, unit and how the field is written.  A file's header and
 * each of its rows are written from its table, so they cannot drift
 * apart, and --list-columns prints the tables for CSV.md's test. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdefs.h"
#include "columns.h"
#include "csv.h"
#include "errors.h"
#include "figures.h"
#include "log.h"
#include "netstat.h"
#include "options.h"
#include "stage.h"

/* What a field is written from: the figures of an interval or of the
 * run, and in the latency file, which latency the row is about. */
struct row {
	const struct figures	*f;
	enum latency		 m;
};

typedef void	put_fn(struct csv_writer *, const struct row *, int arg);

/* Families of columns, a column per member of an enum or list. */
enum family {
	SINGLE,		/* one column; `from` is its put's argument */
	REASONS,	/* enum reason: the failures of a class */
	STAGES,		/* enum stage: the failures at a stage */
	LATENCIES,	/* latency m's figure k is member m * NFIGS + k */
	LATENCIES_LEFT,	/* the same, less those the file has already */
	FIGURES,	/* enum figure, in the latency file */
	SIDES,		/* side_names[] */
	TCPEXT,		/* enum tcpext */
	SYSCTLS,	/* enum sysctl */
	OPTIONS,	/* the run's options (options_columns()) */
};

/*
 * One entry of a file's table: a column, or a family's members [from, to]
 * (to -1: all of them), each a column named `name` with the member's name
 * for its '*'.
 */
struct spec {
	const char	*name;
	const char	*unit;
	put_fn		*put;
	enum family	 family;
	int		 from, to;
};

#define COLUMN(name, unit, put, arg)	{ name, unit, put, SINGLE, arg, arg }
#define COUNT(name, unit, c)		COLUMN(name, unit, put_count, c)
#define CACHE_COUNT(name, unit, c)	COLUMN(name, unit, put_cache_count, c)
#define GAUGE(name, unit, field) \
	COLUMN(name, unit, put_u64, offsetof(struct figures, field))
#define EACH(name, unit, put, family)	{ name, unit, put, family, 0, -1 }
#define REASON_COLUMNS(from, to) \
	{ "*", "sessions", put_count, REASONS, from, to }
#define STAGE_COLUMNS(from, to) \
	{ "failed_*", "sessions", put_count, STAGES, from, to }
/* Every figure of latencies [m1, m2], and one figure of one. */
#define LATENCY_COLUMNS(m1, m2) \
	{ "*_ms", "ms", put_latency, LATENCIES, (m1) * NFIGS, \
	    (m2) * NFIGS + FIG_MAX }
#define FIGURE_COLUMN(m, k) \
	{ "*_ms", "ms", put_latency, LATENCIES, (m) * NFIGS + (k), \
	    (m) * NFIGS + (k) }
/* The figures of latencies [m1, m2] the file has no column for yet. */
#define LATENCY_COLUMNS_LEFT(m1, m2) \
	{ "*_ms", "ms", put_latency, LATENCIES_LEFT, (m1) * NFIGS, \
	    (m2) * NFIGS + FIG_MAX }

/* A file's columns, laid out from its table at the start. */
struct column {
	char		 name[48];
	const char	*unit;
	put_fn		*put;
	int		 arg;
};

/* Ample: lab/report.c reads at most 256 fields of a summary. */
#define COLUMNS_MAX	192

static struct table {
	struct column	c[COLUMNS_MAX];
	int		n;
} tables[CSV_FILES];

static const char *const file_names[CSV_FILES] = {
	[CSV_INTERVAL] = "interval",
	[CSV_SUMMARY] = "summary",
	[CSV_LATENCY] = "latency",
};

static const char *const latency_names[LAT_MAX] = {
	[LAT_CONNECT] = "connect",
	[LAT_GREETING] = "greeting",
	[LAT_LOGIN] = "login",
	[LAT_SESSION] = "session",
	[LAT_SESSION_ACTUAL] = "session_actual",
	[LAT_LAG] = "lag",
	[LAT_REQUEST] = "request",
	[LAT_TLS] = "tls",
};

static const char *const figure_names[NFIGS] = {
	[FIG_P50] = "p50",
	[FIG_P90] = "p90",
	[FIG_P99] = "p99",
	[FIG_P999] = "p999",
	[FIG_MAX] = "max",
};

static const char *const side_names[] = {
	"time_wait_client", "time_wait_server", "fin_wait2_client",
	"fin_wait2_server",
};

/* Named after the sysctl, with its unit where it has one. */
static const char *const sysctl_names[SYSCTL_MAX] = {
	[SYSCTL_PORT_RANGE] = "ip_local_port_range",
	[SYSCTL_TW_REUSE] = "tcp_tw_reuse",
	[SYSCTL_TW_REUSE_DELAY] = "tcp_tw_reuse_delay_ms",
	[SYSCTL_MAX_TW_BUCKETS] = "tcp_max_tw_buckets",
	[SYSCTL_FIN_TIMEOUT] = "tcp_fin_timeout_s",
	[SYSCTL_TIMESTAMPS] = "tcp_timestamps",
};

static const char *const	*opt_names;
static int			 nopts;

/* Milliseconds with microsecond resolution. */
static void
csv_ms(struct csv_writer *w, uint64_t us)
{
	csv_double(w, (double)us / 1e3, 3);
}

/* Seconds with millisecond resolution. */
static void
csv_s(struct csv_writer *w, uint64_t us)
{
	csv_double(w, (double)us / 1e6, 3);
}

/* Figure k of a latency; empty when none was recorded. */
static void
csv_figure(struct csv_writer *w, const struct latency_figures *l, int k)
{
	if (l->n == 0)
		csv_empty(w);
	else
		csv_ms(w, l->v[k]);
}

static void
put_count(struct csv_writer *w, const struct row *r, int c)
{
	csv_u64(w, r->f->count[c]);
}

/* The --mailboxes columns are empty without it. */
static void
put_cache_count(struct csv_writer *w, const struct row *r, int c)
{
	if (r->f->cache)
		csv_u64(w, r->f->count[c]);
	else
		csv_empty(w);
}

static void
put_cached(struct csv_writer *w, const struct row *r, int arg UNUSED)
{
	if (r->f->cache)
		csv_u64(w, r->f->cached);
	else
		csv_empty(w);
}

/* A uint64_t of the figures, at offset `off`. */
static void
put_u64(struct csv_writer *w, const struct row *r, int off)
{
	csv_u64(w, *(const uint64_t *)(const void *)((const char *)r->f +
	    off));
}

static void
put_elapsed(struct csv_writer *w, const struct row *r, int arg UNUSED)
{
	csv_s(w, r->f->now_us);
}

static void
put_time_wait(struct csv_writer *w, const struct row *r, int arg UNUSED)
{
	if (r->f->time_wait < 0)
		csv_empty(w);
	else
		csv_u64(w, (uint64_t)r->f->time_wait);
}

static void
put_latency(struct csv_writer *w, const struct row *r, int member)
{
	csv_figure(w, &r->f->lat[member / NFIGS], member % NFIGS);
}

/* Empty when unknown: no sock_diag, or the dump failed or came late. */
static void
put_side(struct csv_writer *w, const struct row *r, int i)
{
	const struct sockdiag_counts	*c = &r->f->side;
	const uint64_t			 v[] = { c->time_wait_client,
					    c->time_wait_server,
					    c->fin_wait2_client,
					    c->fin_wait2_server };

	if (r->f->have_side)
		csv_u64(w, v[i]);
	else
		csv_empty(w);
}

static void
put_tcpext(struct csv_writer *w, const struct row *r, int c)
{
	if (r->f->tcpext_ok)
		csv_u64(w, r->f->tcpext.v[c]);
	else
		csv_empty(w);
}

/* The summary's columns about the run as a whole. */
enum run_field {
	RUN_TARGET,
	RUN_RATE,
	RUN_DURATION,
	RUN_COMPLETED_PER_S,
	RUN_STOP_REASON,
	RUN_MAILBOXES,
	RUN_CACHE_TTL,
	RUN_MAILBOX_SKEW,
};

static void
put_run(struct csv_writer *w, const struct row *r, int field)
{
	const struct run_end	*e = r->f->end;
	const struct stats_run	*run = e->run;

	if ((field == RUN_CACHE_TTL || field == RUN_MAILBOX_SKEW) &&
	    run->mailboxes == 0) {
		csv_empty(w);
		return;
	}
	switch (field) {
	case RUN_TARGET:
		csv_str(w, run->target);
		break;
	case RUN_RATE:
		csv_double(w, run->rate, 3);
		break;
	case RUN_DURATION:
		csv_s(w, run->duration_us);
		break;
	case RUN_COMPLETED_PER_S:
		csv_double(w, e->completed_per_s, 3);
		break;
	case RUN_STOP_REASON:
		csv_str(w, e->stop_reason != NULL ? e->stop_reason : "");
		break;
	case RUN_MAILBOXES:
		csv_u64(w, run->mailboxes);
		break;
	case RUN_CACHE_TTL:
		csv_s(w, run->cache_ttl_us);
		break;
	case RUN_MAILBOX_SKEW:
		csv_str(w, run->mailbox_skew);
		break;
	}
}

/* The first failure; empty if none. */
enum first_field {
	FIRST_S,
	FIRST_STAGE,
	FIRST_CLASS,
	FIRST_ERRNO,
	FIRST_WINDOWS,		/* the Winsock error's name */
	FIRST_WINDOWS_CODE,	/* and number */
};

static void
put_first(struct csv_writer *w, const struct row *r, int field)
{
	const struct run_end	*e = r->f->end;
	const char		*windows = NULL;
	int			 code = 0;

	if (e->failed)
		windows = windows_error(e->first_errno, &code);
	if (!e->failed || (field >= FIRST_WINDOWS && windows == NULL)) {
		csv_empty(w);
		return;
	}
	switch (field) {
	case FIRST_S:
		csv_s(w, e->first_us);
		break;
	case FIRST_STAGE:
		csv_str(w, stage_name(e->first_stage));
		break;
	case FIRST_CLASS:
		csv_str(w, reason_name(e->first_reason));
		break;
	case FIRST_ERRNO:
		csv_str(w, errno_name(e->first_errno));
		break;
	case FIRST_WINDOWS:
		csv_str(w, windows);
		break;
	case FIRST_WINDOWS_CODE:
		csv_u64(w, (uint64_t)code);
		break;
	}
}

static void
put_option(struct csv_writer *w, const struct row *r, int i)
{
	csv_str(w, r->f->end->run->opt_values[i]);
}

static void
put_sysctl(struct csv_writer *w, const struct row *r, int i)
{
	csv_str(w, r->f->end->sysctl[i]);
}

static void
put_latency_name(struct csv_writer *w, const struct row *r, int arg UNUSED)
{
	csv_str(w, latency_names[r->m]);
}

static void
put_samples(struct csv_writer *w, const struct row *r, int arg UNUSED)
{
	csv_u64(w, r->f->lat[r->m].n);
}

static void
put_figure(struct csv_writer *w, const struct row *r, int k)
{
	csv_figure(w, &r->f->lat[r->m], k);
}

/* --csv: one row per interval; counts are the interval's. */
static const struct spec interval_spec[] = {
	COLUMN("elapsed_s", "s", put_elapsed, 0),
	GAUGE("scheduled", "sessions", scheduled),
	COUNT("started", "sessions", COUNT_STARTED),
	COUNT("completed", "sessions", COUNT_COMPLETED),
	COUNT("failed", "sessions", COUNT_FAILED),
	GAUGE("active", "sessions", active),
	REASON_COLUMNS(REASON_FIRST_FAILURE, REASON_OTHER),
	COLUMN("time_wait", "sockets", put_time_wait, 0),
	COUNT("skipped", "arrivals", COUNT_SKIPPED),
	COUNT("connected", "sessions", COUNT_CONNECTED),
	LATENCY_COLUMNS(LAT_CONNECT, LAT_LAG),
	EACH("*", "sockets", put_side, SIDES),
	EACH("*", "events", put_tcpext, TCPEXT),
	STAGE_COLUMNS(STAGE_SOCKET, STAGE_IDLE),
	CACHE_COUNT("requests", "requests", COUNT_REQUESTS),
	CACHE_COUNT("requests_done", "requests", COUNT_REQUESTS_DONE),
	CACHE_COUNT("reused", "requests", COUNT_REUSED),
	CACHE_COUNT("opened", "connections", COUNT_OPENED),
	CACHE_COUNT("evicted", "connections", COUNT_EVICTED),
	COLUMN("cached", "connections", put_cached, 0),
	CACHE_COUNT("requests_failed", "requests", COUNT_REQUESTS_FAILED),
	CACHE_COUNT("replaced", "connections", COUNT_REPLACED),
	LATENCY_COLUMNS(LAT_REQUEST, LAT_REQUEST),
	STAGE_COLUMNS(STAGE_STARTTLS, STAGE_SO_ERROR),
	REASON_COLUMNS(REASON_TLS, REASON_TLS),
	COUNT("tls_handshakes", "handshakes", COUNT_TLS_OK),
	COUNT("tls_failed", "handshakes", COUNT_TLS_FAILED),
	LATENCY_COLUMNS(LAT_TLS, LAT_TLS),
};

/* --summary-csv: one row for the whole run.  Its first latencies are a
 * selection; the rest of them follow near the end. */
static const struct spec summary_spec[] = {
	COLUMN("target", "", put_run, RUN_TARGET),
	COLUMN("rate_offered_per_s", "1/s", put_run, RUN_RATE),
	COLUMN("duration_s", "s", put_run, RUN_DURATION),
	COLUMN("elapsed_s", "s", put_elapsed, 0),
	GAUGE("scheduled", "sessions", scheduled),
	COUNT("started", "sessions", COUNT_STARTED),
	COUNT("completed", "sessions", COUNT_COMPLETED),
	COUNT("failed", "sessions", COUNT_FAILED),
	REASON_COLUMNS(REASON_FIRST_FAILURE, REASON_OTHER),
	COLUMN("completed_per_s", "1/s", put_run, RUN_COMPLETED_PER_S),
	COLUMN("first_failure_s", "s", put_first, FIRST_S),
	COLUMN("first_failure_stage", "", put_first, FIRST_STAGE),
	COLUMN("first_failure_class", "", put_first, FIRST_CLASS),
	COLUMN("first_failure_errno", "", put_first, FIRST_ERRNO),
	COLUMN("time_wait_end", "sockets", put_time_wait, 0),
	COUNT("skipped", "arrivals", COUNT_SKIPPED),
	COUNT("connected", "sessions", COUNT_CONNECTED),
	COLUMN("first_failure_windows", "", put_first, FIRST_WINDOWS),
	COLUMN("first_failure_windows_code", "", put_first,
	    FIRST_WINDOWS_CODE),
	COLUMN("stop_reason", "", put_run, RUN_STOP_REASON),
	FIGURE_COLUMN(LAT_CONNECT, FIG_P99),
	FIGURE_COLUMN(LAT_CONNECT, FIG_MAX),
	FIGURE_COLUMN(LAT_GREETING, FIG_P99),
	FIGURE_COLUMN(LAT_GREETING, FIG_MAX),
	FIGURE_COLUMN(LAT_LOGIN, FIG_P99),
	FIGURE_COLUMN(LAT_LOGIN, FIG_MAX),
	LATENCY_COLUMNS(LAT_SESSION, LAT_SESSION),
	FIGURE_COLUMN(LAT_SESSION_ACTUAL, FIG_P99),
	FIGURE_COLUMN(LAT_LAG, FIG_P99),
	FIGURE_COLUMN(LAT_LAG, FIG_MAX),
	EACH("*_end", "sockets", put_side, SIDES),
	EACH("*", "events", put_tcpext, TCPEXT),
	EACH("*", "", put_option, OPTIONS),
	EACH("*", "", put_sysctl, SYSCTLS),
	CACHE_COUNT("requests", "requests", COUNT_REQUESTS),
	CACHE_COUNT("requests_done", "requests", COUNT_REQUESTS_DONE),
	CACHE_COUNT("reused", "requests", COUNT_REUSED),
	CACHE_COUNT("opened", "connections", COUNT_OPENED),
	CACHE_COUNT("evicted", "connections", COUNT_EVICTED),
	COLUMN("cached_max", "connections", put_cached, 0),
	CACHE_COUNT("requests_failed", "requests", COUNT_REQUESTS_FAILED),
	CACHE_COUNT("replaced", "connections", COUNT_REPLACED),
	LATENCY_COLUMNS(LAT_REQUEST, LAT_REQUEST),
	COLUMN("mailboxes", "", put_run, RUN_MAILBOXES),
	COLUMN("cache_ttl_s", "s", put_run, RUN_CACHE_TTL),
	COLUMN("mailbox_skew", "", put_run, RUN_MAILBOX_SKEW),
	REASON_COLUMNS(REASON_TLS, REASON_TLS),
	COUNT("tls_handshakes", "handshakes", COUNT_TLS_OK),
	COUNT("tls_failed", "handshakes", COUNT_TLS_FAILED),
	FIGURE_COLUMN(LAT_TLS, FIG_P50),
	FIGURE_COLUMN(LAT_TLS, FIG_P99),
	FIGURE_COLUMN(LAT_TLS, FIG_MAX),
	STAGE_COLUMNS(STAGE_SOCKET, STAGE_SO_ERROR),
	LATENCY_COLUMNS_LEFT(LAT_CONNECT, LAT_LAG),
	/* Still in flight at the end: cut off, neither completed nor
	 * failed. */
	GAUGE("aborted", "sessions", active),
	COUNT("server_closed_first", "sessions", COUNT_SERVER_CLOSED_FIRST),
	COUNT("server_never_closed", "sessions", COUNT_SERVER_NEVER_CLOSED),
};

/* --latency-csv: a row per latency, the whole run's. */
static const struct spec latency_spec[] = {
	COLUMN("latency", "", put_latency_name, 0),
	COLUMN("count", "samples", put_samples, 0),
	{ "*_ms", "ms", put_figure, FIGURES, FIG_P50, FIG_MAX },
};

static int
family_size(enum family fam)
{
	switch (fam) {
	case SINGLE:
		return 1;
	case REASONS:
		return REASON_MAX;
	case STAGES:
		return STAGE_MAX;
	case LATENCIES:
	case LATENCIES_LEFT:
		return LAT_MAX * NFIGS;
	case FIGURES:
		return NFIGS;
	case SIDES:
		return (int)nitems(side_names);
	case TCPEXT:
		return TCPEXT_MAX;
	case SYSCTLS:
		return SYSCTL_MAX;
	case OPTIONS:
		return nopts;
	}
	return 0;
}

/* A member's argument to its column's put: a counter's index for the
 * counts, the member itself otherwise. */
static int
member_arg(enum family fam, int i)
{
	if (fam == REASONS)
		return COUNT_REASON + i;
	if (fam == STAGES)
		return COUNT_STAGE + i;
	return i;
}

static const char *
member_name(enum family fam, int i, char *buf, size_t sz)
{
	switch (fam) {
	case SINGLE:
		break;
	case REASONS:
		return reason_name((enum reason)i);
	case STAGES:
		return stage_name((enum stage)i);
	case LATENCIES:
	case LATENCIES_LEFT:
		snprintf(buf, sz, "%s_%s", latency_names[i / NFIGS],
		    figure_names[i % NFIGS]);
		return buf;
	case FIGURES:
		return figure_names[i];
	case SIDES:
		return side_names[i];
	case TCPEXT:
		return tcpext_column((enum tcpext)i);
	case SYSCTLS:
		return sysctl_names[i];
	case OPTIONS:
		return opt_names[i];
	}
	return "";
}

static int
has_column(const struct table *t, const char *name)
{
	int	i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->c[i].name, name) == 0)
			return 1;
	return 0;
}

/* `pattern` with `member` for its '*'; a single column's has none. */
static void
column_name(struct column *c, const char *pattern, const char *member)
{
	const char	*star = strchr(pattern, '*');
	int		 len;

	if (star == NULL)
		len = snprintf(c->name, sizeof(c->name), "%s", pattern);
	else
		len = snprintf(c->name, sizeof(c->name), "%.*s%s%s",
		    (int)(star - pattern), pattern, member, star + 1);
	if (len < 0 || (size_t)len >= sizeof(c->name))
		fatalx("column name too long: %s", pattern);
}

/* Member i of entry s, or the entry itself when it is a single column. */
static void
add_column(struct table *t, const struct spec *s, int i)
{
	struct column	*c;
	char		 buf[48];

	if (t->n == COLUMNS_MAX)
		fatalx("more than %d columns in a file", COLUMNS_MAX);
	c = &t->c[t->n];
	column_name(c, s->name, member_name(s->family, i, buf, sizeof(buf)));
	if (s->family == LATENCIES_LEFT && has_column(t, c->name))
		return;
	c->unit = s->unit;
	c->put = s->put;
	c->arg = member_arg(s->family, i);
	t->n++;
}

static void
layout(struct table *t, const struct spec *specs, size_t n)
{
	size_t	e;
	int	i, to;

	t->n = 0;
	for (e = 0; e < n; e++) {
		to = specs[e].to < 0 ? family_size(specs[e].family) - 1 :
		    specs[e].to;
		for (i = specs[e].from; i <= to; i++)
			add_column(t, &specs[e], i);
	}
}

void
columns_init(const char *const *names, int n)
{
	opt_names = names;
	nopts = n;
	layout(&tables[CSV_INTERVAL], interval_spec, nitems(interval_spec));
	layout(&tables[CSV_SUMMARY], summary_spec, nitems(summary_spec));
	layout(&tables[CSV_LATENCY], latency_spec, nitems(latency_spec));
}

void
columns_header(struct csv_writer *w, enum csv_file file)
{
	const struct table	*t = &tables[file];
	int			 i;

	for (i = 0; i < t->n; i++)
		csv_str(w, t->c[i].name);
}

int
columns_names(enum csv_file file, const char **names, int max)
{
	const struct table	*t = &tables[file];
	int			 i;

	for (i = 0; i < t->n && i < max; i++)
		names[i] = t->c[i].name;
	return t->n;
}

static void
write_row(struct csv_writer *w, enum csv_file file, const struct row *r)
{
	const struct table	*t = &tables[file];
	int			 i;

	for (i = 0; i < t->n; i++)
		t->c[i].put(w, r, t->c[i].arg);
}

void
columns_row(struct csv_writer *w, enum csv_file file, const struct figures *f)
{
	struct row	r = { f, LAT_CONNECT };

	write_row(w, file, &r);
}

void
columns_latency_row(struct csv_writer *w, const struct figures *f,
    enum latency m)
{
	struct row	r = { f, m };

	write_row(w, CSV_LATENCY, &r);
}

const char *
columns_latency_name(int m)
{
	return latency_names[m];
}

const char *
columns_sysctl_name(int i)
{
	return sysctl_names[i];
}

void
columns_list(const struct config *cfg)
{
	const char *const	*names, *const *values;
	const struct table	*t;
	int			 n, file, i;

	options_columns(cfg, &names, &values, &n);
	columns_init(names, n);
	for (file = 0; file < CSV_FILES; file++) {
		t = &tables[file];
		for (i = 0; i < t->n; i++)
			printf("%s\t%s\t%s\n", file_names[file], t->c[i].name,
			    t->c[i].unit);
	}
	exit(0);
}
