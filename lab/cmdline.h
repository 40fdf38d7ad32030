/* cmdline.h: a [server] command line, split into words with its
 * placeholders ({addr}, {port}, {dir}, {bindir}) replaced. */
#ifndef EPHEMERA_CMDLINE_H
#define EPHEMERA_CMDLINE_H

#include <stddef.h>

#define CMDLINE_MAX_WORDS	64

/* What the placeholders stand for in one run. */
struct cmdline_vals {
	const char	*addr;		/* the listen address, no brackets */
	const char	*port;		/* the listen port */
	const char	*dir;		/* the run's results folder */
	const char	*bindir;	/* the folder fake-imapd was found in */
};

/*
 * Split `line` at spaces and tabs, except inside double quotes, which
 * group and are removed (no other escapes: no shell is involved).  Each
 * placeholder is replaced inside its word after splitting, so a folder
 * with spaces stays one word.  With vals == NULL only checks.  The words
 * point into buf; `words` has room for maxwords + 1 (a NULL ends them).  Returns the number of words, or -1 with *why saying
 * what was expected (an unknown placeholder, an unbalanced quote, ...).
 */
int	cmdline_split(const char *line, const struct cmdline_vals *vals,
	    char *buf, size_t bufsz, char **words, int maxwords,
	    const char **why);

#endif
