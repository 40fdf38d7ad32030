/* status.c: the lab's one-line progress on a terminal.  loadgen flushes a
 * row of loadgen.csv every interval; the line sums them, so it shows what
 * the run's own measurement says, not a second count of ours. */
#include <stdio.h>
#include <unistd.h>

#include "cdefs.h"
#include "csvtail.h"
#include "log.h"
#include "run.h"
#include "scenario.h"
#include "spawn.h"
#include "status.h"

enum { COL_ELAPSED, COL_COMPLETED, COL_FAILED, COL_TIME_WAIT };

static const char *const columns[] = {
	[COL_ELAPSED] = "elapsed_s",
	[COL_COMPLETED] = "completed",
	[COL_FAILED] = "failed",
	[COL_TIME_WAIT] = "time_wait",
};

#define STATUS_CSVS	(SCENARIO_MAX_CLIENTS * SCENARIO_MAX_SHARDS)

static struct {
	int			on;
	struct status_run	run;
	struct csvtail		csv[STATUS_CSVS];	/* one a loadgen */
	int			ncsv;
	long			start_ms;
} st;

/* What the loadgens have counted so far: completed and failed added;
 * TIME_WAIT the most any loadgen of a host saw (they share its
 * namespace), hosts added. */
static void
status_sum(double *completed, double *failed, double *tw)
{
	const struct scenario	*sc = st.run.sc;
	double			 host = 0;
	int			 i, per = (int)sc->shards;

	*completed = *failed = *tw = 0;
	if (!scenario_has_hosts(sc))
		per = st.ncsv;
	for (i = 0; i < st.ncsv; i++) {
		*completed += st.csv[i].sum[COL_COMPLETED];
		*failed += st.csv[i].sum[COL_FAILED];
		if (st.csv[i].last[COL_TIME_WAIT] > host)
			host = st.csv[i].last[COL_TIME_WAIT];
		if ((i + 1) % per == 0) {
			*tw += host;
			host = 0;
		}
	}
}

/* 1:05, or 1:02:05 past an hour. */
static void
format_left(double s, char *buf, size_t bufsz)
{
	long	t = s > 0 ? (long)(s + 0.5) : 0;

	if (t >= 3600)
		snprintf(buf, bufsz, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(buf, bufsz, "%ld:%02ld", t / 60, t % 60);
}

static void
status_draw(void)
{
	const struct status_run	*r = &st.run;
	double			 lab = (double)(mono_ms() - st.start_ms) / 1e3;
	double			 left = r->lab_s - lab;
	char			 now[48], all[48];
	double			 completed, failed, tw;

	if (lab > r->lab_s)
		lab = r->lab_s;		/* stopping: servers, drain, plot */
	status_sum(&completed, &failed, &tw);
	format_left(left, now, sizeof(now));
	format_left((left > 0 ? left : 0) + r->later_s, all, sizeof(all));
	/* \r and erase to the end: the line is rewritten in place. */
	fprintf(stderr, "\r\033[K[%d/%d] %s  lab %.1f/%.1f s  model %.0f/%.0f s"
	    "  completed %.0f  failed %.0f  TIME_WAIT %.0f  left %s",
	    r->k, r->n, r->name, lab, r->lab_s, lab * r->scale,
	    r->lab_s * r->scale, completed, failed, tw, now);
	if (r->n > r->k)
		fprintf(stderr, " (all %s)", all);
	fflush(stderr);
	log_status_drawn(1);
}

void
status_begin(const struct status_run *r)
{
	char		path[LAB_PATH_MAX];
	unsigned	i;

	if (!isatty(STDERR_FILENO))
		return;
	st.on = 1;
	st.run = *r;
	st.start_ms = mono_ms();
	st.ncsv = 0;
	for (i = 0; i < scenario_loadgens(r->sc) && i < STATUS_CSVS; i++) {
		if (run_loadgen_csv(r->sc, r->dir, i, path, sizeof(path)) == -1)
			break;
		csvtail_init(&st.csv[st.ncsv++], path, columns,
		    (int)nitems(columns));
	}
	status_draw();
}

void
status_tick(void)
{
	int	i;

	if (!st.on)
		return;
	for (i = 0; i < st.ncsv; i++)
		csvtail_poll(&st.csv[i]);
	status_draw();
}

void
status_end(void)
{
	int	i;

	if (!st.on)
		return;
	for (i = 0; i < st.ncsv; i++)
		csvtail_close(&st.csv[i]);
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	log_status_drawn(0);
	st.on = 0;
}
