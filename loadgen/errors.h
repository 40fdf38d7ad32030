/* errors.h: an errno as loadgen reports it. */
#ifndef LOADGEN_ERRORS_H
#define LOADGEN_ERRORS_H

#include "stats.h"

/* The failure class of errno `err` (other when none fits). */
enum reason	 reason_from_errno(int err);
/* "EADDRNOTAVAIL" for EADDRNOTAVAIL; "" for 0 or an unknown number. */
const char	*errno_name(int err);
/* The Windows Sockets error a Windows client would have seen for errno
 * `err` ("WSAEADDRINUSE", 10048 for EADDRNOTAVAIL, KB 319502); NULL and 0
 * if there is no close equivalent. */
const char	*windows_error(int err, int *code);

#endif
