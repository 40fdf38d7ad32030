/* csv.h: RFC 4180 CSV, written a row at a time and read back. */
#ifndef EPHEMERA_CSV_H
#define EPHEMERA_CSV_H

#include <stdint.h>
#include <stdio.h>

/* A writer on an open stream.  Rows end in CRLF (RFC 4180 2.1). */
struct csv_writer {
	FILE	*fp;
	int	 nfields;	/* fields written in the current row */
};

void	csv_init(struct csv_writer *w, FILE *fp);
void	csv_str(struct csv_writer *w, const char *s);	/* quoted if needed */
void	csv_u64(struct csv_writer *w, uint64_t v);
void	csv_i64(struct csv_writer *w, int64_t v);
void	csv_double(struct csv_writer *w, double v, int decimals);
void	csv_empty(struct csv_writer *w);		/* an empty field */
/* `n` fields formatted earlier by another writer (comma-separated, no row
 * end), so a row can be finished later, once a slow field is known. */
void	csv_fields(struct csv_writer *w, const char *text, int n);
/* End the row and flush it, so a killed writer leaves whole rows only.
 * Returns -1 if the stream reported a write error. */
int	csv_end_row(struct csv_writer *w);

/*
 * Parse one record from `line` (which may hold embedded, quoted CRLFs) into
 * at most `max` fields, each NUL-terminated in `buf` (size `bufsz`); fields[]
 * point into buf.  Returns the number of fields, or -1 when malformed or
 * when the fields do not fit.
 */
int	csv_split(const char *line, char *buf, size_t bufsz,
	    const char **fields, int max);

/* The index of `name` among n split fields (a header row), or -1. */
int	csv_index(const char **fields, int n, const char *name);

#endif
