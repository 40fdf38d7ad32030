/* html.h: one offline HTML page for a run of several scenarios: the
 * table, each verdict with its reason, every plot, and links to each run's
 * files.  Plain HTML and CSS: no network, no script. */
#ifndef EPHEMERA_HTML_H
#define EPHEMERA_HTML_H

#include <stddef.h>

struct html_run {
	const char		 *name;
	const char		 *verdict;	/* "held", "NOT HELD", ... */
	const char		 *why;		/* "" when it held */
	const char		 *dir;		/* the run's results folder */
	const char *const	 *cells;	/* its table row */
	const char		 *notes;	/* "note: ..." lines, or "" */
};

/* Write `path`; links to each run's files are relative to its folder
 * when the run's folder lies below it.  -1 with a message on error. */
int	html_write(const char *path, const char *title,
	    const char *const *header, int ncols, const struct html_run *runs,
	    int nruns, char *err, size_t errsz);

#endif
