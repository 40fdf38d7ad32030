/* plot.c: gnuplot script for a run's loadgen.csv, then gnuplot itself. */
#include <sys/wait.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "model.h"
#include "plot.h"
#include "run.h"
#include "spawn.h"

#define PLOT_TIMEOUT_MS	30000
#define MAX_COLUMNS	256

/* Columns the plot needs, found by name in loadgen.csv's header. */
struct columns {
	int	elapsed, failed, time_wait;
	int	tw_client, tw_server;	/* by side (sock_diag), 0: absent */
};

static int
find_columns(const char *csv, struct columns *c)
{
	static char	 line[16384], buf[16384];
	const char	*names[MAX_COLUMNS];
	FILE		*fp;
	int		 n;

	if ((fp = fopen(csv, "r")) == NULL)
		return -1;
	n = fgets(line, sizeof(line), fp) == NULL ? -1 :
	    csv_split(line, buf, sizeof(buf), names, MAX_COLUMNS);
	fclose(fp);
	/* gnuplot counts columns from 1; 0 is "missing". */
	c->elapsed = csv_index(names, n, "elapsed_s") + 1;
	c->failed = csv_index(names, n, "failed") + 1;
	c->time_wait = csv_index(names, n, "time_wait") + 1;
	c->tw_client = csv_index(names, n, "time_wait_client") + 1;
	c->tw_server = csv_index(names, n, "time_wait_server") + 1;
	return (c->elapsed && c->failed && c->time_wait) ? 0 : -1;
}

/* Ports the client may hold at once in the model, in the lab's units:
 * rate x TIME_WAIT (Little's law), at most the range. */
static double
modelled_plateau(const struct scenario *sc, const struct lab_plan *plan)
{
	double	busy = plan->rate * plan->time_wait_us / 1e6;
	double	ports = sc->nlisten * (double)(plan->port_hi - plan->port_lo + 1);

	return busy < ports ? busy : ports;
}

static void
write_markers(FILE *fp, const struct scenario *sc, const struct lab_plan *plan)
{
	double	first = model_first_failure_s(sc);

	if (scenario_client_closes(sc))
		fprintf(fp, "set arrow 1 from graph 0, first %.1f to graph 1, "
		    "first %.1f nohead dt 2 lc rgb '#1f77b4'\n"
		    "set label 1 'model: rate x TIME_WAIT = %.0f' at graph 0.02, "
		    "first %.1f offset 0,-0.8 tc rgb '#1f77b4'\n",
		    modelled_plateau(sc, plan), modelled_plateau(sc, plan),
		    modelled_plateau(sc, plan), modelled_plateau(sc, plan));
	if (first >= 0)
		fprintf(fp, "set arrow 2 from first %.3f, graph 0 to first %.3f, "
		    "graph 1 nohead dt 3 lc rgb '#d62728'\n"
		    "set label 2 'predicted first failure %.1f s' at first %.3f, "
		    "graph 0.95 offset 0.5,0 tc rgb '#d62728'\n",
		    first, first, first, first);
}

static int
write_script(const struct scenario *sc, const char *dir, const char *path)
{
	struct lab_plan	plan;
	struct columns	c;
	char		csv[LAB_PATH_MAX];
	FILE		*fp;

	snprintf(csv, sizeof(csv), "%s/loadgen.csv", dir);
	if (model_plan(sc, &plan) != NULL || find_columns(csv, &c) == -1 ||
	    (fp = fopen(path, "w")) == NULL)
		return -1;
	fprintf(fp, "# plot.gp: made by ephemera for %s; gnuplot plot.gp\n"
	    "set datafile separator ','\n"

	    "set title \"%s\\n%s%s\"\n"
	    "set xlabel 'model time (s)'\n"
	    "set ylabel 'TIME_WAIT sockets (lab)'\n"
	    "set y2label 'failed connections per interval'\n"
	    "set ytics nomirror\nset y2tics\nset xrange [0:*]\nset yrange [0:*]\n"
	    "set y2range [0:*]\nset key left center\nset grid\n",
	    sc->name, sc->name, sc->description, sc->kind == SERVER_COMMAND ?
	    "\\n(server: a command line; no server counters)" : "");
	write_markers(fp, sc, &plan);
	fprintf(fp, "S = %.9g\n"
	    "do for [t in 'pngcairo svg'] {\n"
	    "  set terminal t size 1000,600 noenhanced\n"
	    "  set output 'plot.'.(t eq 'svg' ? 'svg' : 'png')\n"
	    "  plot 'loadgen.csv' skip 1 using ($%d*S):%d axes x1y2 "
	    "with impulses lw 2 lc rgb '#d62728' title 'failed', \\\n"
	    "       '' skip 1 using ($%d*S):%d with lines lw 2 "
	    "lc rgb '#1f77b4' title 'TIME_WAIT (kernel)'",
	    sc->time_scale, c.elapsed, c.failed, c.elapsed, c.time_wait);
	/* Whose TIME_WAIT it is, from loadgen's socket diagnostics: the
	 * only per-side count when the server writes no counters. */
	if (c.tw_client && c.tw_server)
		fprintf(fp, ", \\\n"
		    "       '' skip 1 using ($%d*S):%d with lines dt 2 "
		    "lc rgb '#2ca02c' title 'TIME_WAIT client side', \\\n"
		    "       '' skip 1 using ($%d*S):%d with lines dt 3 "
		    "lc rgb '#9467bd' title 'TIME_WAIT server side'",
		    c.elapsed, c.tw_client, c.elapsed, c.tw_server);
	fprintf(fp, "\n}\n");
	return fclose(fp);
}

int
plot_run(const struct scenario *sc, const char *dir, char *err, size_t errsz)
{
	struct proc	 gp;
	char		 script[LAB_PATH_MAX], log[LAB_PATH_MAX];
	char		*argv[] = { "gnuplot", "plot.gp", NULL };
	int		 ignored = 0;

	snprintf(script, sizeof(script), "%s/plot.gp", dir);
	snprintf(log, sizeof(log), "%s/plot.log", dir);
	if (write_script(sc, dir, script) == -1) {
		snprintf(err, errsz, "cannot write %s", script);
		return -1;
	}
	proc_block_signals();
	if (proc_start_in(&gp, "gnuplot", argv, dir, log, log, -1, err,
	    errsz) == -1)
		return -1;
	if (proc_wait(&gp, PLOT_TIMEOUT_MS, NULL, 0, &ignored, NULL) == -1) {
		proc_stop(&gp, 1000);
		snprintf(err, errsz, "gnuplot took over %d ms", PLOT_TIMEOUT_MS);
		return -1;
	}
	if (!WIFEXITED(gp.status) || WEXITSTATUS(gp.status) != 0) {
		snprintf(err, errsz, "gnuplot failed%s (see %s)",
		    WIFEXITED(gp.status) && WEXITSTATUS(gp.status) == 127 ?
		    ": not installed? apt-get install gnuplot-nox" : "", log);
		return -1;
	}
	return 0;
}
