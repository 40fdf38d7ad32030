/* figures.h: what stats.c counted over an interval or over the whole run,
 * as the CSV files and the summary line (report.c, columns.c) read it. */
#ifndef LOADGEN_FIGURES_H
#define LOADGEN_FIGURES_H

#include <stdint.h>

#include "netstat.h"
#include "sockdiag.h"
#include "stage.h"
#include "stats.h"

/* Every counter, in one array: an interval adds into the total in one
 * loop, and a column names its counter by index. */
enum counter {
	COUNT_STARTED,
	COUNT_COMPLETED,
	COUNT_FAILED,
	COUNT_SKIPPED,
	COUNT_CONNECTED,
	/* --mailboxes: requests and what the cache did with them. */
	COUNT_REQUESTS,
	COUNT_REQUESTS_DONE,
	COUNT_REQUESTS_FAILED,
	COUNT_REUSED,
	COUNT_OPENED,
	COUNT_EVICTED,
	COUNT_REPLACED,
	COUNT_TLS_OK,		/* handshakes done */
	COUNT_TLS_FAILED,
	COUNT_SERVER_CLOSED_FIRST,
	COUNT_SERVER_NEVER_CLOSED,
	COUNT_REASON,		/* + enum reason: how sessions ended */
	COUNT_STAGE = COUNT_REASON + REASON_MAX,  /* + enum stage: failures */
	COUNT_MAX = COUNT_STAGE + STAGE_MAX
};

/* A latency's figures, in column order. */
enum figure {
	FIG_P50,
	FIG_P90,
	FIG_P99,
	FIG_P999,
	FIG_MAX,
	NFIGS
};

struct latency_figures {
	uint64_t	n;		/* samples; none: empty fields */
	uint64_t	v[NFIGS];	/* us */
};

/* Kernel settings in force at the start, as summary columns. */
enum sysctl {
	SYSCTL_PORT_RANGE,
	SYSCTL_TW_REUSE,
	SYSCTL_TW_REUSE_DELAY,
	SYSCTL_MAX_TW_BUCKETS,
	SYSCTL_FIN_TIMEOUT,
	SYSCTL_TIMESTAMPS,
	SYSCTL_MAX
};

/* What only the summary has: the run as a whole. */
struct run_end {
	const struct stats_run	*run;
	const char		*stop_reason;	/* NULL: none said */
	double			 completed_per_s;
	const char		*sysctl[SYSCTL_MAX];	/* "": unreadable */
	/* The first failure: when the bug shows up, and in what form. */
	int			 failed;
	uint64_t		 first_us;
	enum stage		 first_stage;
	enum reason		 first_reason;
	int			 first_errno;	/* 0: none */
};

/* One interval's figures, or the whole run's: one row of a file. */
struct figures {
	uint64_t		 now_us;	/* at its end */
	uint64_t		 scheduled;	/* arrivals due in it */
	uint64_t		 active;	/* in flight at its end */
	uint64_t		 cached;	/* idle in the cache at the
						 * interval's end; the run's:
						 * the most of any interval */
	int			 cache;		/* --mailboxes: cache columns */
	int64_t			 time_wait;	/* at its end; -1: unreadable */
	int			 tcpext_ok;
	struct tcpext_counters	 tcpext;	/* deltas over it */
	int			 have_side;	/* the sock_diag dump came */
	struct sockdiag_counts	 side;
	uint64_t		 count[COUNT_MAX];
	struct latency_figures	 lat[LAT_MAX];
	const struct run_end	*end;		/* the run's; NULL otherwise */
};

#endif
