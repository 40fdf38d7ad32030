/* bench.c: ephemera bench, repeated runs recorded for compare. */
#include <sys/stat.h>

#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "benchfile.h"
#include "compare.h"
#include "log.h"
#include "measure.h"
#include "metrics.h"
#include "model.h"
#include "rundir.h"
#include "statistics.h"
#include "units.h"

#define BENCH_MAX_SCENARIOS	64

/*
 * What a bench measures: one build of the programs, and its document.
 * With --head-bindir there are two, base and head, and their repeats
 * alternate (base 1, head 1, base 2, ...): load that comes or goes on a
 * shared machine then falls on both sides alike instead of on one.
 */
struct bench_side {
	const char		*label;		/* "base", "head", or NULL */
	const struct lab_bins	*bins;
	const char		*json;
	json_t			*doc;
	json_t			*entry;		/* the scenario being run */
};

struct bench {
	const char		*results;
	const struct lab_bins	*bins;
	int			 repeat;
	int			 noise;		/* run it all twice: A/A */
	const char		*json;
	const char		*head_bindir;	/* base against head, alternating */
	const char		*head_json;
	struct lab_bins		 head_bins;
	struct scenario		*scs;
	struct plan		*plans;
	int			 n;
	int			 done, total;	/* runs, for the status line */
	double			 left_s;	/* lab seconds still to run */
	int			 interrupted;
};

/* One repeat of one side: a run in its own folder and namespace, its
 * metrics into the side's document.  -1 on an error or an interruption. */
static int
bench_one(struct bench *b, struct bench_side *side, int i, int r)
{
	const struct scenario	*sc = &b->scs[i];
	const struct plan	*plan = &b->plans[i];
	struct measurement	 m;
	struct status_run	 st;
	char			 shown[PATH_MAX], dir[PATH_MAX];
	char			 path[LAB_PATH_MAX];
	char			 err[512];
	double			 v[64];

	if (rundir_make(b->results, sc->name, shown, sizeof(shown), dir,
	    sizeof(dir)) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/scenario.ini", dir);
	if (rundir_copy_file(sc->path, path) == -1)
		log_warn("copy %s to %s", sc->path, path);
	b->left_s -= plan->lab.duration_us / 1e6;
	st = (struct status_run){ ++b->done, b->total, sc->name,
	    plan->lab.duration_us / 1e6, sc->time_scale, b->left_s, sc, dir };
	measure_run(sc, plan, dir, side->bins, &st, &m);
	if (m.status == RUN_INTERRUPTED)
		b->interrupted = 1;
	if (!m.measured || m.status != RUN_DONE) {
		log_warnx("%s: %s", sc->name, m.measured &&
		    m.status == RUN_INTERRUPTED ? "interrupted" : m.err);
		return -1;
	}
	if (metrics_read(dir, sc, v, err, sizeof(err)) == -1) {
		log_warnx("%s: %s", sc->name, err);
		return -1;
	}
	benchfile_add_repeat(side->doc, side->entry, dir, m.held ? "held" :
	    "not held", v);
	printf("bench %s%s%s %d/%d: %s, completed_per_s %.1f, session_p99_ms "
	    "%.3f (%s/)\n", sc->name, side->label ? " " : "", side->label ?
	    side->label : "", r + 1, b->repeat, m.held ? "held" :
	    "NOT HELD", v[metric_index("completed_per_s")],
	    v[metric_index("session_p99_ms")], shown);
	fflush(stdout);
	return 0;
}

/* Every scenario, `repeat` times on each side, each side's document
 * rewritten after each of its repeats.  -1 on an error or an
 * interruption; the documents hold what finished. */
static int
bench_all(struct bench *b, struct bench_side *sides, int nsides)
{
	char	 err[512];
	int	 i, r, k;

	for (i = 0; i < b->n; i++) {
		for (k = 0; k < nsides; k++)
			if ((sides[k].entry = benchfile_add_scenario(
			    sides[k].doc, &b->scs[i], &b->plans[i], err,
			    sizeof(err))) == NULL) {
				log_warnx("%s", err);
				return -1;
			}
		for (r = 0; r < b->repeat; r++)
			for (k = 0; k < nsides; k++) {
				if (bench_one(b, &sides[k], i, r) == -1)
					return -1;
				if (benchfile_write(sides[k].doc, sides[k].json,
				    err, sizeof(err)) == -1) {
					log_warnx("%s", err);
					return -1;
				}
			}
	}
	return 0;
}

/* The medians and spreads of a document, per scenario and metric. */
static void
print_spread(json_t *doc)
{
	double	 v[BENCH_MAX_REPEATS], lo, hi;
	json_t	*s;
	size_t	 i;
	int	 m, n, k, have;

	printf("\n%-28s %-22s %12s %12s %12s\n", "scenario", "metric",
	    "median", "min", "max");
	json_array_foreach(json_object_get(doc, "scenarios"), i, s)
		for (m = 0; m < nmetrics; m++) {
			n = benchfile_values(s, m, v, BENCH_MAX_REPEATS);
			for (have = 0, k = 0; k < n; k++)
				if (!isnan(v[k]))
					v[have++] = v[k];
			if (have == 0)
				continue;
			for (lo = hi = v[0], k = 1; k < have; k++) {
				lo = fmin(lo, v[k]);
				hi = fmax(hi, v[k]);
			}
			printf("%-28s %-22s %12.3f %12.3f %12.3f\n",
			    json_string_value(json_object_get(s, "name")),
			    metrics[m].name, stat_median(v, have), lo, hi);
		}
}

/* The head side's options, and its programs found in --head-bindir as
 * --bindir's are. */
static int
check_head(struct bench *b)
{
	struct stat	st;

	if (b->head_bindir == NULL && b->head_json == NULL)
		return 0;
	if (b->head_bindir == NULL || b->head_json == NULL) {
		log_warnx("bench: --head-bindir and --head-json go together");
		return -1;
	}
	if (b->noise) {
		log_warnx("bench: --noise and --head-bindir: an A/A run has "
		    "no head; run --noise on its own");
		return -1;
	}
	if (strcmp(b->head_json, b->json) == 0) {
		log_warnx("bench: --head-json %s: the same file as --json",
		    b->head_json);
		return -1;
	}
	/* A folder, as --bindir's: fake-imapd's, or a server's own build
	 * for a [server] command's {bindir}. */
	if (stat(b->head_bindir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		log_warnx("bench: --head-bindir %s: not a folder",
		    b->head_bindir);
		return -1;
	}
	lab_bins_find(b->head_bindir, &b->head_bins);
	return 0;
}

static int
parse_args(struct bench *b, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "repeat",	required_argument,	NULL, 'n' },
		{ "json",	required_argument,	NULL, 'j' },
		{ "noise",	no_argument,		NULL, 'a' },
		{ "head-bindir", required_argument,	NULL, 'H' },
		{ "head-json",	required_argument,	NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t	 n;
	const char	*why;
	int		 ch;

	optind = 0;	/* 0: a fresh scan, permuting (glibc) */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		switch (ch) {
		case 'n':
			if ((why = parse_count(optarg, BENCH_MAX_REPEATS, &n))
			    != NULL || n < 1) {
				log_warnx("bench: --repeat: expected %s from 1 "
				    "to %d, got '%s'", why ? why : "a count",
				    BENCH_MAX_REPEATS, optarg);
				return -1;
			}
			b->repeat = (int)n;
			break;
		case 'j': b->json = optarg; break;
		case 'a': b->noise = 1; break;
		case 'H': b->head_bindir = optarg; break;
		case 'J': b->head_json = optarg; break;
		case ':':
			log_warnx("bench: %s: expected a value",
			    argv[optind - 1]);
			return -1;
		default:
			log_warnx("bench: %s: unknown option", argv[optind - 1]);
			return -1;
		}
	if (b->json == NULL) {
		log_warnx("bench: expected --json FILE");
		return -1;
	}
	if (check_head(b) == -1)
		return -1;
	if (optind == argc || argc - optind > BENCH_MAX_SCENARIOS) {
		log_warnx("bench: expected 1 to %d SCENARIO.ini",
		    BENCH_MAX_SCENARIOS);
		return -1;
	}
	return optind;
}

static int
bench_run(struct bench *b)
{
	struct bench_side	 sides[2] = {
		{ NULL, b->bins, b->json, benchfile_new(), NULL },
	};
	char			 second[PATH_MAX];
	int			 i, k, nsides = 1, passes, rc = 0;

	if (b->head_bindir != NULL) {
		sides[0].label = "base";
		sides[1] = (struct bench_side){ "head", &b->head_bins,
		    b->head_json, benchfile_new(), NULL };
		nsides = 2;
	}
	passes = nsides * (b->noise ? 2 : 1);
	b->total = b->n * b->repeat * passes;
	for (i = 0; i < b->n; i++)
		b->left_s += b->repeat * passes *
		    b->plans[i].lab.duration_us / 1e6;
	if (bench_all(b, sides, nsides) == -1)
		rc = 2;
	else
		for (k = 0; k < nsides; k++) {
			if (sides[k].label != NULL)
				printf("\n%s:", sides[k].label);
			print_spread(sides[k].doc);
			printf("  json: %s\n", sides[k].json);
		}
	if (rc == 0 && b->noise) {
		/* The same again: A/A, what noise alone moves. */
		snprintf(second, sizeof(second), "%s.second.json", b->json);
		sides[1] = (struct bench_side){ NULL, b->bins, second,
		    benchfile_new(), NULL };
		if (bench_all(b, &sides[1], 1) == -1)
			rc = 2;
		else {
			printf("  json: %s (the A/A second)\n\n", second);
			compare_print_noise(sides[0].doc, sides[1].doc);
		}
	}
	json_decref(sides[0].doc);
	json_decref(sides[1].doc);
	return rc;
}

int
cmd_bench(const char *results, const struct lab_bins *bins, int argc,
    char **argv)
{
	struct bench	b = { .results = results, .bins = bins, .repeat = 5 };
	int		first, rc;

	if ((first = parse_args(&b, argc, argv)) == -1)
		return 2;
	b.n = argc - first;
	if ((b.scs = calloc((size_t)b.n, sizeof(*b.scs))) == NULL ||
	    (b.plans = calloc((size_t)b.n, sizeof(*b.plans))) == NULL)
		fatal("calloc");
	rc = measure_load(argv + first, b.n, b.scs, b.plans) == -1 ? 2 :
	    bench_run(&b);
	if (b.interrupted)
		log_warnx("interrupted: the finished repeats are in %s",
		    b.json);
	free(b.scs);
	free(b.plans);
	return rc;
}
