/* bins.h: where the two programs a run starts are, fake-imapd and
 * loadgen, found as `--bindir` says (run, bench's base and head, sweep). */
#ifndef EPHEMERA_BINS_H
#define EPHEMERA_BINS_H

#include <limits.h>

/* Room for a directory of PATH_MAX plus the longest relative tail. */
#define LAB_PATH_MAX	(PATH_MAX + 64)

struct lab_bins {
	char	fake_imapd[LAB_PATH_MAX];
	char	loadgen[LAB_PATH_MAX];
	char	bindir[LAB_PATH_MAX];	/* fake-imapd's folder: {bindir} */
};

/*
 * The programs' paths, and {bindir}: the folder fake-imapd is in.  With
 * bindir, fake-imapd is there, and loadgen too if the folder has one
 * (else ephemera's own: a folder of a server's own build has none);
 * with NULL, both are beside ephemera, in the build tree or installed.
 */
void	lab_bins_find(const char *bindir, struct lab_bins *b);

#endif
