/* ready.c: wait for a server that has no readiness pipe (Dovecot, any
 * command line) by reading its greeting: a listening socket alone may
 * still belong to a master process whose login processes are not up. */
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "ready.h"
#include "sock.h"
#include "spawn.h"

#define READY_POLL_MS	20
#define GREETING_MAX	512

/* The close sends RST and the port is free at once.  Best effort: a
 * probe that cannot reset still closes. */
static void
reset_close(int s)
{
	(void)sock_reset_on_close(s);
	close(s);
}

/* One greeting line until `deadline`, without its CRLF.  1: a line (in
 * buf), 0: the server closed or time ran out first. */
static int
read_greeting(int s, long deadline, char *buf, size_t bufsz)
{
	if (!read_bounded(s, buf, bufsz, deadline, 1))
		return 0;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 1;
}

/* One probe.  1: greeted with OK or PREAUTH; 0: not yet; -1: greeted
 * with something else (in buf). */
static int
probe(const struct endpoint *ep, long deadline, char *buf, size_t bufsz)
{
	int	s, got;

	if ((s = socket(ep->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	if (connect(s, (const struct sockaddr *)&ep->ss, ep->len) == -1) {
		close(s);	/* never connected: nothing to reset */
		return 0;
	}
	got = read_greeting(s, deadline, buf, bufsz);
	reset_close(s);
	if (!got)
		return 0;
	if (strncmp(buf, "* OK", 4) == 0 || strncmp(buf, "* PREAUTH", 9) == 0)
		return 1;
	return -1;
}

int
ready_wait_greeting(const char *addrport, struct proc *p, int timeout_ms,
    char *err, size_t errsz)
{
	struct endpoint	 ep;
	char		 line[GREETING_MAX], how[32];
	long		 deadline = mono_ms() + timeout_ms;
	const char	*bad;
	int		 ignored = 0;

	if ((bad = endpoint_parse(addrport, 0, &ep)) != NULL) {
		snprintf(err, errsz, "%s: %s", addrport, bad);
		return -1;
	}
	while (mono_ms() < deadline) {
		switch (probe(&ep, deadline, line, sizeof(line))) {
		case 1:
			return 0;
		case -1:
			snprintf(err, errsz, "%s greeted with '%.200s', expected "
			    "'* OK' or '* PREAUTH'", addrport, line);
			return -1;
		}
		/* Not up yet: wait a little, or stop if it died. */
		if (proc_wait(p, READY_POLL_MS, NULL, 0, &ignored, NULL) == 0) {
			proc_describe(p, how, sizeof(how));
			snprintf(err, errsz, "%s exited at start (%s)", p->name,
			    how);
			return -1;
		}
	}
	snprintf(err, errsz, "no IMAP greeting from %s within %d ms", addrport,
	    timeout_ms);
	return -1;
}
