/* addr.h: "ADDR:PORT" endpoints, IPv4 or bracketed IPv6. */
#ifndef EPHEMERA_ADDR_H
#define EPHEMERA_ADDR_H

#include <sys/socket.h>

struct endpoint {
	struct sockaddr_storage	ss;
	socklen_t		len;
};

/* "127.0.0.1:1143", "[::1]:1143"; numeric only, port 0 allowed when
 * `allow_zero` (a listener asking the kernel for a port).  NULL on
 * success, else what was expected. */
const char	*endpoint_parse(const char *s, int allow_zero, struct endpoint *ep);

/* The port, in host order. */
unsigned	 endpoint_port(const struct endpoint *ep);

/* "127.0.0.1:1143" or "[::1]:1143" into buf. */
void		 endpoint_format(const struct sockaddr *sa, char *buf, size_t bufsz);

#define ENDPOINT_STRLEN	64

#endif
