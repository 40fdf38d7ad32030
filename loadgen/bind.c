/* bind.c: source-side bind modes.  Which one a client uses changes how
 * port exhaustion looks: EADDRNOTAVAIL from connect(), EADDRINUSE from
 * bind(), or ports reused per destination. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bind.h"
#include "units.h"

/* <linux/in.h> values, for libcs that predate them. */
#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT	24
#endif
#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE	51
#endif

static const char *const mode_names[] = {
	[BIND_NONE] = "none",
	[BIND_ADDR] = "addr",
	[BIND_ADDR_NO_PORT] = "addr-no-port",
	[BIND_RANGE] = "range",
	[BIND_EXPLICIT] = "explicit",
};

static struct {
	struct bind_config	cfg;
	unsigned		next_port;	/* explicit: the next to try */
} bs;

const char *
bind_mode_name(enum bind_mode m)
{
	return mode_names[m];
}

static const char *
parse_range(const char *s, struct bind_config *bc)
{
	char		 buf[32];
	const char	*comma = strchr(s, ',');
	size_t		 len = comma != NULL ? (size_t)(comma - s) : strlen(s);

	if (len >= sizeof(buf))
		return "a port range LO-HI";
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (parse_port_range(buf, &bc->lo, &bc->hi) != NULL)
		return "a port range LO-HI";
	if (comma == NULL)
		return NULL;
	if (bc->mode == BIND_EXPLICIT && strcmp(comma, ",reuseaddr") == 0) {
		bc->reuseaddr = 1;
		return NULL;
	}
	return "only ',reuseaddr' after explicit:LO-HI";
}

const char *
bind_parse_mode(const char *s, struct bind_config *bc)
{
	const char	*expected = "none, addr, addr-no-port, range:LO-HI, "
			    "explicit:LO-HI or explicit:LO-HI,reuseaddr";

	bc->reuseaddr = 0;
	bc->lo = bc->hi = 0;
	if (strcmp(s, "none") == 0)
		bc->mode = BIND_NONE;
	else if (strcmp(s, "addr") == 0)
		bc->mode = BIND_ADDR;
	else if (strcmp(s, "addr-no-port") == 0)
		bc->mode = BIND_ADDR_NO_PORT;
	else if (strncmp(s, "range:", 6) == 0) {
		bc->mode = BIND_RANGE;
		return parse_range(s + 6, bc) == NULL ? NULL : expected;
	} else if (strncmp(s, "explicit:", 9) == 0) {
		bc->mode = BIND_EXPLICIT;
		return parse_range(s + 9, bc) == NULL ? NULL : expected;
	} else
		return expected;
	return NULL;
}

const char *
bind_add_source(const char *s, struct bind_config *bc)
{
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	char			 buf[INET6_ADDRSTRLEN + 2];
	size_t			 len = strlen(s);
	int			 k = bc->nsources;

	if (k == BIND_SOURCES_MAX)
		return "at most 64 source addresses";
	memset(&bc->sources[k], 0, sizeof(bc->sources[k]));
	sin = (struct sockaddr_in *)&bc->sources[k];
	sin6 = (struct sockaddr_in6 *)&bc->sources[k];
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		bc->source_len[k] = sizeof(*sin);
	} else {
		if (len >= 2 && s[0] == '[' && s[len - 1] == ']' &&
		    len - 2 < sizeof(buf)) {
			memcpy(buf, s + 1, len - 2);
			buf[len - 2] = '\0';
			s = buf;
		}
		if (inet_pton(AF_INET6, s, &sin6->sin6_addr) != 1)
			return "a numeric IPv4 or IPv6 address such as "
			    "127.0.0.2 or ::1";
		sin6->sin6_family = AF_INET6;
		bc->source_len[k] = sizeof(*sin6);
	}
	bc->nsources++;
	return NULL;
}

void
bind_format(const struct bind_config *bc, char *buf, size_t sz)
{
	if (bc->mode == BIND_RANGE || bc->mode == BIND_EXPLICIT)
		snprintf(buf, sz, "%s:%u-%u%s", mode_names[bc->mode], bc->lo,
		    bc->hi, bc->reuseaddr ? ",reuseaddr" : "");
	else
		snprintf(buf, sz, "%s", mode_names[bc->mode]);
}

static int
set_range(int fd, unsigned lo, unsigned hi)
{
	/* Upper bound in the high 16 bits, lower bound in the low 16. */
	uint32_t	v = ((uint32_t)hi << 16) | lo;

	return setsockopt(fd, IPPROTO_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));
}

const char *
bind_range_supported(int family)
{
	int	fd, rc, err;

	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return "a socket to probe IP_LOCAL_PORT_RANGE with";
	rc = set_range(fd, 40000, 40001);
	err = errno;
	close(fd);
	if (rc == 0)
		return NULL;
	if (err == ENOPROTOOPT || err == EINVAL)
		return "a kernel with IP_LOCAL_PORT_RANGE (Linux 6.3 or "
		    "later); this one refused it";
	return "IP_LOCAL_PORT_RANGE to be settable";
}

void
bind_init(const struct bind_config *bc)
{
	bs.cfg = *bc;
	bs.next_port = bc->lo;
}

/* The source address for session n with the given port; the wildcard
 * of the target's family when no --source was given. */
static socklen_t
source_addr(int family, uint64_t n, unsigned port,
    struct sockaddr_storage *ss)
{
	socklen_t	len;

	memset(ss, 0, sizeof(*ss));
	if (bs.cfg.nsources > 0) {
		int	k = (int)(n % (uint64_t)bs.cfg.nsources);

		memcpy(ss, &bs.cfg.sources[k], bs.cfg.source_len[k]);
		len = bs.cfg.source_len[k];
	} else {
		ss->ss_family = (sa_family_t)family;
		len = family == AF_INET ? sizeof(struct sockaddr_in) :
		    sizeof(struct sockaddr_in6);
	}
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	return len;
}

/* Explicit ports go lo, lo+1, ..., hi, lo, ... whether or not the last
 * bind worked, like a client that tracks its own ports. */
static unsigned
explicit_port(void)
{
	unsigned	port = bs.next_port;

	bs.next_port = port == bs.cfg.hi ? bs.cfg.lo : port + 1;
	return port;
}

static int
set_int(int fd, int level, int opt)
{
	int	one = 1;

	return setsockopt(fd, level, opt, &one, sizeof(one));
}

int
bind_socket(int fd, int family, uint64_t n)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	unsigned		port = 0;

	switch (bs.cfg.mode) {
	case BIND_NONE:
		return 0;
	case BIND_RANGE:
		if (set_range(fd, bs.cfg.lo, bs.cfg.hi) == -1)
			return -1;
		if (bs.cfg.nsources == 0)
			return 0;
		/* With a source address the port must still come from
		 * connect(), where the range applies per destination. */
		/* FALLTHROUGH */
	case BIND_ADDR_NO_PORT:
		if (set_int(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT) == -1)
			return -1;
		break;
	case BIND_EXPLICIT:
		port = explicit_port();
		if (bs.cfg.reuseaddr &&
		    set_int(fd, SOL_SOCKET, SO_REUSEADDR) == -1)
			return -1;
		break;
	case BIND_ADDR:
		break;
	}
	len = source_addr(family, n, port, &ss);
	return bind(fd, (struct sockaddr *)&ss, len);
}
