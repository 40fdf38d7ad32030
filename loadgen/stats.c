/* stats.c: loadgen's counting.  Each event counts once, into the current
 * interval; an interval adds into the run's total when it closes.  What
 * the counts become on paper is report.c's. */
#include <stdint.h>
#include <string.h>

#include "cdefs.h"
#include "errors.h"
#include "figures.h"
#include "histogram.h"
#include "shardfiles.h"
#include "kstat.h"
#include "log.h"
#include "netstat.h"
#include "output.h"
#include "stats.h"

/* Percentiles of every latency, FIG_P50 ... FIG_P999. */
static const double	pcts[FIG_MAX] = { 50, 90, 99, 99.9 };

static const char *const sysctl_paths[SYSCTL_MAX] = {
	[SYSCTL_PORT_RANGE] = "net/ipv4/ip_local_port_range",
	[SYSCTL_TW_REUSE] = "net/ipv4/tcp_tw_reuse",
	[SYSCTL_TW_REUSE_DELAY] = "net/ipv4/tcp_tw_reuse_delay",
	[SYSCTL_MAX_TW_BUCKETS] = "net/ipv4/tcp_max_tw_buckets",
	[SYSCTL_FIN_TIMEOUT] = "net/ipv4/tcp_fin_timeout",
	[SYSCTL_TIMESTAMPS] = "net/ipv4/tcp_timestamps",
};

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

static struct {
	struct stats_run	 run;
	int			 csv;		/* --csv: interval rows */
	uint64_t		 interval[COUNT_MAX];	/* since the last row */
	uint64_t		 total[COUNT_MAX];	/* up to the last row */
	struct histogram	 lat[LAT_MAX];		/* since the last row */
	struct histogram	 lat_total[LAT_MAX];
	uint64_t		 cached_max;	/* largest `cached` of a row */
	struct tcpext_counters	 tcpext_start;	/* at the start */
	struct tcpext_counters	 tcpext_row;	/* at the last row */
	int			 tcpext_ok;
	char			 sysctl[SYSCTL_MAX][64];
	struct run_end		 end;
	uint64_t		 scheduled_rows;	/* as of the last row */
	uint64_t		 last_row_us;
	int			 rows;
	double			 start_epoch;	/* Unix time of time zero */
} st;

const char *
reason_name(enum reason r)
{
	return reason_names[r];
}

/* The kernel's settings and counters as the run starts. */
static void
read_kernel_start(void)
{
	int	i;

	for (i = 0; i < SYSCTL_MAX; i++) {
		if (kstat_sysctl_read(sysctl_paths[i], st.sysctl[i],
		    sizeof(st.sysctl[i])) == -1)
			st.sysctl[i][0] = '\0';
		st.end.sysctl[i] = st.sysctl[i];
	}
	st.tcpext_ok = netstat_read(&st.tcpext_start) == 0;
	st.tcpext_row = st.tcpext_start;
}

void
stats_open(const char *csv_path, const char *summary_path,
    const struct stats_run *run)
{
	int	m;

	st.run = *run;
	st.end.run = &st.run;
	st.csv = csv_path != NULL;
	for (m = 0; m < LAT_MAX; m++) {
		hist_reset(&st.lat[m]);
		hist_reset(&st.lat_total[m]);
	}
	read_kernel_start();
	output_open(csv_path, summary_path, &st.run);
	shardfiles_open(run->histogram_path, run->meta_path);
}

/* Every event counts here, once. */
static void
count(enum counter c)
{
	st.interval[c]++;
}

/* What a counter says so far: the closed intervals and the open one. */
static uint64_t
so_far(enum counter c)
{
	return st.total[c] + st.interval[c];
}

void
stats_started_at(double epoch)
{
	st.start_epoch = epoch;
}

void
stats_started(void)
{
	count(COUNT_STARTED);
}

void
stats_skipped(void)
{
	count(COUNT_SKIPPED);
}

void
stats_connected(void)
{
	count(COUNT_CONNECTED);
}

void
stats_latency(enum latency m, uint64_t us)
{
	hist_record(&st.lat[m], us);
}

void
stats_request(int reused)
{
	count(COUNT_REQUESTS);
	count(reused ? COUNT_REUSED : COUNT_OPENED);
}

void
stats_request_done(uint64_t us)
{
	count(COUNT_REQUESTS_DONE);
	hist_record(&st.lat[LAT_REQUEST], us);
}

void
stats_request_failed(void)
{
	count(COUNT_REQUESTS_FAILED);
}

void
stats_evicted(void)
{
	count(COUNT_EVICTED);
}

void
stats_replaced(void)
{
	count(COUNT_REPLACED);
}

void
stats_stop_reason(const char *why)
{
	if (st.end.stop_reason == NULL)
		st.end.stop_reason = why;
}

void
stats_snapshot(struct stats_snapshot *snap)
{
	snap->started = so_far(COUNT_STARTED);
	snap->completed = so_far(COUNT_COMPLETED);
	snap->failed = so_far(COUNT_FAILED);
	snap->skipped = so_far(COUNT_SKIPPED);
	snap->cache = st.run.mailboxes != 0;
	snap->requests = so_far(COUNT_REQUESTS);
	snap->reused = so_far(COUNT_REUSED);
}

static int
is_failure(enum reason r)
{
	return r >= REASON_FIRST_FAILURE && r <= REASON_LAST_FAILURE;
}

/* When the bug shows up, and in what form: logged as it happens. */
static void
first_failure(enum reason r, enum stage stage, int err, uint64_t now_us)
{
	st.end.failed = 1;
	st.end.first_us = now_us;
	st.end.first_stage = stage;
	st.end.first_reason = r;
	st.end.first_errno = err;
	log_warnx("first failure at %.3fs: stage=%s class=%s%s%s",
	    (double)now_us / 1e6, stage_name(stage), reason_names[r],
	    err != 0 ? " errno=" : "", errno_name(err));
}

void
stats_session_end(enum reason r, enum stage stage, int err,
    uint64_t now_us)
{
	count(COUNT_REASON + r);
	if (r == REASON_COMPLETED)
		count(COUNT_COMPLETED);
	if (!is_failure(r))
		return;
	count(COUNT_FAILED);
	count(COUNT_STAGE + stage);
	if (!st.end.failed)
		first_failure(r, stage, err, now_us);
}

void
stats_server_closed_first(void)
{
	/* Then TIME_WAIT lands on the server and the client keeps its port:
	 * the run stops reproducing client-side exhaustion. Say so once. */
	if (so_far(COUNT_SERVER_CLOSED_FIRST) == 0)
		log_warnx("the server closed first after LOGOUT: TIME_WAIT "
		    "is on the server side, not ours");
	count(COUNT_SERVER_CLOSED_FIRST);
}

void
stats_server_never_closed(void)
{
	/* Our port then waits in FIN_WAIT_2 (tcp_fin_timeout), not in
	 * TIME_WAIT: it still holds the port. */
	if (so_far(COUNT_SERVER_NEVER_CLOSED) == 0)
		log_warnx("the server did not close within --timeout after our "
		    "FIN: the client's port is in FIN_WAIT_2");
	count(COUNT_SERVER_NEVER_CLOSED);
}

void
stats_tls_handshake(int ok, uint64_t us)
{
	if (!ok) {
		count(COUNT_TLS_FAILED);
		return;
	}
	count(COUNT_TLS_OK);
	hist_record(&st.lat[LAT_TLS], us);
}

/* Percentiles and max of every latency in `h`. */
static void
latency_figures(struct figures *f, const struct histogram *h)
{
	int	m;

	for (m = 0; m < LAT_MAX; m++) {
		f->lat[m].n = h[m].n;
		hist_percentiles(&h[m], pcts, f->lat[m].v, FIG_MAX);
		f->lat[m].v[FIG_MAX] = h[m].max;
	}
}

/* Counter deltas since `since`, which then moves to now. */
static void
tcpext_figures(struct figures *f, struct tcpext_counters *since)
{
	struct tcpext_counters	now;
	int			c;

	f->tcpext_ok = st.tcpext_ok && netstat_read(&now) == 0;
	if (!f->tcpext_ok)
		return;
	for (c = 0; c < TCPEXT_MAX; c++)
		f->tcpext.v[c] = now.v[c] - since->v[c];
	*since = now;
}

/* The figures of the interval ending now, read at its boundary. */
static void
interval_figures(struct figures *f, uint64_t now_us, uint64_t scheduled,
    uint64_t active, uint64_t cached)
{
	memset(f, 0, sizeof(*f));
	f->now_us = now_us;
	f->scheduled = scheduled - st.scheduled_rows;
	f->active = active;
	f->cached = cached;
	f->cache = st.run.mailboxes != 0;
	f->time_wait = kstat_time_wait();
	tcpext_figures(f, &st.tcpext_row);
	memcpy(f->count, st.interval, sizeof(f->count));
	latency_figures(f, st.lat);
}

/* The interval's counts and latencies into the run's. */
static void
interval_close(void)
{
	int	c, m;

	for (c = 0; c < COUNT_MAX; c++)
		st.total[c] += st.interval[c];
	memset(st.interval, 0, sizeof(st.interval));
	for (m = 0; m < LAT_MAX; m++) {
		hist_merge(&st.lat_total[m], &st.lat[m]);
		hist_reset(&st.lat[m]);
	}
}

void
stats_interval(uint64_t now_us, uint64_t scheduled, uint64_t active,
    uint64_t cached)
{
	struct figures	f;

	if (st.csv) {
		interval_figures(&f, now_us, scheduled, active, cached);
		output_interval(&f);
	}
	shardfiles_histograms(st.lat, now_us, 0);
	interval_close();
	if (cached > st.cached_max)
		st.cached_max = cached;
	st.scheduled_rows = scheduled;
	st.last_row_us = now_us;
	st.rows++;
}

/* The row for the tail after the last boundary, unless the run ended on
 * the boundary itself (nothing new to say, and its elapsed_s would repeat). */
static int
tail_pending(uint64_t now_us, uint64_t scheduled)
{
	static const enum counter news[] = { COUNT_STARTED, COUNT_COMPLETED,
	    COUNT_FAILED, COUNT_SKIPPED, COUNT_REQUESTS, COUNT_REQUESTS_DONE,
	    COUNT_EVICTED };
	size_t	i;

	if (st.rows == 0 || now_us - st.last_row_us >= 1000)
		return 1;
	for (i = 0; i < nitems(news); i++)
		if (st.interval[news[i]] != 0)
			return 1;
	return scheduled != st.scheduled_rows;
}

/* The whole run's figures, as it ends. */
static void
run_figures(struct figures *f, uint64_t now_us, uint64_t scheduled,
    uint64_t active)
{
	memset(f, 0, sizeof(*f));
	f->now_us = now_us;
	f->scheduled = scheduled;
	f->active = active;
	f->cached = st.cached_max;
	f->cache = st.run.mailboxes != 0;
	f->time_wait = kstat_time_wait();
	tcpext_figures(f, &st.tcpext_start);
	memcpy(f->count, st.total, sizeof(f->count));
	latency_figures(f, st.lat_total);
	st.end.completed_per_s = now_us == 0 ? 0 :
	    (double)st.total[COUNT_COMPLETED] / ((double)now_us / 1e6);
	f->end = &st.end;
}

static void
write_meta(uint64_t now_us, uint64_t scheduled)
{
	struct shard_meta	m = {
		st.run.shard_n != 0 ? st.run.shard_i : 1,
		st.run.shard_n != 0 ? st.run.shard_n : 1,
		st.start_epoch, st.run.interval_us, st.run.duration_us,
		now_us, st.run.rate, scheduled, st.total[COUNT_STARTED],
		st.total[COUNT_COMPLETED], st.total[COUNT_FAILED],
		st.end.sysctl,
	};

	shardfiles_meta(&m);
}

int
stats_finish(uint64_t now_us, uint64_t scheduled, uint64_t active,
    uint64_t cached)
{
	struct figures	f;

	if (tail_pending(now_us, scheduled))
		stats_interval(now_us, scheduled, active, cached);
	/* A tail too short for its own row still counts. */
	interval_close();
	shardfiles_histograms(st.lat_total, now_us, 1);
	output_rows_done();
	run_figures(&f, now_us, scheduled, active);
	write_meta(now_us, scheduled);
	return output_finish(&f);
}

int
stats_close(void)
{
	int	rc = shardfiles_close();

	return output_close() | rc;
}
