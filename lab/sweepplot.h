/* sweepplot.h: what a sweep's CSV shows: the table of --search's
 * answers, and gnuplot charts of the whole grid. */
#ifndef EPHEMERA_SWEEPPLOT_H
#define EPHEMERA_SWEEPPLOT_H

#include <stddef.h>
#include <stdio.h>

/* --search's rows as a table: the point, model, measured and ratio,
 * and the points more than 5% from the model. */
void	sweepplot_table(FILE *fp, const char *csv);

/*
 * Beside FILE.csv: FILE-capacity.png (with --search, the measured
 * sustainable rate against the model's capacity; otherwise the first
 * failure measured against predicted; each with the y = x line) and
 * FILE-timewait.png (the kernel's TIME_WAIT count of every point's run,
 * one line each, against model time), each with its .gp script.
 * -1 with err when gnuplot could not draw them.
 */
int	sweepplot_make(const char *csv, char *err, size_t errsz);

#endif
