/* measure.c: run one scenario and judge what it measured. */
#include <stdio.h>
#include <string.h>

#include "cause.h"
#include "log.h"
#include "measure.h"
#include "model.h"

int
measure_load(char **paths, int n, struct scenario *scs, struct plan *plans)
{
	char		 err[512];
	const char	*why;
	int		 i, bad = 0;

	for (i = 0; i < n; i++)
		if (scenario_load(paths[i], &scs[i], err, sizeof(err)) == -1) {
			log_warnx("%s", err);
			bad++;
		} else if ((why = model_check(&scs[i], &plans[i])) != NULL) {
			log_warnx("%s: %s", paths[i], why);
			bad++;
		}
	return bad ? -1 : 0;
}

void
measure_run(const struct scenario *sc, const struct plan *plan,
    const char *dir, const struct lab_bins *bins, const struct status_run *st,
    struct measurement *m)
{
	char	path[LAB_PATH_MAX], err[512];

	memset(m, 0, sizeof(*m));
	if (st != NULL)
		status_begin(st);
	m->status = run_scenario(sc, plan, dir, bins, m->err, sizeof(m->err));
	if (st != NULL)
		status_end();
	/* Interrupted, or failed part way (a full disk), loadgen still
	 * wrote a valid summary of what it did: kept, never thrown away.
	 * A failed run keeps its own message. */
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	if (report_read_summary(path, sc, &m->obs, err, sizeof(err)) == -1) {
		if (m->status == RUN_INTERRUPTED)
			snprintf(m->err, sizeof(m->err), "interrupted before "
			    "loadgen had measured anything");
		else if (m->status == RUN_DONE)
			snprintf(m->err, sizeof(m->err), "%s", err);
		return;
	}
	m->measured = 1;
	snprintf(path, sizeof(path), "%s/loadgen.csv", dir);
	if (cause_read(path, &m->obs, err, sizeof(err)) == -1)
		log_warnx("%s: %s", sc->name, err);
	m->held = report_judge(sc, plan, &m->obs, m->why, sizeof(m->why));
}
