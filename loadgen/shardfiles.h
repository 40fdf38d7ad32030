/* shardfiles.h: the two files a shard leaves for ephemera merge besides
 * its CSVs: --histogram-csv (histcsv.h's layout) and --meta (key=value
 * lines); loadgen/CSV.md describes both. */
#ifndef LOADGEN_SHARDFILES_H
#define LOADGEN_SHARDFILES_H

#include <stdint.h>

#include "figures.h"
#include "histogram.h"

/* What --meta says about the run. */
struct shard_meta {
	unsigned	 shard_i, shard_n;	/* 1/1 when not sharded */
	double		 start_epoch;
	uint64_t	 interval_us;
	uint64_t	 duration_us;
	uint64_t	 elapsed_us;
	double		 offered_per_s;
	uint64_t	 scheduled, started, completed, failed;
	const char	*const *sysctl;		/* SYSCTL_MAX values */
};

#define META_VERSION	1

/* Open either file (NULL: off); one that cannot be is bad input, exit 2,
 * before any traffic. */
void	shardfiles_open(const char *histogram_path, const char *meta_path);
/* The histograms of the interval ending at `now_us`, or with total set
 * of the whole run. */
void	shardfiles_histograms(const struct histogram h[LAT_MAX],
	    uint64_t now_us, int total);
/* The achieved rate --meta reports: the offered rate times the part of
 * the scheduled arrivals that started. */
double	shardfiles_achieved(const struct shard_meta *);
void	shardfiles_meta(const struct shard_meta *);
/* -1 when a file lost rows. */
int	shardfiles_close(void);

#endif
