/* options.h: loadgen's command line, parsed into one struct config. */
#ifndef LOADGEN_OPTIONS_H
#define LOADGEN_OPTIONS_H

#include <stdint.h>

#include "addr.h"
#include "arrivals.h"
#include "bind.h"
#include "mailbox.h"
#include "session.h"
#include "steps.h"
#include "threshold.h"

/* Destinations, round-robin: ports are reused per destination. */
#define TARGETS_MAX	64
/* --threshold, repeatable. */
#define THRESHOLDS_MAX	32

struct config {
	struct endpoint	 targets[TARGETS_MAX];
	int		 ntargets;
	char		 target_str[ENDPOINT_STRLEN];	/* the first */
	double		 rate;
	struct arrival_spec spec;
	uint64_t	 seed;
	uint64_t	 max_in_flight;	/* 0: no cap */
	uint64_t	 max_failures;	/* 0: no limit */
	int		 stop_on_failure;
	struct bind_config bind;
	uint64_t	 duration_us;
	uint64_t	 count;		/* 0: no limit; the whole run's */
	uint64_t	 shard_count;	/* this shard's part of it */
	unsigned	 shard_i, shard_n;	/* --shard I/N; 0/0: none */
	double		 start_at;	/* --start-at, Unix s; 0: none */
	uint64_t	 interval_us;
	uint64_t	 timeout_us;
	const char	*user;
	const char	*password;
	const char	*csv_path;
	const char	*summary_path;
	const char	*latency_path;
	const char	*histogram_path;	/* --histogram-csv */
	const char	*meta_path;		/* --meta */
	enum close_mode	 close;
	struct step_list steps;		/* as run: no LOGOUT with no-logout */
	uint64_t	 drain_below;	/* --drain: 0 when off */
	uint64_t	 drain_timeout_us;
	uint64_t	 mailboxes;	/* --mailboxes: 0 when off */
	uint64_t	 cache_ttl_us;	/* --cache-ttl */
	struct mailbox_skew skew;	/* --mailbox-skew */
	int		 tls;		/* --tls */
	const char	*tls_ca;
	const char	*tls_servername;
	struct threshold thresholds[THRESHOLDS_MAX];	/* --threshold */
	int		 nthresholds;
	int		 debug;
	int		 list_columns;	/* --list-columns: print them, exit */
};

/* Defaults, then the command line, then the checks across options;
 * bad input is one line naming the option and exit 2. */
void	options_parse(struct config *, int argc, char **argv);

/* The run's options as summary columns: names and values, static. */
void	options_columns(const struct config *, const char *const **names,
	    const char *const **values, int *n);
/* The mean offered rate over the run: --rate itself when constant. */
double	options_offered_rate(const struct config *);

#endif
