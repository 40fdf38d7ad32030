/* kstat.c: read /proc/net/sockstat and /proc/sys of the current netns. */
#include <fcntl.h>
#include <stdio.h>
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
