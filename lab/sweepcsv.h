/* sweepcsv.h: a sweep's CSV: the header once, a whole row appended and
 * flushed per finished point, and, on --resume, the points already
 * there. */
#ifndef EPHEMERA_SWEEPCSV_H
#define EPHEMERA_SWEEPCSV_H

#include <stdio.h>

#include "csv.h"
#include "vary.h"

#define SWEEPCSV_MAX_COLUMNS	40

struct sweepcsv {
	const char		*path;
	const char		*cols[SWEEPCSV_MAX_COLUMNS];
	char			 vary_names[VARY_MAX_KEYS][64];
	int			 ncols, nvary;
	FILE			*fp;
	struct csv_writer	 w;
};

/* The columns: "point", the varied keys, then fixed[0..nfixed-1]. */
void	sweepcsv_columns(struct sweepcsv *c, const struct vary *vs, int nvary,
	    const char *const *fixed, int nfixed);

/*
 * Open the file for rows.  Without resume it must not exist (a sweep's
 * numbers are never overwritten); with resume it must have this header
 * (or not exist): a cut last row is removed, and done[p] is set for each
 * point p of the grid that has a row.  -1 with err naming the file.
 */
int	sweepcsv_open(struct sweepcsv *c, int resume, const struct vary *vs,
	    int *done, char *err, size_t errsz);

/* Begin point p's row: its number and its values. */
void	sweepcsv_begin(struct sweepcsv *c, int p,
	    const struct scenario_set *set);
/* End the row and flush it; -1 on a write error. */
int	sweepcsv_end(struct sweepcsv *c);
int	sweepcsv_close(struct sweepcsv *c);

#endif
