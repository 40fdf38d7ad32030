/* session.h: one IMAP client connection: connect, greeting, the --steps
 * list, close; with --mailboxes, requests (the list's mailbox steps)
 * between its authentication and its LOGOUT. */
#ifndef LOADGEN_SESSION_H
#define LOADGEN_SESSION_H

#include <stdint.h>

struct event_base;
struct endpoint;
struct session;
struct step_list;

/* Who closes the connection after the last reply, and how. */
enum close_mode {
	CLOSE_CLIENT,	/* we send the first FIN: TIME_WAIT is ours (KB 319502) */
	CLOSE_SERVER,	/* we wait for the server's FIN (RFC 3501 6.1.3) */
	CLOSE_RST,	/* SO_LINGER {1,0}: RST, no TIME_WAIT on either side */
	CLOSE_NO_LOGOUT,	/* as client, the list's LOGOUT dropped */
};

/* "client", "server", "rst", "no-logout"; -1 for anything else. */
int		 close_mode_parse(const char *);
const char	*close_mode_name(enum close_mode);

struct session_params {
	const struct endpoint	*targets;	/* round-robin by session id */
	int			 ntargets;
	uint64_t		 timeout_us;	/* per step */
	const struct step_list	*steps;		/* without LOGOUT: no-logout */
	const char		*user;		/* LOGIN, AUTHENTICATE PLAIN */
	const char		*password;
	enum close_mode		 close;
	int			 tls;		/* --tls: TLS right after connect */
	int			 bind;		/* bind.c prepares each socket */
	/* After each end, with how it ended (enum reason). */
	void			(*on_end)(int reason);
	/* --mailboxes: a request finished and the connection is idle; keep
	 * it or session_release() it.  -1 if the session ended meanwhile. */
	int			(*on_idle)(struct session *);
	/* --mailboxes: the session is ending (any reason), about to be freed. */
	void			(*on_gone)(struct session *);
};

void		session_init(struct event_base *,
		    const struct session_params *);
/* The commands session_init made. */
void		session_free_all(void);
/* Start session `id`, due at `due_us` by the schedule, now: its socket()
 * is attempted before this returns.  `mailbox` >= 0: a cache connection
 * opened for a request for that mailbox, which it serves after its
 * authentication; -1: connect, the steps, close. */
void		session_start(uint64_t id, uint64_t due_us, int64_t mailbox);
/* Run a request due at `due_us` on an idle cache connection. */
void		session_request(struct session *, uint64_t due_us);
/* Close an idle cache connection: LOGOUT and --close; -1 if it ended at
 * once (--close no-logout with unread bytes). */
int		session_release(struct session *);
int		session_is_idle(const struct session *);
uint64_t	session_id(const struct session *);
uint64_t	session_mailbox(const struct session *);
/* When its socket() was called: the connection's age counts from here. */
uint64_t	session_opened_us(const struct session *);
uint64_t	session_active(void);
/* Connections idle between requests. */
uint64_t	session_idle_count(void);
/* End every session still in flight as REASON_ABORTED. */
void		session_abort_all(void);

#endif
