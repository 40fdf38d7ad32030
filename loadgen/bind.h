/* bind.h: the source side of each connection: which address and port the
 * client binds before connect(), since that decides the error a user
 * sees when the ports run out. */
#ifndef LOADGEN_BIND_H
#define LOADGEN_BIND_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#define BIND_SOURCES_MAX	64

enum bind_mode {
	BIND_NONE,		/* plain connect(): EADDRNOTAVAIL */
	BIND_ADDR,		/* bind(ip, 0) first: EADDRINUSE from bind() */
	BIND_ADDR_NO_PORT,	/* IP_BIND_ADDRESS_NO_PORT: port at connect() */
	BIND_RANGE,		/* IP_LOCAL_PORT_RANGE per socket (Linux 6.3+) */
	BIND_EXPLICIT,		/* loadgen picks each port, lo..hi in turn */
};

struct bind_config {
	enum bind_mode		 mode;
	unsigned		 lo, hi;	/* range and explicit */
	int			 reuseaddr;	/* explicit: SO_REUSEADDR */
	int			 nsources;
	struct sockaddr_storage	 sources[BIND_SOURCES_MAX];
	socklen_t		 source_len[BIND_SOURCES_MAX];
};

/* "none", "addr", "addr-no-port", "range:LO-HI", "explicit:LO-HI" or
 * "explicit:LO-HI,reuseaddr".  NULL on success, else what was expected. */
const char	*bind_parse_mode(const char *s, struct bind_config *);
/* Add a numeric source address (no port): 10.0.0.2, ::1 or [::1]. */
const char	*bind_add_source(const char *s, struct bind_config *);
const char	*bind_mode_name(enum bind_mode);
/* "range:20000-20009", for the summary. */
void		 bind_format(const struct bind_config *, char *, size_t);
/* Whether this kernel takes IP_LOCAL_PORT_RANGE; NULL if so, else why not. */
const char	*bind_range_supported(int family);

void		 bind_init(const struct bind_config *);
/*
 * Prepare socket fd (of `family`) for connect(): options and bind(), for
 * session `n` of the run (source round-robin).  Returns 0, or -1 with
 * errno set; the failure belongs to stage "bind".
 */
int		 bind_socket(int fd, int family, uint64_t n);

#endif
