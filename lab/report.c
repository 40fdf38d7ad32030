/* report.c: read loadgen's summary, compare with the model and the
 * scenario's [expect], and print one table row per run. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arrivals.h"
#include "cause.h"
#include "cdefs.h"
#include "csv.h"
#include "model.h"
#include "report.h"
#include "textfile.h"
#include "units.h"

#define SUMMARY_MAX_FIELDS	256
#define SUMMARY_LINE_MAX	16384

static const char *
field(const char **names, const char **vals, int n, const char *name)
{
	int	i = csv_index(names, n, name);

	return i < 0 ? NULL : vals[i];
}

static int
read_record(FILE *fp, char *line, size_t linesz, char *buf, size_t bufsz,
    const char **fields)
{
	if (fgets(line, (int)linesz, fp) == NULL)
		return -1;
	return csv_split(line, buf, bufsz, fields, SUMMARY_MAX_FIELDS);
}

static int
fill_observed(struct observed *o, const char **names, const char **vals,
    int n, const char **missing)
{
	static const char *const need[] = { "started", "completed", "failed",
	    "elapsed_s", "first_failure_s", "first_failure_errno",
	    "time_wait_end" };
	size_t	i;
	const char *v;

	for (i = 0; i < nitems(need); i++)
		if (field(names, vals, n, need[i]) == NULL) {
			*missing = need[i];
			return -1;
		}
	o->started = strtoull(field(names, vals, n, "started"), NULL, 10);
	o->completed = strtoull(field(names, vals, n, "completed"), NULL, 10);
	o->failed = strtoull(field(names, vals, n, "failed"), NULL, 10);
	o->elapsed_s = strtod(field(names, vals, n, "elapsed_s"), NULL);
	v = field(names, vals, n, "first_failure_s");
	o->first_failure_s = (*v == '\0') ? -1 : strtod(v, NULL);
	snprintf(o->first_failure_errno, sizeof(o->first_failure_errno), "%s",
	    field(names, vals, n, "first_failure_errno"));
	v = field(names, vals, n, "time_wait_end");
	o->time_wait_end = (*v == '\0') ? -1 : strtoll(v, NULL, 10);
	/* Optional: an older loadgen, or no session completed. */
	v = field(names, vals, n, "session_actual_p50_ms");
	o->session_p50_ms = (v == NULL || *v == '\0') ? -1 : strtod(v, NULL);
	o->in_flight_at_fail = o->tw_client_at_fail = -1;
	o->fw2_client_at_fail = -1;
	return 0;
}

/* The thresholds' fields; a column the summary lacks is an error (loadgen
 * refuses an unknown one before running, so this is an older loadgen). */
static int
fill_gates(struct observed *o, const struct scenario *sc, const char **names,
    const char **vals, int n, const char **missing)
{
	const char	*v;
	double		 x;
	int		 i;

	for (i = 0; i < sc->nthresholds; i++) {
		if ((v = field(names, vals, n, sc->thresholds[i].name)) ==
		    NULL) {
			*missing = sc->thresholds[i].name;
			return -1;
		}
		snprintf(o->gates[i].field, sizeof(o->gates[i].field), "%s",
		    v);
		o->gates[i].result = threshold_eval(&sc->thresholds[i], v, &x);
	}
	return 0;
}

int
report_summary_fields(const char *path, const char ***names,
    const char ***vals, char *err, size_t errsz)
{
	static char	 l1[SUMMARY_LINE_MAX], l2[SUMMARY_LINE_MAX];
	static char	 b1[SUMMARY_LINE_MAX], b2[SUMMARY_LINE_MAX];
	static const char *n1[SUMMARY_MAX_FIELDS], *v1[SUMMARY_MAX_FIELDS];
	int		 nn, nv;
	FILE		*fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	nn = read_record(fp, l1, sizeof(l1), b1, sizeof(b1), n1);
	nv = read_record(fp, l2, sizeof(l2), b2, sizeof(b2), v1);
	fclose(fp);
	if (nn <= 0 || nv != nn) {
		snprintf(err, errsz, "%s: expected a header and one row of "
		    "the same width", path);
		return -1;
	}
	*names = n1;
	*vals = v1;
	return nn;
}

int
report_read_summary(const char *path, const struct scenario *sc,
    struct observed *o, char *err, size_t errsz)
{
	const char	**names, **vals, *missing = NULL;
	int		  n;

	if ((n = report_summary_fields(path, &names, &vals, err, errsz)) ==
	    -1)
		return -1;
	if (fill_observed(o, names, vals, n, &missing) == -1 ||
	    fill_gates(o, sc, names, vals, n, &missing) == -1) {
		snprintf(err, errsz, "%s: no column '%s'", path, missing);
		return -1;
	}
	return 0;
}

/* Within a relative tolerance of the expected value. */
static int
near(double observed, double expected, double tolerance)
{
	return fabs(observed - expected) <= tolerance * fabs(expected) + 1e-9;
}

static void
judge_first_failure(const struct scenario *sc, const struct plan *plan,
    const struct observed *o, char *why, size_t whysz)
{
	const struct expect_number	*e = &sc->expect_first_failure;
	double				 want, got;

	if (e->kind == EXPECT_OFF)
		return;
	want = e->kind == EXPECT_PREDICTED ? plan->first_failure_s :
	    e->value;
	got = o->first_failure_s * sc->time_scale;
	if (o->first_failure_s < 0)
		snprintf(why, whysz, "no failure, expected the first at %.3fs",
		    want);
	else if (!near(got, want, e->tolerance))
		snprintf(why, whysz, "first failure at %.3fs (model time), "
		    "expected %.3fs +- %.0f%%", got, want, e->tolerance * 100);
}

static void
judge_time_wait(const struct scenario *sc, const struct plan *plan,
    const struct observed *o, char *why, size_t whysz)
{
	const struct expect_number	*e = &sc->expect_time_wait;
	double				 want;

	if (e->kind == EXPECT_OFF)
		return;
	want = e->kind == EXPECT_PREDICTED ? (double)plan->time_wait_end :
	    e->value;
	if (o->time_wait_end < 0)
		snprintf(why, whysz, "TIME_WAIT count unknown, expected %.0f",
		    want);
	else if (!near((double)o->time_wait_end, want, e->tolerance))
		snprintf(why, whysz, "TIME_WAIT %lld at the end, expected "
		    "%.0f +- %.0f%%", (long long)o->time_wait_end, want,
		    e->tolerance * 100);
}

/* Every threshold breached, as loadgen prints them. */
static void
judge_gates(const struct scenario *sc, const struct observed *o, char *why,
    size_t whysz)
{
	size_t	len = 0;
	int	i;

	for (i = 0; i < sc->nthresholds && len < whysz; i++)
		if (o->gates[i].result != TH_MET)
			len += (size_t)snprintf(why + len, whysz - len,
			    "%sthreshold %s: %s %s", len ? "; " : "",
			    sc->thresholds[i].text, o->gates[i].result ==
			    TH_NO_VALUE ? "no value" : o->gates[i].field,
			    threshold_result_name(o->gates[i].result));
}

int
report_judge(const struct scenario *sc, const struct plan *plan,
    const struct observed *o, char *why, size_t whysz)
{
	why[0] = '\0';
	if (sc->expect == OUTCOME_FAILS && o->failed == 0)
		snprintf(why, whysz, "expected failures, none happened");
	else if (sc->expect == OUTCOME_HOLDS && o->failed > 0)
		snprintf(why, whysz, "expected no failure, %llu happened",
		    (unsigned long long)o->failed);
	else if (sc->expect_errno[0] != '\0' &&
	    strcmp(sc->expect_errno, o->first_failure_errno) != 0)
		snprintf(why, whysz, "first failure errno %s, expected %s",
		    o->first_failure_errno[0] ? o->first_failure_errno : "(none)",
		    sc->expect_errno);
	else if (sc->expect_ran_out >= 0 &&
	    cause_of(o) != (enum cause)sc->expect_ran_out)
		snprintf(why, whysz, "the ports ran out in %s, expected %s",
		    cause_name(cause_of(o)),
		    cause_name((enum cause)sc->expect_ran_out));
	else if (sc->expect_completed >= 0 &&
	    (int64_t)o->completed != sc->expect_completed)
		snprintf(why, whysz, "completed %llu, expected %lld",
		    (unsigned long long)o->completed,
		    (long long)sc->expect_completed);
	if (why[0] == '\0')
		judge_first_failure(sc, plan, o, why, whysz);
	if (why[0] == '\0')
		judge_time_wait(sc, plan, o, why, whysz);
	if (why[0] == '\0')
		judge_gates(sc, o, why, whysz);
	return why[0] == '\0';
}

/* The table's columns: name and width (negative: left-aligned).  The
 * terminal's table, report.txt and the HTML page all come from here. */
static const struct {
	const char	*name;
	int		 width;
} table[REPORT_COLUMNS] = {
	{ "scenario", -32 }, { "ports", 6 }, { "tw", 6 }, { "capacity", 10 },
	{ "offered", 9 }, { "scale", -9 }, { "expected", -8 },
	{ "observed", -8 }, { "completed", 9 }, { "fail_pred", 9 },
	{ "fail_obs", 9 }, { "fail_lab", 9 }, { "errno", -13 },
	{ "ran_out", -10 }, { "tw_pred", 7 }, { "tw_obs", 7 }, { "verdict", 0 },
};

const char *
report_column_name(int i)
{
	return table[i].name;
}

static void
print_cells(FILE *fp, const char *const *cells)
{
	int	i;

	for (i = 0; i < REPORT_COLUMNS; i++) {
		/* The verdict stands two spaces apart, unpadded. */
		if (i > 0)
			fputs(table[i].width == 0 ? "  " : " ", fp);
		fprintf(fp, "%*s", table[i].width, cells[i]);
	}
	fputc('\n', fp);
}

void
report_table_header(FILE *fp)
{
	const char	*names[REPORT_COLUMNS];
	int		 i;

	for (i = 0; i < REPORT_COLUMNS; i++)
		names[i] = table[i].name;
	print_cells(fp, names);
}

static void
fmt_seconds(double s, char *buf, size_t bufsz)
{
	if (s < 0)
		snprintf(buf, bufsz, "-");
	else
		snprintf(buf, bufsz, "%.3fs", s);
}

static void
fmt_count(int64_t n, char *buf, size_t bufsz)
{
	if (n < 0)
		snprintf(buf, bufsz, "-");
	else
		snprintf(buf, bufsz, "%lld", (long long)n);
}

static void
fmt_scale(const struct scenario *sc, char *buf, size_t bufsz)
{
	if (sc->time_scale == 1)
		snprintf(buf, bufsz, "-");
	else
		snprintf(buf, bufsz, "%s/%g", sc->scale_ports ? "ports" : "time",
		    sc->time_scale);
}

void
report_cells(const struct scenario *sc, const struct plan *plan,
    const struct observed *o, const char *verdict, struct report_row *r)
{
	char	(*c)[REPORT_CELL] = r->cell;
	int	 i;

	snprintf(c[0], REPORT_CELL, "%s", sc->name);
	snprintf(c[1], REPORT_CELL, "%u", scenario_ports(sc));
	format_duration(sc->time_wait_us, c[2], REPORT_CELL);
	if (plan->capacity < 0)
		snprintf(c[3], REPORT_CELL, "-");
	else
		snprintf(c[3], REPORT_CELL, "%.1f/s", plan->capacity);
	snprintf(c[4], REPORT_CELL, "%.1f/s", sc->rate);
	fmt_scale(sc, c[5], REPORT_CELL);
	snprintf(c[6], REPORT_CELL, "%s", outcome_name(sc->expect));
	snprintf(c[7], REPORT_CELL, "%s", o->failed > 0 ? "fails" : "holds");
	snprintf(c[8], REPORT_CELL, "%llu", (unsigned long long)o->completed);
	fmt_seconds(plan->first_failure_s, c[9], REPORT_CELL);
	fmt_seconds(o->first_failure_s < 0 ? -1 :
	    o->first_failure_s * sc->time_scale, c[10], REPORT_CELL);
	fmt_seconds(o->first_failure_s, c[11], REPORT_CELL);
	snprintf(c[12], REPORT_CELL, "%s", o->first_failure_errno[0] ?
	    o->first_failure_errno : "-");
	snprintf(c[13], REPORT_CELL, "%s", cause_name(cause_of(o)));
	fmt_count(plan->time_wait_end, c[14], REPORT_CELL);
	fmt_count(o->time_wait_end, c[15], REPORT_CELL);
	snprintf(c[16], REPORT_CELL, "%s", verdict);
	for (i = 0; i < REPORT_COLUMNS; i++)
		r->cells[i] = c[i];
}

void
report_table_row(FILE *fp, const struct scenario *sc, const struct plan *plan,
    const struct observed *o, const char *verdict)
{
	struct report_row	r;

	report_cells(sc, plan, o, verdict, &r);
	print_cells(fp, r.cells);
}

static const char *
schedule_text(const struct scenario *sc)
{
	static char	text[ARRIVAL_SPEC_STRLEN];

	arrival_format(&sc->schedule, text, sizeof(text));
	return text;
}

void
report_notes(FILE *fp, const struct scenario *sc, const struct plan *plan)
{
	const struct lab_plan	*lab = &plan->lab;

	if (lab->tw_reuse != 0 && scenario_client_closes(sc))
		fprintf(fp, "  note: TIME_WAIT is modelled with tcp_tw_reuse "
		    "(delay %u ms): the kernel still keeps each TIME_WAIT socket "
		    "60 s and recycles it when connect() reaches its port, "
		    "trying even ports first, so its count is not the modelled "
		    "occupancy rate x TIME_WAIT = %.0f (model)\n",
		    lab->tw_reuse_delay_ms,
		    plan->connection_rate * sc->time_wait_us / 1e6);
	if ((lab->port_hi - lab->port_lo + 1) % 2 == 1 &&
	    scenario_client_closes(sc))
		fprintf(fp, "  note: %u ports is odd: connect() walks an even "
		    "number of them, so it may reach one port fewer\n",
		    lab->port_hi - lab->port_lo + 1);
	if (sc->mailboxes > 0)
		fprintf(fp, "  note: %llu mailboxes, MailboxCacheTTL %.0f s: "
		    "%.2f new connections/s for %.6g requests/s (model time)\n",
		    (unsigned long long)sc->mailboxes, sc->cache_ttl_us / 1e6,
		    plan->connection_rate, sc->rate);
	if (scenario_tw_holder(sc) == TW_FIN_WAIT2)
		fprintf(fp, "  note: the server never closes: the client's ports "
		    "wait in FIN_WAIT_2 (loadgen's --timeout, then "
		    "tcp_fin_timeout once orphaned), not in TIME_WAIT; orphaned "
		    "ones count as tw in /proc/net/sockstat (see loadgen.csv's "
		    "fin_wait2_client); not modelled\n");
	if (sc->kind == SERVER_COMMAND)
		fprintf(fp, "  note: no server counters: the server is a command "
		    "line and writes no server.csv; TIME_WAIT by side comes from "
		    "loadgen's socket diagnostics (loadgen.csv time_wait_client, "
		    "time_wait_server)\n");
	if (sc->has_schedule)
		fprintf(fp, "  note: schedule %s; offered is its peak rate\n",
		    schedule_text(sc));
	if (scenario_tw_holder(sc) == TW_RACE)
		fprintf(fp, "  note: client and server both close right after "
		    "LOGOUT: either, or both, may hold the TIME_WAIT; not "
		    "modelled\n");
}

/* A column of a hosts.csv row, or "-" for an empty one. */
static const char *
host_cell(const char **hdr, const char **row, int n, const char *name)
{
	int	k = csv_index(hdr, n, name);

	return k < 0 || row[k][0] == '\0' ? "-" : row[k];
}

static void
host_line(FILE *fp, const char *name, const char *addr, const char **hdr,
    const char **row, int n)
{
	fprintf(fp, "    %-12s %-13s %8s %9s %9s %8s %13s %-14s %9s %11s\n",
	    name, addr, host_cell(hdr, row, n, "loadgens"),
	    host_cell(hdr, row, n, "started"),
	    host_cell(hdr, row, n, "completed"),
	    host_cell(hdr, row, n, "failed"),
	    host_cell(hdr, row, n, "first_failure_s"),
	    host_cell(hdr, row, n, "first_failure_class"),
	    host_cell(hdr, row, n, "time_wait"),
	    host_cell(hdr, row, n, "tw_overflow"));
}

void
report_hosts(FILE *fp, const char *dir)
{
	char		 path[4200], line[1024], hb[1024], rb[1024];
	const char	*hdr[16], *row[16], **names, **vals;
	char		 err[256], tw[32];
	FILE		*in;
	int		 nh, nr, n, k;

	snprintf(path, sizeof(path), "%s/hosts.csv", dir);
	if ((in = fopen(path, "r")) == NULL)
		return;
	if (fgets(line, sizeof(line), in) == NULL ||
	    (nh = csv_split(line, hb, sizeof(hb), hdr, 16)) <= 0) {
		fclose(in);
		return;
	}
	fprintf(fp, "  hosts:\n    %-12s %-13s %8s %9s %9s %8s %13s %-14s %9s "
	    "%11s\n", "host", "addr", "loadgens", "started", "completed",
	    "failed", "first_failure", "class", "time_wait", "tw_overflow");
	while (fgets(line, sizeof(line), in) != NULL)
		if ((nr = csv_split(line, rb, sizeof(rb), row, 16)) == nh)
			host_line(fp, row[0], row[1], hdr, row, nh);
	fclose(in);
	/* All hosts: the merged run, the same columns where it has them. */
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	if ((n = report_summary_fields(path, &names, &vals, err,
	    sizeof(err))) == -1)
		return;
	for (k = 0; k < nh; k++)
		row[k] = "";
	for (k = 0; k < nh; k++)
		if (csv_index(names, n, hdr[k]) >= 0)
			row[k] = vals[csv_index(names, n, hdr[k])];
	if ((k = csv_index(names, n, "time_wait_end")) >= 0) {
		snprintf(tw, sizeof(tw), "%s", vals[k]);
		if ((k = csv_index(hdr, nh, "time_wait")) >= 0)
			row[k] = tw;
	}
	host_line(fp, "all clients", "(merged)", hdr, row, nh);
}

int
report_write(const char *dir, const struct scenario *sc,
    const struct plan *plan, const struct observed *o, const char *verdict,
    const char *why)
{
	char	path[4200];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/report.txt", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	report_table_header(fp);
	report_table_row(fp, sc, plan, o, verdict);
	if (why != NULL)
		fprintf(fp, "  why: %s\n", why);
	cause_explain(fp, o);
	report_notes(fp, sc, plan);
	report_hosts(fp, dir);
	return text_close(fp, path);
}
