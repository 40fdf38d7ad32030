/* sweepcsv.c: the sweep's CSV file, written so that an interrupted sweep
 * keeps whole rows, and read back for --resume. */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweepcsv.h"

#define LINE_MAX_BYTES	8192

void
sweepcsv_columns(struct sweepcsv *c, const struct vary *vs, int nvary,
    const char *const *fixed, int nfixed)
{
	int	i;

	c->ncols = 0;
	c->nvary = nvary;
	c->cols[c->ncols++] = "point";
	for (i = 0; i < nvary; i++) {
		snprintf(c->vary_names[i], sizeof(c->vary_names[i]), "%s",
		    vs[i].name);
		c->cols[c->ncols++] = c->vary_names[i];
	}
	for (i = 0; i < nfixed && c->ncols < SWEEPCSV_MAX_COLUMNS; i++)
		c->cols[c->ncols++] = fixed[i];
}

/* The header line as written, without its CRLF. */
static void
header_text(const struct sweepcsv *c, char *buf, size_t bufsz)
{
	size_t	len = 0;
	int	i;

	buf[0] = '\0';
	for (i = 0; i < c->ncols && len < bufsz; i++)
		len += (size_t)snprintf(buf + len, bufsz - len, "%s%s",
		    i ? "," : "", c->cols[i]);
}

/* The grid point whose values are fields[1..nvary], or -1. */
static int
point_of(const struct vary *vs, int nvary, const char **fields)
{
	struct scenario_set	set[VARY_MAX_KEYS];
	int			p, i, n = vary_points(vs, nvary);

	for (p = 0; p < n; p++) {
		vary_point(vs, nvary, p, set);
		for (i = 0; i < nvary; i++)
			if (strcmp(set[i].value, fields[1 + i]) != 0)
				break;
		if (i == nvary)
			return p;
	}
	return -1;
}

/*
 * Read an existing file: its header must be ours; every whole row marks
 * its point done; a last row without its line end (the writer was killed
 * inside it) is cut off.  0, or -1 with err.
 */
static int
read_done(struct sweepcsv *c, const struct vary *vs, int *done, char *err,
    size_t errsz)
{
	static char	 line[LINE_MAX_BYTES], buf[LINE_MAX_BYTES];
	char		 want[LINE_MAX_BYTES];
	const char	*f[SWEEPCSV_MAX_COLUMNS];
	long		 whole = 0;
	int		 n, p, lineno = 1;

	if (fgets(line, sizeof(line), c->fp) == NULL)
		return 0;	/* empty: the header is written below */
	line[strcspn(line, "\r\n")] = '\0';
	header_text(c, want, sizeof(want));
	if (strcmp(line, want) != 0) {
		snprintf(err, errsz, "%s: --resume: its header is not this "
		    "sweep's (expected %s)", c->path, want);
		return -1;
	}
	whole = ftell(c->fp);
	while (fgets(line, sizeof(line), c->fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL)
			break;		/* cut short: dropped below */
		whole = ftell(c->fp);
		n = csv_split(line, buf, sizeof(buf), f, SWEEPCSV_MAX_COLUMNS);
		if (n != c->ncols) {
			snprintf(err, errsz, "%s:%d: --resume: %d fields, "
			    "expected %d", c->path, lineno, n, c->ncols);
			return -1;
		}
		if ((p = point_of(vs, c->nvary, f)) >= 0)
			done[p] = 1;
	}
	if (ftruncate(fileno(c->fp), whole) == -1) {
		snprintf(err, errsz, "%s: %s", c->path, strerror(errno));
		return -1;
	}
	return 1;
}

int
sweepcsv_open(struct sweepcsv *c, int resume, const struct vary *vs,
    int *done, char *err, size_t errsz)
{
	struct stat	st;
	int		i, had;

	if (!resume && stat(c->path, &st) == 0) {
		snprintf(err, errsz, "%s exists: --resume continues it; or "
		    "name another file", c->path);
		return -1;
	}
	if ((c->fp = fopen(c->path, resume ? "a+" : "w")) == NULL) {
		snprintf(err, errsz, "%s: %s", c->path, strerror(errno));
		return -1;
	}
	rewind(c->fp);
	if ((had = resume ? read_done(c, vs, done, err, errsz) : 0) == -1) {
		fclose(c->fp);
		c->fp = NULL;
		return -1;
	}
	fseek(c->fp, 0, SEEK_END);
	csv_init(&c->w, c->fp);
	if (had)
		return 0;
	for (i = 0; i < c->ncols; i++)
		csv_str(&c->w, c->cols[i]);
	if (csv_end_row(&c->w) == -1) {
		snprintf(err, errsz, "%s: %s", c->path, strerror(errno));
		return -1;
	}
	return 0;
}

void
sweepcsv_begin(struct sweepcsv *c, int p, const struct scenario_set *set)
{
	int	i;

	csv_u64(&c->w, (uint64_t)p + 1);
	for (i = 0; i < c->nvary; i++)
		csv_str(&c->w, set[i].value);
}

int
sweepcsv_end(struct sweepcsv *c)
{
	return csv_end_row(&c->w);
}

int
sweepcsv_close(struct sweepcsv *c)
{
	int	rc;

	if (c->fp == NULL)
		return 0;
	rc = fclose(c->fp);
	c->fp = NULL;
	return rc == 0 ? 0 : -1;
}
