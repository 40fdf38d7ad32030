/* rundir.h: where a run's files go: <root>/<scenario>/<UTC stamp>/, with a
 * `latest` link beside it. */
#ifndef EPHEMERA_RUNDIR_H
#define EPHEMERA_RUNDIR_H

#include <stddef.h>

/* mkdir -p: every missing folder of path, mode 0755.  -1 with errno. */
int	rundir_mkdir_p(const char *path);

/*
 * A new folder <root>/<name>/<UTC timestamp>[-N] and <root>/<name>/latest
 * pointing at it.  `shown` gets it as the user named the root (for what we
 * print), `dir` the same made absolute (for everything handed on: servers
 * resolve relative paths against folders of their own).  Returns -1 after
 * saying why.
 */
int	rundir_make(const char *root, const char *name, char *shown,
	    size_t shownsz, char *dir, size_t dirsz);

/* Copy a file's bytes; -1 with errno. */
int	rundir_copy_file(const char *from, const char *to);

#endif
