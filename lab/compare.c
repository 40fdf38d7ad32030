/* compare.c: ephemera compare, base against head, metric by metric. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchfile.h"
#include "compare.h"
#include "log.h"
#include "textfile.h"
#include "metrics.h"
#include "statistics.h"
#include "words.h"

#define ALPHA		0.05	/* significance of the U test */
#define RESAMPLES	4000	/* bootstrap resamples per interval */
#define MAX_ROWS	4096
#define CMP_MAX_N	BENCH_MAX_REPEATS

/* Each metric's gate: the table's default or a --tolerance. */
struct gate {
	int	gated;
	double	tolerance;	/* relative, > 0 */
	double	floor;		/* absolute, in the metric's unit */
};

enum row_verdict {
	ROW_OK,			/* gated, within its gate */
	ROW_REGRESSION,
	ROW_NOT_SIGNIFICANT,	/* beyond the gate, but noise could do it */
	ROW_NOT_GATED,
	ROW_NO_DATA,		/* a side without a value */
};

static const char *const verdict_names[] = {
	[ROW_OK] = "ok",
	[ROW_REGRESSION] = "REGRESSION",
	[ROW_NOT_SIGNIFICANT] = "not significant",
	[ROW_NOT_GATED] = "not gated",
	[ROW_NO_DATA] = "no data",
};

struct row {
	const char		*scenario;
	int			 metric;
	int			 nb, nh;	/* repeats with a value */
	double			 base, head;	/* medians, or the exact values */
	double			 change;	/* head / base - 1 */
	double			 lo, hi;	/* its 95% interval; NAN: none */
	double			 p;		/* U test; NAN: exact metric */
	enum row_verdict	 verdict;
	char			 gate[48];	/* as shown: "+25%, 1 ms" */
};

struct cmp {
	struct gate	 gates[64];
	int		 force;
	const char	*junit, *markdown, *json;
	struct row	 rows[MAX_ROWS];
	int		 nrows;
	int		 regressions;
};

static void
default_gates(struct cmp *c)
{
	int	i;

	for (i = 0; i < nmetrics; i++) {
		c->gates[i].gated = metrics[i].kind == METRIC_EXACT ||
		    metrics[i].tolerance > 0;
		c->gates[i].tolerance = metrics[i].tolerance;
		c->gates[i].floor = metrics[i].floor;
	}
}

/* --tolerance METRIC:+N% (or -N%, or N%): the change allowed in the
 * metric's worse direction. */
static int
parse_tolerance(struct cmp *c, const char *arg)
{
	char		 name[64], near[256], *end;
	const char	*colon = strchr(arg, ':'), *v;
	double		 pct;
	int		 i;

	if (colon == NULL || (size_t)(colon - arg) >= sizeof(name)) {
		log_warnx("--tolerance %s: expected METRIC:+N%% "
		    "(session_p99_ms:+15%%)", arg);
		return -1;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(colon - arg), arg);
	if ((i = metric_index(name)) == -1) {
		word_nearest(name, metric_names(), (size_t)nmetrics, near,
		    sizeof(near));
		log_warnx("--tolerance %s: unknown metric '%s'%s%s%s", arg,
		    name, near[0] ? " (nearest: " : "", near,
		    near[0] ? ")" : "");
		return -1;
	}
	if (metrics[i].kind == METRIC_EXACT) {
		log_warnx("--tolerance %s: %s is exact: it may not move at all",
		    arg, name);
		return -1;
	}
	v = colon + 1;
	if (*v == '+' || *v == '-')
		v++;
	pct = strtod(v, &end);
	if (end == v || strcmp(end, "%") != 0 || !(pct > 0) || pct > 1000) {
		log_warnx("--tolerance %s: expected a percentage above 0 after "
		    "the colon, such as +15%%", arg);
		return -1;
	}
	c->gates[i].gated = 1;
	c->gates[i].tolerance = pct / 100;
	return 0;
}

/* Values with a number, NAN dropped. */
static int
finite_only(const double *v, int n, double *out)
{
	int	i, k = 0;

	for (i = 0; i < n; i++)
		if (!isnan(v[i]))
			out[k++] = v[i];
	return k;
}

/* The value most repeats have (NAN, "none", counts as one); ties go to
 * the first seen. */
static double
mode(const double *v, int n)
{
	int	i, j, count, best = 0;
	double	m = NAN;

	for (i = 0; i < n; i++) {
		for (count = 0, j = 0; j < n; j++)
			count += v[j] == v[i] || (isnan(v[j]) && isnan(v[i]));
		if (count > best) {
			best = count;
			m = v[i];
		}
	}
	return m;
}

static double
relative(double base, double head)
{
	if (base != 0)
		return head / base - 1;
	return head == 0 ? 0 : copysign(INFINITY, head);
}

/* Exact metrics: the value most repeats gave must be the same. */
static void
judge_exact(struct row *r, const double *b, int nb, const double *h, int nh)
{
	r->nb = nb;
	r->nh = nh;
	r->base = mode(b, nb);
	r->head = mode(h, nh);
	r->change = relative(r->base, r->head);
	r->lo = r->hi = r->p = NAN;
	snprintf(r->gate, sizeof(r->gate), "exact");
	r->verdict = (r->base == r->head || (isnan(r->base) &&
	    isnan(r->head))) ? ROW_OK : ROW_REGRESSION;
}

/* Worse than the gate allows, in the metric's own direction. */
static int
beyond(const struct metric *m, const struct gate *g, const struct row *r)
{
	if (m->kind == METRIC_HIGHER_IS_BETTER)
		return r->change < -g->tolerance && r->base - r->head > g->floor;
	return r->change > g->tolerance && r->head - r->base > g->floor;
}

/* A gate as shown: "+25%, 1 ms", "-10%", or "-" when not gated. */
static void
gate_text(const struct metric *m, const struct gate *g, char *buf,
    size_t sz)
{
	const char	*sign = m->kind == METRIC_HIGHER_IS_BETTER ? "-" : "+";

	if (!g->gated)
		snprintf(buf, sz, "-");
	else if (g->floor > 0)
		snprintf(buf, sz, "%s%.0f%%, %g %s", sign, g->tolerance * 100,
		    g->floor, m->unit);
	else
		snprintf(buf, sz, "%s%.0f%%", sign, g->tolerance * 100);
}

static void
judge_statistic(struct row *r, const struct gate *g, const double *b,
    int nb, const double *h, int nh)
{
	const struct metric	*m = &metrics[r->metric];
	double			 fb[CMP_MAX_N], fh[CMP_MAX_N], u;

	r->nb = finite_only(b, nb, fb);
	r->nh = finite_only(h, nh, fh);
	r->base = r->head = r->change = r->lo = r->hi = r->p = NAN;
	gate_text(m, g, r->gate, sizeof(r->gate));
	if (r->nb == 0 || r->nh == 0) {
		r->verdict = ROW_NO_DATA;
		return;
	}
	r->base = stat_median(fb, r->nb);
	r->head = stat_median(fh, r->nh);
	r->change = relative(r->base, r->head);
	r->p = stat_mann_whitney(fb, r->nb, fh, r->nh, &u);
	stat_bootstrap_change(fb, r->nb, fh, r->nh, RESAMPLES, 1, &r->lo,
	    &r->hi);
	if (!g->gated)
		r->verdict = ROW_NOT_GATED;
	else if (!beyond(m, g, r))
		r->verdict = ROW_OK;
	else
		r->verdict = r->p < ALPHA ? ROW_REGRESSION :
		    ROW_NOT_SIGNIFICANT;
}

static void
compare_scenario(struct cmp *c, const char *name, json_t *base, json_t *head)
{
	double		 b[CMP_MAX_N], h[CMP_MAX_N];
	struct row	*r;
	int		 i, nb, nh;

	for (i = 0; i < nmetrics && c->nrows < MAX_ROWS; i++) {
		r = &c->rows[c->nrows++];
		memset(r, 0, sizeof(*r));
		r->scenario = name;
		r->metric = i;
		nb = benchfile_values(base, i, b, CMP_MAX_N);
		nh = benchfile_values(head, i, h, CMP_MAX_N);
		if (metrics[i].kind == METRIC_EXACT)
			judge_exact(r, b, nb, h, nh);
		else
			judge_statistic(r, &c->gates[i], b, nb, h, nh);
		c->regressions += r->verdict == ROW_REGRESSION;
	}
}

static json_t *
find_scenario(json_t *doc, const char *name)
{
	json_t	*s;
	size_t	 i;

	json_array_foreach(json_object_get(doc, "scenarios"), i, s)
		if (strcmp(json_string_value(json_object_get(s, "name")),
		    name) == 0)
			return s;
	return NULL;
}

/* The settings that differ, named: "port_hi 20099 vs 20199, ...". */
static void
settings_diff(json_t *a, json_t *b, char *out, size_t outsz)
{
	const char	*key;
	json_t		*va, *vb;
	char		*sa, *sb;
	size_t		 len = 0;

	out[0] = '\0';
	json_object_foreach(json_object_get(a, "settings"), key, va) {
		vb = json_object_get(json_object_get(b, "settings"), key);
		if (vb != NULL && json_equal(va, vb))
			continue;
		sa = json_dumps(va, JSON_ENCODE_ANY);
		sb = vb ? json_dumps(vb, JSON_ENCODE_ANY) : strdup("none");
		if (len < outsz)
			len += (size_t)snprintf(out + len, outsz - len,
			    "%s%s %s vs %s", len ? ", " : "", key, sa, sb);
		free(sa);
		free(sb);
	}
}

/* Same scenarios, same files; otherwise refuse (unless --force). */
static int
match(struct cmp *c, json_t *base, json_t *head, const char *bpath,
    const char *hpath)
{
	json_t		*hs, *bs;
	const char	*name;
	char		 diff[512];
	size_t		 i;
	int		 bad = 0;

	json_array_foreach(json_object_get(head, "scenarios"), i, hs) {
		name = json_string_value(json_object_get(hs, "name"));
		if ((bs = find_scenario(base, name)) == NULL) {
			log_warnx("%s: scenario %s is not in %s", hpath, name,
			    bpath);
			bad++;
			continue;
		}
		if (json_equal(json_object_get(bs, "sha256"),
		    json_object_get(hs, "sha256")))
			continue;
		settings_diff(bs, hs, diff, sizeof(diff));
		log_warnx("scenario %s: its file differs between %s and %s%s%s",
		    name, bpath, hpath, diff[0] ? ": " : " (same settings)",
		    diff);
		bad++;
	}
	json_array_foreach(json_object_get(base, "scenarios"), i, bs) {
		name = json_string_value(json_object_get(bs, "name"));
		if (find_scenario(head, name) == NULL) {
			log_warnx("%s: scenario %s is not in %s", bpath, name,
			    hpath);
			bad++;
		}
	}
	if (bad && !c->force) {
		log_warnx("refusing to compare different runs (--force "
		    "compares them anyway)");
		return -1;
	}
	return 0;
}

static void
run_all(struct cmp *c, json_t *base, json_t *head)
{
	json_t	*hs, *bs;
	size_t	 i;

	json_array_foreach(json_object_get(head, "scenarios"), i, hs)
		if ((bs = find_scenario(base, json_string_value(
		    json_object_get(hs, "name")))) != NULL)
			compare_scenario(c, json_string_value(
			    json_object_get(hs, "name")), bs, hs);
}

/* A figure as shown: an exact metric's whole numbers without decimals,
 * "-" for none. */
static void
fmt(double v, int exact, char *buf, size_t sz)
{
	if (isnan(v))
		snprintf(buf, sz, "-");
	else if (isinf(v))
		snprintf(buf, sz, "%sinf", v < 0 ? "-" : "");
	else if (exact && v == floor(v) && fabs(v) < 1e12)
		snprintf(buf, sz, "%.0f", v);
	else
		snprintf(buf, sz, "%.3f", v);
}

static void
fmt_pct(double v, char *buf, size_t sz)
{
	if (isnan(v))
		snprintf(buf, sz, "-");
	else if (isinf(v))
		snprintf(buf, sz, "%sinf", v < 0 ? "-" : "+");
	else
		snprintf(buf, sz, "%+.1f%%", 100 * v);
}

/* The cells of a row, as every output shows them. */
struct cells {
	char	base[32], head[32], change[32], ci[80], p[32];
};

static void
row_cells(const struct row *r, struct cells *k)
{
	char	lo[32], hi[32];
	int	exact = metrics[r->metric].kind == METRIC_EXACT;

	fmt(r->base, exact, k->base, sizeof(k->base));
	fmt(r->head, exact, k->head, sizeof(k->head));
	fmt_pct(r->change, k->change, sizeof(k->change));
	if (isnan(r->lo))
		snprintf(k->ci, sizeof(k->ci), "-");
	else {
		fmt_pct(r->lo, lo, sizeof(lo));
		fmt_pct(r->hi, hi, sizeof(hi));
		snprintf(k->ci, sizeof(k->ci), "%s..%s", lo, hi);
	}
	if (isnan(r->p))
		snprintf(k->p, sizeof(k->p), "-");
	else
		snprintf(k->p, sizeof(k->p), "%.4f", r->p);
}

static void
print_table(const struct cmp *c, FILE *fp)
{
	struct cells	k;
	int		i;

	fprintf(fp, "%-28s %-22s %10s %10s %9s %19s %7s %-12s %s\n",
	    "scenario", "metric", "base", "head", "change", "95% CI", "p",
	    "gate", "verdict");
	for (i = 0; i < c->nrows; i++) {
		const struct row	*r = &c->rows[i];

		row_cells(r, &k);
		fprintf(fp, "%-28s %-22s %10s %10s %9s %19s %7s %-12s %s\n",
		    r->scenario, metrics[r->metric].name, k.base, k.head,
		    k.change, k.ci, k.p, r->gate, verdict_names[r->verdict]);
	}
}

/* JUnit XML: one test case per gate, a failure per regression. */
static int
write_junit(const struct cmp *c, const char *path)
{
	struct cells	 k;
	char		 msg[256];
	FILE		*fp;
	int		 i, tests = 0;

	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < c->nrows; i++)
		tests += c->rows[i].verdict != ROW_NOT_GATED;
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites>\n<testsuite name=\"ephemera compare\" tests=\"%d\" "
	    "failures=\"%d\">\n", tests, c->regressions);
	for (i = 0; i < c->nrows; i++) {
		const struct row	*r = &c->rows[i];

		if (r->verdict == ROW_NOT_GATED)
			continue;
		row_cells(r, &k);
		fputs("  <testcase classname=\"ephemera.", fp);
		text_put_escaped(fp, r->scenario);
		fputs("\" name=\"", fp);
		text_put_escaped(fp, metrics[r->metric].name);
		fputs("\">", fp);
		if (r->verdict == ROW_REGRESSION) {
			snprintf(msg, sizeof(msg), "%s: %s -> %s (%s, p %s, "
			    "gate %s)", metrics[r->metric].name, k.base,
			    k.head, k.change, k.p, r->gate);
			fputs("<failure message=\"", fp);
			text_put_escaped(fp, msg);
			fputs("\"/>", fp);
		}
		fputs("</testcase>\n", fp);
	}
	fputs("</testsuite>\n</testsuites>\n", fp);
	return text_close(fp, path);
}

/* A Markdown table for a CI job's summary: the gated rows. */
static int
write_markdown(const struct cmp *c, const char *path)
{
	struct cells	 k;
	FILE		*fp;
	int		 i;

	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fprintf(fp, "### ephemera compare: %s\n\n", c->regressions ?
	    "regression" : "no regression");
	fputs("| scenario | metric | base | head | change | 95% CI | p | "
	    "gate | verdict |\n|---|---|---:|---:|---:|---:|---:|---|---|\n",
	    fp);
	for (i = 0; i < c->nrows; i++) {
		const struct row	*r = &c->rows[i];

		if (r->verdict == ROW_NOT_GATED)
			continue;
		row_cells(r, &k);
		fprintf(fp, "| %s | %s | %s | %s | %s | %s | %s | %s | %s%s%s "
		    "|\n", r->scenario, metrics[r->metric].name, k.base,
		    k.head, k.change, k.ci, k.p, r->gate,
		    r->verdict == ROW_REGRESSION ? "**" : "",
		    verdict_names[r->verdict],
		    r->verdict == ROW_REGRESSION ? "**" : "");
	}
	return text_close(fp, path);
}

static json_t *
num(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

/* The comparison itself, as JSON ("ephemera-compare", version 1). */
static int
write_json(const struct cmp *c, const char *path)
{
	json_t	*rows = json_array(), *doc;
	int	 i, rc;

	for (i = 0; i < c->nrows; i++) {
		const struct row	*r = &c->rows[i];

		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:i, "
		    "s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s}",
		    "scenario", r->scenario, "metric", metrics[r->metric].name,
		    "unit", metrics[r->metric].unit, "base_n", r->nb,
		    "head_n", r->nh, "base", num(r->base), "head",
		    num(r->head), "change", num(r->change), "ci_low",
		    num(r->lo), "ci_high", num(r->hi), "p", num(r->p),
		    "gate", r->gate, "verdict", verdict_names[r->verdict]));
	}
	doc = json_pack("{s:s, s:i, s:i, s:f, s:o}", "format",
	    "ephemera-compare", "version", 1, "regressions", c->regressions,
	    "alpha", ALPHA, "rows", rows);
	rc = json_dump_file(doc, path, JSON_INDENT(2) |
	    JSON_REAL_PRECISION(10));
	json_decref(doc);
	return rc;
}

static int
write_reports(const struct cmp *c)
{
	int	bad = 0;

	if (c->junit != NULL && write_junit(c, c->junit) == -1)
		bad = (log_warn("--junit %s", c->junit), 1);
	if (c->markdown != NULL && write_markdown(c, c->markdown) == -1)
		bad = (log_warn("--markdown %s", c->markdown), 1);
	if (c->json != NULL && write_json(c, c->json) == -1)
		bad = (log_warn("--json %s", c->json), 1);
	return bad ? -1 : 0;
}

/* Every regression, one line each, after the table. */
static void
print_regressions(const struct cmp *c)
{
	struct cells	k;
	int		i;

	for (i = 0; i < c->nrows; i++) {
		const struct row	*r = &c->rows[i];

		if (r->verdict != ROW_REGRESSION)
			continue;
		row_cells(r, &k);
		printf("regression: %s %s: %s -> %s (%s; p %s; gate %s)\n",
		    r->scenario, metrics[r->metric].name, k.base, k.head,
		    k.change, k.p, r->gate);
	}
	printf("%d regression%s\n", c->regressions,
	    c->regressions == 1 ? "" : "s");
}

static int
parse_args(struct cmp *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tolerance",	required_argument,	NULL, 't' },
		{ "force",	no_argument,		NULL, 'f' },
		{ "junit",	required_argument,	NULL, 'j' },
		{ "markdown",	required_argument,	NULL, 'm' },
		{ "json",	required_argument,	NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int	ch;

	optind = 0;	/* 0: a fresh scan, permuting (glibc) */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		switch (ch) {
		case 't':
			if (parse_tolerance(c, optarg) == -1)
				return -1;
			break;
		case 'f': c->force = 1; break;
		case 'j': c->junit = optarg; break;
		case 'm': c->markdown = optarg; break;
		case 'o': c->json = optarg; break;
		case ':':
			log_warnx("compare: %s: expected a value",
			    argv[optind - 1]);
			return -1;
		default:
			log_warnx("compare: %s: unknown option",
			    argv[optind - 1]);
			return -1;
		}
	if (argc - optind != 2) {
		log_warnx("compare: expected BASE.json HEAD.json");
		return -1;
	}
	return optind;
}

int
cmd_compare(int argc, char **argv)
{
	static struct cmp	 c;
	json_t			*base, *head;
	char			 err[512];
	int			 first, missing, rc;

	memset(&c, 0, sizeof(c));
	default_gates(&c);
	if ((first = parse_args(&c, argc, argv)) == -1)
		return COMPARE_BAD_INPUT;
	if ((base = benchfile_load(argv[first], &missing, err,
	    sizeof(err))) == NULL) {
		log_warnx("%s%s", err, missing ? " (no baseline yet: exit 3)" :
		    "");
		return missing ? COMPARE_NO_BASELINE : COMPARE_BAD_INPUT;
	}
	if ((head = benchfile_load(argv[first + 1], &missing, err,
	    sizeof(err))) == NULL) {
		log_warnx("%s", err);
		json_decref(base);
		return COMPARE_BAD_INPUT;
	}
	rc = COMPARE_BAD_INPUT;
	if (match(&c, base, head, argv[first], argv[first + 1]) == 0) {
		run_all(&c, base, head);
		print_table(&c, stdout);
		print_regressions(&c);
		if (write_reports(&c) == 0)
			rc = c.regressions ? COMPARE_REGRESSION : COMPARE_OK;
	}
	json_decref(base);
	json_decref(head);
	return rc;
}

/* What `bench --noise` suggests: per gated metric, a tolerance that the
 * A/A change and its interval stay inside, rounded up to 5%. */
static void
print_suggestions(const struct cmp *c)
{
	double	worst[64] = { 0 }, spread;
	int	i, m;

	for (i = 0; i < c->nrows; i++) {
		const struct row	*r = &c->rows[i];

		m = r->metric;
		if (metrics[m].kind == METRIC_EXACT || isnan(r->lo))
			continue;
		spread = fmax(fabs(r->lo), fabs(r->hi));
		if (!isinf(spread) && spread > worst[m])
			worst[m] = spread;
	}
	printf("suggested tolerances (twice the widest A/A interval, at least "
	    "5%%):");
	for (m = 0; m < nmetrics; m++) {
		if (metrics[m].kind == METRIC_EXACT ||
		    metrics[m].kind == METRIC_INFO)
			continue;
		printf(" --tolerance %s:%s%.0f%%", metrics[m].name,
		    metrics[m].kind == METRIC_HIGHER_IS_BETTER ? "-" : "+",
		    fmax(5, 5 * ceil(2 * 100 * worst[m] / 5)));
	}
	printf("\n");
}

int
compare_print_noise(json_t *a, json_t *b)
{
	static struct cmp	c;

	memset(&c, 0, sizeof(c));
	default_gates(&c);
	run_all(&c, a, b);
	print_table(&c, stdout);
	print_regressions(&c);
	print_suggestions(&c);
	return c.regressions ? COMPARE_REGRESSION : COMPARE_OK;
}
