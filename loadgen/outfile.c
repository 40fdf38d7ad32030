/* outfile.c: CSV files of whole rows, whatever the disk does. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "outfile.h"

void
outfile_open(struct outfile *o, const char *option, const char *path,
    size_t reserve)
{
	int	err;

	memset(o, 0, sizeof(*o));
	o->option = option;
	o->path = path;
	/* Bad input, found before any arrival: named like a bad option. */
	if ((o->fp = fopen(path, "w")) == NULL)
		usage_error("%s %s: %s", option, path, strerror(errno));
	csv_init(&o->w, o->fp);
	if (reserve == 0)
		return;
	/* Blocks past the end, the size left at 0: a killed run leaves an
	 * empty file, not one of zeros.  A file system without fallocate
	 * (EOPNOTSUPP) just gets no reservation. */
	if (fallocate(fileno(o->fp), FALLOC_FL_KEEP_SIZE, 0,
	    (off_t)reserve) == -1 && (err = errno) != EOPNOTSUPP)
		fatalx("%s %s: cannot set aside %zu bytes for it: %s", option,
		    path, reserve, strerror(err));
}

struct csv_writer *
outfile_row(struct outfile *o)
{
	return o->failed ? NULL : &o->w;
}

/* Drop what stdio still holds and cut the file back to whole rows. */
static void
cut_back(struct outfile *o)
{
	int	err = errno;

	__fpurge(o->fp);
	clearerr(o->fp);
	if (ftruncate(fileno(o->fp), o->whole) == -1 ||
	    fseeko(o->fp, o->whole, SEEK_SET) == -1)
		log_warn("%s %s: cutting back to whole rows", o->option,
		    o->path);
	o->failed = 1;
	log_warnx("%s %s: %s: no more rows go to it; it holds the whole "
	    "rows written before", o->option, o->path, strerror(err));
}

void
outfile_end_row(struct outfile *o)
{
	off_t	at;

	if (o->failed)
		return;
	if (csv_end_row(&o->w) == -1 || (at = ftello(o->fp)) == -1) {
		cut_back(o);
		return;
	}
	o->whole = at;
}

int
outfile_close(struct outfile *o)
{
	int	rc = o->failed ? -1 : 0;

	if (o->fp == NULL)
		return 0;
	/* The reservation's blocks past the end go back to the disk. */
	if (!o->failed && ftruncate(fileno(o->fp), o->whole) == -1)
		log_warn("%s %s", o->option, o->path);
	if (fclose(o->fp) != 0 && !o->failed) {
		log_warn("%s %s", o->option, o->path);
		rc = -1;
	}
	o->fp = NULL;
	return rc;
}
