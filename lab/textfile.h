/* textfile.h: write a short text to a file in one write(2); read a
 * log's last line; write text escaped for XML and HTML. */
#ifndef EPHEMERA_TEXTFILE_H
#define EPHEMERA_TEXTFILE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Write `text` to `path` (created if missing, mode 0644, never truncated)
 * in a single write(2), as /proc/sys and /proc/self/uid_map require.
 * Returns -1 with "what path: why" in err.
 */
int	text_write(const char *path, const char *text, char *err, size_t errsz);

/* The last non-empty line of a short log (its last 4 KiB are read),
 * without its newline, into buf; "" when there is none. */
void	text_last_line(const char *path, char *buf, size_t bufsz);

/*
 * Close a file written with stdio; if any write failed (a full disk), the
 * partial file is removed, so that what is left is whole or absent.
 * Returns -1 with errno set, as fclose does.
 */
int	text_close(FILE *fp, const char *path);

/* s with XML's five escapes (< > & " '), fit for HTML text and
 * attributes as well. */
void	text_put_escaped(FILE *fp, const char *s);

#endif
