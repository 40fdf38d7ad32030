/* errors.c: what an errno means for loadgen's report: its failure class,
 * its name, and the Windows Sockets error a Windows client would have
 * seen in its place (KB 319502, KB 196271). */
#include <errno.h>
#include <string.h>

#include "errors.h"

enum reason
reason_from_errno(int err)
{
	switch (err) {
	case EADDRNOTAVAIL:
		return REASON_EADDRNOTAVAIL;
	case EADDRINUSE:
		return REASON_EADDRINUSE;
	case ECONNREFUSED:
		return REASON_ECONNREFUSED;
	case ECONNRESET:
	case EPIPE:	/* a write after the peer reset us */
		return REASON_ECONNRESET;
	case ETIMEDOUT:	/* the kernel gave up retransmitting SYN */
		return REASON_ETIMEDOUT;
	case EMFILE:
	case ENFILE:
		return REASON_EMFILE;
	default:
		return REASON_OTHER;
	}
}

const char *
errno_name(int err)
{
	const char	*name;

	if (err == 0 || (name = strerrorname_np(err)) == NULL)
		return "";
	return name;
}

const char *
windows_error(int err, int *code)
{
	switch (err) {
	case EADDRNOTAVAIL:	/* KB 319502: connect() out of ports */
	case EADDRINUSE:	/* bind() to a port still held */
		*code = 10048;
		return "WSAEADDRINUSE";
	case ENOBUFS:		/* KB 196271: the same exhaustion, elsewhere */
		*code = 10055;
		return "WSAENOBUFS";
	case ECONNREFUSED:
		*code = 10061;
		return "WSAECONNREFUSED";
	case ETIMEDOUT:
		*code = 10060;
		return "WSAETIMEDOUT";
	case ECONNRESET:
	case EPIPE:		/* Winsock reports a send after RST as reset */
		*code = 10054;
		return "WSAECONNRESET";
	case EMFILE:
	case ENFILE:
		*code = 10024;
		return "WSAEMFILE";
	default:
		*code = 0;
		return NULL;
	}
}
