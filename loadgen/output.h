/* output.h: loadgen's output: the interval, summary and latency CSV files
 * (CSV.md) and the summary line on stdout, written from stats.c's
 * figures. */
#ifndef LOADGEN_OUTPUT_H
#define LOADGEN_OUTPUT_H

struct figures;
struct sockdiag_counts;
struct stats_run;

/* Open the files (either path may be NULL; --latency-csv is the run's)
 * and write the interval header; a file that cannot be opened is bad
 * input (exit 2). */
void	output_open(const char *csv_path, const char *summary_path,
	    const struct stats_run *);
/* The row of an interval; with TIME_WAIT by side it waits for its
 * sock_diag dump (output_side_counts). */
void	output_interval(const struct figures *);
/* sockdiag.h's callback: the dump the oldest waiting row asked for. */
void	output_side_counts(const struct sockdiag_counts *);
/* End of run: the last rows' dumps, briefly waited for, then the rows;
 * without rows, a dump of its own for the summary. */
void	output_rows_done(void);
/* The summary and latency files and the summary line on stdout, then a
 * line per --threshold; returns how many were breached. */
int	output_finish(const struct figures *);
/* -1 when a file lost rows (outfile.h). */
int	output_close(void);

#endif
