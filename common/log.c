/* log.c: one line per message on stderr, prefixed with the program name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"

static const char	*log_progname = "ephemera";
static int		 log_debug_on;
static int		 log_status_on;	/* a status line is on the terminal */

static void __attribute__((format(printf, 2, 0)))
log_vline(const char *errstr, const char *fmt, va_list ap)
{
	char	msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* A message goes where the status line was, on a line of its own;
	 * the status line comes back at its next redraw. */
	if (log_status_on) {
		fputs("\r\033[K", stderr);
		log_status_on = 0;
	}
	if (errstr != NULL)
		fprintf(stderr, "%s: %s: %s\n", log_progname, msg, errstr);
	else
		fprintf(stderr, "%s: %s\n", log_progname, msg);
}

/* libevent reports its own trouble (bad fds, allocation) here. */
static void
log_libevent(int severity, const char *msg)
{
	if (severity == EVENT_LOG_DEBUG && !log_debug_on)
		return;
	log_warnx("libevent: %s", msg);
}

void
log_init(const char *progname, int debug)
{
	log_progname = progname;
	log_debug_on = debug;
	event_set_log_callback(log_libevent);
}

void
log_status_drawn(int on)
{
	log_status_on = on;
}

int
log_debug_enabled(void)
{
	return log_debug_on;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	char	errbuf[256];
	int	saved = errno;

	va_start(ap, fmt);
	log_vline(strerror_r(saved, errbuf, sizeof(errbuf)), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline(NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	log_vline(NULL, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	char	errbuf[256];
	int	saved = errno;

	va_start(ap, fmt);
	log_vline(strerror_r(saved, errbuf, sizeof(errbuf)), fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline(NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

void
usage_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline(NULL, fmt, ap);
	va_end(ap);
	exit(2);
}
