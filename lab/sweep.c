/* sweep.c: ephemera sweep: every point of a --vary grid run in its own
 * namespace, a CSV row each as it finishes; with --search rate, a
 * bisection of probe runs per point for the highest sustainable rate. */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "measure.h"
#include "model.h"
#include "report.h"
#include "rundir.h"
#include "search.h"
#include "spawn.h"
#include "sweep.h"
#include "sweepcsv.h"
#include "sweepplot.h"
#include "vary.h"

/* The bracket from the model's capacity, and when it is narrow enough:
 * 6 probes halve 0.4 x capacity to under 1%.  A rate outside it is
 * reported as below_bound or above_bound, never guessed. */
#define SEARCH_LO_FRAC		0.8
#define SEARCH_HI_FRAC		1.2
#define SEARCH_TOLERANCE	0.01
#define SEARCH_MAX_STEPS	12
/* A probe runs this many holding times (TIME_WAIT plus session time):
 * "sustainable" is no failure while TIME_WAIT fills at least twice. */
#define SEARCH_WINDOWS		2
/* A failed probe whose loadgen fell behind its schedule by more than this
 * share of the lab's TIME_WAIT ran on a stalled machine (another job, a
 * noisy neighbour): a stall that long alone moves the answer by as much
 * as the 5% the model is held to.  It is run again, at most
 * SEARCH_RETRIES times, and then counts as failed. */
#define STALL_FRACTION		0.05
#define SEARCH_RETRIES		2

enum probe_result {
	PROBE_NONE = -1,	/* no numbers: an error or an interruption */
	PROBE_FAILED,
	PROBE_HELD,
	PROBE_STALLED,		/* failed while the machine stalled */
};

enum { EXIT_OK = 0, EXIT_NOT_HELD = 1, EXIT_ERROR = 2 };

static const char *const plain_columns[] = {
	"ports", "time_wait_s", "time_scale", "rate_per_s", "capacity_per_s",
	"first_failure_pred_s", "time_wait_pred", "completed", "failed",
	"first_failure_s", "first_failure_errno", "time_wait_end", "verdict",
	"dir",
};

static const char *const search_columns[] = {
	"ports", "time_wait_s", "time_scale", "capacity_per_s",
	"sustainable_per_s", "failing_per_s", "ratio", "search", "probes",
	"window_s", "stalled_probes", "failing_lag_max_ms",
	"failing_session_p99_ms", "dir",
};

struct sweep {
	const char		*results;
	const struct lab_bins	*bins;
	const char		*path;		/* the scenario */
	int			 resume, search;
	struct vary		 vary[VARY_MAX_KEYS];
	int			 nvary, npoints;
	int			*done;		/* per point: has its row */
	struct sweepcsv		 csv;
	int			 k, total;	/* points run, to run */
	double			 left_s;	/* lab seconds still to run */
	int			 interrupted, errors, not_held;
};

/* A point as one label: "port_range=20000-20099 time_wait=60s". */
static void
point_label(const struct sweep *sw, const struct scenario_set *set,
    char *buf, size_t bufsz)
{
	size_t	len = 0;
	int	i;

	buf[0] = '\0';
	for (i = 0; i < sw->nvary && len < bufsz; i++)
		len += (size_t)snprintf(buf + len, bufsz - len, "%s%s=%s",
		    i ? " " : "", strchr(sw->vary[i].name, '.') + 1,
		    set[i].value);
}

/* The scenario with set[0..n-1] over it, and its plan; a search's
 * probes judge themselves, so their [expect] is dropped. */
static int
load_point(const struct sweep *sw, const struct scenario_set *set, int n,
    struct scenario *sc, struct plan *plan, char *err, size_t errsz)
{
	const char	*why;

	if (scenario_load_set(sw->path, set, n, sc, err, errsz) == -1)
		return -1;
	if (sw->search)
		scenario_expect_none(sc);
	if ((why = model_check(sc, plan)) != NULL) {
		snprintf(err, errsz, "%s: %s", sw->path, why);
		return -1;
	}
	return 0;
}

/* The probes a search takes to narrow its bracket to the tolerance. */
static double
probes_expected(void)
{
	return ceil(log2((SEARCH_HI_FRAC - SEARCH_LO_FRAC) / SEARCH_TOLERANCE));
}

/* Model seconds a probe runs: SEARCH_WINDOWS holding times. */
static double
probe_window_s(const struct scenario *sc)
{
	return SEARCH_WINDOWS * (sc->time_wait_us + sc->session_time_us) /
	    1e6;
}

/* set[n], set[n + 1]: the probe's rate and window over the point's. */
static void
probe_set(struct scenario_set *set, int n, int rate_key, int duration_key,
    double rate, double window_s)
{
	set[n].key = rate_key;
	snprintf(set[n].value, sizeof(set[n].value), "%.9g", rate);
	set[n + 1].key = duration_key;
	snprintf(set[n + 1].value, sizeof(set[n + 1].value), "%.0fus",
	    window_s * 1e6);
}

static int
key_of(const char *name)
{
	char	err[256];
	int	k;

	if ((k = scenario_key_find(name, err, sizeof(err))) == -1)
		fatalx("%s", err);	/* the table lost a key */
	return k;
}

/* Every point loads and maps onto the lab before anything runs: a bad
 * value in the grid costs no measurement.  The lab seconds it will take
 * go into left_s. */
static int
check_grid(struct sweep *sw)
{
	struct scenario_set	 set[VARY_MAX_KEYS + 2];
	struct scenario		 sc;
	struct plan		 plan;
	char			 err[1024], label[512];
	int			 p, n = sw->nvary;

	for (p = 0; p < sw->npoints; p++) {
		vary_point(sw->vary, n, p, set);
		point_label(sw, set, label, sizeof(label));
		if (load_point(sw, set, n, &sc, &plan, err, sizeof(err)) ==
		    -1) {
			log_warnx("point %d (%s): %s", p + 1, label, err);
			return -1;
		}
		if (sw->search && plan.capacity <= 0) {
			log_warnx("point %d (%s): --search rate: the model "
			    "gives no capacity here (nothing holds a port)",
			    p + 1, label);
			return -1;
		}
		if (sw->search) {
			probe_set(set, n, key_of("load.rate"),
			    key_of("load.duration"), plan.capacity,
			    probe_window_s(&sc));
			if (load_point(sw, set, n + 2, &sc, &plan, err,
			    sizeof(err)) == -1) {
				log_warnx("point %d (%s): a probe: %s", p + 1,
				    label, err);
				return -1;
			}
		}
		if (!sw->done[p])
			sw->left_s += plan.lab.duration_us / 1e6 *
			    (sw->search ? probes_expected() : 1);
	}
	return 0;
}

/* vary.txt: the values this run had over scenario.ini's. */
static void
write_vary(const char *dir, const struct scenario_set *set, int n)
{
	char	 path[LAB_PATH_MAX], name[64];
	FILE	*fp;
	int	 i;

	snprintf(path, sizeof(path), "%s/vary.txt", dir);
	if ((fp = fopen(path, "w")) == NULL) {
		log_warn("%s", path);
		return;
	}
	for (i = 0; i < n; i++)
		fprintf(fp, "%s=%s\n", scenario_key_name(set[i].key, name,
		    sizeof(name)), set[i].value);
	fclose(fp);
}

/* One run of the scenario with set over it, in a fresh folder and a
 * fresh namespace; sc and plan are the point's.  -1 when it gave no
 * numbers (an error or an interruption: sw counts which). */
static int
run_point(struct sweep *sw, const struct scenario_set *set, int n,
    const char *label, struct scenario *sc, struct plan *plan,
    struct measurement *m, char *dir, size_t dirsz)
{
	struct status_run	st;
	char			shown[PATH_MAX], path[LAB_PATH_MAX];
	char			name[600], err[1024];

	/* A ^C since the last run ends the sweep before the next. */
	proc_block_signals();
	if (proc_take_interrupt()) {
		sw->interrupted = 1;
		return -1;
	}
	if (load_point(sw, set, n, sc, plan, err, sizeof(err)) == -1) {
		log_warnx("%s: %s", label, err);
		sw->errors++;
		return -1;
	}
	if (rundir_make(sw->results, sc->name, shown, sizeof(shown), dir,
	    dirsz) == -1) {
		sw->errors++;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/scenario.ini", dir);
	if (rundir_copy_file(sc->path, path) == -1)
		log_warn("copy %s to %s", sc->path, path);
	write_vary(dir, set, n);
	snprintf(name, sizeof(name), "%s %s", sc->name, label);
	sw->left_s -= plan->lab.duration_us / 1e6;
	st = (struct status_run){ sw->k, sw->total, name,
	    plan->lab.duration_us / 1e6, sc->time_scale,
	    sw->left_s > 0 ? sw->left_s : 0, sc, dir };
	measure_run(sc, plan, dir, sw->bins, &st, m);
	if (m->status == RUN_INTERRUPTED) {
		sw->interrupted = 1;
		return -1;
	}
	if (!m->measured) {
		log_warnx("%s: %s", label, m->err);
		sw->errors++;
		return -1;
	}
	return 0;
}

/* The columns every row has after the values: the point's scenario. */
static void
row_common(struct sweep *sw, const struct scenario *sc)
{
	csv_u64(&sw->csv.w, scenario_ports(sc));
	csv_double(&sw->csv.w, sc->time_wait_us / 1e6, 3);
	csv_double(&sw->csv.w, sc->time_scale, 3);
}

static void
csv_or_empty(struct csv_writer *w, double v, int decimals)
{
	if (v < 0)
		csv_empty(w);
	else
		csv_double(w, v, decimals);
}

/* "0.500 s", or "none" for -1. */
static const char *
seconds(double s, char *buf, size_t bufsz)
{
	if (s < 0)
		snprintf(buf, bufsz, "none");
	else
		snprintf(buf, bufsz, "%.3f s", s);
	return buf;
}

/* A point without --search: one run, judged like `run` judges it.
 * Returns -1 only when its row could not be written. */
static int
sweep_plain(struct sweep *sw, int p, const struct scenario_set *set,
    const char *label)
{
	struct scenario		 sc;
	struct plan		 plan;
	struct measurement	 m;
	struct csv_writer	*w = &sw->csv.w;
	char			 dir[PATH_MAX], a[32], b[32];
	double			 first;

	if (run_point(sw, set, sw->nvary, label, &sc, &plan, &m, dir,
	    sizeof(dir)) == -1)
		return 0;
	sw->not_held += !m.held;
	first = m.obs.first_failure_s < 0 ? -1 :
	    m.obs.first_failure_s * sc.time_scale;
	sweepcsv_begin(&sw->csv, p, set);
	row_common(sw, &sc);
	csv_double(w, sc.rate, 3);
	csv_or_empty(w, plan.capacity, 3);
	csv_or_empty(w, plan.first_failure_s, 3);
	if (plan.time_wait_end < 0)
		csv_empty(w);
	else
		csv_i64(w, plan.time_wait_end);
	csv_u64(w, m.obs.completed);
	csv_u64(w, m.obs.failed);
	csv_or_empty(w, first, 3);
	csv_str(w, m.obs.first_failure_errno);
	if (m.obs.time_wait_end < 0)
		csv_empty(w);
	else
		csv_i64(w, m.obs.time_wait_end);
	csv_str(w, m.held ? "held" : "NOT HELD");
	csv_str(w, dir);
	printf("point %d/%d %s: %s, completed %llu, failed %llu, first "
	    "failure %s (model %s)%s%s\n", p + 1, sw->npoints, label,
	    m.held ? "held" : "NOT HELD", (unsigned long long)m.obs.completed,
	    (unsigned long long)m.obs.failed, seconds(first, a, sizeof(a)),
	    seconds(plan.first_failure_s, b, sizeof(b)), m.held ? "" : ": ",
	    m.held ? "" : m.why);
	fflush(stdout);
	return sweepcsv_end(&sw->csv);
}

/* Why a probe near the model may fail: loadgen's schedule lag and the
 * session time, from its summary (-1: unknown). */
struct stall {
	double	lag_max_ms, session_p99_ms;
};

static void
read_stall(const char *dir, struct stall *st)
{
	const char	**names, **vals;
	char		  path[LAB_PATH_MAX], err[512];
	int		  n, i;

	st->lag_max_ms = st->session_p99_ms = -1;
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	if ((n = report_summary_fields(path, &names, &vals, err,
	    sizeof(err))) == -1)
		return;
	if ((i = csv_index(names, n, "lag_max_ms")) >= 0 && vals[i][0])
		st->lag_max_ms = strtod(vals[i], NULL);
	if ((i = csv_index(names, n, "session_p99_ms")) >= 0 && vals[i][0])
		st->session_p99_ms = strtod(vals[i], NULL);
}

/* One probe of a search at `rate`; its stall in st. */
static enum probe_result
probe(struct sweep *sw, struct scenario_set *set, const char *label,
    double rate, double window_s, char *dir, size_t dirsz, struct stall *st)
{
	struct measurement	m;
	struct scenario		sc;
	struct plan		plan;
	char			what[600];
	double			limit_ms;
	int			stalled;

	probe_set(set, sw->nvary, key_of("load.rate"), key_of("load.duration"),
	    rate, window_s);
	snprintf(what, sizeof(what), "%s rate=%.4g", label, rate);
	if (run_point(sw, set, sw->nvary + 2, what, &sc, &plan, &m, dir,
	    dirsz) == -1)
		return PROBE_NONE;
	read_stall(dir, st);
	limit_ms = STALL_FRACTION * plan.lab.time_wait_us / 1000;
	stalled = m.obs.failed > 0 && st->lag_max_ms > limit_ms;
	printf("  probe %.3f/s: %s (started %llu, failed %llu, first failure "
	    "%s; schedule lag max %.1f ms, session p99 %.1f ms)", rate,
	    m.obs.failed == 0 ? "sustained" : "failed",
	    (unsigned long long)m.obs.started,
	    (unsigned long long)m.obs.failed, m.obs.first_failure_errno[0] ?
	    m.obs.first_failure_errno : "-", st->lag_max_ms,
	    st->session_p99_ms);
	if (stalled)
		printf(": stalled, lag over %.0f ms (5%% of the lab's "
		    "TIME_WAIT)", limit_ms);
	printf("\n");
	fflush(stdout);
	if (stalled)
		return PROBE_STALLED;
	return m.obs.failed == 0 ? PROBE_HELD : PROBE_FAILED;
}

/* A probe, run again while it fails on a stalled machine, at most
 * SEARCH_RETRIES times; then a stall counts as a failure.  Counts the
 * runs again in *again. */
static enum probe_result
probe_steady(struct sweep *sw, struct scenario_set *set, const char *label,
    double rate, double window_s, char *dir, size_t dirsz, struct stall *st,
    int *again)
{
	enum probe_result	r;
	int			k;

	for (k = 0; ; k++) {
		r = probe(sw, set, label, rate, window_s, dir, dirsz, st);
		if (r != PROBE_STALLED)
			return r;
		if (k == SEARCH_RETRIES)
			return PROBE_FAILED;
		(*again)++;
		printf("  probe %.3f/s: again\n", rate);
	}
}

/* A point with --search rate: bisection between the bounds the model
 * gives, one probe run each, then its row.  -1 as sweep_plain. */
static int
sweep_search(struct sweep *sw, int p, struct scenario_set *set,
    const char *label)
{
	struct scenario	sc;
	struct plan	plan;
	struct search	s;
	struct stall		st, failing = { -1, -1 };
	enum probe_result	r;
	char			dir[PATH_MAX], held_dir[PATH_MAX] = "", err[1024];
	double			rate, window_s, found;
	int			again = 0;

	if (load_point(sw, set, sw->nvary, &sc, &plan, err, sizeof(err)) ==
	    -1) {
		log_warnx("%s: %s", label, err);
		sw->errors++;
		return 0;
	}
	window_s = probe_window_s(&sc);
	search_init(&s, plan.capacity, SEARCH_LO_FRAC, SEARCH_HI_FRAC,
	    SEARCH_TOLERANCE, SEARCH_MAX_STEPS);
	printf("point %d/%d %s: model %.3f/s, probes of %.0f s\n", p + 1,
	    sw->npoints, label, plan.capacity, window_s);
	while (s.state == SEARCH_RUNNING) {
		rate = search_next(&s);
		if ((r = probe_steady(sw, set, label, rate, window_s, dir,
		    sizeof(dir), &st, &again)) == PROBE_NONE)
			return 0;	/* no row: --resume runs it again */
		if (r == PROBE_HELD)
			snprintf(held_dir, sizeof(held_dir), "%s", dir);
		else
			failing = st;	/* the lowest failing rate's, at the end */
		search_record(&s, rate, r == PROBE_HELD);
	}
	found = search_result(&s);
	sweepcsv_begin(&sw->csv, p, set);
	row_common(sw, &sc);
	csv_double(&sw->csv.w, plan.capacity, 3);
	csv_or_empty(&sw->csv.w, found, 3);
	csv_or_empty(&sw->csv.w, s.hi_failed ? s.hi : -1, 3);
	csv_or_empty(&sw->csv.w, found < 0 ? -1 : found / plan.capacity, 4);
	csv_str(&sw->csv.w, search_state_name(s.state));
	csv_u64(&sw->csv.w, (uint64_t)s.steps);
	csv_double(&sw->csv.w, window_s, 3);
	csv_u64(&sw->csv.w, (uint64_t)again);
	csv_or_empty(&sw->csv.w, failing.lag_max_ms, 3);
	csv_or_empty(&sw->csv.w, failing.session_p99_ms, 3);
	csv_str(&sw->csv.w, held_dir);
	printf("point %d/%d %s: sustainable %.3f/s, model %.3f/s, ratio "
	    "%.4f (%s, %d probes)\n", p + 1, sw->npoints, label, found,
	    plan.capacity, found < 0 ? 0 : found / plan.capacity,
	    search_state_name(s.state), s.steps);
	fflush(stdout);
	return sweepcsv_end(&sw->csv);
}

static int
sweep_all(struct sweep *sw)
{
	struct scenario_set	set[VARY_MAX_KEYS + 2];
	char			label[512];
	int			p, skipped = 0;

	for (p = 0; p < sw->npoints; p++)
		skipped += sw->done[p];
	sw->total = sw->npoints - skipped;
	if (skipped > 0)
		printf("resume: %d of %d points already in %s\n", skipped,
		    sw->npoints, sw->csv.path);
	for (p = 0; p < sw->npoints && !sw->interrupted; p++) {
		if (sw->done[p])
			continue;
		sw->k++;
		vary_point(sw->vary, sw->nvary, p, set);
		point_label(sw, set, label, sizeof(label));
		if ((sw->search ? sweep_search(sw, p, set, label) :
		    sweep_plain(sw, p, set, label)) == -1)
			return -1;	/* the CSV: cmd_sweep says so */
	}
	return 0;
}

static int
parse_args(struct sweep *sw, int argc, char **argv, const char **csv,
    const char **replot)
{
	static const struct option longopts[] = {
		{ "vary",	required_argument,	NULL, 'v' },
		{ "csv",	required_argument,	NULL, 'c' },
		{ "resume",	no_argument,		NULL, 'r' },
		{ "search",	required_argument,	NULL, 's' },
		{ "replot",	required_argument,	NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	char	err[1024];
	int	ch, i;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		switch (ch) {
		case 'v':
			if (sw->nvary == VARY_MAX_KEYS)
				usage_error("sweep: at most %d --vary",
				    VARY_MAX_KEYS);
			if (vary_parse(optarg, &sw->vary[sw->nvary], err,
			    sizeof(err)) == -1)
				usage_error("sweep: %s", err);
			for (i = 0; i < sw->nvary; i++)
				if (sw->vary[i].key == sw->vary[sw->nvary].key)
					usage_error("sweep: --vary %s given "
					    "twice", sw->vary[i].name);
			sw->nvary++;
			break;
		case 'c': *csv = optarg; break;
		case 'p': *replot = optarg; break;
		case 'r': sw->resume = 1; break;
		case 's':
			if (strcmp(optarg, "rate") != 0)
				usage_error("sweep: --search: expected rate, "
				    "got '%s'", optarg);
			sw->search = 1;
			break;
		case ':':
			usage_error("sweep: %s: expected a value",
			    argv[optind - 1]);
		default:
			usage_error("sweep: %s: unknown option",
			    argv[optind - 1]);
		}
	if (*replot != NULL) {
		if (optind != argc || sw->nvary || *csv != NULL || sw->search ||
		    sw->resume)
			usage_error("sweep: --replot FILE.csv takes nothing else");
		return optind;
	}
	if (optind != argc - 1)
		usage_error("sweep: expected one SCENARIO.ini");
	if (sw->nvary == 0)
		usage_error("sweep: expected --vary KEY=V1,V2,..., "
		    "KEY=V1;V2;... or KEY=LO..HI/STEP");
	if (*csv == NULL)
		usage_error("sweep: expected --csv FILE");
	return optind;
}

/* --search rate varies the rate itself: the grid may not, and the
 * scenario's load must be a constant rate. */
static void
check_search(const struct sweep *sw)
{
	int	i;

	for (i = 0; i < sw->nvary; i++)
		if (sw->vary[i].key == key_of("load.rate") ||
		    sw->vary[i].key == key_of("load.duration"))
			usage_error("sweep: --search rate sets %s itself: do "
			    "not --vary it", sw->vary[i].name);
}

static void
print_table(const char *path)
{
	printf("\n");
	sweepplot_table(stdout, path);
}

/* --replot: the table and the charts of a finished sweep's CSV again. */
static int
cmd_replot(const char *csv)
{
	char	err[1024];

	print_table(csv);
	if (sweepplot_make(csv, err, sizeof(err)) == -1) {
		log_warnx("sweep: --replot: %s", err);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

int
cmd_sweep(const char *results, const struct lab_bins *bins, int argc,
    char **argv)
{
	struct sweep	 sw = { .results = results, .bins = bins };
	const char	*csv = NULL, *replot = NULL;
	char		 err[1024];
	int		 first, rc;

	first = parse_args(&sw, argc, argv, &csv, &replot);
	if (replot != NULL)
		return cmd_replot(replot);
	sw.path = argv[first];
	sw.csv.path = csv;
	if (sw.search)
		check_search(&sw);
	if ((sw.npoints = vary_points(sw.vary, sw.nvary)) > VARY_MAX_POINTS)
		usage_error("sweep: %d points; at most %d", sw.npoints,
		    VARY_MAX_POINTS);
	if ((sw.done = calloc((size_t)sw.npoints, sizeof(*sw.done))) == NULL)
		fatal("calloc");
	sweepcsv_columns(&sw.csv, sw.vary, sw.nvary, sw.search ?
	    search_columns : plain_columns, sw.search ?
	    (int)nitems(search_columns) : (int)nitems(plain_columns));
	if (check_grid(&sw) == -1) {
		free(sw.done);
		return EXIT_ERROR;
	}
	if (sweepcsv_open(&sw.csv, sw.resume, sw.vary, sw.done, err,
	    sizeof(err)) == -1) {
		log_warnx("sweep: %s", err);
		free(sw.done);
		return EXIT_ERROR;
	}
	/* check_grid counted every point: the resumed ones are done. */
	sw.left_s = 0;
	if (check_grid(&sw) == -1)
		fatalx("sweep: the grid changed");
	rc = sweep_all(&sw);
	if (sweepcsv_close(&sw.csv) == -1 || rc == -1) {
		log_warn("%s", csv);
		sw.errors++;
	}
	if (sw.interrupted)
		log_warnx("interrupted: the finished points are in %s; "
		    "--resume continues", csv);
	else if (sw.search)
		print_table(csv);
	if (!sw.interrupted && sweepplot_make(csv, err, sizeof(err)) == -1)
		log_warnx("no plot: %s", err);
	free(sw.done);
	if (sw.interrupted || sw.errors)
		return EXIT_ERROR;
	return sw.not_held ? EXIT_NOT_HELD : EXIT_OK;
}
