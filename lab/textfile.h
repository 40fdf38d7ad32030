/* textfile.h: write a short text to a file in one write(2). */
#ifndef EPHEMERA_TEXTFILE_H
#define EPHEMERA_TEXTFILE_H

#include <stddef.h>

/*
 * Write `text` to `path` (created if missing, mode 0644, never truncated)
 * in a single write(2), as /proc/sys and /proc/self/uid_map require.
 * Returns -1 with "what path: why" in err.
 */
int	text_write(const char *path, const char *text, char *err, size_t errsz);

#endif
