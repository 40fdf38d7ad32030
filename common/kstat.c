/* kstat.c: read /proc/net/sockstat and /proc/sys of the current netns. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kstat.h"

int64_t
kstat_time_wait(void)
{
	FILE		*fp;
	char		 line[256];
	long long	 tw = -1;
	const char	*p;

	/* /proc/net follows the reader's network namespace. */
	if ((fp = fopen("/proc/net/sockstat", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "TCP:", 4) != 0)
			continue;
		if ((p = strstr(line, " tw ")) != NULL)
			sscanf(p + 4, "%lld", &tw);
		break;
	}
	fclose(fp);
	return tw;
}

int
kstat_sysctl_read(const char *name, char *buf, int bufsz)
{
	char	path[256];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, (size_t)bufsz - 1);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	/* Ranges print as "LO\tHI": make them "LO-HI" like our options. */
	for (char *t = buf; *t != '\0'; t++)
		if (*t == '\t')
			*t = '-';
	return 0;
}

/* The n-th space-separated word of the line at p, copied into w. */
static int
nth_word(const char *p, int n, char *w, size_t wsz)
{
	size_t	len;

	for (;;) {
		p += strspn(p, " ");
		if (*p == '\n' || *p == '\0')
			return -1;
		len = strcspn(p, " \n");
		if (n-- == 0) {
			snprintf(w, wsz, "%.*s", (int)len, p);
			return 0;
		}
		p += len;
	}
}

static const char *
next_line(const char *p, const char *prefix)
{
	while ((p = strchr(p, '\n')) != NULL)
		if (strncmp(++p, prefix, strlen(prefix)) == 0)
			return p;
	return NULL;
}

int64_t
kstat_field(const char *text, const char *prefix, const char *name)
{
	const char	*line = text;
	char		 w[64];
	int		 i;

	if (strncmp(line, prefix, strlen(prefix)) != 0)
		line = next_line(line, prefix);
	for (; line != NULL; line = next_line(line, prefix))
		for (i = 1; nth_word(line, i, w, sizeof(w)) == 0; i++) {
			if (strcmp(w, name) != 0)
				continue;
			if (nth_word(line, i + 1, w, sizeof(w)) == 0 &&
			    isdigit((unsigned char)w[0]))
				return strtoll(w, NULL, 10);
			if ((line = next_line(line, prefix)) == NULL ||
			    nth_word(line, i, w, sizeof(w)) == -1)
				return -1;
			return strtoll(w, NULL, 10);
		}
	return -1;
}
