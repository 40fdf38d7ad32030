/* stats.c: counters per interval and per run, the two CSV files and the
 * one-line summary on stdout.  Column meanings are in CSV.md. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "kstat.h"
#include "log.h"
#include "stats.h"

struct counters {
	uint64_t	started;
	uint64_t	completed;
	uint64_t	failed;
	uint64_t	reasons[REASON_MAX];
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
	[REASON_ABORTED] = "aborted",
};

static struct {
	struct stats_run	 run;
	FILE			*csv_fp;
	FILE			*summary_fp;
	const char		*csv_path;
	const char		*summary_path;
	struct csv_writer	 csv;
	struct counters		 interval;	/* since the last row */
	struct counters		 total;
	uint64_t		 scheduled_rows;	/* as of the last row */
	uint64_t		 last_row_us;
	int			 rows;
	uint64_t		 server_closed_first;
	uint64_t		 server_never_closed;
	/* The first failure: when the bug shows up, and in what form. */
	int			 failed_once;
	uint64_t		 first_us;
	const char		*first_stage;
	enum reason		 first_reason;
	int			 first_errno;
} st;

const char *
reason_name(enum reason r)
{
	return reason_names[r];
}

enum reason
reason_from_errno(int err)
{
	switch (err) {
	case EADDRNOTAVAIL:
		return REASON_EADDRNOTAVAIL;
	case EADDRINUSE:
		return REASON_EADDRINUSE;
	case ECONNREFUSED:
		return REASON_ECONNREFUSED;
	case ECONNRESET:
	case EPIPE:	/* a write after the peer reset us */
		return REASON_ECONNRESET;
	case ETIMEDOUT:	/* the kernel gave up retransmitting SYN */
		return REASON_ETIMEDOUT;
	case EMFILE:
	case ENFILE:
		return REASON_EMFILE;
	default:
		return REASON_OTHER;
	}
}

const char *
errno_name(int err)
{
	const char	*name;

	if (err == 0 || (name = strerrorname_np(err)) == NULL)
		return "";
	return name;
}

static FILE *
stats_fopen(const char *path)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL)
		fatal("%s", path);
	return fp;
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

	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_str(&st.csv, head[i]);
	for (r = REASON_FIRST_FAILURE; r <= REASON_LAST_FAILURE; r++)
		csv_str(&st.csv, reason_names[r]);
	csv_str(&st.csv, "time_wait");
	if (csv_end_row(&st.csv) == -1)
		fatal("%s", st.csv_path);
}

void
stats_open(const char *csv_path, const char *summary_path,
    const struct stats_run *run)
{
	st.run = *run;
	st.csv_path = csv_path;
	st.summary_path = summary_path;
	if (summary_path != NULL)
		st.summary_fp = stats_fopen(summary_path);
	if (csv_path != NULL) {
		st.csv_fp = stats_fopen(csv_path);
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
stats_session_end(enum reason r, const char *stage, int err,
    uint64_t now_us)
{
	count(r);
	if (r < REASON_FIRST_FAILURE || r > REASON_LAST_FAILURE ||
	    st.failed_once)
		return;
	st.failed_once = 1;
	st.first_us = now_us;
	st.first_stage = stage;
	st.first_reason = r;
	st.first_errno = err;
	log_warnx("first failure at %.3fs: stage=%s class=%s%s%s",
	    (double)now_us / 1e6, stage, reason_names[r],
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

static void
csv_time_wait(struct csv_writer *w, int64_t tw)
{
	if (tw < 0)
		csv_empty(w);
	else
		csv_u64(w, (uint64_t)tw);
}

static void
interval_row(uint64_t now_us, uint64_t scheduled, uint64_t active)
{
	struct csv_writer	*w = &st.csv;
	int			 r;

	csv_double(w, (double)now_us / 1e6, 3);
	csv_u64(w, scheduled - st.scheduled_rows);
	csv_u64(w, st.interval.started);
	csv_u64(w, st.interval.completed);
	csv_u64(w, st.interval.failed);
	csv_u64(w, active);
	for (r = REASON_FIRST_FAILURE; r <= REASON_LAST_FAILURE; r++)
		csv_u64(w, st.interval.reasons[r]);
	csv_time_wait(w, kstat_time_wait());
	if (csv_end_row(w) == -1)
		fatal("%s", st.csv_path);
}

void
stats_interval(uint64_t now_us, uint64_t scheduled, uint64_t active)
{
	if (st.csv_fp != NULL)
		interval_row(now_us, scheduled, active);
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
	    st.interval.failed != 0 || scheduled != st.scheduled_rows;
}

static double
completed_per_s(uint64_t now_us)
{
	if (now_us == 0)
		return 0;
	return (double)st.total.completed / ((double)now_us / 1e6);
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

	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_str(w, head[i]);
	for (r = REASON_FIRST_FAILURE; r <= REASON_LAST_FAILURE; r++)
		csv_str(w, reason_names[r]);
	for (i = 0; i < sizeof(tail) / sizeof(tail[0]); i++)
		csv_str(w, tail[i]);
	csv_end_row(w);
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
	csv_str(w, st.first_stage);
	csv_str(w, reason_names[st.first_reason]);
	csv_str(w, errno_name(st.first_errno));
}

static void
summary_csv(uint64_t now_us, uint64_t scheduled, int64_t tw)
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
	for (r = REASON_FIRST_FAILURE; r <= REASON_LAST_FAILURE; r++)
		csv_u64(&w, st.total.reasons[r]);
	csv_double(&w, completed_per_s(now_us), 3);
	summary_first_failure(&w);
	csv_time_wait(&w, tw);
	if (csv_end_row(&w) == -1)
		fatal("%s", st.summary_path);
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
		snprintf(first, sizeof(first), "%s/%s", st.first_stage,
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
	if (active != 0)
		printf(" aborted=%llu", (unsigned long long)active);
	if (st.server_closed_first != 0)
		printf(" server_closed_first=%llu",
		    (unsigned long long)st.server_closed_first);
	if (st.server_never_closed != 0)
		printf(" server_never_closed=%llu",
		    (unsigned long long)st.server_never_closed);
	printf("\n");
	fflush(stdout);
}

void
stats_finish(uint64_t now_us, uint64_t scheduled, uint64_t active)
{
	int64_t	tw;

	if (tail_pending(now_us, scheduled))
		stats_interval(now_us, scheduled, active);
	tw = kstat_time_wait();
	if (st.summary_fp != NULL)
		summary_csv(now_us, scheduled, tw);
	summary_line(now_us, scheduled, active, tw);
}

void
stats_close(void)
{
	/* Rows were flushed one by one; fclose only releases the streams. */
	if (st.csv_fp != NULL)
		fclose(st.csv_fp);
	if (st.summary_fp != NULL)
		fclose(st.summary_fp);
	st.csv_fp = st.summary_fp = NULL;
}
