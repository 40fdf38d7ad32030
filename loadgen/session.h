/* session.h: one IMAP client connection: connect, LOGIN, LOGOUT, close. */
#ifndef LOADGEN_SESSION_H
#define LOADGEN_SESSION_H

#include <stdint.h>

struct event_base;
struct endpoint;

/* Who closes the connection after the last reply, and how. */
enum close_mode {
	CLOSE_CLIENT,	/* we send the first FIN: TIME_WAIT is ours (KB 319502) */
	CLOSE_SERVER,	/* we wait for the server's FIN (RFC 3501 6.1.3) */
	CLOSE_RST,	/* SO_LINGER {1,0}: RST, no TIME_WAIT on either side */
	CLOSE_NO_LOGOUT,	/* our FIN right after the LOGIN reply, no LOGOUT */
};

/* "client", "server", "rst", "no-logout"; -1 for anything else. */
int		 close_mode_parse(const char *);
const char	*close_mode_name(enum close_mode);

struct session_params {
	const struct endpoint	*targets;	/* round-robin by session id */
	int			 ntargets;
	uint64_t		 timeout_us;	/* per step */
	const char		*login;		/* "a1 LOGIN ... \r\n" */
	enum close_mode		 close;
	int			 bind;		/* bind.c prepares each socket */
	/* After each end, with how it ended (enum reason). */
	void			(*on_end)(int reason);
};

void		session_init(struct event_base *,
		    const struct session_params *);
/* Start session `id`, due at `due_us` by the schedule, now: its socket()
 * is attempted before this returns. */
void		session_start(uint64_t id, uint64_t due_us);
uint64_t	session_active(void);
/* End every session still in flight as REASON_ABORTED. */
void		session_abort_all(void);

#endif
