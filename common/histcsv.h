/* histcsv.h: latency histograms as CSV rows of bucket counts (layout v1),
 * written by loadgen --histogram-csv and added up by ephemera merge; the
 * layout is loadgen/CSV.md's "Histogram file". */
#ifndef EPHEMERA_HISTCSV_H
#define EPHEMERA_HISTCSV_H

#include <stdint.h>

#include "histogram.h"

struct csv_writer;

#define HISTCSV_VERSION	1
/* The file's first line: the layout, its version and its bucket scheme. */
#define HISTCSV_FIRST	"# ephemera histogram layout 1: log-linear, exact " \
			"below 256, then 128 buckets per power of two; us"
#define HISTCSV_PREFIX	"# ephemera histogram layout "
/* Its second line, the header. */
#define HISTCSV_NCOLS	6

enum histcsv_kind {
	HISTCSV_RANGE,		/* lo: min, hi: max, count: n */
	HISTCSV_BUCKET,		/* a bucket's bounds (inclusive), its count */
};

struct histcsv_row {
	enum histcsv_kind	kind;
	uint64_t		lo, hi, count;
};

/* The header's column names. */
extern const char *const histcsv_columns[HISTCSV_NCOLS];

/* Row `*cursor` of a histogram (start at 0): its range, then each
 * non-empty bucket; 0 when there is no more (at once when empty). */
int		histcsv_next(const struct histogram *, unsigned *cursor,
		    struct histcsv_row *);
/* One row: "elapsed_s,latency,row,lo_us,hi_us,count", without its end;
 * `when` is an interval's elapsed_s or "total". */
void		histcsv_put(struct csv_writer *, const char *when,
		    const char *latency, const struct histcsv_row *);
/* The layout version named by a first line, -1 when it names none. */
int		histcsv_version(const char *first_line);
/* A row's last four fields (row, lo_us, hi_us, count); NULL or what was
 * wrong. */
const char	*histcsv_parse(const char *const *fields, struct histcsv_row *);
/* Add a parsed row into h; NULL or what was wrong (bounds that are not
 * one bucket's, a second range). */
const char	*histcsv_add(struct histogram *, const struct histcsv_row *);
/* After the last row: NULL when the buckets hold the range's n. */
const char	*histcsv_check(const struct histogram *);

#endif
