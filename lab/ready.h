/* ready.h: is a server up?  Its IMAP greeting says so. */
#ifndef EPHEMERA_READY_H
#define EPHEMERA_READY_H

#include <stddef.h>

#include "spawn.h"

/*
 * Connect to `addrport` (ADDR:PORT) until a connection is accepted and
 * greets with "* OK" or "* PREAUTH" (RFC 3501 7.1), within timeout_ms.
 * Each probe is reset, never closed, so that it leaves no TIME_WAIT for
 * the run to count.  Gives up early when `p` exits.  Returns 0, or -1
 * with what went wrong in err.
 */
int	ready_wait_greeting(const char *addrport, struct proc *p,
	    int timeout_ms, char *err, size_t errsz);

#endif
