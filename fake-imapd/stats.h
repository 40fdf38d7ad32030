/* stats.h: server counters, the per-second CSV and the summary at exit. */
#ifndef FAKE_IMAPD_STATS_H
#define FAKE_IMAPD_STATS_H

#include <stdint.h>
#include <stdio.h>

struct event_base;

/* Commands counted one by one; commands.c names them (see stats.c). */
#define STATS_CMD_MAX	48

/* Running totals since start.  Every closed connection is counted once
 * in exactly one of closed_by_client (its FIN first), closed_by_reset
 * (its RST or a socket error) and closed_by_server (ours first); dropped
 * and rejected_limit connections are closed_by_server too. */
struct imapd_stats {
	uint64_t	accepted;
	uint64_t	rejected_limit;	/* over --max-connections, bye mode */
	uint64_t	dropped;	/* --drop-fraction */
	uint64_t	rejected_userip; /* logins refused: user+IP limit */
	uint64_t	closed_by_server;
	uint64_t	closed_by_client;
	uint64_t	closed_by_reset;
	uint64_t	autologout;
	uint64_t	commands;
	uint64_t	cmd[STATS_CMD_MAX];
	uint64_t	bytes_in;
	uint64_t	bytes_out;
	uint64_t	tls_handshakes_ok;
	uint64_t	tls_handshakes_failed;	/* errors, timeouts, and
						 * clients gone before the end */
};

extern struct imapd_stats stats;

/* Open `path` (NULL: no CSV), write the header, start the 1 s rows.
 * Exits with a message naming --csv when the file cannot be made. */
void	stats_start(struct event_base *, const char *path);
/* The last, possibly shorter, row; close the file. */
void	stats_stop(void);
/* The one summary line on stdout. */
void	stats_summary(FILE *);

#endif
