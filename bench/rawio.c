/* rawio.c: lines, readiness and clocks for rawserver and rawclient. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cdefs.h"
#include "log.h"
#include "rawio.h"

long
rawio_line(char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] == '\r' && buf[i + 1] == '\n') {
			buf[i] = '\0';
			return (long)i;
		}
	}
	return -1;
}

void
rawio_consume(char *buf, size_t *len, size_t n)
{
	if (n >= *len) {
		*len = 0;
		return;
	}
	memmove(buf, buf + n, *len - n);
	*len -= n;
}

size_t
rawio_word(const char *s, const char *word)
{
	size_t	n = strlen(word);

	if (strncasecmp(s, word, n) != 0)
		return 0;
	if (s[n] != ' ' && s[n] != '\0')
		return 0;
	return n;
}

int
rawio_parse_fd(const char *opt, const char *arg)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 0 || v > 65535)
		usage_error("%s: expected a descriptor number such as 3, "
		    "not \"%s\"", opt, arg);
	if (fcntl((int)v, F_GETFD) == -1)
		usage_error("%s: descriptor %ld is not open", opt, v);
	return (int)v;
}

void
rawio_announce(int fd, const char *line)
{
	size_t	len = strlen(line), off = 0;
	ssize_t	n;

	while (off < len) {
		n = write(fd, line + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("--ready-fd %d: write", fd);
		off += (size_t)n;
	}
	if (close(fd) == -1)
		fatal("--ready-fd %d: close", fd);
}

int
rawio_nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

volatile sig_atomic_t	rawio_quit;

static void
on_signal(int sig UNUSED)
{
	rawio_quit = 1;
}

void
rawio_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;	/* no SA_RESTART: epoll_wait returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}
