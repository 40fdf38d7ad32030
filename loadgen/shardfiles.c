/* shardfiles.c: --histogram-csv, the latency histograms bucket by bucket
 * per interval and for the run, and --meta, what ephemera merge needs to
 * know of a shard: which one, where, when, at what rate. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "columns.h"
#include "csv.h"
#include "histcsv.h"
#include "outfile.h"
#include "shardfiles.h"

/* Room set aside for --meta, written at the end of the run. */
#define META_RESERVE	4096

static struct outfile	hist_file, meta_file;	/* fp NULL: off */

void
shardfiles_open(const char *hist_path, const char *meta_path)
{
	struct csv_writer	*w;
	int			 i;

	if (meta_path != NULL)
		outfile_open(&meta_file, "--meta", meta_path, META_RESERVE);
	if (hist_path == NULL)
		return;
	outfile_open(&hist_file, "--histogram-csv", hist_path, 0);
	/* The layout line first, then the header: both whole "rows". */
	if ((w = outfile_row(&hist_file)) == NULL)
		return;
	fputs(HISTCSV_FIRST "\r\n", w->fp);
	for (i = 0; i < HISTCSV_NCOLS; i++)
		csv_str(w, histcsv_columns[i]);
	outfile_end_row(&hist_file);
}

void
shardfiles_histograms(const struct histogram h[LAT_MAX], uint64_t now_us,
    int total)
{
	struct histcsv_row	 r;
	struct csv_writer	*w;
	char			 when[32];
	unsigned		 cursor;
	int			 m;

	if (hist_file.fp == NULL)
		return;
	/* The interval file's elapsed_s, to the same millisecond. */
	if (total)
		snprintf(when, sizeof(when), "total");
	else
		snprintf(when, sizeof(when), "%.3f", (double)now_us / 1e6);
	for (m = 0; m < LAT_MAX; m++)
		for (cursor = 0; histcsv_next(&h[m], &cursor, &r);) {
			if ((w = outfile_row(&hist_file)) == NULL)
				return;
			histcsv_put(w, when, columns_latency_name(m), &r);
			outfile_end_row(&hist_file);
		}
}

double
shardfiles_achieved(const struct shard_meta *m)
{
	if (m->scheduled == 0)
		return 0;
	return m->offered_per_s * (double)m->started / (double)m->scheduled;
}

void
shardfiles_meta(const struct shard_meta *m)
{
	struct csv_writer	*w;
	char			 host[HOST_NAME_MAX + 1];
	int			 i;

	if (meta_file.fp == NULL || (w = outfile_row(&meta_file)) == NULL)
		return;
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	fprintf(w->fp, "# ephemera loadgen meta\n"
	    "meta_version=%d\nhistogram_layout=%d\nshard=%u/%u\nhost=%s\n"
	    "start_epoch=%.6f\ninterval_s=%.6f\nduration_s=%.6f\n"
	    "elapsed_s=%.6f\noffered_per_s=%.3f\nachieved_per_s=%.3f\n",
	    META_VERSION, HISTCSV_VERSION, m->shard_i, m->shard_n, host,
	    m->start_epoch, (double)m->interval_us / 1e6,
	    (double)m->duration_us / 1e6, (double)m->elapsed_us / 1e6,
	    m->offered_per_s, shardfiles_achieved(m));
	for (i = 0; i < SYSCTL_MAX; i++)
		fprintf(w->fp, "%s=%s\n", columns_sysctl_name(i),
		    m->sysctl[i]);
	/* The last line ends as a row does (CRLF). */
	fprintf(w->fp, "scheduled=%llu\nstarted=%llu\ncompleted=%llu\n"
	    "failed=%llu", (unsigned long long)m->scheduled,
	    (unsigned long long)m->started,
	    (unsigned long long)m->completed,
	    (unsigned long long)m->failed);
	outfile_end_row(&meta_file);
}

int
shardfiles_close(void)
{
	int	rc = 0;

	if (hist_file.fp != NULL)
		rc |= outfile_close(&hist_file);
	if (meta_file.fp != NULL)
		rc |= outfile_close(&meta_file);
	return rc;
}
