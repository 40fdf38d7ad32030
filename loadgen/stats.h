/* stats.h: what loadgen counts, per interval and for the whole run; the
 * files and the summary line are report.h's. */
#ifndef LOADGEN_STATS_H
#define LOADGEN_STATS_H

#include <stdint.h>

#include "stage.h"

/*
 * Why a session ended.  Each failure class has a column (columns.c);
 * REASON_ABORTED is a session still in flight when an interrupted run
 * gave up draining: it counts as neither completed nor failed (it is the
 * final row's `active`).
 */
enum reason {
	REASON_COMPLETED,
	REASON_EADDRNOTAVAIL,
	REASON_EADDRINUSE,
	REASON_ECONNREFUSED,
	REASON_ECONNRESET,
	REASON_ETIMEDOUT,
	REASON_EMFILE,
	REASON_IMAP_NO,
	REASON_IMAP_BAD,
	REASON_IMAP_BYE,
	REASON_PROTOCOL,
	REASON_OTHER,
	REASON_TLS,		/* a failed TLS handshake */
	REASON_ABORTED,
	REASON_MAX
};

#define REASON_FIRST_FAILURE	REASON_EADDRNOTAVAIL
#define REASON_LAST_FAILURE	REASON_TLS

/* Latencies kept in histograms, in the latency file's row order. */
enum latency {
	LAT_CONNECT,		/* socket() to connected */
	LAT_GREETING,		/* connected to the greeting */
	LAT_LOGIN,		/* LOGIN sent to its tagged OK */
	LAT_SESSION,		/* scheduled start to completed */
	LAT_SESSION_ACTUAL,	/* actual start (socket()) to completed */
	LAT_LAG,		/* actual start minus scheduled start */
	LAT_REQUEST,		/* --mailboxes: scheduled to the last OK */
	LAT_TLS,		/* a TLS handshake */
	LAT_MAX
};

/* What the summary reports about the run as a whole. */
struct threshold;

struct stats_run {
	const char	*target;	/* "127.0.0.1:1143" */
	double		 rate;		/* offered, per second (mean) */
	uint64_t	 duration_us;	/* configured */
	/* The run's options, as summary columns named option names. */
	const char	*const *opt_names;
	const char	*const *opt_values;
	int		 nopts;
	int		 by_side;	/* sockdiag_open() succeeded */
	const char	*latency_path;	/* --latency-csv, or NULL */
	uint64_t	 mailboxes;	/* --mailboxes; 0: no cache columns */
	uint64_t	 cache_ttl_us;
	const char	*mailbox_skew;	/* "uniform", "zipf:1.1", ... */
	const struct threshold *thresholds;	/* --threshold */
	int		 nthresholds;
	const char	*histogram_path;	/* --histogram-csv, or NULL */
	const char	*meta_path;		/* --meta, or NULL */
	unsigned	 shard_i, shard_n;	/* --shard; 0/0: none */
	uint64_t	 interval_us;
};

/* Totals so far, for the progress line. */
struct stats_snapshot {
	uint64_t	started;
	uint64_t	completed;
	uint64_t	failed;
	uint64_t	skipped;
	int		cache;		/* --mailboxes: the next two count */
	uint64_t	requests;
	uint64_t	reused;
};

const char	*reason_name(enum reason);

/* Read the kernel's settings and counters at the start, and open the CSV
 * files (either path may be NULL; report.h). */
void	stats_open(const char *csv_path, const char *summary_path,
	    const struct stats_run *);
/* Time zero, as a Unix time (--start-at, or the wall clock then). */
void	stats_started_at(double epoch);
void	stats_started(void);
/* An arrival not started because --max-in-flight sessions were running. */
void	stats_skipped(void);
/* A connect() succeeded. */
void	stats_connected(void);
void	stats_latency(enum latency, uint64_t us);
/* --mailboxes: a request on a cached connection (reused) or a new one. */
void	stats_request(int reused);
/* Its last step's OK came, `us` after the request's scheduled time. */
void	stats_request_done(uint64_t us);
/* Its connection failed before its last step's OK. */
void	stats_request_failed(void);
/* A cached connection closed at the TTL; one closed for a younger one. */
void	stats_evicted(void);
void	stats_replaced(void);
/* Why arrivals stopped: "duration", "count", "failure", "signal"... */
void	stats_stop_reason(const char *);
void	stats_snapshot(struct stats_snapshot *);
/* A session ended at `now_us` since start in `stage`; `err` is the errno
 * behind a failure, 0 if there was none. */
void	stats_session_end(enum reason, enum stage, int err,
	    uint64_t now_us);
void	stats_server_closed_first(void);
/* A TLS handshake succeeded after `us`, or failed (ok 0). */
void	stats_tls_handshake(int ok, uint64_t us);
/* After our FIN, the server did not close within the step timeout. */
void	stats_server_never_closed(void);
/* Close the interval ending at `now_us`; `scheduled` is cumulative;
 * `cached`: idle cache connections now. */
void	stats_interval(uint64_t now_us, uint64_t scheduled, uint64_t active,
	    uint64_t cached);
/* End of run: the last partial row if time passed since the previous one,
 * the summary CSV and the summary line on stdout, then the thresholds
 * judged; returns how many were breached. */
int	stats_finish(uint64_t now_us, uint64_t scheduled, uint64_t active,
	    uint64_t cached);
/* Close the files; -1 when one of them lost rows. */
int	stats_close(void);

#endif
