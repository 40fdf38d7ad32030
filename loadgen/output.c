/* output.c: loadgen's output: a row per interval in --csv (waiting for
 * its sock_diag dump), then the --summary-csv and --latency-csv files and
 * the summary line on stdout.  What the columns are is columns.c's. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "columns.h"
#include "csv.h"
#include "errors.h"
#include "figures.h"
#include "gates.h"
#include "log.h"
#include "outfile.h"
#include "output.h"
#include "sockdiag.h"
#include "stats.h"

/* Dumps this many intervals late: write rows without them. */
#define PENDING_MAX	8
/* At the end of a run, how long the last dumps may take. */
#define PENDING_WAIT_MS	5000

/* The most a summary or latency field takes: a 20-digit count, or a
 * quoted option value; what those files reserve is sized from it. */
#define FIELD_MAX	32

static struct {
	const struct stats_run	*run;
	struct outfile		 csv, summary, latency;	/* fp NULL: off */
	/* Rows waiting for their sock_diag dump, oldest first: the by-side
	 * columns come from another thread (sockdiag.h). */
	struct figures		 pending[PENDING_MAX];
	unsigned		 npending;
	unsigned		 orphans;	/* dumps of rows written
						 * without them */
	/* The latest dump, for the summary. */
	int			 have_side;
	struct sockdiag_counts	 last_side;
} rp;

/* Room for a file of `rows` rows of `file`'s columns: a header and rows
 * of fields at their largest. */
static size_t
room(enum csv_file file, int rows)
{
	const char	*names[256];
	size_t		 len = 0;
	int		 i, n;

	n = columns_names(file, names, 256);
	for (i = 0; i < n && i < 256; i++)
		len += strlen(names[i]) + 1;
	return len + (size_t)rows * (size_t)n * FIELD_MAX + 1024;
}

void
output_open(const char *csv_path, const char *summary_path,
    const struct stats_run *run)
{
	rp.run = run;
	columns_init(run->opt_names, run->nopts);
	/* Written at the end, when a disk filled by the run would have no
	 * room left for them: their room is taken now. */
	if (summary_path != NULL)
		outfile_open(&rp.summary, "--summary-csv", summary_path,
		    room(CSV_SUMMARY, 1));
	if (run->latency_path != NULL)
		outfile_open(&rp.latency, "--latency-csv", run->latency_path,
		    room(CSV_LATENCY, LAT_MAX));
	if (csv_path != NULL) {
		outfile_open(&rp.csv, "--csv", csv_path, 0);
		columns_header(outfile_row(&rp.csv), CSV_INTERVAL);
		outfile_end_row(&rp.csv);
	}
}

/* Write the oldest pending row with the by-side counts `c` (or none). */
static void
row_finish(const struct sockdiag_counts *c)
{
	struct figures	*p = &rp.pending[0];

	struct csv_writer	*w = outfile_row(&rp.csv);

	if ((p->have_side = c != NULL))
		p->side = *c;
	if (w != NULL) {
		columns_row(w, CSV_INTERVAL, p);
		outfile_end_row(&rp.csv);
	}
	memmove(&rp.pending[0], &rp.pending[1],
	    --rp.npending * sizeof(rp.pending[0]));
}

/* A dump came back: it belongs to the oldest row that asked for one. */
void
output_side_counts(const struct sockdiag_counts *c)
{
	if (rp.orphans > 0) {
		rp.orphans--;
		return;
	}
	if ((rp.have_side = c != NULL))
		rp.last_side = *c;
	if (rp.npending > 0)
		row_finish(c);
}

/*
 * With counts by side the row waits for its dump (milliseconds, on the
 * sock_diag thread) instead of holding up the event loop; rows still go
 * out in order, each whole, with the figures of their boundary.
 */
void
output_interval(const struct figures *f)
{
	if (rp.npending == PENDING_MAX) {
		log_warnx("sock_diag dumps %d intervals late: a row without "
		    "TIME_WAIT by side", PENDING_MAX);
		rp.orphans++;
		row_finish(NULL);
	}
	rp.pending[rp.npending++] = *f;
	if (!rp.run->by_side || sockdiag_request() == -1)
		row_finish(NULL);
}

/* The last dumps, briefly waited for; then rows without. */
static void
rows_flush(void)
{
	if (rp.npending > 0 && sockdiag_wait(PENDING_WAIT_MS) == -1)
		log_warnx("sock_diag: no dump within %d ms; last rows without "
		    "TIME_WAIT by side", PENDING_WAIT_MS);
	while (rp.npending > 0) {
		rp.orphans++;
		row_finish(NULL);
	}
}

void
output_rows_done(void)
{
	rows_flush();
	/* Without rows, the summary's counts by side need a dump of its
	 * own. */
	if (rp.csv.fp == NULL && rp.run->by_side && sockdiag_request() == 0)
		sockdiag_wait(PENDING_WAIT_MS);
}

static void
summary_csv(const struct figures *f)
{
	columns_header(&rp.summary.w, CSV_SUMMARY);
	outfile_end_row(&rp.summary);
	if (outfile_row(&rp.summary) != NULL) {
		columns_row(&rp.summary.w, CSV_SUMMARY, f);
		outfile_end_row(&rp.summary);
	}
}

/* --latency-csv: one row per latency, every percentile, whole run. */
static void
latency_csv(const struct figures *f)
{
	int	m;

	columns_header(&rp.latency.w, CSV_LATENCY);
	outfile_end_row(&rp.latency);
	for (m = 0; m < LAT_MAX && outfile_row(&rp.latency) != NULL; m++) {
		columns_latency_row(&rp.latency.w, f, (enum latency)m);
		outfile_end_row(&rp.latency);
	}
}

static void
print_count(const char *key, uint64_t v)
{
	printf(" %s=%llu", key, (unsigned long long)v);
}

static void
print_ms(const char *key, uint64_t us)
{
	printf(" %s=%.3f", key, (double)us / 1e3);
}

/* What the mailbox cache did, on the summary line. */
static void
summary_line_cache(const struct figures *f)
{
	const uint64_t	*c = f->count;

	print_count("requests", c[COUNT_REQUESTS]);
	print_count("requests_done", c[COUNT_REQUESTS_DONE]);
	print_count("reused", c[COUNT_REUSED]);
	print_count("opened", c[COUNT_OPENED]);
	print_count("evicted", c[COUNT_EVICTED]);
	if (c[COUNT_REPLACED] != 0)
		print_count("replaced", c[COUNT_REPLACED]);
	if (c[COUNT_REQUESTS_FAILED] != 0)
		print_count("requests_failed", c[COUNT_REQUESTS_FAILED]);
	if (f->lat[LAT_REQUEST].n != 0)
		print_ms("request_p99_ms", f->lat[LAT_REQUEST].v[FIG_P99]);
}

/* Keys that appear only when nonzero, after the latencies. */
static void
summary_line_rest(const struct figures *f)
{
	const uint64_t	*c = f->count;

	if (c[COUNT_SKIPPED] != 0)
		print_count("skipped", c[COUNT_SKIPPED]);
	if (f->active != 0)
		print_count("aborted", f->active);
	if (c[COUNT_SERVER_CLOSED_FIRST] != 0)
		print_count("server_closed_first",
		    c[COUNT_SERVER_CLOSED_FIRST]);
	if (c[COUNT_SERVER_NEVER_CLOSED] != 0)
		print_count("server_never_closed",
		    c[COUNT_SERVER_NEVER_CLOSED]);
	if (c[COUNT_TLS_OK] != 0 || c[COUNT_TLS_FAILED] != 0) {
		print_count("tls_handshakes", c[COUNT_TLS_OK]);
		print_count("tls_failed", c[COUNT_TLS_FAILED]);
	}
}

/* "connect/EADDRNOTAVAIL", or "login/imap_no" when there was no errno. */
static void
summary_line(const struct figures *f)
{
	const struct run_end	*e = f->end;
	const uint64_t		*c = f->count;
	char			 first_s[32] = "-", first[64] = "-";
	char			 twbuf[32] = "-";

	if (e->failed) {
		snprintf(first_s, sizeof(first_s), "%.3f",
		    (double)e->first_us / 1e6);
		snprintf(first, sizeof(first), "%s/%s",
		    stage_name(e->first_stage), e->first_errno != 0 ?
		    errno_name(e->first_errno) : reason_name(e->first_reason));
	}
	if (f->time_wait >= 0)
		snprintf(twbuf, sizeof(twbuf), "%lld", (long long)f->time_wait);
	printf("loadgen: target=%s scheduled=%llu started=%llu completed=%llu "
	    "failed=%llu completed_per_s=%.1f first_failure_s=%s "
	    "first_failure=%s time_wait_end=%s", e->run->target,
	    (unsigned long long)f->scheduled,
	    (unsigned long long)c[COUNT_STARTED],
	    (unsigned long long)c[COUNT_COMPLETED],
	    (unsigned long long)c[COUNT_FAILED], e->completed_per_s,
	    first_s, first, twbuf);
	if (f->lat[LAT_SESSION].n != 0)
		print_ms("session_p99_ms", f->lat[LAT_SESSION].v[FIG_P99]);
	if (f->lat[LAT_LAG].n != 0) {
		print_ms("lag_p99_ms", f->lat[LAT_LAG].v[FIG_P99]);
		print_ms("lag_max_ms", f->lat[LAT_LAG].v[FIG_MAX]);
	}
	if (f->cache)
		summary_line_cache(f);
	summary_line_rest(f);
	printf("\n");
	fflush(stdout);
}

int
output_finish(const struct figures *run)
{
	struct figures	f = *run;

	/* At the end: the last row's dump. */
	if ((f.have_side = rp.have_side))
		f.side = rp.last_side;
	if (rp.summary.fp != NULL)
		summary_csv(&f);
	if (rp.latency.fp != NULL)
		latency_csv(&f);
	summary_line(&f);
	return gates_judge(rp.run->thresholds, rp.run->nthresholds, &f,
	    stdout);
}

int
output_close(void)
{
	int	rc = 0;

	/* Rows were flushed one by one; closing releases the streams and
	 * what the reservations did not use. */
	if (rp.csv.fp != NULL) {
		rows_flush();
		rc |= outfile_close(&rp.csv);
	}
	rc |= outfile_close(&rp.summary);
	rc |= outfile_close(&rp.latency);
	return rc;
}
