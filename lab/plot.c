/* plot.c: gnuplot script for a run's loadgen.csv, then gnuplot itself. */
#include <sys/wait.h>
#include <unistd.h>

#include <errno.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrivals.h"
#include "csv.h"
#include "merge.h"
#include "model.h"
#include "plot.h"
#include "run.h"
#include "spawn.h"
#include "textfile.h"

#define PLOT_TIMEOUT_MS	30000
#define MAX_COLUMNS	256

/* Columns the plot needs, found by name in loadgen.csv's header. */
struct columns {
	int	elapsed, failed, time_wait, active;
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
	c->active = csv_index(names, n, "active") + 1;
	c->tw_client = csv_index(names, n, "time_wait_client") + 1;
	c->tw_server = csv_index(names, n, "time_wait_server") + 1;
	return (c->elapsed && c->failed && c->time_wait) ? 0 : -1;
}

/*
 * Failures per second of model time as a gnuplot datablock ($fail: each
 * point is the rate over the stretch since the previous one, drawn with
 * fsteps).  Zero up to the start of the first row with a failure; from
 * there, bins of whole rows that hold about FAIL_BIN_ARRIVALS arrivals:
 * per row, a row of 2.5 arrivals on average holds 2 or 3, and the curve
 * would swing by half between rows for no reason but the counting.  The
 * bins start at that row so that no step comes before the first failure.
 */
#define FAIL_BIN_ARRIVALS	10

struct fail_bins {
	double	bin, start, sum;	/* lab seconds; start < 0: no failure
					 * yet */
	double	scale;
	FILE	*fp;
};

static void
fail_point(struct fail_bins *b, double end)
{
	if (end > b->start)
		fprintf(b->fp, "%.6f,%.6f\n", end * b->scale,
		    b->sum / ((end - b->start) * b->scale));
	b->start = end;
	b->sum = 0;
}

/* One row of loadgen.csv: it ended at `t` (lab seconds), `prev` the end
 * of the row before. */
static void
fail_row(struct fail_bins *b, double prev, double t, double failed)
{
	if (b->start < 0) {
		if (failed == 0)
			return;
		fprintf(b->fp, "%.6f,0\n", prev * b->scale);
		b->start = prev;
	}
	while (t > b->start + b->bin + 1e-9)
		fail_point(b, b->start + b->bin);
	b->sum += failed;
}

static void
write_failures(FILE *fp, const char *csv, const struct columns *c,
    const struct scenario *sc, const struct plan *plan)
{
	static char		 line[16384], buf[16384];
	const char		*f[MAX_COLUMNS];
	struct fail_bins	 b = { .start = -1, .scale = sc->time_scale,
				    .fp = fp };
	double			 row = plan->lab.interval_us / 1e6, t, prev = 0;
	double			 mean;
	FILE			*in;
	int			 rows;

	/* The run's mean rate, not a schedule's peak: a ramp's failures
	 * come well below it. */
	mean = arrival_expected(&plan->lab.schedule, plan->lab.duration_us) /
	    (plan->lab.duration_us / 1e6);
	rows = mean > 0 ? (int)ceil(FAIL_BIN_ARRIVALS / mean / row) : 1;
	b.bin = row * (rows < 1 ? 1 : rows);
	fprintf(fp, "$fail << EOD\n0,0\n");
	if ((in = fopen(csv, "r")) != NULL && fgets(line, sizeof(line), in)) {
		while (fgets(line, sizeof(line), in) != NULL) {
			if (csv_split(line, buf, sizeof(buf), f, MAX_COLUMNS) <
			    (c->elapsed > c->failed ? c->elapsed : c->failed))
				continue;
			t = strtod(f[c->elapsed - 1], NULL);
			fail_row(&b, prev, t, strtod(f[c->failed - 1], NULL));
			prev = t;
		}
		/* The last bin ends with the run, and is as long as that. */
		fail_point(&b, prev);
	}
	if (in != NULL)
		fclose(in);
	fprintf(fp, "EOD\n");
}

/* Samples of the model's curve over the run. */
#define MODEL_SAMPLES	400

/*
 * The model's ports held in TIME_WAIT over the run, N(t) - N(t - TW)
 * capped by the ports (model_held), as a gnuplot datablock: x in model
 * seconds, y in the lab's ports (the model's times the lab's share of
 * them, 1 unless scale_by = ports).  Under any schedule the curve is the
 * window count itself, not the peak rate's plateau.  0 if the client
 * holds no TIME_WAIT.
 */
static int
write_model(FILE *fp, const struct scenario *sc, const struct lab_plan *plan)
{
	double	share, t, end = sc->duration_us / 1e6;
	int	i;

	/* The mailbox cache's connections open at the first requests and
	 * close when their TTL runs out: the model has their average rate,
	 * not when they open, and its curve would be a ramp the run never
	 * had. */
	if (model_held(sc, 0) < 0 || (sc->mailboxes > 0 &&
	    sc->cache_ttl_us > 0 && sc->cache_ttl_us != UINT64_MAX))
		return 0;
	share = (double)(plan->port_hi - plan->port_lo + 1) /
	    (double)scenario_ports(sc);
	fprintf(fp, "$model << EOD\n");
	for (i = 0; i <= MODEL_SAMPLES; i++) {
		t = end * i / MODEL_SAMPLES;
		fprintf(fp, "%.6f,%.3f\n", t, model_held(sc, t) * share);
	}
	fprintf(fp, "EOD\n");
	return 1;
}

static void
write_marker(FILE *fp, const struct plan *plan)
{
	double	first = plan->first_failure_s;

	/* On an opaque box: the label stays legible over the curves. */
	if (first >= 0)
		fprintf(fp, "set arrow 2 from first %.3f, graph 0 to first %.3f, "
		    "graph 1 nohead dt 3 lc rgb '#d62728'\n"
		    "set label 2 'predicted first failure %.3g s' at first %.3f, "
		    "graph 0.5 offset 0.5,0 tc rgb '#d62728' boxed front\n",
		    first, first, first, first);
}

/* Axes with units, the legend under the plot (never on the data), and
 * headroom above the highest value: a curve that sits at its maximum, as
 * TIME_WAIT does once the range is gone, would hide in the top border. */
static void
write_frame(FILE *fp, const struct scenario *sc)
{
	fprintf(fp, "set datafile separator ','\n"
	    "set title \"%s\\n%s%s\"\n"
	    "set xlabel 'model time (s)'\n"
	    "set ylabel 'sockets in the lab (count)'\n"
	    "set y2label 'failed connections per model second (1/s)'\n"
	    "set ytics nomirror\nset y2tics\nset xrange [0:*]\n"
	    "set yrange [0:*]\n"
	    "set offsets 0, 0, graph 0.1, 0\n"
	    "set key tmargin center horizontal maxrows 2 samplen 3\nset grid\n"
	    "set style textbox opaque noborder\n",
	    sc->name, sc->description, sc->kind == SERVER_COMMAND ?
	    "\\n(server: a command line; no server counters)" : "");
}

/*
 * Drawn in this order, so that what the kernel measured lies on top: the
 * model as a wide, pale band; TIME_WAIT by side, dashed; the kernel's
 * total as a thin dark line with a dot per row; failures per second of
 * model time ($fail, write_failures) as a step curve on the right axis.
 */
static void
write_plot(FILE *fp, const struct scenario *sc, const struct plan *plan,
    const struct columns *c, int model)
{
	/* The right axis gets the headroom set offsets gives the left. */
	fprintf(fp, "S = %.9g\n"
	    "stats $fail using 2 nooutput\n"
	    "set y2range [0:(STATS_max > 0 ? STATS_max * 1.1 : 1)]\n"
	    "do for [t in 'pngcairo svg'] {\n"
	    "  set terminal t size 1000,600 noenhanced\n"
	    "  set output 'plot.'.(t eq 'svg' ? 'svg' : 'png')\n"
	    "  plot ", sc->time_scale);
	/* With a session time the model's ports are held in flight too. */
	if (model)
		fprintf(fp, "$model using 1:2 with lines lw 8 lc rgb '#a6cee3' "
		    "title 'model: ports held, N(t) - N(t - %s)', \\\n       ",
		    sc->session_time_us > 0 ? "session - TW" : "TW");
	/* Ports held by open connections: sessions the model gives a
	 * length, and the mailbox cache's connections, held between
	 * requests (the kernel's TIME_WAIT line shows neither). */
	if ((sc->session_time_us > 0 || sc->mailboxes > 0) && c->active)
		fprintf(fp, "'loadgen.csv' skip 1 using ($%d*S):%d with lines "
		    "lw 2 lc rgb '#ff7f00' title 'connections open (loadgen)', "
		    "\\\n       ", c->elapsed, c->active);
	if (c->tw_client && c->tw_server)
		fprintf(fp, "'loadgen.csv' skip 1 using ($%d*S):%d with lines "
		    "dt 2 lw 2 lc rgb '#2ca02c' title 'TIME_WAIT, client side', "
		    "\\\n       '' skip 1 using ($%d*S):%d with lines dt 3 lw 2 "
		    "lc rgb '#9467bd' title 'TIME_WAIT, server side', \\\n       ",
		    c->elapsed, c->tw_client, c->elapsed, c->tw_server);
	/* A modelled TIME_WAIT under 60 s is tcp_tw_reuse: the kernel keeps
	 * every socket 60 s and recycles its port on reuse, so its count
	 * is not the model's occupancy (report.txt has the note). */
	fprintf(fp, "'loadgen.csv' skip 1 using ($%d*S):%d with linespoints "
	    "lw 1.5 pt 7 ps 0.35 lc rgb '#08306b' title 'TIME_WAIT (kernel%s)', "
	    "\\\n       $fail using 1:2 axes x1y2 with fsteps lw 2 "
	    "lc rgb '#d62728' title 'failed per second'\n"
	    "}\n", c->elapsed, c->time_wait, plan->lab.tw_reuse != 0 ?
	    ": kept 60 s, ports reused after the modelled TIME_WAIT" : "");
}

static int
write_script(const struct scenario *sc, const struct plan *plan,
    const char *dir, const char *path, char *err, size_t errsz)
{
	struct columns	c;
	char		csv[LAB_PATH_MAX];
	FILE		*fp;
	int		model;

	snprintf(csv, sizeof(csv), "%s/loadgen.csv", dir);
	if (find_columns(csv, &c) == -1) {
		snprintf(err, errsz, "cannot read the header of %s", csv);
		return -1;
	}
	if ((fp = fopen(path, "w")) == NULL) {
		snprintf(err, errsz, "cannot write %s: %s", path,
		    strerror(errno));
		return -1;
	}
	fprintf(fp, "# plot.gp: made by ephemera for %s; gnuplot plot.gp\n",
	    sc->name);
	write_frame(fp, sc);
	write_marker(fp, plan);
	model = write_model(fp, sc, &plan->lab);
	write_failures(fp, csv, &c, sc, plan);
	write_plot(fp, sc, plan, &c, model);
	if (text_close(fp, path) == -1) {
		snprintf(err, errsz, "cannot write %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
plot_gnuplot(const char *dir, const char *script, char *err, size_t errsz)
{
	struct proc	 gp;
	char		 log[LAB_PATH_MAX];
	char		*argv[] = { "gnuplot", (char *)script, NULL };
	int		 ignored = 0;

	snprintf(log, sizeof(log), "%s/plot.log", dir);
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

int
plot_run(const struct scenario *sc, const struct plan *plan, const char *dir,
    char *err, size_t errsz)
{
	char	script[LAB_PATH_MAX];

	snprintf(script, sizeof(script), "%s/plot.gp", dir);
	if (write_script(sc, plan, dir, script, err, errsz) == -1)
		return -1;
	return plot_gnuplot(dir, "plot.gp", err, errsz);
}

/* Client host c (from 1) of n as a scenario of its own: one namespace,
 * one range, its shard of the schedule. */
static void
host_scenario(const struct scenario *sc, unsigned c, unsigned n,
    struct scenario *hsc)
{
	*hsc = *sc;
	hsc->clients = 0;
	hsc->shards = 1;
	arrival_shard(&hsc->schedule, c, n);
	hsc->rate = sc->rate / n;
	/* The plot's title says whose it is. */
	snprintf(hsc->name, sizeof(hsc->name), "%.50s: client%u", sc->name, c);
}

int
plot_hosts(const struct scenario *sc, const char *dir, char *err,
    size_t errsz)
{
	static struct scenario	 hsc;
	struct plan		 hplan;
	char			 hdir[LAB_PATH_MAX], link[LAB_PATH_MAX + 16];
	const char		*why;
	unsigned		 c;

	/* Behind a gateway the pool is shared: no host has a model alone. */
	if (!scenario_has_hosts(sc) || sc->nat_lo != 0 || sc->shards != 1)
		return 0;
	for (c = 1; c <= sc->clients; c++) {
		host_scenario(sc, c, sc->clients, &hsc);
		if ((why = model_check(&hsc, &hplan)) != NULL) {
			snprintf(err, errsz, "client%u: %s", c, why);
			return -1;
		}
		if (run_loadgen_dir(sc, dir, c - 1, 0, hdir, sizeof(hdir)) ==
		    -1) {
			snprintf(err, errsz, "%s: path too long", dir);
			return -1;
		}
		/* plot_run reads loadgen.csv: the shard's interval.csv. */
		snprintf(link, sizeof(link), "%s/loadgen.csv", hdir);
		if (symlink(MERGE_INTERVAL, link) == -1 && errno != EEXIST) {
			snprintf(err, errsz, "symlink %s: %s", link,
			    strerror(errno));
			return -1;
		}
		if (plot_run(&hsc, &hplan, hdir, err, errsz) == -1)
			return -1;
	}
	return (int)sc->clients;
}
