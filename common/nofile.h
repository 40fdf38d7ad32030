/* nofile.h: the open-files limit a connection-churning program needs. */
#ifndef EPHEMERA_NOFILE_H
#define EPHEMERA_NOFILE_H

#include <stdint.h>

/* Raise the soft RLIMIT_NOFILE to the hard limit (every connection is a
 * descriptor).  Returns the soft limit now in force, or 0 when unknown;
 * failures are logged. */
uint64_t	nofile_raise(void);

#endif
