/* columns.h: the columns of loadgen's three CSV files, each described once
 * (name, unit, how its field is written), so a file's header and its rows
 * cannot disagree.  What they mean is loadgen/CSV.md. */
#ifndef LOADGEN_COLUMNS_H
#define LOADGEN_COLUMNS_H

#include "stats.h"

struct config;
struct csv_writer;
struct figures;

enum csv_file {
	CSV_INTERVAL,	/* --csv */
	CSV_SUMMARY,	/* --summary-csv */
	CSV_LATENCY,	/* --latency-csv */
	CSV_FILES
};

/* Lay out the tables; the summary has a column per option, named
 * `opt_names` (options_columns()). */
void	columns_init(const char *const *opt_names, int nopts);
/* A file's header, or one row of it (an interval's figures or the
 * run's), without the row's end. */
void	columns_header(struct csv_writer *, enum csv_file);
void	columns_row(struct csv_writer *, enum csv_file, const struct figures *);
/* The names of a file's columns, in order, into names[0..max-1]; returns
 * how many there are (laid out by columns_init). */
int	columns_names(enum csv_file, const char **names, int max);
/* The latency file's row of latency `m`, from the run's figures. */
void	columns_latency_row(struct csv_writer *, const struct figures *,
	    enum latency m);
/* The name of a latency in column names ("session"), and of a sysctl
 * column ("ip_local_port_range"). */
const char	*columns_latency_name(int m);
const char	*columns_sysctl_name(int i);
/* --list-columns: "file<TAB>column<TAB>unit" lines on stdout, every file
 * in column order, then exit 0 (tests/loadgen/test_columns.py holds them
 * against CSV.md). */
void	columns_list(const struct config *) __attribute__((noreturn));

#endif
