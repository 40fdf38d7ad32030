/* netstat.h: the TcpExt counters of /proc/net/netstat that tell whether
 * TIME_WAIT was recycled, dropped, or never happened (RST). */
#ifndef LOADGEN_NETSTAT_H
#define LOADGEN_NETSTAT_H

#include <stdint.h>

enum tcpext {
	TCPEXT_TW_RECYCLED,	/* TWRecycled */
	TCPEXT_TW_OVERFLOW,	/* TCPTimeWaitOverflow: past tcp_max_tw_buckets */
	TCPEXT_ABORT_ON_CLOSE,	/* TCPAbortOnClose: closed with unread data */
	TCPEXT_ABORT_ON_DATA,	/* TCPAbortOnData: e.g. SO_LINGER {1,0} */
	TCPEXT_MAX
};

struct tcpext_counters {
	uint64_t	v[TCPEXT_MAX];
};

/* Column name of a counter: "tw_recycled", ... */
const char	*tcpext_column(enum tcpext);
/* Parse the text of /proc/net/netstat; -1 unless every counter was found. */
int		 netstat_parse(const char *text, struct tcpext_counters *);
/* Read this network namespace's counters; -1 on error. */
int		 netstat_read(struct tcpext_counters *);

#endif
