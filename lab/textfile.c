/* textfile.c: one-shot text writes for sysctls, id maps and small files;
 * a log's last line; escaping for XML and HTML. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "textfile.h"

int
text_write(const char *path, const char *text, char *err, size_t errsz)
{
	size_t	len = strlen(text);
	ssize_t	n;
	int	fd;

	/* O_CREAT without O_TRUNC: a no-op for /proc files, which exist. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		snprintf(err, errsz, "open %s: %s", path, strerror(errno));
		return -1;
	}
	n = write(fd, text, len);
	if (n != (ssize_t)len) {
		snprintf(err, errsz, "write '%s' to %s: %s", text, path,
		    n < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		snprintf(err, errsz, "close %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void
text_last_line(const char *path, char *buf, size_t bufsz)
{
	char	 tail[4096], *end, *start;
	ssize_t	 n;
	off_t	 size;
	int	 fd;

	if (bufsz > 0)
		buf[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(tail) - 1)
		lseek(fd, size - (off_t)sizeof(tail) + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, tail, sizeof(tail) - 1);
	close(fd);
	if (n <= 0)
		return;
	tail[n] = '\0';
	for (end = tail + n; end > tail && (end[-1] == '\n' || end[-1] == '\r');
	    end--)
		;
	*end = '\0';
	start = strrchr(tail, '\n');
	snprintf(buf, bufsz, "%s", start != NULL ? start + 1 : tail);
}

void
text_put_escaped(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(*s, fp); break;
		}
}

int
text_close(FILE *fp, const char *path)
{
	int	failed = ferror(fp), saved;

	if (fclose(fp) != 0 || failed) {
		saved = failed && errno == 0 ? EIO : errno;
		unlink(path);
		errno = saved;
		return -1;
	}
	return 0;
}
