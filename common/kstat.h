/* kstat.h: kernel TCP counters of the current network namespace. */
#ifndef EPHEMERA_KSTAT_H
#define EPHEMERA_KSTAT_H

#include <stdint.h>

/* TIME_WAIT sockets in this namespace, from /proc/net/sockstat
 * ("TCP: inuse N orphan N tw N ..."): O(1), no socket walk.  -1 on error. */
int64_t	kstat_time_wait(void);

/* Read an integer sysctl such as "net/ipv4/tcp_tw_reuse" (relative to
 * /proc/sys) of this namespace into buf, trimmed.  -1 on error. */
int	kstat_sysctl_read(const char *name, char *buf, int bufsz);

/* A counter in the text of /proc/net/sockstat or /proc/net/netstat read
 * elsewhere (inside another namespace): on the first line starting with
 * `prefix` that has the word `name`, the word after it ("TCP: ... tw 3")
 * or, when that is no number, the same word of the next `prefix` line
 * (netstat's names line, then its values line).  -1: not found. */
int64_t	kstat_field(const char *text, const char *prefix, const char *name);

#endif
