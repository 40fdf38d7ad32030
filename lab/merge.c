/* merge.c: `ephemera merge DIR... --out DIR`: the interval, summary and
 * histogram files of N loadgen shards become those of one run: counters
 * added interval by interval on the wall clock (start epoch + elapsed),
 * histograms added and percentiles recomputed from the sums (never an
 * average of percentiles), the kernel's figures counted once per host. */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "histcsv.h"
#include "histogram.h"
#include "log.h"
#include "merge.h"
#include "textfile.h"

#define SHARDS_MAX	1000
#define FIELDS_MAX	256
#define LATENCIES_MAX	16

/* A CSV file read whole: its header and rows of fields. */
struct table {
	char		**names;
	int		  ncols;
	char		**cells;	/* row r, column c: cells[r * ncols + c] */
	int		  nrows;
};

/* One histogram of a shard's file: rows [first, first + n). */
struct hgroup {
	int	iv;		/* interval row; -1: the run's total */
	int	lat;		/* index in latency_names */
	size_t	first, n;
};

struct shard {
	char			 dir[PATH_MAX];
	char			 path[PATH_MAX];	/* for messages */
	unsigned		 i, n;
	char			 host[256];
	double			 start_epoch, interval_s;
	double			 offered, achieved;
	double			 offset;	/* start - the earliest start, s */
	struct table		 iv, sum;
	struct histcsv_row	*rows;
	size_t			 nrows;
	struct hgroup		*groups;
	size_t			 ngroups;
	int			*merged;	/* interval row -> merged row */
};

static struct shard	*shards;
static int		 nshards;
/* Latencies as the histogram files name them, in order of appearance. */
static char		*latency_names[LATENCIES_MAX];
static int		 nlatencies;
static const double	 pcts[] = { 50, 90, 99, 99.9 };
static const char *const figure_names[] = { "p50", "p90", "p99", "p999",
    "max" };
#define NFIGS	5

static void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, sz)) == NULL)
		fatal("calloc");
	return p;
}

static char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("strdup");
	return p;
}

static void
file_path(char *buf, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		usage_error("merge: %s: path too long", dir);
}

static FILE *
open_in(const char *path)
{
	FILE	*fp;

	if ((fp = fopen(path, "re")) == NULL)
		usage_error("merge: %s: %s", path, strerror(errno));
	return fp;
}

/* The line without its CR LF. */
static void
chomp(char *line)
{
	size_t	len = strlen(line);

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
}

/* Split a line into at most FIELDS_MAX fields, copies of their own. */
static int
split(const char *path, int lineno, const char *line, char **out)
{
	const char	*f[FIELDS_MAX];
	char		*buf;
	size_t		 sz = strlen(line) + 1;
	int		 n, k;

	buf = xcalloc(sz, 1);
	if ((n = csv_split(line, buf, sz, f, FIELDS_MAX)) < 0)
		usage_error("merge: %s:%d: expected a CSV row of at most %d "
		    "fields", path, lineno, FIELDS_MAX);
	for (k = 0; k < n; k++)
		out[k] = xstrdup(f[k]);
	free(buf);
	return n;
}

/* A CSV file with a header and rows of its width. */
static void
table_read(const char *path, struct table *t)
{
	FILE	*fp = open_in(path);
	char	*line = NULL, *f[FIELDS_MAX];
	size_t	 cap = 0, alloc = 0;
	int	 lineno = 0, n;

	memset(t, 0, sizeof(*t));
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		chomp(line);
		n = split(path, lineno, line, f);
		if (lineno == 1) {
			t->names = xcalloc((size_t)n, sizeof(char *));
			memcpy(t->names, f, (size_t)n * sizeof(char *));
			t->ncols = n;
			continue;
		}
		if (n != t->ncols)
			usage_error("merge: %s:%d: expected %d fields as the "
			    "header has, got %d", path, lineno, t->ncols, n);
		if ((size_t)(t->nrows + 1) * (size_t)n > alloc) {
			alloc = alloc * 2 + (size_t)n * 16;
			if ((t->cells = realloc(t->cells, alloc *
			    sizeof(char *))) == NULL)
				fatal("realloc");
		}
		memcpy(t->cells + (size_t)t->nrows * (size_t)n, f,
		    (size_t)n * sizeof(char *));
		t->nrows++;
	}
	free(line);
	fclose(fp);
	if (lineno == 0)
		usage_error("merge: %s: empty, expected a header row", path);
}

static const char *
cell(const struct table *t, int row, int col)
{
	return t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
}

static int
column(const struct table *t, const char *name)
{
	return csv_index((const char **)t->names, t->ncols, name);
}

/* Every shard's header the same as the first's. */
static void
same_header(const struct table *t, const struct table *first,
    const char *path, const char *first_path)
{
	int	c;

	if (t->ncols != first->ncols)
		usage_error("merge: %s: %d columns, %s has %d: expected the "
		    "same loadgen", path, t->ncols, first_path, first->ncols);
	for (c = 0; c < t->ncols; c++)
		if (strcmp(t->names[c], first->names[c]) != 0)
			usage_error("merge: %s: column %d is %s, in %s %s",
			    path, c + 1, t->names[c], first_path,
			    first->names[c]);
}

/* A number written in full, such as "12" or "0.482". */
static int
number(const char *s, double *v)
{
	char	*end;

	if (*s == '\0')
		return 0;
	*v = strtod(s, &end);
	return *end == '\0' && isfinite(*v);
}

/* meta.txt: key=value lines. */
static void
meta_read(struct shard *s)
{
	char	 path[PATH_MAX], *line = NULL, *eq;
	size_t	 cap = 0;
	FILE	*fp;
	int	 lineno = 0, version = -1, layout = -1, end;

	file_path(path, s->dir, MERGE_META);
	fp = open_in(path);
	s->interval_s = -1;
	s->start_epoch = -1;
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		chomp(line);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((eq = strchr(line, '=')) == NULL)
			usage_error("merge: %s:%d: expected key=value", path,
			    lineno);
		*eq++ = '\0';
		end = 0;
		if (strcmp(line, "meta_version") == 0)
			version = atoi(eq);
		else if (strcmp(line, "histogram_layout") == 0)
			layout = atoi(eq);
		else if (strcmp(line, "shard") == 0 &&
		    (sscanf(eq, "%u/%u%n", &s->i, &s->n, &end) != 2 ||
		    eq[end] != '\0' || s->i < 1 || s->i > s->n ||
		    s->n > SHARDS_MAX))
			usage_error("merge: %s:%d: expected shard=I/N, got "
			    "'%s'", path, lineno, eq);
		else if (strcmp(line, "host") == 0)
			snprintf(s->host, sizeof(s->host), "%s", eq);
		else if (strcmp(line, "start_epoch") == 0 &&
		    !number(eq, &s->start_epoch))
			usage_error("merge: %s:%d: expected a Unix time",
			    path, lineno);
		else if (strcmp(line, "interval_s") == 0 &&
		    (!number(eq, &s->interval_s) || s->interval_s <= 0))
			usage_error("merge: %s:%d: expected seconds", path,
			    lineno);
		else if (strcmp(line, "offered_per_s") == 0)
			number(eq, &s->offered);
		else if (strcmp(line, "achieved_per_s") == 0)
			number(eq, &s->achieved);
	}
	free(line);
	fclose(fp);
	if (version != 1)
		usage_error("merge: %s: meta_version %d, expected 1", path,
		    version);
	if (layout != HISTCSV_VERSION)
		usage_error("merge: %s: histogram_layout %d, expected %d",
		    path, layout, HISTCSV_VERSION);
	if (s->n == 0 || s->start_epoch < 0 || s->interval_s < 0)
		usage_error("merge: %s: expected shard, start_epoch and "
		    "interval_s", path);
	snprintf(s->path, sizeof(s->path), "%s", path);
}

static int
latency_index(const char *name, int add)
{
	int	i;

	for (i = 0; i < nlatencies; i++)
		if (strcmp(latency_names[i], name) == 0)
			return i;
	if (!add || nlatencies == LATENCIES_MAX)
		return -1;
	latency_names[nlatencies] = xstrdup(name);
	return nlatencies++;
}

/* The interval row whose elapsed_s is `when`, looked for from `from`. */
static int
interval_row(const struct shard *s, const char *when, int from)
{
	int	c = column(&s->iv, "elapsed_s"), r;

	for (r = from; r < s->iv.nrows; r++)
		if (strcmp(cell(&s->iv, r, c), when) == 0)
			return r;
	return -1;
}

static void
group_add(struct shard *s, int iv, int lat)
{
	struct hgroup	*g;

	if ((s->groups = realloc(s->groups, (s->ngroups + 1) *
	    sizeof(*s->groups))) == NULL)
		fatal("realloc");
	g = &s->groups[s->ngroups++];
	g->iv = iv;
	g->lat = lat;
	g->first = s->nrows;
	g->n = 0;
}

/* Each histogram checked whole as it is read: n, bucket sums. */
static void
group_check(const struct shard *s, const char *path, int lineno,
    struct histogram *h)
{
	const char	*why;

	if (s->ngroups > 0 && (why = histcsv_check(h)) != NULL)
		usage_error("merge: %s:%d: expected %s", path, lineno, why);
	hist_reset(h);
}

static void
histogram_row(struct shard *s, const char *path, int lineno, char **f,
    struct histogram *h, int *iv_from)
{
	struct histcsv_row	 r;
	const char		*why;
	int			 iv, lat;

	if ((why = histcsv_parse((const char *const *)f + 2, &r)) != NULL)
		usage_error("merge: %s:%d: expected %s", path, lineno, why);
	if (r.kind == HISTCSV_RANGE) {
		group_check(s, path, lineno, h);
		if (strcmp(f[0], "total") == 0)
			iv = -1;
		else if ((iv = interval_row(s, f[0], *iv_from)) == -1)
			usage_error("merge: %s:%d: elapsed_s %s is no row of "
			    "%s/" MERGE_INTERVAL, path, lineno, f[0], s->dir);
		else
			*iv_from = iv;
		if ((lat = latency_index(f[1], 1)) == -1)
			usage_error("merge: %s:%d: more than %d latencies",
			    path, lineno, LATENCIES_MAX);
		group_add(s, iv, lat);
	}
	if (s->ngroups == 0)
		usage_error("merge: %s:%d: expected a range row first", path,
		    lineno);
	if ((why = histcsv_add(h, &r)) != NULL)
		usage_error("merge: %s:%d: expected %s", path, lineno, why);
	if ((s->rows = realloc(s->rows, (s->nrows + 1) * sizeof(r))) == NULL)
		fatal("realloc");
	s->rows[s->nrows++] = r;
	s->groups[s->ngroups - 1].n++;
}

static void
histograms_read(struct shard *s)
{
	static struct histogram	 h;
	char			 path[PATH_MAX], *line = NULL,
				*f[FIELDS_MAX];
	size_t			 cap = 0;
	FILE			*fp;
	int			 lineno = 0, n, k, v, iv_from = 0;

	file_path(path, s->dir, MERGE_HISTOGRAM);
	fp = open_in(path);
	hist_reset(&h);
	while (getline(&line, &cap, fp) != -1) {
		chomp(line);
		if (++lineno == 1) {
			if ((v = histcsv_version(line)) != HISTCSV_VERSION)
				usage_error("merge: %s:1: histogram layout "
				    "%d, expected %d", path, v,
				    HISTCSV_VERSION);
			continue;
		}
		n = split(path, lineno, line, f);
		if (n != HISTCSV_NCOLS)
			usage_error("merge: %s:%d: expected %d fields, got "
			    "%d", path, lineno, HISTCSV_NCOLS, n);
		if (lineno == 2) {
			for (k = 0; k < n; k++)
				if (strcmp(f[k], histcsv_columns[k]) != 0)
					usage_error("merge: %s:2: expected "
					    "column %s, got %s", path,
					    histcsv_columns[k], f[k]);
		} else
			histogram_row(s, path, lineno, f, &h, &iv_from);
		for (k = 0; k < n; k++)
			free(f[k]);
	}
	group_check(s, path, lineno, &h);
	free(line);
	fclose(fp);
	if (lineno < 2)
		usage_error("merge: %s: expected the layout line and a header",
		    path);
}

static void
shard_read(struct shard *s, const char *dir)
{
	char	path[PATH_MAX];

	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	meta_read(s);
	file_path(path, dir, MERGE_INTERVAL);
	table_read(path, &s->iv);
	if (column(&s->iv, "elapsed_s") == -1)
		usage_error("merge: %s: expected an elapsed_s column", path);
	file_path(path, dir, MERGE_SUMMARY);
	table_read(path, &s->sum);
	if (s->sum.nrows != 1)
		usage_error("merge: %s: expected one row, got %d", path,
		    s->sum.nrows);
	histograms_read(s);
}

/* One of each shard number 1..N, every shard of the same N and
 * interval, every file of the first's columns. */
static void
shards_check(void)
{
	char	a[PATH_MAX], b[PATH_MAX];
	int	k, j;

	for (k = 0; k < nshards; k++) {
		if (shards[k].n != shards[0].n)
			usage_error("merge: %s: shard %u/%u, %s says %u/%u: "
			    "expected shards of one run", shards[k].path,
			    shards[k].i, shards[k].n, shards[0].path,
			    shards[0].i, shards[0].n);
		if (fabs(shards[k].interval_s - shards[0].interval_s) > 1e-9)
			usage_error("merge: %s: interval_s %g, %s has %g: "
			    "expected one --interval", shards[k].path,
			    shards[k].interval_s, shards[0].path,
			    shards[0].interval_s);
		for (j = 0; j < k; j++)
			if (shards[j].i == shards[k].i)
				usage_error("merge: %s: shard %u/%u again "
				    "(%s is too)", shards[k].path,
				    shards[k].i, shards[k].n, shards[j].path);
		file_path(a, shards[k].dir, MERGE_INTERVAL);
		file_path(b, shards[0].dir, MERGE_INTERVAL);
		same_header(&shards[k].iv, &shards[0].iv, a, b);
		file_path(a, shards[k].dir, MERGE_SUMMARY);
		file_path(b, shards[0].dir, MERGE_SUMMARY);
		same_header(&shards[k].sum, &shards[0].sum, a, b);
	}
	if ((unsigned)nshards != shards[0].n)
		usage_error("merge: %s: shard %u/%u: expected %u folders, one "
		    "per shard, got %d", shards[0].path, shards[0].i,
		    shards[0].n, shards[0].n, nshards);
}

/* Interval rows on the wall clock: a row ending at start + t falls in
 * the merged interval ending at the next multiple of the interval after
 * the earliest start.  A shard's last row ends when its run stopped,
 * which on a busy machine is a few ms after its last boundary: a row
 * that spills less than SPILL of an interval past the boundary after its
 * own start belongs to the interval before that boundary. */
#define SPILL	0.1

static int
interval_of(double off, double start, double end, double L, int last_row)
{
	int	m = (int)ceil((off + end) / L - 1e-3);
	int	m_start = (int)floor((off + start) / L + 1e-3) + 1;

	if (last_row && m == m_start + 1 && off + end - m_start * L < SPILL * L)
		m = m_start;
	return m < 1 ? 1 : m;
}

static int
align(void)
{
	double	earliest = shards[0].start_epoch, L = shards[0].interval_s, t;
	double	prev;
	int	k, r, c, last = 0;

	for (k = 1; k < nshards; k++)
		if (shards[k].start_epoch < earliest)
			earliest = shards[k].start_epoch;
	for (k = 0; k < nshards; k++) {
		struct shard	*s = &shards[k];

		s->offset = s->start_epoch - earliest;
		s->merged = xcalloc((size_t)s->iv.nrows, sizeof(int));
		c = column(&s->iv, "elapsed_s");
		for (r = 0, prev = 0; r < s->iv.nrows; r++, prev = t) {
			if (!number(cell(&s->iv, r, c), &t))
				usage_error("merge: %s/" MERGE_INTERVAL ":%d: "
				    "expected seconds in elapsed_s", s->dir,
				    r + 2);
			/* 1e-3: slack for the ms the file rounds to. */
			s->merged[r] = interval_of(s->offset, prev, t, L,
			    r == s->iv.nrows - 1);
			if (s->merged[r] > last)
				last = s->merged[r];
		}
	}
	return last;
}

/* How a column's values combine. */
enum rule {
	RULE_SUM,	/* numbers added; text kept when the same */
	RULE_KERNEL,	/* the host's: the most on a host, hosts added */
	RULE_LATENCY,	/* from the summed histogram */
	RULE_ELAPSED,	/* the latest end on the wall clock */
	RULE_MAX,	/* duration_s */
	RULE_RATE,	/* completed_per_s: completed / elapsed */
	RULE_FIRST,	/* first_failure_*: the earliest shard's */
	RULE_OPTIONS,	/* without --shard I/N */
};

struct colrule {
	enum rule	rule;
	int		lat, fig;
};

/* "session_p99_ms" is latency "session", figure p99. */
static int
latency_column(const char *name, int *lat, int *fig)
{
	char	buf[96];
	int	l, f;

	for (l = 0; l < nlatencies; l++)
		for (f = 0; f < NFIGS; f++) {
			snprintf(buf, sizeof(buf), "%s_%s_ms",
			    latency_names[l], figure_names[f]);
			if (strcmp(buf, name) == 0) {
				*lat = l;
				*fig = f;
				return 1;
			}
		}
	return 0;
}

static struct colrule
rule_of(const char *name)
{
	static const char *const kernel[] = { "time_wait", "fin_wait2_",
	    "tw_", "abort_on_" };
	struct colrule	r = { RULE_SUM, 0, 0 };
	size_t		i;

	if (latency_column(name, &r.lat, &r.fig))
		r.rule = RULE_LATENCY;
	else if (strcmp(name, "elapsed_s") == 0)
		r.rule = RULE_ELAPSED;
	else if (strcmp(name, "duration_s") == 0)
		r.rule = RULE_MAX;
	else if (strcmp(name, "completed_per_s") == 0)
		r.rule = RULE_RATE;
	else if (strncmp(name, "first_failure_", 14) == 0)
		r.rule = RULE_FIRST;
	else if (strcmp(name, "options") == 0)
		r.rule = RULE_OPTIONS;
	for (i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++)
		if (strncmp(name, kernel[i], strlen(kernel[i])) == 0)
			r.rule = RULE_KERNEL;
	return r;
}

static int
decimals(const char *s)
{
	const char	*dot = strchr(s, '.');

	return dot == NULL ? 0 : (int)strlen(dot + 1);
}

/* Values of one column from `n` shards: added when numbers (as written:
 * whole or with the most decimals given), empty when all are, the text
 * when all say the same, else the texts joined by " | ". */
static void
put_sum(struct csv_writer *w, const char **v, const double *weight, int n)
{
	char	 text[8192];
	double	 x, sum = 0;
	size_t	 len = 0;
	int	 k, numbers = 0, texts = 0, dec = 0, same = 1;

	for (k = 0; k < n; k++) {
		if (v[k] == NULL || v[k][0] == '\0')
			continue;
		if (number(v[k], &x)) {
			numbers++;
			sum += x * (weight != NULL ? weight[k] : 1);
			if (decimals(v[k]) > dec)
				dec = decimals(v[k]);
		} else
			texts++;
	}
	if (numbers > 0 && texts == 0) {
		csv_double(w, sum, dec);
		return;
	}
	if (numbers + texts == 0) {
		csv_empty(w);
		return;
	}
	text[0] = '\0';
	for (k = 0; k < n; k++) {
		if (v[k] == NULL || v[k][0] == '\0')
			continue;
		if (len > 0 && strcmp(v[k], text) != 0)
			same = 0;
		if (len == 0)
			len = (size_t)snprintf(text, sizeof(text), "%s", v[k]);
	}
	if (!same) {
		len = 0;
		for (k = 0; k < n && len < sizeof(text); k++)
			if (v[k] != NULL && v[k][0] != '\0')
				len += (size_t)snprintf(text + len,
				    sizeof(text) - len, "%s%s",
				    len > 0 ? " | " : "", v[k]);
	}
	csv_str(w, text);
}

/* The kernel's figures: shards on one host read the same counters, so
 * the most any of them saw, then hosts added. */
static void
put_kernel(struct csv_writer *w, const char **v, const int *src, int n)
{
	double	*weight = xcalloc((size_t)n, sizeof(double)), x, y;
	int	 k, j, top;

	for (k = 0; k < n; k++) {
		if (v[k] == NULL || !number(v[k], &x))
			continue;
		top = 1;
		for (j = 0; j < n && top; j++) {
			if (j == k || v[j] == NULL || !number(v[j], &y) ||
			    strcmp(shards[src[j]].host, shards[src[k]].host) != 0)
				continue;
			if (y > x || (y == x && j < k))
				top = 0;
		}
		weight[k] = top;
	}
	put_sum(w, v, weight, n);
	free(weight);
}

static void
put_latency(struct csv_writer *w, const struct histogram *h, int fig)
{
	uint64_t	v[NFIGS - 1];

	if (h->n == 0) {
		csv_empty(w);
		return;
	}
	if (fig == NFIGS - 1) {
		csv_double(w, (double)h->max / 1e3, 3);
		return;
	}
	hist_percentiles(h, pcts, v, NFIGS - 1);
	csv_double(w, (double)v[fig] / 1e3, 3);
}

/* The histograms of shard s's groups for interval row iv (-1: total)
 * added into h[latency]. */
static void
add_groups(const struct shard *s, int iv_merged, int total,
    struct histogram *h)
{
	static struct histogram	 one;
	size_t			 g, r;

	for (g = 0; g < s->ngroups; g++) {
		const struct hgroup	*gr = &s->groups[g];

		if (total ? gr->iv != -1 : (gr->iv == -1 ||
		    s->merged[gr->iv] != iv_merged))
			continue;
		hist_reset(&one);
		for (r = gr->first; r < gr->first + gr->n; r++)
			histcsv_add(&one, &s->rows[r]);
		hist_merge(&h[gr->lat], &one);
	}
}

/* One merged row, from n rows of the shards' tables `which` (0
 * interval, 1 summary): row[e] of shard shard[e]. */
struct mrow {
	int			 which;
	int			 n;
	const int		*shard, *row;
	const struct histogram	*h;
	double			 elapsed;	/* on the merged clock */
};

static const struct table *
table_of(const struct shard *s, int which)
{
	return which == 0 ? &s->iv : &s->sum;
}

/* The earliest first failure on the merged clock: its row, or -1. */
static int
first_failure(const struct mrow *m, double *at)
{
	double	t;
	int	e, best = -1, c;

	for (e = 0; e < m->n; e++) {
		const struct shard	*s = &shards[m->shard[e]];
		const struct table	*t0 = table_of(s, m->which);

		if ((c = column(t0, "first_failure_s")) == -1 ||
		    !number(cell(t0, m->row[e], c), &t))
			continue;
		if (best == -1 || s->offset + t < *at) {
			best = e;
			*at = s->offset + t;
		}
	}
	return best;
}

/* " --shard I/N" out of the options line, so it reads as one run's. */
static void
put_options(struct csv_writer *w, const char **v, int n)
{
	char	**out = xcalloc((size_t)n, sizeof(char *)), *p, *end;
	int	  k;

	for (k = 0; k < n; k++) {
		if (v[k] == NULL)
			continue;
		out[k] = xstrdup(v[k]);
		if ((p = strstr(out[k], " --shard ")) != NULL) {
			if ((end = strchr(p + 9, ' ')) == NULL)
				end = p + strlen(p);
			memmove(p, end, strlen(end) + 1);
		}
	}
	put_sum(w, (const char **)out, NULL, n);
	for (k = 0; k < n; k++)
		free(out[k]);
	free(out);
}

static void
put_column(struct csv_writer *w, const struct mrow *m, int c,
    const struct colrule *cr, double completed)
{
	const char	**v = xcalloc((size_t)m->n, sizeof(char *));
	double		  x, at = 0;
	int		  k, best;

	for (k = 0; k < m->n; k++)
		v[k] = cell(table_of(&shards[m->shard[k]], m->which),
		    m->row[k], c);
	switch (cr->rule) {
	case RULE_SUM:
		put_sum(w, v, NULL, m->n);
		break;
	case RULE_KERNEL:
		put_kernel(w, v, m->shard, m->n);
		break;
	case RULE_LATENCY:
		put_latency(w, &m->h[cr->lat], cr->fig);
		break;
	case RULE_ELAPSED:
		csv_double(w, m->elapsed, 3);
		break;
	case RULE_MAX:
		for (k = 0, at = 0; k < m->n; k++)
			if (number(v[k], &x) && x > at)
				at = x;
		csv_double(w, at, 3);
		break;
	case RULE_RATE:
		csv_double(w, m->elapsed > 0 ? completed / m->elapsed : 0, 3);
		break;
	case RULE_FIRST:
		if ((best = first_failure(m, &at)) == -1)
			csv_empty(w);
		else if (strcmp(table_of(&shards[0], m->which)->names[c],
		    "first_failure_s") == 0)
			csv_double(w, at, 3);
		else
			csv_str(w, v[best]);
		break;
	case RULE_OPTIONS:
		put_options(w, v, m->n);
		break;
	}
	free(v);
}

static void
write_row(struct csv_writer *w, const struct mrow *m)
{
	const struct table	*t = table_of(&shards[0], m->which);
	struct colrule		 cr;
	double			 completed = 0, x;
	int			 c, k, cc;

	for (k = 0; k < m->n; k++) {
		const struct table	*tk = table_of(&shards[m->shard[k]],
					    m->which);

		if ((cc = column(tk, "completed")) != -1 &&
		    number(cell(tk, m->row[k], cc), &x))
			completed += x;
	}
	for (c = 0; c < t->ncols; c++) {
		cr = rule_of(t->names[c]);
		put_column(w, m, c, &cr, completed);
	}
}

static void
write_header(struct csv_writer *w, const struct table *t)
{
	int	c;

	for (c = 0; c < t->ncols; c++)
		csv_str(w, t->names[c]);
	csv_end_row(w);
}

static void
write_histograms(struct csv_writer *w, const struct histogram *h,
    const char *when)
{
	struct histcsv_row	r;
	unsigned		cursor;
	int			l;

	for (l = 0; l < nlatencies; l++)
		for (cursor = 0; histcsv_next(&h[l], &cursor, &r);) {
			histcsv_put(w, when, latency_names[l], &r);
			csv_end_row(w);
		}
}

struct outputs {
	char			 path[3][PATH_MAX];
	FILE			*fp[3];
	struct csv_writer	 w[3];	/* interval, summary, histogram */
};

static void
outputs_open(struct outputs *o, const char *dir)
{
	static const char *const names[3] = { MERGE_INTERVAL, MERGE_SUMMARY,
	    MERGE_HISTOGRAM };
	int	k;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		usage_error("merge: --out %s: %s", dir, strerror(errno));
	for (k = 0; k < 3; k++) {
		file_path(o->path[k], dir, names[k]);
		if ((o->fp[k] = fopen(o->path[k], "we")) == NULL)
			usage_error("merge: --out %s: %s", o->path[k],
			    strerror(errno));
		csv_init(&o->w[k], o->fp[k]);
	}
	write_header(&o->w[0], &shards[0].iv);
	write_header(&o->w[1], &shards[0].sum);
	fputs(HISTCSV_FIRST "\r\n", o->fp[2]);
	for (k = 0; k < HISTCSV_NCOLS; k++)
		csv_str(&o->w[2], histcsv_columns[k]);
	csv_end_row(&o->w[2]);
}

/* Merged interval iv: every shard row that ends in it on the merged
 * clock (one per shard when starts are whole intervals apart; a shard's
 * short last row may join its previous one otherwise, and is added). */
static void
merge_intervals(struct outputs *o, int last, struct histogram *h)
{
	int	*src, *row, k, r, iv, total = 0;
	double	 t = 0;
	char	 when[32];

	for (k = 0; k < nshards; k++)
		total += shards[k].iv.nrows;
	src = xcalloc((size_t)total, sizeof(int));
	row = xcalloc((size_t)total, sizeof(int));
	for (iv = 1; iv <= last; iv++) {
		struct mrow	m = { 0, 0, src, row, h, 0 };

		for (k = 0; k < nshards; k++)
			for (r = 0; r < shards[k].iv.nrows; r++) {
				if (shards[k].merged[r] != iv)
					continue;
				src[m.n] = k;
				row[m.n++] = r;
				number(cell(&shards[k].iv, r,
				    column(&shards[k].iv, "elapsed_s")), &t);
				if (shards[k].offset + t > m.elapsed)
					m.elapsed = shards[k].offset + t;
			}
		if (m.n == 0)
			continue;
		for (k = 0; k < nlatencies; k++)
			hist_reset(&h[k]);
		for (k = 0; k < nshards; k++)
			add_groups(&shards[k], iv, 0, h);
		write_row(&o->w[0], &m);
		csv_end_row(&o->w[0]);
		snprintf(when, sizeof(when), "%.3f", m.elapsed);
		write_histograms(&o->w[2], h, when);
	}
	free(src);
	free(row);
}

static void
merge_summary(struct outputs *o, struct histogram *h)
{
	int		*src = xcalloc((size_t)nshards, sizeof(int));
	int		*row = xcalloc((size_t)nshards, sizeof(int));
	struct mrow	 m = { 1, nshards, src, row, h, 0 };
	double		 t;
	int		 k, c;

	for (k = 0; k < nlatencies; k++)
		hist_reset(&h[k]);
	for (k = 0; k < nshards; k++) {
		src[k] = k;
		add_groups(&shards[k], 0, 1, h);
		c = column(&shards[k].sum, "elapsed_s");
		if (c != -1 && number(cell(&shards[k].sum, 0, c), &t) &&
		    shards[k].offset + t > m.elapsed)
			m.elapsed = shards[k].offset + t;
	}
	write_row(&o->w[1], &m);
	csv_end_row(&o->w[1]);
	write_histograms(&o->w[2], h, "total");
	free(src);
	free(row);
}

/* shards.csv, and a line on stderr for each shard that fell short. */
static int
write_shards(const char *dir)
{
	struct csv_writer	 w;
	char			 path[PATH_MAX];
	FILE			*fp;
	int			 k, shortfall, nshort = 0;

	file_path(path, dir, MERGE_SHARDS);
	if ((fp = fopen(path, "we")) == NULL)
		usage_error("merge: --out %s: %s", path, strerror(errno));
	csv_init(&w, fp);
	csv_str(&w, "shard");
	csv_str(&w, "dir");
	csv_str(&w, "host");
	csv_str(&w, "start_epoch");
	csv_str(&w, "offset_s");
	csv_str(&w, "offered_per_s");
	csv_str(&w, "achieved_per_s");
	csv_str(&w, "short");
	csv_end_row(&w);
	for (k = 0; k < nshards; k++) {
		const struct shard	*s = &shards[k];
		char			 id[32];

		shortfall = s->achieved < MERGE_SHORT * s->offered;
		nshort += shortfall;
		if (shortfall)
			log_warnx("merge: shard %u/%u (%s, host %s) fell short: "
			    "achieved %.3f/s of %.3f/s offered (below %.0f%%)",
			    s->i, s->n, s->dir, s->host, s->achieved,
			    s->offered, MERGE_SHORT * 100);
		snprintf(id, sizeof(id), "%u/%u", s->i, s->n);
		csv_str(&w, id);
		csv_str(&w, s->dir);
		csv_str(&w, s->host);
		csv_double(&w, s->start_epoch, 6);
		csv_double(&w, s->offset, 6);
		csv_double(&w, s->offered, 3);
		csv_double(&w, s->achieved, 3);
		csv_u64(&w, (uint64_t)shortfall);
		csv_end_row(&w);
	}
	if (text_close(fp, path) == -1) {
		log_warn("merge: %s", path);
		return -1;
	}
	return nshort;
}

static int
shard_order(const void *a, const void *b)
{
	const struct shard	*x = a, *y = b;

	return (x->i > y->i) - (x->i < y->i);
}

int
cmd_merge(int argc, char **argv)
{
	static struct histogram	 h[LATENCIES_MAX];
	struct outputs		 o;
	const char		*out = NULL;
	int			 k, last, rc = 0, nshort;

	shards = xcalloc((size_t)argc, sizeof(*shards));
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--out") == 0) {
			if (++k == argc)
				usage_error("merge: --out: expected a folder");
			out = argv[k];
		} else if (argv[k][0] == '-')
			usage_error("merge: %s: unknown option (expected "
			    "DIR... --out DIR)", argv[k]);
		else if (nshards == SHARDS_MAX)
			usage_error("merge: at most %d shards", SHARDS_MAX);
		else
			shard_read(&shards[nshards++], argv[k]);
	}
	if (out == NULL || nshards == 0)
		usage_error("merge: expected DIR... --out DIR");
	shards_check();
	qsort(shards, (size_t)nshards, sizeof(*shards), shard_order);
	last = align();
	outputs_open(&o, out);
	merge_intervals(&o, last, h);
	merge_summary(&o, h);
	for (k = 0; k < 3; k++)
		if (text_close(o.fp[k], o.path[k]) == -1) {
			log_warn("merge: %s", o.path[k]);
			rc = 1;
		}
	if ((nshort = write_shards(out)) == -1)
		rc = 1;
	if (rc == 0)
		printf("merge: %d shards into %s: %s, %s, %s, %s%s\n",
		    nshards, out, MERGE_INTERVAL, MERGE_SUMMARY,
		    MERGE_HISTOGRAM, MERGE_SHARDS,
		    nshort > 0 ? " (shards short of their rate: see "
		    MERGE_SHARDS ")" : "");
	return rc;
}
