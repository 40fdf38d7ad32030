/* stats.c: counters per interval and per run, the two CSV files and the
 * one-line summary on stdout.  Column meanings are in CSV.md. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdefs.h"
#include "csv.h"
#include "errors.h"
#include "histogram.h"
#include "kstat.h"
#include "log.h"
#include "netstat.h"
#include "sockdiag.h"
#include "stats.h"

struct counters {
	uint64_t	started;
	uint64_t	completed;
	uint64_t	failed;
	uint64_t	skipped;
	uint64_t	connected;
	uint64_t	reasons[REASON_MAX];
	uint64_t	stages[STAGE_MAX];	/* failures by stage */
	/* --mailboxes: requests and what the cache did with them. */
	uint64_t	requests;
	uint64_t	requests_done;
	uint64_t	requests_failed;
	uint64_t	reused;
	uint64_t	opened;
	uint64_t	evicted;
	uint64_t	replaced;
	uint64_t	tls_ok;		/* handshakes done */
	uint64_t	tls_failed;
};

/* The first nine stages have columns where they always were; the
 * steps', TLS's and the handshake's come last. */
#define NSTAGES_FIRST	(STAGE_IDLE + 1)

static const char *const latency_names[LAT_MAX] = {
	[LAT_CONNECT] = "connect",
	[LAT_GREETING] = "greeting",
	[LAT_LOGIN] = "login",
	[LAT_SESSION] = "session",
	[LAT_SESSION_ACTUAL] = "session_actual",
	[LAT_LAG] = "lag",
};

/* Percentiles of every latency, in column order. */
static const double	 pcts[] = { 50, 90, 99, 99.9 };
static const char *const pct_names[] = { "p50", "p90", "p99", "p999" };
#define NPCTS	(int)(nitems(pcts))

/* Kernel settings in force, as summary columns (common/kstat): the
 * sysctl's name, with its unit where it has one. */
static const struct {
	const char	*path;
	const char	*column;
} sysctls[] = {
	{ "net/ipv4/ip_local_port_range", "ip_local_port_range" },
	{ "net/ipv4/tcp_tw_reuse", "tcp_tw_reuse" },
	{ "net/ipv4/tcp_tw_reuse_delay", "tcp_tw_reuse_delay_ms" },
	{ "net/ipv4/tcp_max_tw_buckets", "tcp_max_tw_buckets" },
	{ "net/ipv4/tcp_fin_timeout", "tcp_fin_timeout_s" },
	{ "net/ipv4/tcp_timestamps", "tcp_timestamps" },
};
#define NSYSCTLS	(int)(nitems(sysctls))

static const char *const reason_names[REASON_MAX] = {
	[REASON_COMPLETED] = "completed",
	[REASON_EADDRNOTAVAIL] = "eaddrnotavail",
	[REASON_EADDRINUSE] = "eaddrinuse",
	[REASON_ECONNREFUSED] = "econnrefused",
	[REASON_ECONNRESET] = "econnreset",
	[REASON_ETIMEDOUT] = "etimedout",
	[REASON_EMFILE] = "emfile",
	[REASON_IMAP_NO] = "imap_no",
	[REASON_IMAP_BAD] = "imap_bad",
	[REASON_IMAP_BYE] = "imap_bye",
	[REASON_PROTOCOL] = "protocol",
	[REASON_OTHER] = "other",
	[REASON_TLS] = "tls",
	[REASON_ABORTED] = "aborted",
};

/*
 * An interval row waiting for its four by-side columns, which come from a
 * sock_diag dump on another thread (sockdiag.h): the fields before and
 * after them, formatted at the boundary, when they were true.
 */
struct pending_row {
	char	*head, *tail;
	int	 nhead, ntail;
};
/* Dumps this many intervals late: write rows without them. */
#define PENDING_MAX	8
/* At the end of a run, how long the last dumps may take. */
#define PENDING_WAIT_MS	5000

static struct {
	struct stats_run	 run;
	FILE			*csv_fp;
	FILE			*summary_fp;
	FILE			*latency_fp;
	const char		*latency_path;
	const char		*csv_path;
	const char		*summary_path;
	struct csv_writer	 csv;
	struct counters		 interval;	/* since the last row */
	struct counters		 total;
	struct histogram	 lat[LAT_MAX];	/* since the last row */
	struct histogram	 lat_total[LAT_MAX];
	struct histogram	 req_lat;	/* --mailboxes, since the last row */
	struct histogram	 req_lat_total;
	struct histogram	 tls_lat;	/* handshakes, since the last row */
	struct histogram	 tls_lat_total;
	uint64_t		 cached_max;	/* largest `cached` of a row */
	struct tcpext_counters	 tcpext_start;	/* at the start */
	struct tcpext_counters	 tcpext_row;	/* at the last row */
	int			 tcpext_ok;
	char			 sysctl[NSYSCTLS][64];
	const char		*stop_reason;
	uint64_t		 scheduled_rows;	/* as of the last row */
	uint64_t		 last_row_us;
	int			 rows;
	uint64_t		 server_closed_first;
	uint64_t		 server_never_closed;
	/* The first failure: when the bug shows up, and in what form. */
	int			 failed_once;
	uint64_t		 first_us;
	enum stage		 first_stage;
	enum reason		 first_reason;
	int			 first_errno;
	/* Rows waiting for their sock_diag dump, oldest first. */
	struct pending_row	 pending[PENDING_MAX];
	unsigned		 npending;
	unsigned		 orphans;	/* results of rows written without */
	struct sockdiag_counts	 last_side;	/* the latest dump, for the summary */
	int			 have_side;
} st;

const char *
reason_name(enum reason r)
{
	return reason_names[r];
}

static FILE *
stats_fopen(const char *option, const char *path)
{
	FILE	*fp;

	/* Bad input, found before any arrival: named like a bad option. */
	if ((fp = fopen(path, "w")) == NULL)
		usage_error("%s %s: %s", option, path, strerror(errno));
	return fp;
}

/* One latency's column: connect_p50_ms for percentile pcts[pct], or
 * connect_max_ms for pct -1. */
static void
latency_column(struct csv_writer *w, enum latency m, int pct)
{
	char	name[64];

	snprintf(name, sizeof(name), "%s_%s_ms", latency_names[m],
	    pct < 0 ? "max" : pct_names[pct]);
	csv_str(w, name);
}

/* connect_p50_ms, ..., lag_max_ms */
static void
latency_header(struct csv_writer *w)
{
	int	m, i;

	for (m = 0; m < LAT_MAX; m++)
		for (i = 0; i <= NPCTS; i++)
			latency_column(w, (enum latency)m, i < NPCTS ? i : -1);
}

static void
side_header(struct csv_writer *w, const char *suffix)
{
	static const char *const side[] = { "time_wait_client",
	    "time_wait_server", "fin_wait2_client", "fin_wait2_server" };
	char	name[64];
	size_t	i;

	for (i = 0; i < nitems(side); i++) {
		snprintf(name, sizeof(name), "%s%s", side[i], suffix);
		csv_str(w, name);
	}
}

static void
tcpext_header(struct csv_writer *w)
{
	int	c;

	for (c = 0; c < TCPEXT_MAX; c++)
		csv_str(w, tcpext_column(c));
}

/* failed_socket, failed_bind, ... for stages [from, to) */
static void
stage_header(struct csv_writer *w, int from, int to)
{
	char	name[32];
	int	i;

	for (i = from; i < to; i++) {
		snprintf(name, sizeof(name), "failed_%s", stage_name(i));
		csv_str(w, name);
	}
}

/* The TLS columns at the interval row's end: the tls class, handshakes
 * and their latency. */
static void
tls_header(struct csv_writer *w)
{
	char	name[64];
	int	i;

	csv_str(w, "tls");
	csv_str(w, "tls_handshakes");
	csv_str(w, "tls_failed");
	for (i = 0; i < NPCTS; i++) {
		snprintf(name, sizeof(name), "tls_%s_ms", pct_names[i]);
		csv_str(w, name);
	}
	csv_str(w, "tls_max_ms");
}

static void
summary_tls_header(struct csv_writer *w)
{
	static const char *const head[] = {
		"tls", "tls_handshakes", "tls_failed", "tls_p50_ms",
		"tls_p99_ms", "tls_max_ms",
	};
	size_t	i;

	for (i = 0; i < nitems(head); i++)
		csv_str(w, head[i]);
}

/* Columns added after loadgen's first cut, in the same order in both
 * files: readers that go by name see no change. */
static void
appended_header(struct csv_writer *w)
{
	csv_str(w, "skipped");
	csv_str(w, "connected");
	latency_header(w);
}

/* request_p50_ms, ..., request_max_ms */
static void
request_latency_header(struct csv_writer *w)
{
	char	name[64];
	int	i;

	for (i = 0; i < NPCTS; i++) {
		snprintf(name, sizeof(name), "request_%s_ms", pct_names[i]);
		csv_str(w, name);
	}
	csv_str(w, "request_max_ms");
}

/* The --mailboxes columns; `cached` is a gauge in the interval file and
 * the largest of them (cached_max) in the summary. */
static void
cache_header(struct csv_writer *w, const char *cached)
{
	static const char *const head[] = {
		"requests", "requests_done", "reused", "opened", "evicted",
	};
	size_t	i;

	for (i = 0; i < nitems(head); i++)
		csv_str(w, head[i]);
	csv_str(w, cached);
	csv_str(w, "requests_failed");
	csv_str(w, "replaced");
	request_latency_header(w);
}

static void
interval_header(void)
{
	static const char *const head[] = {
		"elapsed_s", "scheduled", "started", "completed", "failed",
		"active",
	};
	size_t	i;
	int	r;

	for (i = 0; i < nitems(head); i++)
		csv_str(&st.csv, head[i]);
	for (r = REASON_FIRST_FAILURE; r <= REASON_LAST_FIRST_CUT; r++)
		csv_str(&st.csv, reason_names[r]);
	csv_str(&st.csv, "time_wait");
	appended_header(&st.csv);
	side_header(&st.csv, "");
	tcpext_header(&st.csv);
	stage_header(&st.csv, 0, NSTAGES_FIRST);
	cache_header(&st.csv, "cached");
	stage_header(&st.csv, NSTAGES_FIRST, STAGE_MAX);
	tls_header(&st.csv);
	if (csv_end_row(&st.csv) == -1)
		fatal("%s", st.csv_path);
}

void
stats_open(const char *csv_path, const char *summary_path,
    const struct stats_run *run)
{
	int	i;

	st.run = *run;
	for (i = 0; i < LAT_MAX; i++) {
		hist_reset(&st.lat[i]);
		hist_reset(&st.lat_total[i]);
	}
	hist_reset(&st.req_lat);
	hist_reset(&st.req_lat_total);
	hist_reset(&st.tls_lat);
	hist_reset(&st.tls_lat_total);
	for (i = 0; i < NSYSCTLS; i++)
		if (kstat_sysctl_read(sysctls[i].path, st.sysctl[i],
		    sizeof(st.sysctl[i])) == -1)
			st.sysctl[i][0] = '\0';
	st.tcpext_ok = netstat_read(&st.tcpext_start) == 0;
	st.tcpext_row = st.tcpext_start;
	st.csv_path = csv_path;
	st.summary_path = summary_path;
	if (summary_path != NULL)
		st.summary_fp = stats_fopen("--summary-csv", summary_path);
	if (run->latency_path != NULL) {
		st.latency_path = run->latency_path;
		st.latency_fp = stats_fopen("--latency-csv", run->latency_path);
	}
	if (csv_path != NULL) {
		st.csv_fp = stats_fopen("--csv", csv_path);
		csv_init(&st.csv, st.csv_fp);
		interval_header();
	}
}

static void
count(enum reason r)
{
	st.interval.reasons[r]++;
	st.total.reasons[r]++;
	if (r == REASON_COMPLETED) {
		st.interval.completed++;
		st.total.completed++;
	} else if (r >= REASON_FIRST_FAILURE && r <= REASON_LAST_FAILURE) {
		st.interval.failed++;
		st.total.failed++;
	}
}

void
stats_started(void)
{
	st.interval.started++;
	st.total.started++;
}

void
stats_skipped(void)
{
	st.interval.skipped++;
	st.total.skipped++;
}

void
stats_connected(void)
{
	st.interval.connected++;
	st.total.connected++;
}

void
stats_latency(enum latency m, uint64_t us)
{
	hist_record(&st.lat[m], us);
}

void
stats_request(int reused)
{
	st.interval.requests++;
	st.total.requests++;
	if (reused) {
		st.interval.reused++;
		st.total.reused++;
	} else {
		st.interval.opened++;
		st.total.opened++;
	}
}

void
stats_request_done(uint64_t us)
{
	st.interval.requests_done++;
	st.total.requests_done++;
	hist_record(&st.req_lat, us);
}

void
stats_request_failed(void)
{
	st.interval.requests_failed++;
	st.total.requests_failed++;
}

void
stats_evicted(void)
{
	st.interval.evicted++;
	st.total.evicted++;
}

void
stats_replaced(void)
{
	st.interval.replaced++;
	st.total.replaced++;
}

void
stats_stop_reason(const char *why)
{
	if (st.stop_reason == NULL)
		st.stop_reason = why;
}

void
stats_snapshot(struct stats_snapshot *snap)
{
	snap->started = st.total.started;
	snap->completed = st.total.completed;
	snap->failed = st.total.failed;
	snap->skipped = st.total.skipped;
	snap->cache = st.run.mailboxes != 0;
	snap->requests = st.total.requests;
	snap->reused = st.total.reused;
}

static void
count_stage(enum stage stage)
{
	st.interval.stages[stage]++;
	st.total.stages[stage]++;
}

void
stats_session_end(enum reason r, enum stage stage, int err,
    uint64_t now_us)
{
	count(r);
	if (r >= REASON_FIRST_FAILURE && r <= REASON_LAST_FAILURE)
		count_stage(stage);
	if (r < REASON_FIRST_FAILURE || r > REASON_LAST_FAILURE ||
	    st.failed_once)
		return;
	st.failed_once = 1;
	st.first_us = now_us;
	st.first_stage = stage;
	st.first_reason = r;
	st.first_errno = err;
	log_warnx("first failure at %.3fs: stage=%s class=%s%s%s",
	    (double)now_us / 1e6, stage_name(stage), reason_names[r],
	    err != 0 ? " errno=" : "", errno_name(err));
}

void
stats_server_closed_first(void)
{
	/* Then TIME_WAIT lands on the server and the client keeps its port:
	 * the run stops reproducing client-side exhaustion. Say so once. */
	if (st.server_closed_first++ == 0)
		log_warnx("the server closed first after LOGOUT: TIME_WAIT "
		    "is on the server side, not ours");
}

void
stats_server_never_closed(void)
{
	/* Our port then waits in FIN_WAIT_2 (tcp_fin_timeout), not in
	 * TIME_WAIT: it still holds the port. */
	if (st.server_never_closed++ == 0)
		log_warnx("the server did not close within --timeout after our "
		    "FIN: the client's port is in FIN_WAIT_2");
}

void
stats_tls_handshake(int ok, uint64_t us)
{
	if (!ok) {
		st.interval.tls_failed++;
		st.total.tls_failed++;
		return;
	}
	st.interval.tls_ok++;
	st.total.tls_ok++;
	hist_record(&st.tls_lat, us);
}

static void
csv_time_wait(struct csv_writer *w, int64_t tw)
{
	if (tw < 0)
		csv_empty(w);
	else
		csv_u64(w, (uint64_t)tw);
}

/* Milliseconds with microsecond resolution. */
static void
csv_ms(struct csv_writer *w, uint64_t us)
{
	csv_double(w, (double)us / 1e3, 3);
}

/* Percentiles and max of each latency; empty fields when none. */
static void
latency_fields(struct csv_writer *w, const struct histogram *h)
{
	uint64_t	v[NPCTS];
	int		m, i;

	for (m = 0; m < LAT_MAX; m++) {
		if (h[m].n == 0) {
			for (i = 0; i <= NPCTS; i++)
				csv_empty(w);
			continue;
		}
		hist_percentiles(&h[m], pcts, v, NPCTS);
		for (i = 0; i < NPCTS; i++)
			csv_ms(w, v[i]);
		csv_ms(w, h[m].max);
	}
}

/* The four by-side columns; empty when unknown (no sock_diag, or the
 * dump failed or came too late). */
static void
side_fields(struct csv_writer *w, const struct sockdiag_counts *c)
{
	int	i;

	if (c == NULL) {
		for (i = 0; i < 4; i++)
			csv_empty(w);
		return;
	}
	csv_u64(w, c->time_wait_client);
	csv_u64(w, c->time_wait_server);
	csv_u64(w, c->fin_wait2_client);
	csv_u64(w, c->fin_wait2_server);
}

/* Counter deltas since `since`, which then moves to now. */
static void
tcpext_fields(struct csv_writer *w, struct tcpext_counters *since)
{
	struct tcpext_counters	now;
	int			c;

	if (!st.tcpext_ok || netstat_read(&now) == -1) {
		for (c = 0; c < TCPEXT_MAX; c++)
			csv_empty(w);
		return;
	}
	for (c = 0; c < TCPEXT_MAX; c++)
		csv_u64(w, now.v[c] - since->v[c]);
	*since = now;
}

/* Percentiles and max of the request latencies; empty when none. */
static void
request_latency_fields(struct csv_writer *w, const struct histogram *h)
{
	uint64_t	v[NPCTS];
	int		i;

	if (h->n == 0) {
		for (i = 0; i <= NPCTS; i++)
			csv_empty(w);
		return;
	}
	hist_percentiles(h, pcts, v, NPCTS);
	for (i = 0; i < NPCTS; i++)
		csv_ms(w, v[i]);
	csv_ms(w, h->max);
}

static void
tls_fields(struct csv_writer *w, const struct counters *c,
    const struct histogram *h)
{
	csv_u64(w, c->reasons[REASON_TLS]);
	csv_u64(w, c->tls_ok);
	csv_u64(w, c->tls_failed);
	request_latency_fields(w, h);
}

/* The --mailboxes columns, all empty without --mailboxes. */
static void
cache_fields(struct csv_writer *w, const struct counters *c,
    uint64_t cached, const struct histogram *h)
{
	int	i;

	if (st.run.mailboxes == 0) {
		for (i = 0; i < 8 + NPCTS + 1; i++)
			csv_empty(w);
		return;
	}
	csv_u64(w, c->requests);
	csv_u64(w, c->requests_done);
	csv_u64(w, c->reused);
	csv_u64(w, c->opened);
	csv_u64(w, c->evicted);
	csv_u64(w, cached);
	csv_u64(w, c->requests_failed);
	csv_u64(w, c->replaced);
	request_latency_fields(w, h);
}

/* A writer into memory, for a part of a row written later. */
static FILE *
part_open(struct csv_writer *w, char **buf, size_t *len)
{
	FILE	*fp;

	if ((fp = open_memstream(buf, len)) == NULL)
		fatal("open_memstream");
	csv_init(w, fp);
	return fp;
}

static void
part_close(FILE *fp, const struct csv_writer *w, int *nfields)
{
	if (fclose(fp) != 0)
		fatal("open_memstream");
	*nfields = w->nfields;
}

/* The fields before the by-side ones, as of now. */
static void
row_head(struct csv_writer *w, uint64_t now_us, uint64_t scheduled,
    uint64_t active)
{
	int	r;

	csv_double(w, (double)now_us / 1e6, 3);
	csv_u64(w, scheduled - st.scheduled_rows);
	csv_u64(w, st.interval.started);
	csv_u64(w, st.interval.completed);
	csv_u64(w, st.interval.failed);
	csv_u64(w, active);
	for (r = REASON_FIRST_FAILURE; r <= REASON_LAST_FIRST_CUT; r++)
		csv_u64(w, st.interval.reasons[r]);
	csv_time_wait(w, kstat_time_wait());
	csv_u64(w, st.interval.skipped);
	csv_u64(w, st.interval.connected);
	latency_fields(w, st.lat);
}

/* The fields after them, as of now. */
static void
row_tail(struct csv_writer *w, uint64_t cached)
{
	int	r;

	tcpext_fields(w, &st.tcpext_row);
	for (r = 0; r < NSTAGES_FIRST; r++)
		csv_u64(w, st.interval.stages[r]);
	cache_fields(w, &st.interval, cached, &st.req_lat);
	for (r = NSTAGES_FIRST; r < STAGE_MAX; r++)
		csv_u64(w, st.interval.stages[r]);
	tls_fields(w, &st.interval, &st.tls_lat);
}

/* Write the oldest pending row with the by-side counts `c` (or none). */
static void
row_finish(const struct sockdiag_counts *c)
{
	struct pending_row	*p = &st.pending[0];

	csv_fields(&st.csv, p->head, p->nhead);
	side_fields(&st.csv, c);
	csv_fields(&st.csv, p->tail, p->ntail);
	if (csv_end_row(&st.csv) == -1)
		fatal("%s", st.csv_path);
	free(p->head);
	free(p->tail);
	memmove(&st.pending[0], &st.pending[1],
	    --st.npending * sizeof(st.pending[0]));
}

/* A dump came back: it belongs to the oldest row that asked for one. */
void
stats_side_counts(const struct sockdiag_counts *c)
{
	if (st.orphans > 0) {
		st.orphans--;
		return;
	}
	if ((st.have_side = c != NULL))
		st.last_side = *c;
	if (st.npending > 0)
		row_finish(c);
}

/*
 * The row of the interval ending now.  With counts by side it waits for
 * its dump (milliseconds, on the sock_diag thread) instead of holding up
 * the event loop; rows still go out in order, each whole.
 */
static void
interval_row(uint64_t now_us, uint64_t scheduled, uint64_t active,
    uint64_t cached)
{
	struct pending_row	*p;
	struct csv_writer	 w;
	size_t			 len;
	FILE			*fp;

	if (st.npending == PENDING_MAX) {
		log_warnx("sock_diag dumps %d intervals late: a row without "
		    "TIME_WAIT by side", PENDING_MAX);
		st.orphans++;
		row_finish(NULL);
	}
	p = &st.pending[st.npending++];
	fp = part_open(&w, &p->head, &len);
	row_head(&w, now_us, scheduled, active);
	part_close(fp, &w, &p->nhead);
	fp = part_open(&w, &p->tail, &len);
	row_tail(&w, cached);
	part_close(fp, &w, &p->ntail);
	if (!st.run.by_side || sockdiag_request() == -1)
		row_finish(NULL);
}

/* End of run: the last dumps, briefly waited for; then rows without. */
static void
rows_flush(void)
{
	if (st.npending > 0 && sockdiag_wait(PENDING_WAIT_MS) == -1)
		log_warnx("sock_diag: no dump within %d ms; last rows without "
		    "TIME_WAIT by side", PENDING_WAIT_MS);
	while (st.npending > 0) {
		st.orphans++;
		row_finish(NULL);
	}
}

void
stats_interval(uint64_t now_us, uint64_t scheduled, uint64_t active,
    uint64_t cached)
{
	int	m;

	if (st.csv_fp != NULL)
		interval_row(now_us, scheduled, active, cached);
	for (m = 0; m < LAT_MAX; m++) {
		hist_merge(&st.lat_total[m], &st.lat[m]);
		hist_reset(&st.lat[m]);
	}
	hist_merge(&st.req_lat_total, &st.req_lat);
	hist_reset(&st.req_lat);
	hist_merge(&st.tls_lat_total, &st.tls_lat);
	hist_reset(&st.tls_lat);
	if (cached > st.cached_max)
		st.cached_max = cached;
	memset(&st.interval, 0, sizeof(st.interval));
	st.scheduled_rows = scheduled;
	st.last_row_us = now_us;
	st.rows++;
}

/* The row for the tail after the last boundary, unless the run ended on
 * the boundary itself (nothing new to say, and its elapsed_s would repeat). */
static int
tail_pending(uint64_t now_us, uint64_t scheduled)
{
	if (st.rows == 0 || now_us - st.last_row_us >= 1000)
		return 1;
	return st.interval.started != 0 || st.interval.completed != 0 ||
	    st.interval.failed != 0 || st.interval.skipped != 0 ||
	    st.interval.requests != 0 || st.interval.requests_done != 0 ||
	    st.interval.evicted != 0 || scheduled != st.scheduled_rows;
}

static double
completed_per_s(uint64_t now_us)
{
	if (now_us == 0)
		return 0;
	return (double)st.total.completed / ((double)now_us / 1e6);
}

/*
 * The whole run's latencies in the summary: a selection, so the row stays
 * well within the 256 fields lab/report.c reads.  --latency-csv has them
 * all.
 */
static const struct {
	enum latency	m;
	int		pct;	/* index into pcts[], or -1 for the max */
} summary_lat[] = {
	{ LAT_CONNECT, 2 }, { LAT_CONNECT, -1 },
	{ LAT_GREETING, 2 }, { LAT_GREETING, -1 },
	{ LAT_LOGIN, 2 }, { LAT_LOGIN, -1 },
	{ LAT_SESSION, 0 }, { LAT_SESSION, 1 }, { LAT_SESSION, 2 },
	{ LAT_SESSION, 3 }, { LAT_SESSION, -1 },
	{ LAT_SESSION_ACTUAL, 2 },
	{ LAT_LAG, 2 }, { LAT_LAG, -1 },
};
#define NSUMMARY_LAT	(int)(nitems(summary_lat))

static void
summary_latency_header(struct csv_writer *w)
{
	int	i;

	for (i = 0; i < NSUMMARY_LAT; i++)
		latency_column(w, summary_lat[i].m, summary_lat[i].pct);
}

/* One whole-run latency field: percentile pcts[pct], or the max. */
static void
summary_latency_field(struct csv_writer *w, enum latency m, int pct)
{
	const struct histogram	*h = &st.lat_total[m];

	if (h->n == 0)
		csv_empty(w);
	else if (pct < 0)
		csv_ms(w, h->max);
	else
		csv_ms(w, hist_percentile(h, pcts[pct]));
}

static void
summary_latency_fields(struct csv_writer *w)
{
	int	i;

	for (i = 0; i < NSUMMARY_LAT; i++)
		summary_latency_field(w, summary_lat[i].m, summary_lat[i].pct);
}

/* Whether summary_lat[] already has this percentile (-1: the max). */
static int
in_summary_lat(enum latency m, int pct)
{
	int	i;

	for (i = 0; i < NSUMMARY_LAT; i++)
		if (summary_lat[i].m == m && summary_lat[i].pct == pct)
			return 1;
	return 0;
}

/* The rest of every latency's percentiles and max, appended later than
 * the first selection: with both, the summary has them all. */
static void
summary_latency_rest(struct csv_writer *w, int header)
{
	int	m, p, pct;

	for (m = 0; m < LAT_MAX; m++)
		for (p = 0; p <= NPCTS; p++) {
			pct = p < NPCTS ? p : -1;
			if (in_summary_lat((enum latency)m, pct))
				continue;
			if (header)
				latency_column(w, (enum latency)m, pct);
			else
				summary_latency_field(w, (enum latency)m, pct);
		}
}

/* --latency-csv: one row per latency, every percentile, whole run. */
static void
latency_row(struct csv_writer *w, const char *name, const struct histogram *h)
{
	uint64_t	v[NPCTS];
	int		i;

	csv_str(w, name);
	csv_u64(w, h->n);
	hist_percentiles(h, pcts, v, NPCTS);
	for (i = 0; i < NPCTS; i++) {
		if (h->n == 0)
			csv_empty(w);
		else
			csv_ms(w, v[i]);
	}
	if (h->n == 0)
		csv_empty(w);
	else
		csv_ms(w, h->max);
	if (csv_end_row(w) == -1)
		fatal("%s", st.latency_path);
}

static void
latency_csv(void)
{
	struct csv_writer	w;
	int			m, i;

	csv_init(&w, st.latency_fp);
	csv_str(&w, "latency");
	csv_str(&w, "count");
	for (i = 0; i < NPCTS; i++) {
		char	name[32];

		snprintf(name, sizeof(name), "%s_ms", pct_names[i]);
		csv_str(&w, name);
	}
	csv_str(&w, "max_ms");
	csv_end_row(&w);
	for (m = 0; m < LAT_MAX; m++)
		latency_row(&w, latency_names[m], &st.lat_total[m]);
	latency_row(&w, "request", &st.req_lat_total);
	latency_row(&w, "tls", &st.tls_lat_total);
}

static void
summary_header(struct csv_writer *w)
{
	static const char *const head[] = {
		"target", "rate_offered_per_s", "duration_s", "elapsed_s",
		"scheduled", "started", "completed", "failed",
	};
	static const char *const tail[] = {
		"completed_per_s", "first_failure_s", "first_failure_stage",
		"first_failure_class", "first_failure_errno", "time_wait_end",
	};
	size_t	i;
	int	r;

	for (i = 0; i < nitems(head); i++)
		csv_str(w, head[i]);
	for (r = REASON_FIRST_FAILURE; r <= REASON_LAST_FIRST_CUT; r++)
		csv_str(w, reason_names[r]);
	for (i = 0; i < nitems(tail); i++)
		csv_str(w, tail[i]);
	csv_str(w, "skipped");
	csv_str(w, "connected");
	csv_str(w, "first_failure_windows");
	csv_str(w, "first_failure_windows_code");
	csv_str(w, "stop_reason");
	summary_latency_header(w);
	side_header(w, "_end");
	tcpext_header(w);
	for (i = 0; i < (size_t)st.run.nopts; i++)
		csv_str(w, st.run.opt_names[i]);
	for (i = 0; i < (size_t)NSYSCTLS; i++)
		csv_str(w, sysctls[i].column);
	cache_header(w, "cached_max");
	csv_str(w, "mailboxes");
	csv_str(w, "cache_ttl_s");
	csv_str(w, "mailbox_skew");
	summary_tls_header(w);
	/* Appended: failures by stage as in the interval rows, the rest of
	 * the latencies, and how sessions ended that stdout used to say
	 * alone. */
	stage_header(w, 0, STAGE_MAX);
	summary_latency_rest(w, 1);
	csv_str(w, "aborted");
	csv_str(w, "server_closed_first");
	csv_str(w, "server_never_closed");
	csv_end_row(w);
}

static void
summary_windows(struct csv_writer *w)
{
	const char	*name = NULL;
	int		 code = 0;

	if (st.failed_once)
		name = windows_error(st.first_errno, &code);
	if (name == NULL) {
		csv_empty(w);
		csv_empty(w);
		return;
	}
	csv_str(w, name);
	csv_u64(w, (uint64_t)code);
}

/* Everything after the first cut's columns. */
static void
summary_appended(struct csv_writer *w)
{
	int	i;

	csv_u64(w, st.total.skipped);
	csv_u64(w, st.total.connected);
	summary_windows(w);
	csv_str(w, st.stop_reason != NULL ? st.stop_reason : "");
	summary_latency_fields(w);
	/* At the end: the last row's dump. */
	side_fields(w, st.have_side ? &st.last_side : NULL);
	tcpext_fields(w, &st.tcpext_start);
	for (i = 0; i < st.run.nopts; i++)
		csv_str(w, st.run.opt_values[i]);
	for (i = 0; i < NSYSCTLS; i++)
		csv_str(w, st.sysctl[i]);
	cache_fields(w, &st.total, st.cached_max, &st.req_lat_total);
	csv_u64(w, st.run.mailboxes);
	if (st.run.mailboxes == 0) {
		csv_empty(w);
		csv_empty(w);
		return;
	}
	csv_double(w, (double)st.run.cache_ttl_us / 1e6, 3);
	csv_str(w, st.run.mailbox_skew);
}

/* The TLS columns at the summary's end. */
static void
summary_tls(struct csv_writer *w)
{
	const struct histogram	*h = &st.tls_lat_total;

	csv_u64(w, st.total.reasons[REASON_TLS]);
	csv_u64(w, st.total.tls_ok);
	csv_u64(w, st.total.tls_failed);
	if (h->n == 0) {
		csv_empty(w);
		csv_empty(w);
		csv_empty(w);
		return;
	}
	csv_ms(w, hist_percentile(h, 50));
	csv_ms(w, hist_percentile(h, 99));
	csv_ms(w, h->max);
}

static void
summary_first_failure(struct csv_writer *w)
{
	if (!st.failed_once) {
		csv_empty(w);
		csv_empty(w);
		csv_empty(w);
		csv_empty(w);
		return;
	}
	csv_double(w, (double)st.first_us / 1e6, 3);
	csv_str(w, stage_name(st.first_stage));
	csv_str(w, reason_names[st.first_reason]);
	csv_str(w, errno_name(st.first_errno));
}

static void
summary_csv(uint64_t now_us, uint64_t scheduled, int64_t tw, uint64_t active)
{
	struct csv_writer	w;
	int			r;

	csv_init(&w, st.summary_fp);
	summary_header(&w);
	csv_str(&w, st.run.target);
	csv_double(&w, st.run.rate, 3);
	csv_double(&w, (double)st.run.duration_us / 1e6, 3);
	csv_double(&w, (double)now_us / 1e6, 3);
	csv_u64(&w, scheduled);
	csv_u64(&w, st.total.started);
	csv_u64(&w, st.total.completed);
	csv_u64(&w, st.total.failed);
	for (r = REASON_FIRST_FAILURE; r <= REASON_LAST_FIRST_CUT; r++)
		csv_u64(&w, st.total.reasons[r]);
	csv_double(&w, completed_per_s(now_us), 3);
	summary_first_failure(&w);
	csv_time_wait(&w, tw);
	summary_appended(&w);
	summary_tls(&w);
	for (r = 0; r < STAGE_MAX; r++)
		csv_u64(&w, st.total.stages[r]);
	summary_latency_rest(&w, 0);
	/* Still in flight at the end: cut off, neither completed nor failed. */
	csv_u64(&w, active);
	csv_u64(&w, st.server_closed_first);
	csv_u64(&w, st.server_never_closed);
	if (csv_end_row(&w) == -1)
		fatal("%s", st.summary_path);
}

/* What the mailbox cache did, on the summary line. */
static void
summary_line_cache(void)
{
	printf(" requests=%llu requests_done=%llu reused=%llu opened=%llu "
	    "evicted=%llu", (unsigned long long)st.total.requests,
	    (unsigned long long)st.total.requests_done,
	    (unsigned long long)st.total.reused,
	    (unsigned long long)st.total.opened,
	    (unsigned long long)st.total.evicted);
	if (st.total.replaced != 0)
		printf(" replaced=%llu", (unsigned long long)st.total.replaced);
	if (st.total.requests_failed != 0)
		printf(" requests_failed=%llu",
		    (unsigned long long)st.total.requests_failed);
	if (st.req_lat_total.n != 0)
		printf(" request_p99_ms=%.3f",
		    (double)hist_percentile(&st.req_lat_total, 99) / 1e3);
}

/* "connect/EADDRNOTAVAIL", or "login/imap_no" when there was no errno. */
static void
summary_line(uint64_t now_us, uint64_t scheduled, uint64_t active,
    int64_t tw)
{
	char	first_s[32] = "-", first[64] = "-", twbuf[32] = "-";

	if (st.failed_once) {
		snprintf(first_s, sizeof(first_s), "%.3f",
		    (double)st.first_us / 1e6);
		snprintf(first, sizeof(first), "%s/%s",
		    stage_name(st.first_stage),
		    st.first_errno != 0 ? errno_name(st.first_errno) :
		    reason_names[st.first_reason]);
	}
	if (tw >= 0)
		snprintf(twbuf, sizeof(twbuf), "%lld", (long long)tw);
	printf("loadgen: target=%s scheduled=%llu started=%llu completed=%llu "
	    "failed=%llu completed_per_s=%.1f first_failure_s=%s "
	    "first_failure=%s time_wait_end=%s", st.run.target,
	    (unsigned long long)scheduled,
	    (unsigned long long)st.total.started,
	    (unsigned long long)st.total.completed,
	    (unsigned long long)st.total.failed, completed_per_s(now_us),
	    first_s, first, twbuf);
	if (st.lat_total[LAT_SESSION].n != 0)
		printf(" session_p99_ms=%.3f",
		    (double)hist_percentile(&st.lat_total[LAT_SESSION], 99) /
		    1e3);
	if (st.lat_total[LAT_LAG].n != 0)
		printf(" lag_p99_ms=%.3f lag_max_ms=%.3f",
		    (double)hist_percentile(&st.lat_total[LAT_LAG], 99) / 1e3,
		    (double)st.lat_total[LAT_LAG].max / 1e3);
	if (st.run.mailboxes != 0)
		summary_line_cache();
	if (st.total.skipped != 0)
		printf(" skipped=%llu", (unsigned long long)st.total.skipped);
	if (active != 0)
		printf(" aborted=%llu", (unsigned long long)active);
	if (st.server_closed_first != 0)
		printf(" server_closed_first=%llu",
		    (unsigned long long)st.server_closed_first);
	if (st.server_never_closed != 0)
		printf(" server_never_closed=%llu",
		    (unsigned long long)st.server_never_closed);
	if (st.total.tls_ok != 0 || st.total.tls_failed != 0)
		printf(" tls_handshakes=%llu tls_failed=%llu",
		    (unsigned long long)st.total.tls_ok,
		    (unsigned long long)st.total.tls_failed);
	printf("\n");
	fflush(stdout);
}

void
stats_finish(uint64_t now_us, uint64_t scheduled, uint64_t active,
    uint64_t cached)
{
	int64_t	tw;
	int	m;

	if (tail_pending(now_us, scheduled))
		stats_interval(now_us, scheduled, active, cached);
	rows_flush();
	/* Without rows, the summary's counts by side need a dump of their own. */
	if (st.csv_fp == NULL && st.run.by_side && sockdiag_request() == 0)
		sockdiag_wait(PENDING_WAIT_MS);
	/* Latencies of a tail too short for its own row still count. */
	for (m = 0; m < LAT_MAX; m++)
		hist_merge(&st.lat_total[m], &st.lat[m]);
	hist_merge(&st.req_lat_total, &st.req_lat);
	hist_merge(&st.tls_lat_total, &st.tls_lat);
	tw = kstat_time_wait();
	if (st.summary_fp != NULL)
		summary_csv(now_us, scheduled, tw, active);
	if (st.latency_fp != NULL)
		latency_csv();
	summary_line(now_us, scheduled, active, tw);
}

void
stats_close(void)
{
	/* Rows were flushed one by one; fclose only releases the streams. */
	if (st.csv_fp != NULL) {
		rows_flush();
		fclose(st.csv_fp);
	}
	if (st.summary_fp != NULL)
		fclose(st.summary_fp);
	if (st.latency_fp != NULL)
		fclose(st.latency_fp);
	st.csv_fp = st.summary_fp = st.latency_fp = NULL;
}
