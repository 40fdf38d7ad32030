/* session.h: one IMAP connection, its state machine and its lifetime. */
#ifndef FAKE_IMAPD_SESSION_H
#define FAKE_IMAPD_SESSION_H

#include <sys/socket.h>

#include "log.h"

struct config;
struct event_base;
struct session;

/* Longest command line, without CRLF, that we read: RFC 3501 leaves it
 * to the server, RFC 7162 4 asks clients to stay near 8192 octets. */
#define SESSION_LINE_MAX	8192

/*
 * RFC 3501 3: the connection states, plus two of our own for closing.
 * LOGOUT lasts from the LOGOUT command until the socket closes.  CLOSING
 * frees the session once the output is flushed.  DRAINING is a close we
 * start (after BYE): FIN once flushed, then discard input until the
 * client's FIN, since closing with unread input would send an RST instead
 * (RFC 1122 4.2.2.13) and the client could lose our BYE.
 */
enum session_state {
	STATE_NOT_AUTHENTICATED,
	STATE_AUTHENTICATED,
	STATE_LOGOUT,
	STATE_CLOSING,
	STATE_DRAINING,
};
#define STATE_BIT(st)	(1u << (st))

struct session_stats {
	unsigned long long	accepted;
	unsigned long long	closed_by_client;	/* its FIN/RST first */
	unsigned long long	closed_by_server;	/* we closed first */
};

void	session_setup(const struct config *);
void	session_new(struct event_base *, int fd, const struct sockaddr *);
void	session_free_all(void);
const struct session_stats *session_stats(void);

/* For the command handlers. */
enum session_state session_state(const struct session *);
void	session_enter_state(struct session *, enum session_state);
void	session_reply(struct session *, const char *, ...) PRINTF_LIKE(2, 3);

#endif
