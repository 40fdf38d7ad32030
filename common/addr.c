/* addr.c: numeric endpoint parsing and printing; no DNS, by design: a
 * reproduction must target exactly the address it was given. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

static int
port_of(const char *s, int allow_zero, unsigned *port)
{
	char		*end;
	unsigned long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > 65535 || (v == 0 && !allow_zero))
		return -1;
	*port = (unsigned)v;
	return 0;
}

const char *
endpoint_parse(const char *s, int allow_zero, struct endpoint *ep)
{
	const char		*expected = "ADDR:PORT such as 127.0.0.1:1143 or [::1]:1143";
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ep->ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ep->ss;
	char			 host[INET6_ADDRSTRLEN + 1];
	const char		*colon, *hs;
	size_t			 hlen;
	unsigned		 port;

	memset(ep, 0, sizeof(*ep));
	if (s[0] == '[') {
		colon = strstr(s, "]:");
		hs = s + 1;
		hlen = colon ? (size_t)(colon - hs) : 0;
		colon = colon ? colon + 1 : NULL;
	} else {
		colon = strrchr(s, ':');
		hs = s;
		hlen = colon ? (size_t)(colon - s) : 0;
	}
	if (colon == NULL || hlen == 0 || hlen >= sizeof(host) ||
	    port_of(colon + 1, allow_zero, &port) == -1)
		return expected;
	memcpy(host, hs, hlen);
	host[hlen] = '\0';
	if (s[0] != '[' && inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		ep->len = sizeof(*sin);
		return NULL;
	}
	if (s[0] == '[' && inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		ep->len = sizeof(*sin6);
		return NULL;
	}
	return expected;
}

void
endpoint_format(const struct sockaddr *sa, char *buf, size_t bufsz)
{
	char	host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, bufsz, "%s:%u", host, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, bufsz, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else
		snprintf(buf, bufsz, "(family %d)", sa->sa_family);
}

unsigned
endpoint_port(const struct endpoint *ep)
{
	if (ep->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&ep->ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&ep->ss)->sin_port);
}
