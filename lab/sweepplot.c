/* sweepplot.c: a sweep's CSV read back: --search's table, and gnuplot
 * charts of the grid (plot.c's conventions: units on the axes, the
 * legend above the plot, never on the data). */
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cdefs.h"
#include "csv.h"
#include "log.h"
#include "plot.h"
#include "sweepcsv.h"
#include "sweepplot.h"

#define LINE_BYTES		8192
#define TW_MAX_LINES		24	/* runs on the TIME_WAIT chart */
#define ACCURACY		0.05	/* the table flags points beyond it */

/* The whole CSV, split: cell(t, r, c) is row r's column c. */
struct table {
	int	  ncols, nrows;
	char	 *head[SWEEPCSV_MAX_COLUMNS];
	char	**cells;
	int	  nvary;	/* the varied keys: columns 1..nvary */
};

static const char *
cell(const struct table *t, int r, int c)
{
	return c < 0 ? "" : t->cells[r * t->ncols + c];
}

static int
col(const struct table *t, const char *name)
{
	return csv_index((const char **)t->head, t->ncols, name);
}

static void
table_free(struct table *t)
{
	int	i;

	for (i = 0; i < t->ncols; i++)
		free(t->head[i]);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

static int
table_add(struct table *t, const char **f)
{
	char	**cells;
	int	  i;

	cells = realloc(t->cells, (size_t)(t->nrows + 1) * (size_t)t->ncols *
	    sizeof(*cells));
	if (cells == NULL)
		fatal("realloc");
	t->cells = cells;
	for (i = 0; i < t->ncols; i++)
		if ((cells[t->nrows * t->ncols + i] = strdup(f[i])) == NULL)
			fatal("strdup");
	t->nrows++;
	return 0;
}

static int
table_read(const char *path, struct table *t)
{
	static char	 line[LINE_BYTES], buf[LINE_BYTES];
	const char	*f[SWEEPCSV_MAX_COLUMNS];
	FILE		*fp;
	int		 n, i;

	memset(t, 0, sizeof(*t));
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), fp) == NULL || (n = csv_split(line, buf,
	    sizeof(buf), f, SWEEPCSV_MAX_COLUMNS)) < 2) {
		fclose(fp);
		return -1;
	}
	t->ncols = n;
	for (i = 0; i < n; i++)
		if ((t->head[i] = strdup(f[i])) == NULL)
			fatal("strdup");
	t->nvary = col(t, "ports") - 1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (csv_split(line, buf, sizeof(buf), f, SWEEPCSV_MAX_COLUMNS)
		    == n)
			table_add(t, f);
	fclose(fp);
	return t->nvary > 0 ? 0 : -1;
}

/* Row r's varied values, "port_range=20000-20099 time_wait=60s". */
static void
row_label(const struct table *t, int r, char *buf, size_t bufsz)
{
	const char	*name;
	size_t		 len = 0;
	int		 i;

	buf[0] = '\0';
	for (i = 1; i <= t->nvary && len < bufsz; i++) {
		name = strchr(t->head[i], '.');
		len += (size_t)snprintf(buf + len, bufsz - len, "%s%s=%s",
		    i > 1 ? " " : "", name ? name + 1 : t->head[i],
		    cell(t, r, i));
	}
	/* gnuplot's strings here are in single quotes. */
	for (; *buf != '\0'; buf++)
		if (*buf == '\'')
			*buf = '"';
}

void
sweepplot_table(FILE *fp, const char *csv)
{
	struct table	t;
	char		label[512];
	double		model, meas;
	int		r, cm, cs, cr, cst, off = 0;

	if (table_read(csv, &t) == -1 || (cs = col(&t, "sustainable_per_s"))
	    < 0) {
		table_free(&t);
		return;
	}
	cm = col(&t, "capacity_per_s");
	cr = col(&t, "ratio");
	cst = col(&t, "search");
	fprintf(fp, "%-48s %12s %12s %8s  %s\n", "point", "model/s",
	    "measured/s", "ratio", "search");
	for (r = 0; r < t.nrows; r++) {
		row_label(&t, r, label, sizeof(label));
		model = strtod(cell(&t, r, cm), NULL);
		meas = cell(&t, r, cs)[0] ? strtod(cell(&t, r, cs), NULL) : -1;
		fprintf(fp, "%-48s %12.3f %12s %8s  %s\n", label, model,
		    meas < 0 ? "-" : cell(&t, r, cs),
		    cell(&t, r, cr)[0] ? cell(&t, r, cr) : "-",
		    cell(&t, r, cst));
		if (meas < 0 || fabs(meas / model - 1) > ACCURACY)
			off++;
	}
	fprintf(fp, "%d of %d points within %.0f%% of the model\n",
	    t.nrows - off, t.nrows, ACCURACY * 100);
	for (r = 0; r < t.nrows; r++) {
		model = strtod(cell(&t, r, cm), NULL);
		meas = cell(&t, r, cs)[0] ? strtod(cell(&t, r, cs), NULL) : -1;
		if (meas >= 0 && fabs(meas / model - 1) <= ACCURACY)
			continue;
		row_label(&t, r, label, sizeof(label));
		fprintf(fp, "  off: %s: %s; the lowest failing probe had "
		    "schedule lag up to %s ms and session p99 %s ms\n", label,
		    cell(&t, r, cst), cell(&t, r, col(&t, "failing_lag_max_ms")),
		    cell(&t, r, col(&t, "failing_session_p99_ms")));
	}
	table_free(&t);
}

/* Series on the measured-against-predicted chart: one per value of the
 * last varied key (points of equal capacity then differ in symbol). */
#define MAX_SERIES	16

static const char *const colours[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000",
};

/*
 * x and y of every row that has both, as $s0, $s1, ...: one block per
 * value of the last varied key, whose values go into vals.  Returns the
 * number of blocks; HI, the axes' end, is set in the script.
 */
static int
write_points(FILE *fp, const struct table *t, int cx, int cy,
    const char **vals)
{
	double	hi = 0, lo = INFINITY, x, y;
	int	r, k, n = 0, last = t->nvary;

	for (r = 0; r < t->nrows; r++) {
		for (k = 0; k < n && strcmp(vals[k], cell(t, r, last)); k++)
			;
		if (k == n && n < MAX_SERIES)
			vals[n++] = cell(t, r, last);
	}
	for (k = 0; k < n; k++) {
		fprintf(fp, "$s%d << EOD\n", k);
		for (r = 0; r < t->nrows; r++) {
			if (strcmp(cell(t, r, last), vals[k]) != 0 ||
			    !cell(t, r, cx)[0] || !cell(t, r, cy)[0])
				continue;
			fprintf(fp, "%s,%s\n", cell(t, r, cx), cell(t, r, cy));
			x = strtod(cell(t, r, cx), NULL);
			y = strtod(cell(t, r, cy), NULL);
			hi = fmax(hi, fmax(x, y));
			lo = fmin(lo, fmin(x, y));
		}
		fprintf(fp, "EOD\n");
	}
	if (!(hi > 0 && lo > 0))
		return 0;
	fprintf(fp, "HI = %.6g\nLO = %.6g\n", hi * 1.2, lo / 1.2);
	return n;
}

/* Measured against predicted: --search's rate, or the first failure;
 * log axes, so that a grid spanning decades spreads out. */
static int
write_capacity(FILE *fp, const struct table *t, const char *png)
{
	const char	*vals[MAX_SERIES], *name;
	int		 search = col(t, "sustainable_per_s") >= 0;
	int		 cx = col(t, search ? "capacity_per_s" :
			    "first_failure_pred_s");
	int		 cy = col(t, search ? "sustainable_per_s" :
			    "first_failure_s");
	int		 k, n;

	fprintf(fp, "set datafile separator ','\n");
	if ((n = write_points(fp, t, cx, cy, vals)) == 0)
		return 0;
	name = strchr(t->head[t->nvary], '.');
	name = name != NULL ? name + 1 : t->head[t->nvary];
	fprintf(fp, "set title \"%s\"\n"
	    "set xlabel '%s'\nset ylabel '%s'\n"
	    "set logscale xy 2\nset format xy '%%g'\n"
	    "set xrange [LO:HI]\nset yrange [LO:HI]\n"
	    "set size ratio -1\n"
	    "set key tmargin center horizontal maxrows 3 samplen 3\n"
	    "set grid\nset terminal pngcairo size 900,900 noenhanced\n"
	    "set output '%s'\n"
	    "plot x with lines lw 2 lc rgb '#555555' title 'y = x: the model', "
	    "\\\n     0.95*x with lines dt 3 lc rgb '#999999' title '5%% "
	    "either side', 1.05*x with lines dt 3 lc rgb '#999999' notitle",
	    search ? "ephemera sweep --search rate: the highest sustainable "
	    "rate against the model's capacity" :
	    "ephemera sweep: the first failure, measured against predicted",
	    search ? "model: ports / (TIME_WAIT + session time) "
	    "(connections per model second)" :
	    "model: predicted first failure (model s)",
	    search ? "measured: highest rate with no failure over 2 x "
	    "TIME_WAIT (connections per model second)" :
	    "measured: first failure (model s)", png);
	for (k = 0; k < n; k++)
		fprintf(fp, ", \\\n     $s%d using 1:2 with points pt %d ps 1.8 "
		    "lw 2 lc rgb '%s' title '%s=%s'", k, 4 + 2 * k,
		    colours[k % nitems(colours)], name, vals[k]);
	fprintf(fp, "\n");
	return 1;
}

/* The 1-based gnuplot column of `name` in a CSV file's header, or 0. */
static int
file_column(const char *path, const char *name)
{
	static char	 line[LINE_BYTES], buf[LINE_BYTES];
	const char	*f[256];
	FILE		*fp;
	int		 n = -1;

	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof(line), fp) != NULL)
		n = csv_split(line, buf, sizeof(buf), f, 256);
	fclose(fp);
	return n < 0 ? 0 : csv_index(f, n, name) + 1;
}

/* Every row's run: loadgen.csv's TIME_WAIT count over model time. */
static int
write_timewait(FILE *fp, const struct table *t, const char *png)
{
	char	lg[PATH_MAX + 16], label[512];
	int	r, n = 0, ce, ct, cdir = col(t, "dir");
	int	cscale = col(t, "time_scale");

	fprintf(fp, "set datafile separator ','\n"
	    "set title 'ephemera sweep: TIME_WAIT in the kernel, one run a "
	    "point'\nset xlabel 'model time (s)'\n"
	    "set ylabel 'TIME_WAIT sockets in the lab (count)'\n"
	    "set xrange [0:*]\nset yrange [0:*]\nset offsets 0, 0, graph 0.1, 0\n"
	    "set key outside right top vertical samplen 2 font ',8'\n"
	    "set grid\nset terminal pngcairo size 1200,600 noenhanced\n"
	    "set output '%s'\nplot ", png);
	for (r = 0; r < t->nrows && n < TW_MAX_LINES; r++) {
		snprintf(lg, sizeof(lg), "%s/loadgen.csv", cell(t, r, cdir));
		if (!cell(t, r, cdir)[0] || (ce = file_column(lg,
		    "elapsed_s")) == 0 || (ct = file_column(lg, "time_wait"))
		    == 0)
			continue;
		row_label(t, r, label, sizeof(label));
		fprintf(fp, "%s'%s' skip 1 using ($%d*%s):%d with lines lw 1.5 "
		    "lc rgb '%s' dt %d title '%s'", n ? ", \\\n     " : "", lg,
		    ce, cell(t, r, cscale), ct, colours[n % nitems(colours)],
		    1 + n / (int)nitems(colours), label);
		n++;
	}
	fprintf(fp, "\n");
	return n;
}

/* Write one chart's script in dir and draw it; 0 when it had no data. */
static int
draw(const char *dir, const char *base, const char *what,
    int (*write)(FILE *, const struct table *, const char *),
    const struct table *t, char *err, size_t errsz)
{
	char	 gp[PATH_MAX + 64], png[PATH_MAX + 64], path[2 * PATH_MAX];
	FILE	*fp;
	int	 n;

	snprintf(gp, sizeof(gp), "%s-%s.gp", base, what);
	snprintf(png, sizeof(png), "%s-%s.png", base, what);
	snprintf(path, sizeof(path), "%s/%s", dir, gp);
	if ((fp = fopen(path, "w")) == NULL) {
		snprintf(err, errsz, "cannot write %s", path);
		return -1;
	}
	fprintf(fp, "# %s: made by ephemera sweep; gnuplot %s\n", gp, gp);
	n = write(fp, t, png);
	if (fclose(fp) != 0) {
		snprintf(err, errsz, "cannot write %s", path);
		return -1;
	}
	if (n == 0) {
		unlink(path);
		return 0;
	}
	return plot_gnuplot(dir, gp, err, errsz);
}

int
sweepplot_make(const char *csv, char *err, size_t errsz)
{
	struct table	 t;
	char		 d[PATH_MAX], b[PATH_MAX], *dot;
	char		 dir[PATH_MAX], base[PATH_MAX];
	int		 rc;

	if (table_read(csv, &t) == -1) {
		snprintf(err, errsz, "%s: not a sweep's CSV", csv);
		table_free(&t);
		return -1;
	}
	snprintf(d, sizeof(d), "%s", csv);
	snprintf(b, sizeof(b), "%s", csv);
	snprintf(dir, sizeof(dir), "%s", dirname(d));
	snprintf(base, sizeof(base), "%s", basename(b));
	if ((dot = strrchr(base, '.')) != NULL && strcmp(dot, ".csv") == 0)
		*dot = '\0';
	rc = draw(dir, base, "capacity", write_capacity, &t, err, errsz);
	if (rc == 0)
		rc = draw(dir, base, "timewait", write_timewait, &t, err,
		    errsz);
	table_free(&t);
	return rc == -1 ? -1 : 0;
}
