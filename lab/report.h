/* report.h: judge a run's numbers against the scenario's expectation. */
#ifndef EPHEMERA_REPORT_H
#define EPHEMERA_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"

struct plan;

/* What loadgen's summary.csv says happened. */
struct observed {
	uint64_t	started, completed, failed;
	double		elapsed_s;
	double		first_failure_s;	/* -1: no failure */
	char		first_failure_errno[32];
	int64_t		time_wait_end;		/* -1: unknown */
	double		session_p50_ms;		/* -1: none completed */
	/* Where the client's ports were at the end of the first failure's
	 * row of loadgen.csv (cause.c); -1: unknown */
	int64_t		in_flight_at_fail;	/* sessions in flight */
	int64_t		tw_client_at_fail;	/* client side TIME_WAIT */
	int64_t		fw2_client_at_fail;	/* client side FIN_WAIT_2 */
	/* The scenario's [expect] thresholds, judged on the summary's
	 * fields: what each field said, and met or not */
	struct {
		char			field[32];
		enum threshold_result	result;
	} gates[SCENARIO_MAX_THRESHOLDS];
};

/* A summary.csv's header and its one row, split: names[i] is vals[i]'s
 * column.  Returns how many, or -1 with err; valid until the next call. */
int	report_summary_fields(const char *path, const char ***names,
	    const char ***vals, char *err, size_t errsz);

/* What loadgen's summary.csv says, with sc's thresholds judged on it. */
int	report_read_summary(const char *path, const struct scenario *sc,
	    struct observed *o, char *err, size_t errsz);

/* 1 when every expectation held; otherwise 0 and why says which did not.
 * "predicted" is the plan's number. */
int	report_judge(const struct scenario *sc, const struct plan *plan,
	    const struct observed *o, char *why, size_t whysz);

/* The table's columns, one row of them as text: the terminal's table,
 * report.txt and the HTML page show the same cells. */
#define REPORT_COLUMNS	17
#define REPORT_CELL	80
struct report_row {
	char		 cell[REPORT_COLUMNS][REPORT_CELL];
	const char	*cells[REPORT_COLUMNS];		/* into cell[] */
};

const char	*report_column_name(int i);
void	report_cells(const struct scenario *sc, const struct plan *plan,
	    const struct observed *o, const char *verdict,
	    struct report_row *r);

void	report_table_header(FILE *fp);
void	report_table_row(FILE *fp, const struct scenario *sc,
	    const struct plan *plan, const struct observed *o,
	    const char *verdict);

/* Where the kernel makes a number differ from the model, say so: one
 * "note: ..." line each, to fp. */
void	report_notes(FILE *fp, const struct scenario *sc,
	    const struct plan *plan);

/* A run in simulated hosts: its hosts.csv as a table, one line a host
 * (what its loadgens counted, its kernel's TIME_WAIT at the end), and
 * the merged run as "all clients".  Nothing without hosts.csv. */
void	report_hosts(FILE *fp, const char *dir);

/* report.txt in the run's directory: the same row with `verdict`, and
 * `why` (NULL: none); whole or absent.  -1 with errno set. */
int	report_write(const char *dir, const struct scenario *sc,
	    const struct plan *plan, const struct observed *o,
	    const char *verdict, const char *why);

#endif
