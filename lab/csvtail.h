/* csvtail.h: follow a CSV file that another process is still writing
 * (loadgen.csv during a run) and keep, for a few named columns, the sum
 * and the last value of the whole rows written so far. */
#ifndef EPHEMERA_CSVTAIL_H
#define EPHEMERA_CSVTAIL_H

#include <stdio.h>

#define CSVTAIL_COLUMNS	8

struct csvtail {
	char		 path[4096];
	FILE		*fp;
	long		 offset;		/* where the next whole row starts */
	int		 ncols;			/* columns asked for */
	const char	*names[CSVTAIL_COLUMNS];
	int		 index[CSVTAIL_COLUMNS];	/* in the header, -1: absent */
	int		 header;		/* the header has been read */
	long		 rows;
	double		 sum[CSVTAIL_COLUMNS];
	double		 last[CSVTAIL_COLUMNS];
};

/* Follow `path` (it may not exist yet) for the columns in names[0..n-1]. */
void	csvtail_init(struct csvtail *t, const char *path,
	    const char *const *names, int n);
/* Read the rows completed since the last call; a row still being written
 * (no newline yet) is left for the next one.  Returns the rows read. */
int	csvtail_poll(struct csvtail *t);
void	csvtail_close(struct csvtail *t);

#endif
