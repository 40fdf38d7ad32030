/* cause.h: which holding ran the client's ports out, from loadgen.csv at
 * the first failure: sessions still in flight (a server too slow for the
 * rate), TIME_WAIT (the article's case: the client closed first), or
 * FIN_WAIT_2 (a server that never closes).  QA needs to know which one it
 * has reproduced. */
#ifndef EPHEMERA_CAUSE_H
#define EPHEMERA_CAUSE_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"

/* Fill o's *_at_fail counts from the row of loadgen.csv (`path`) that
 * holds the first failure; they stay -1 when it has none.  -1 with a
 * message when the file cannot be read. */
int		 cause_read(const char *path, struct observed *o, char *err,
		    size_t errsz);
enum cause	 cause_of(const struct observed *o);
/* "  ran out: ..." with the counts and the measured session time, when
 * the ports ran out. */
void		 cause_explain(FILE *fp, const struct observed *o);

#endif
