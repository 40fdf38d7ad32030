/* log.h: OpenBSD-style logging to stderr, shared by every program. */
#ifndef EPHEMERA_LOG_H
#define EPHEMERA_LOG_H

#include <stdarg.h>

#include "cdefs.h"

/* Set the program name that prefixes every line and whether debug lines
 * are printed.  Also routes libevent's own messages through log_warnx. */
void	log_init(const char *progname, int debug);
int	log_debug_enabled(void);
/* Whether a status line (no newline) is on stderr now: a message first
 * erases it. */
void	log_status_drawn(int on);

void	log_warn(const char *, ...) PRINTF_LIKE(1, 2);	/* adds strerror(errno) */
void	log_warnx(const char *, ...) PRINTF_LIKE(1, 2);
void	log_debug(const char *, ...) PRINTF_LIKE(1, 2);
__attribute__((noreturn))
void	fatal(const char *, ...) PRINTF_LIKE(1, 2);	/* exit 1, strerror */
__attribute__((noreturn))
void	fatalx(const char *, ...) PRINTF_LIKE(1, 2);	/* exit 1 */
/* Bad command-line input: one line naming the option, then exit 2. */
__attribute__((noreturn))
void	usage_error(const char *, ...) PRINTF_LIKE(1, 2);

#endif
