/* main.c: ephemera, the lab: runs reproductions of ephemeral-port
 * exhaustion and judges them.  Subcommands: run, check. */

#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arrivals.h"
#include "bench.h"
#include "cause.h"
#include "compare.h"
#include "config.h"
#include "html.h"
#include "log.h"
#include "measure.h"
#include "merge.h"
#include "units.h"
#include "model.h"
#include "plancmd.h"
#include "plot.h"
#include "report.h"
#include "run.h"
#include "rundir.h"
#include "scenario.h"
#include "status.h"
#include "sweep.h"

#define MAX_SCENARIOS	256

struct config {
	const char	*results;	/* results root */
	const char	*scenarios;	/* where `run` with no file looks */
	const char	*bindir;	/* fake-imapd and loadgen, or NULL */
	int		 repeat;	/* runs of each scenario */
	int		 debug;
};

/* What the runs of one scenario gave, for the repeatability table. */
struct tally {
	int	runs, held;
	int	failed_runs;		/* runs with a failure */
	double	first_min, first_max;	/* first failure, model seconds */
	int64_t	tw_min, tw_max;		/* TIME_WAIT at the end */
};

/* One run as the HTML page shows it. */
struct page_entry {
	struct report_row	 row;
	char			 verdict[16];
	char			 why[512];
	char			 dir[PATH_MAX];
	char			*notes;		/* report_notes' lines */
};

/* Where a batch of runs is: for the status line and the page. */
struct batch {
	int			 done, total;
	double			 left_s;	/* lab seconds of the runs to come */
	struct page_entry	*page;
};

enum { EXIT_HELD = 0, EXIT_NOT_HELD = 1, EXIT_ERROR = 2 };

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: ephemera [options] run [SCENARIO.ini ...]\n"
	    "       ephemera [options] check SCENARIO.ini ...\n"
	    "       ephemera [options] bench SCENARIO.ini ... --json FILE\n"
	    "                [--repeat N] [--noise]\n"
	    "                [--head-bindir DIR --head-json FILE]\n"
	    "       ephemera compare BASE.json HEAD.json [--tolerance M:+N%%]\n"
	    "                [--force] [--junit F] [--markdown F] [--json F]\n"
	    "       ephemera plan --ports LO-HI --time-wait S --rate N [...]\n"
	    "       ephemera merge SHARD_DIR... --out DIR\n"
	    "       ephemera [options] sweep SCENARIO.ini --vary KEY=V1,V2,...\n"
	    "                [--vary KEY=LO..HI/STEP ...] --csv FILE [--resume]\n"
	    "                [--search rate]\n"
	    "       ephemera sweep --replot FILE.csv\n"
	    "\n"
	    "  run     run each scenario (default: every scenarios/*.ini) in a\n"
	    "          private network namespace; results under --results\n"
	    "  check   parse scenarios and report errors, run nothing\n"
	    "  bench   run each scenario N times (default 5), each in a fresh\n"
	    "          namespace; every repeat's metrics and the environment\n"
	    "          into --json FILE; --noise runs it all twice (A/A) and\n"
	    "          suggests tolerances; --head-bindir alternates each\n"
	    "          repeat with one of DIR's fake-imapd into --head-json\n"
	    "  compare base against head, metric by metric: a regression is a\n"
	    "          change beyond its tolerance and significant (Mann-\n"
	    "          Whitney U, p < 0.05); exact metrics may not move; exit 0\n"
	    "          none, 1 regression, 2 bad input, 3 no BASE.json\n"
	    "  plan    the capacity of a port range, no traffic (plan --help)\n"
	    "  merge   add up the folders of loadgen shards (--shard I/N: each\n"
	    "          interval.csv, summary.csv, histogram.csv, meta.txt)\n"
	    "          into one run's interval.csv and summary.csv in --out\n"
	    "          DIR; percentiles from the summed histograms; exit 2\n"
	    "          bad input, naming the file\n"
	    "  sweep   run every point of a grid of scenario keys, each in a\n"
	    "          fresh namespace, a CSV row per point as it finishes;\n"
	    "          --resume skips the points FILE has; --search rate\n"
	    "          bisects for the highest rate with no failure over 2 x\n"
	    "          TIME_WAIT at each point, beside the model's capacity\n"
	    "\n"
	    "options:\n"
	    "  --results DIR     results root (default: results)\n"
	    "  --scenarios DIR   scenario folder for a bare run (default: scenarios)\n"
	    "  --bindir DIR      where fake-imapd and loadgen are (default: next to\n"
	    "                    ephemera in the build tree); {bindir} in a\n"
	    "                    scenario's [server] command; without a loadgen\n"
	    "                    of its own (a folder of your server's) loadgen\n"
	    "                    is ephemera's\n"
	    "  --repeat N        run each scenario N times and show the spread of\n"
	    "                    verdicts and first failures (the accuracy benchmark)\n"
	    "  --debug           more output\n"
	    "  --help, --version\n"
	    "\n"
	    "exit status: 0 every expectation held, 1 one did not, 2 error\n");
}

static void
tally_add(struct tally *t, const struct scenario *sc,
    const struct observed *o, int held)
{
	double	first = o->first_failure_s * sc->time_scale;

	if (t->runs == 0) {
		t->first_min = t->first_max = -1;
		t->tw_min = t->tw_max = o->time_wait_end;
	}
	t->runs++;
	t->held += held;
	if (o->time_wait_end < t->tw_min)
		t->tw_min = o->time_wait_end;
	if (o->time_wait_end > t->tw_max)
		t->tw_max = o->time_wait_end;
	if (o->first_failure_s < 0)
		return;
	if (t->failed_runs++ == 0)
		t->first_min = t->first_max = first;
	if (first < t->first_min)
		t->first_min = first;
	if (first > t->first_max)
		t->first_max = first;
}

/* The spread of repeated runs against the model (--repeat). */
static void
tally_print(const struct scenario *scs, const struct plan *plans,
    const struct tally *ts, int n)
{
	double	pred;
	int	i;

	printf("\nrepeatability: %-17s %7s %8s %21s %10s %15s\n", "", "held",
	    "failing", "first failure (model)", "vs model", "TIME_WAIT end");
	for (i = 0; i < n; i++) {
		const struct tally	*t = &ts[i];
		char			 first[32] = "-", err[16] = "-";

		pred = plans[i].first_failure_s;
		if (t->failed_runs > 0)
			snprintf(first, sizeof(first), "%.3f..%.3fs",
			    t->first_min, t->first_max);
		if (t->failed_runs > 0 && pred > 0)
			snprintf(err, sizeof(err), "%+.2f..%+.2f%%",
			    100 * (t->first_min - pred) / pred,
			    100 * (t->first_max - pred) / pred);
		printf("%-32s %4d/%-2d %5d/%-2d %21s %10s %7lld..%-7lld\n",
		    scs[i].name, t->held, t->runs, t->failed_runs, t->runs,
		    first, err, (long long)t->tw_min, (long long)t->tw_max);
	}
}

/* What ran the ports out, and report_notes' lines, as one string for the
 * page. */
static char *
notes_text(const struct scenario *sc, const struct plan *plan,
    const struct observed *o, const char *dir)
{
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*fp;

	if ((fp = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream");
	cause_explain(fp, o);
	report_notes(fp, sc, plan);
	report_hosts(fp, dir);
	if (fclose(fp) != 0)
		fatal("open_memstream");
	return text;
}

/* A run that gave no numbers still has its line on the page. */
static void
page_error(struct page_entry *pe, const struct scenario *sc, const char *dir,
    const char *err)
{
	int	i;

	for (i = 0; i < REPORT_COLUMNS; i++)
		pe->row.cells[i] = "-";
	pe->row.cells[0] = sc->name;
	snprintf(pe->verdict, sizeof(pe->verdict), "error");
	pe->row.cells[REPORT_COLUMNS - 1] = pe->verdict;
	snprintf(pe->why, sizeof(pe->why), "%s", err);
	snprintf(pe->dir, sizeof(pe->dir), "%s", dir);
	pe->notes = NULL;
}

/* What the terminal's status line says while this run lasts. */
static void
status_of(const struct scenario *sc, const struct plan *plan, const char *dir,
    struct batch *b, struct status_run *sr)
{
	sr->k = b->done + 1;
	sr->n = b->total;
	sr->name = sc->name;
	sr->lab_s = plan->lab.duration_us / 1e6;
	sr->scale = sc->time_scale;
	b->left_s -= sr->lab_s;
	sr->later_s = b->left_s;
	sr->sc = sc;
	sr->dir = dir;
}

/* The run's row, its notes and where its files are, on stdout and in its
 * folder. */
static void
print_run(const struct scenario *sc, const struct plan *plan,
    const struct measurement *m, const char *verdict, const char *shown,
    const char *dir)
{
	const char	*why = m->status == RUN_ERROR ? m->err :
			    m->held ? NULL : m->why;
	char		 err[512];
	int		 n;

	report_table_row(stdout, sc, plan, &m->obs, verdict);
	if (why != NULL)
		printf("  why: %s\n", why);
	cause_explain(stdout, &m->obs);
	report_notes(stdout, sc, plan);
	report_hosts(stdout, dir);
	printf("  results: %s/\n", shown);
	fflush(stdout);
	if (report_write(dir, sc, plan, &m->obs, verdict, why) == -1)
		log_warn("%s: %s/report.txt", sc->name, shown);
	if (plot_run(sc, plan, dir, err, sizeof(err)) == -1)
		log_warnx("%s: no plot: %s", sc->name, err);
	else
		printf("  plot: %s/plot.png\n", shown);
	if ((n = plot_hosts(sc, dir, err, sizeof(err))) == -1)
		log_warnx("%s: no plots per host: %s", sc->name, err);
	else if (n > 0)
		printf("  plots per host: %s/hosts/client1..%d/plot.png\n",
		    shown, n);
}

/* One scenario: run it, judge it, print its row.  Returns an exit code. */
static int
run_one(const struct config *cf, const struct lab_bins *bins,
    const struct scenario *sc, const struct plan *plan, int *interrupted,
    struct tally *t, struct batch *b)
{
	struct page_entry	*pe = &b->page[b->done];
	struct measurement	 m;
	struct status_run	 sr;
	char			 shown[PATH_MAX], dir[PATH_MAX];
	char			 path[LAB_PATH_MAX];

	/* Printed as the user named it; everything handed on (servers'
	 * configurations and options above all) is absolute. */
	if (rundir_make(cf->results, sc->name, shown, sizeof(shown), dir,
	    sizeof(dir)) == -1)
		return EXIT_ERROR;
	snprintf(path, sizeof(path), "%s/scenario.ini", dir);
	if (rundir_copy_file(sc->path, path) == -1)
		log_warn("copy %s to %s", sc->path, path);
	status_of(sc, plan, dir, b, &sr);
	measure_run(sc, plan, dir, bins, &sr, &m);
	*interrupted = (m.status == RUN_INTERRUPTED);
	if (!m.measured) {
		log_warnx("%s: %s", sc->name, m.err);
		page_error(pe, sc, dir, m.err);
		return EXIT_ERROR;
	}
	/* A run that failed part way still shows what it measured, with
	 * no verdict. */
	if (m.status == RUN_DONE)
		tally_add(t, sc, &m.obs, m.held);
	snprintf(pe->verdict, sizeof(pe->verdict), "%s", m.status ==
	    RUN_ERROR ? "error" : *interrupted ? "interrupted" : m.held ?
	    "held" : "NOT HELD");
	snprintf(pe->why, sizeof(pe->why), "%s", m.status == RUN_ERROR ?
	    m.err : m.held ? "" : m.why);
	snprintf(pe->dir, sizeof(pe->dir), "%s", dir);
	report_cells(sc, plan, &m.obs, pe->verdict, &pe->row);
	pe->notes = notes_text(sc, plan, &m.obs, dir);
	print_run(sc, plan, &m, pe->verdict, shown, dir);
	if (m.status == RUN_ERROR)
		log_warnx("%s: %s", sc->name, m.err);
	if (m.status != RUN_DONE)
		return EXIT_ERROR;
	return m.held ? EXIT_HELD : EXIT_NOT_HELD;
}

static void
batch_init(struct batch *b, const struct plan *plans, int n, int repeat)
{
	int	i;

	memset(b, 0, sizeof(*b));
	b->total = n * repeat;
	for (i = 0; i < n; i++)
		b->left_s += repeat * plans[i].lab.duration_us / 1e6;
	if ((b->page = calloc((size_t)b->total, sizeof(*b->page))) == NULL)
		fatal("calloc");
}

static void
batch_free(struct batch *b)
{
	int	i;

	for (i = 0; i < b->total; i++)
		free(b->page[i].notes);
	free(b->page);
}

/* A run of several scenarios: one page, <results>/report-<stamp>.html,
 * that gathers them (the runs' own folders keep everything else). */
static void
write_page(const struct config *cf, const struct batch *b)
{
	struct html_run	*runs;
	const char	*header[REPORT_COLUMNS];
	char		 path[PATH_MAX], stamp[32], err[PATH_MAX + 64];
	time_t		 now = time(NULL);
	int		 i, n = 0;

	if ((runs = calloc((size_t)b->done, sizeof(*runs))) == NULL)
		fatal("calloc");
	for (i = 0; i < REPORT_COLUMNS; i++)
		header[i] = report_column_name(i);
	for (i = 0; i < b->done; i++) {
		const struct page_entry	*pe = &b->page[i];

		if (pe->verdict[0] == '\0')
			continue;	/* no folder was made for it */
		runs[n].name = pe->row.cells[0];
		runs[n].verdict = pe->verdict;
		runs[n].why = pe->why;
		runs[n].dir = pe->dir;
		runs[n].cells = pe->row.cells;
		runs[n].notes = pe->notes != NULL ? pe->notes : "";
		n++;
	}
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
	snprintf(path, sizeof(path), "%s/report-%s.html", cf->results, stamp);
	if (html_write(path, "ephemera run", header, REPORT_COLUMNS, runs, n,
	    err, sizeof(err)) == -1)
		log_warnx("no HTML report: %s", err);
	else
		printf("  report: %s\n", path);
	free(runs);
}

static int
cmd_run(const struct config *cf, char **paths, int n)
{
	struct scenario	*scs;
	struct plan	*plans;
	struct tally	*ts;
	struct lab_bins	 bins;
	struct batch	 b;
	int		 i, k, rc, worst = EXIT_HELD, interrupted = 0;

	if ((scs = calloc((size_t)n, sizeof(*scs))) == NULL ||
	    (plans = calloc((size_t)n, sizeof(*plans))) == NULL ||
	    (ts = calloc((size_t)n, sizeof(*ts))) == NULL)
		fatal("calloc");
	if (measure_load(paths, n, scs, plans) == -1) {
		free(scs);
		free(plans);
		free(ts);
		return EXIT_ERROR;
	}
	lab_bins_find(cf->bindir, &bins);
	batch_init(&b, plans, n, cf->repeat);
	report_table_header(stdout);
	for (k = 0; k < cf->repeat && !interrupted; k++)
		for (i = 0; i < n && !interrupted; i++) {
			rc = run_one(cf, &bins, &scs[i], &plans[i],
			    &interrupted, &ts[i], &b);
			b.done++;
			if (rc > worst)
				worst = rc;
		}
	if (interrupted)
		log_warnx("interrupted: later runs were not made");
	if (cf->repeat > 1)
		tally_print(scs, plans, ts, n);
	if (b.total > 1)
		write_page(cf, &b);
	batch_free(&b);
	free(scs);
	free(plans);
	free(ts);
	return worst;
}

static int
cmd_check(char **paths, int n)
{
	struct scenario	*scs;
	struct plan	*plans;
	int		 i, rc;

	if (n == 0)
		usage_error("check: expected at least one SCENARIO.ini");
	if ((scs = calloc((size_t)n, sizeof(*scs))) == NULL ||
	    (plans = calloc((size_t)n, sizeof(*plans))) == NULL)
		fatal("calloc");
	rc = measure_load(paths, n, scs, plans);
	for (i = 0; rc == 0 && i < n; i++) {
		char	cap[48], offered[ARRIVAL_SPEC_STRLEN];

		if (plans[i].capacity < 0)
			snprintf(cap, sizeof(cap), "unbounded");
		else
			snprintf(cap, sizeof(cap), "%.1f/s",
			    plans[i].capacity);
		if (scs[i].has_schedule)
			arrival_format(&scs[i].schedule, offered,
			    sizeof(offered));
		else
			snprintf(offered, sizeof(offered), "%.6g/s",
			    scs[i].rate);
		printf("%s: ok (%u ports, capacity %s, offered %s)\n",
		    paths[i], scenario_ports(&scs[i]), cap, offered);
	}
	free(scs);
	free(plans);
	return rc == 0 ? EXIT_HELD : EXIT_ERROR;
}

/* `run` with no file: every .ini file in the scenario folder, in name order. */
static int
cmd_run_all(const struct config *cf)
{
	glob_t	g;
	char	pattern[PATH_MAX];
	int	rc;

	snprintf(pattern, sizeof(pattern), "%s/*.ini", cf->scenarios);
	if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0)
		usage_error("run: no scenario files match %s", pattern);
	if (g.gl_pathc > MAX_SCENARIOS)
		usage_error("run: more than %d scenarios in %s", MAX_SCENARIOS,
		    cf->scenarios);
	rc = cmd_run(cf, g.gl_pathv, (int)g.gl_pathc);
	globfree(&g);
	return rc;
}

/* sweep: the binaries found as for run. */
static int
cmd_sweep_here(const struct config *cf, int argc, char **argv)
{
	struct lab_bins	bins;

	lab_bins_find(cf->bindir, &bins);
	return cmd_sweep(cf->results, &bins, argc, argv);
}

/* bench: the binaries found as for run. */
static int
cmd_bench_here(const struct config *cf, int argc, char **argv)
{
	struct lab_bins	bins;

	lab_bins_find(cf->bindir, &bins);
	return cmd_bench(cf->results, &bins, argc, argv);
}

static int
parse_repeat(const char *arg)
{
	uint64_t	 n;
	const char	*why;

	if ((why = parse_count(arg, 1000, &n)) != NULL || n == 0)
		usage_error("--repeat: expected %s (at least 1), got '%s'",
		    why ? why : "a whole number", arg);
	return (int)n;
}

static void
parse_options(int argc, char **argv, struct config *cf)
{
	static const struct option longopts[] = {
		{ "results",	required_argument,	NULL, 'r' },
		{ "scenarios",	required_argument,	NULL, 's' },
		{ "bindir",	required_argument,	NULL, 'b' },
		{ "repeat",	required_argument,	NULL, 'n' },
		{ "debug",	no_argument,		NULL, 'd' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int	ch;

	opterr = 0;
	/* "+": options end at the subcommand. */
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': cf->results = optarg; break;
		case 's': cf->scenarios = optarg; break;
		case 'b': cf->bindir = optarg; break;
		case 'n': cf->repeat = parse_repeat(optarg); break;
		case 'd': cf->debug = 1; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("ephemera %s\n", EPHEMERA_VERSION); exit(0);
		case ':':
			usage_error("%s: expected a value", argv[optind - 1]);
		default:
			usage_error("%s: unknown option", argv[optind - 1]);
		}
	}
}

int
main(int argc, char **argv)
{
	struct config	cf = { .results = "results", .scenarios = "scenarios",
			    .repeat = 1 };
	const char	*cmd;

	log_init("ephemera", 0);
	parse_options(argc, argv, &cf);
	log_init("ephemera", cf.debug);
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage_error("expected a command: run, check, bench, compare, "
		    "plan, merge or sweep");
	cmd = argv[0];
	if (strcmp(cmd, "run") == 0)
		return argc == 1 ? cmd_run_all(&cf) : cmd_run(&cf, argv + 1,
		    argc - 1);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argv + 1, argc - 1);
	if (strcmp(cmd, "compare") == 0)
		return cmd_compare(argc, argv);
	if (strcmp(cmd, "bench") == 0)
		return cmd_bench_here(&cf, argc, argv);
	if (strcmp(cmd, "plan") == 0)
		return cmd_plan(argc, argv);
	if (strcmp(cmd, "merge") == 0)
		return cmd_merge(argc, argv);
	if (strcmp(cmd, "sweep") == 0)
		return cmd_sweep_here(&cf, argc, argv);
	usage_error("%s: unknown command (expected run, check, bench, "
	    "compare, plan, merge or sweep)", cmd);
}
