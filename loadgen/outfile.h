/* outfile.h: a CSV file that only ever holds whole rows.  A write that
 * fails (a full disk) is cut back to the last whole row, said once with
 * the option and the file, and the file takes no more rows; the run goes
 * on measuring.  The summary files reserve their room at the start. */
#ifndef LOADGEN_OUTFILE_H
#define LOADGEN_OUTFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "csv.h"

struct outfile {
	const char		*option;	/* "--csv", for messages */
	const char		*path;
	FILE			*fp;
	struct csv_writer	 w;
	off_t			 whole;		/* bytes of whole rows */
	int			 failed;	/* a write failed: no more */
};

/*
 * Open path for writing (bad input when it cannot be: exit 2) and, with
 * reserve > 0, set that many bytes aside on its file system for it, so
 * that a disk that fills up during the run cannot take them (exit 1 when
 * even they are not there at the start).
 */
void	outfile_open(struct outfile *, const char *option, const char *path,
	    size_t reserve);
/* The writer for the next row, or NULL once the file has failed. */
struct csv_writer *outfile_row(struct outfile *);
/* End the row: flushed whole, or cut back to the last whole one. */
void	outfile_end_row(struct outfile *);
/* Give back what the reservation did not use, and close; -1 when a
 * write failed at any point. */
int	outfile_close(struct outfile *);

#endif
