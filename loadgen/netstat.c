/* netstat.c: read the TcpExt lines of /proc/net/netstat: a line of names
 * and a line of values, matched by position. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstat.h"

static const struct {
	const char	*kernel;
	const char	*column;
} counters[TCPEXT_MAX] = {
	[TCPEXT_TW_RECYCLED] = { "TWRecycled", "tw_recycled" },
	[TCPEXT_TW_OVERFLOW] = { "TCPTimeWaitOverflow", "tw_overflow" },
	[TCPEXT_ABORT_ON_CLOSE] = { "TCPAbortOnClose", "abort_on_close" },
	[TCPEXT_ABORT_ON_DATA] = { "TCPAbortOnData", "abort_on_data" },
};

/* The file is about 4 KiB; this leaves room for new counters. */
#define NETSTAT_MAX	65536

const char *
tcpext_column(enum tcpext c)
{
	return counters[c].column;
}

/* Length of the line starting at p, without its newline. */
static size_t
line_len(const char *p)
{
	const char	*nl = strchr(p, '\n');

	return nl != NULL ? (size_t)(nl - p) : strlen(p);
}

/* The n-th space-separated word of a line (word 0 is "TcpExt:"). */
static const char *
word(const char *p, size_t len, int n, size_t *wlen)
{
	const char	*end = p + len;

	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			return NULL;
		*wlen = strcspn(p, " \n");
		if (n-- == 0)
			return p;
		p += *wlen;
	}
}

static int
match(const char *names, size_t nlen, const char *values, size_t vlen,
    struct tcpext_counters *out)
{
	const char	*w;
	size_t		 wl;
	int		 i, c, found = 0;

	for (i = 1; (w = word(names, nlen, i, &wl)) != NULL; i++)
		for (c = 0; c < TCPEXT_MAX; c++) {
			if (strlen(counters[c].kernel) != wl ||
			    strncmp(w, counters[c].kernel, wl) != 0)
				continue;
			if ((w = word(values, vlen, i, &wl)) == NULL)
				return -1;
			out->v[c] = strtoull(w, NULL, 10);
			found++;
		}
	return found == TCPEXT_MAX ? 0 : -1;
}

int
netstat_parse(const char *text, struct tcpext_counters *out)
{
	const char	*p = text, *names = NULL;
	size_t		 len;

	memset(out, 0, sizeof(*out));
	for (; *p != '\0'; p += len + (p[len] == '\n')) {
		len = line_len(p);
		if (strncmp(p, "TcpExt:", 7) != 0)
			continue;
		if (names == NULL) {
			names = p;
			continue;
		}
		return match(names, line_len(names), p, len, out);
	}
	return -1;
}

int
netstat_read(struct tcpext_counters *out)
{
	static char	 buf[NETSTAT_MAX];
	FILE		*fp;
	size_t		 n;

	/* /proc/net follows the reader's network namespace. */
	if ((fp = fopen("/proc/net/netstat", "re")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return netstat_parse(buf, out);
}
