/* metrics.c: a benchmarked run's figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdefs.h"
#include "csv.h"
#include "metrics.h"
#include "report.h"
#include "run.h"

/*
 * Latency gates need both a relative change and an absolute one: on a
 * shared 2-core runner, identical runs a minute apart moved their p99s by
 * 30% and more than a millisecond (another job's load comes and goes), so
 * the defaults are +50% and 2 ms; `ephemera bench --noise` measures a
 * runner's own spread and suggests tighter ones.  Failure counts and the
 * model's figures are exact.
 */
const struct metric metrics[] = {
	{ "completed_per_s", "1/s", METRIC_HIGHER_IS_BETTER, 0.10, 1 },
	{ "connect_p99_ms", "ms", METRIC_LOWER_IS_BETTER, 0.50, 2 },
	{ "greeting_p99_ms", "ms", METRIC_LOWER_IS_BETTER, 0.50, 2 },
	{ "login_p99_ms", "ms", METRIC_LOWER_IS_BETTER, 0.50, 2 },
	{ "session_p50_ms", "ms", METRIC_LOWER_IS_BETTER, 0.50, 2 },
	{ "session_p90_ms", "ms", METRIC_LOWER_IS_BETTER, 0.50, 2 },
	{ "session_p99_ms", "ms", METRIC_LOWER_IS_BETTER, 0.50, 2 },
	{ "session_max_ms", "ms", METRIC_INFO, 0, 0 },
	{ "completed", "sessions", METRIC_EXACT, 0, 0 },
	{ "failed", "sessions", METRIC_EXACT, 0, 0 },
	{ "eaddrnotavail", "sessions", METRIC_EXACT, 0, 0 },
	{ "eaddrinuse", "sessions", METRIC_EXACT, 0, 0 },
	{ "econnrefused", "sessions", METRIC_EXACT, 0, 0 },
	{ "econnreset", "sessions", METRIC_EXACT, 0, 0 },
	{ "etimedout", "sessions", METRIC_EXACT, 0, 0 },
	{ "imap_no", "sessions", METRIC_EXACT, 0, 0 },
	{ "imap_bad", "sessions", METRIC_EXACT, 0, 0 },
	{ "imap_bye", "sessions", METRIC_EXACT, 0, 0 },
	{ "protocol", "sessions", METRIC_EXACT, 0, 0 },
	{ "other", "sessions", METRIC_EXACT, 0, 0 },
	{ "first_failure_model_s", "s", METRIC_EXACT, 0, 0 },
	{ "time_wait_end", "sockets", METRIC_EXACT, 0, 0 },
	{ "time_wait_peak", "sockets", METRIC_EXACT, 0, 0 },
};
const int	nmetrics = (int)nitems(metrics);

/* The two not read from a summary column. */
#define FIRST_FAILURE	"first_failure_model_s"
#define TW_PEAK		"time_wait_peak"

int
metric_index(const char *name)
{
	int	i;

	for (i = 0; i < nmetrics; i++)
		if (strcmp(metrics[i].name, name) == 0)
			return i;
	return -1;
}

const char *const *
metric_names(void)
{
	static const char	*names[nitems(metrics)];
	int			 i;

	for (i = 0; i < nmetrics; i++)
		names[i] = metrics[i].name;
	return names;
}

static double
number(const char *v)
{
	char	*end;
	double	 x;

	if (v == NULL || *v == '\0')
		return NAN;
	x = strtod(v, &end);
	return *end == '\0' ? x : NAN;
}

/* The largest TIME_WAIT count of loadgen.csv's rows. */
static double
time_wait_peak(const char *dir)
{
	char		 path[LAB_PATH_MAX], line[16384], buf[16384];
	const char	*f[256];
	double		 peak = NAN, v;
	int		 col = -1, n;
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/loadgen.csv", dir);
	if ((fp = fopen(path, "r")) == NULL)
		return NAN;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if ((n = csv_split(line, buf, sizeof(buf), f, 256)) <= 0)
			continue;
		if (col < 0) {
			col = csv_index(f, n, "time_wait");
			if (col < 0)
				break;
		} else if (col < n && !isnan(v = number(f[col])) &&
		    (isnan(peak) || v > peak))
			peak = v;
	}
	fclose(fp);
	return peak;
}

int
metrics_read(const char *dir, const struct scenario *sc, double *v,
    char *err, size_t errsz)
{
	char		  path[LAB_PATH_MAX];
	const char	**names, **vals;
	int		  n, i, k;

	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	if ((n = report_summary_fields(path, &names, &vals, err, errsz)) == -1)
		return -1;
	for (i = 0; i < nmetrics; i++) {
		if (strcmp(metrics[i].name, FIRST_FAILURE) == 0) {
			k = csv_index(names, n, "first_failure_s");
			v[i] = k < 0 ? NAN : round(number(vals[k]) *
			    sc->time_scale * 1000) / 1000;
		} else if (strcmp(metrics[i].name, TW_PEAK) == 0)
			v[i] = time_wait_peak(dir);
		else {
			k = csv_index(names, n, metrics[i].name);
			v[i] = k < 0 ? NAN : number(vals[k]);
		}
	}
	return 0;
}
