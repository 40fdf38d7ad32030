/* benchfile.h: `ephemera bench`'s results as JSON (format
 * "ephemera-bench", version 1; docs/bench-format.md): written by bench
 * after every repeat, read by compare. */
#ifndef EPHEMERA_BENCHFILE_H
#define EPHEMERA_BENCHFILE_H

#include <stddef.h>

#include <jansson.h>

#include "scenario.h"

struct plan;

#define BENCHFILE_FORMAT	"ephemera-bench"
#define BENCHFILE_VERSION	1
#define BENCH_MAX_REPEATS	1000

/* A new document: format, version, when, the machine's CPU count. */
json_t	*benchfile_new(void);

/* A scenario's entry: name, its file's SHA-256, its settings and the
 * model's predictions; the repeats follow.  NULL with err on a file that
 * cannot be read. */
json_t	*benchfile_add_scenario(json_t *doc, const struct scenario *sc,
	    const struct plan *plan, char *err, size_t errsz);

/* One repeat: its folder, verdict and metrics (metrics.h's, NAN as
 * null); the first also gives the scenario (and, when the document has
 * none yet, the document) its environment from the run's env.txt. */
void	benchfile_add_repeat(json_t *doc, json_t *scenario, const char *dir,
	    const char *verdict, const double *v);

/* Write it whole to a temporary file, then rename: a reader never sees
 * half a file, and an interrupted bench keeps every finished repeat. */
int	benchfile_write(json_t *doc, const char *path, char *err,
	    size_t errsz);

/* Read and check one; NULL with err (*missing set when the file does
 * not exist, which compare tells apart). */
json_t	*benchfile_load(const char *path, int *missing, char *err,
	    size_t errsz);

/* A scenario's repeats' values of metric i (metrics.h), NAN for null;
 * returns how many. */
int	benchfile_values(json_t *scenario, int metric, double *out, int max);

#endif
