/* session.h: one IMAP connection, its state machine and its lifetime. */
#ifndef FAKE_IMAPD_SESSION_H
#define FAKE_IMAPD_SESSION_H

#include <sys/socket.h>

#include "log.h"

struct config;
struct event_base;
struct evbuffer;
struct mailbox_view;
struct session;

/* Consecutive BAD answers before "* BYE too many errors". */
#define SESSION_BADS_MAX	10

/*
 * RFC 3501 3: the connection states, plus our own around them.  NEW is a
 * connection accepted and not yet admitted.  GREETING waits out
 * --greeting-delay.  IDLE is RFC 2177's, from "+ idling" to DONE;
 * AUTHENTICATE waits for the client's SASL response after "+ ".  LOGOUT
 * lasts from the LOGOUT command until its replies are flushed; then,
 * with --logout-close client or never, LOGOUT_WAIT waits for the
 * client's FIN.  CLOSING frees the session once the output is flushed.
 * BYE and DRAINING are a close we start: BYE until our BYE is flushed,
 * then our FIN, then DRAINING discards input until the client's FIN,
 * since closing with unread input would send an RST instead (RFC 1122
 * 4.2.2.13) and the client could lose our BYE.  TLS_HANDSHAKE waits for
 * the client's handshake: before the greeting on a TLS listener, after
 * STARTTLS (RFC 3501 6.2.1) otherwise; STARTTLS lasts from that command
 * until its tagged OK is flushed, discarding whatever the client sent
 * after it.  Each state has at most one timeout, set on entering it.
 */
enum session_state {
	STATE_NEW,
	STATE_TLS_HANDSHAKE,
	STATE_STARTTLS,
	STATE_GREETING,
	STATE_NOT_AUTHENTICATED,
	STATE_AUTHENTICATED,
	STATE_SELECTED,
	STATE_IDLE,
	STATE_AUTHENTICATE,
	STATE_LOGOUT,
	STATE_LOGOUT_WAIT,
	STATE_CLOSING,
	STATE_BYE,
	STATE_DRAINING,
};
#define STATE_COUNT	(STATE_DRAINING + 1)
#define STATE_BIT(st)	(1u << (st))

void	session_setup(struct event_base *, const struct config *);
/* A connection accepted on a plaintext (tls 0) or TLS (tls 1) listener. */
void	session_new(struct event_base *, int fd, const struct sockaddr *,
	    int tls);
void	session_free_all(void);
/* Admitted sessions now open (not those refused over the limit). */
unsigned long long session_active(void);

/* For the command handlers: what they may read of a session. */
enum session_state session_state(const struct session *);
void	session_reply(struct session *, const char *, ...) PRINTF_LIKE(2, 3);
/* A BAD answer, tagged (or untagged when tag is NULL); counted towards
 * SESSION_BADS_MAX. */
void	session_bad(struct session *, const char *tag, const char *, ...)
	    PRINTF_LIKE(3, 4);
/* TLS is on: a TLS listener, or after STARTTLS. */
int	session_tls_active(const struct session *);
/* STARTTLS may be used now (and so is advertised): plaintext, TLS
 * configured, not logged in. */
int	session_starttls_offered(const struct session *);
/* LOGIN and AUTHENTICATE may be used: not --login-disabled, or over TLS
 * (RFC 3501 6.2.3, LOGINDISABLED). */
int	session_login_allowed(const struct session *);
/* Where replies go, for handlers that write literals themselves. */
struct evbuffer *session_output(struct session *);
/* The selected mailbox: never NULL in SELECTED, always NULL outside it
 * (and outside IDLE begun in it). */
struct mailbox_view *session_view(struct session *);

/*
 * What the command handlers ask of a session, each after queuing its
 * replies.  Only session.c changes the state; these keep the open mailbox
 * and the state in step, and each state's timer follows from the state.
 */
/* Log in as `user` (checked already): enter AUTHENTICATED, or not, when
 * --max-userip-connections are logged in as that user from that address. */
enum session_login {
	SESSION_LOGIN_OK,
	SESSION_LOGIN_LIMIT,
	SESSION_LOGIN_NOMEM,
};
enum session_login session_login(struct session *, const char *user,
	    size_t ulen);
/* SELECT or EXAMINE succeeded: SELECTED, in `v` (the session's now). */
void	session_select(struct session *, struct mailbox_view *v);
/* CLOSE, UNSELECT, or a SELECT that may fail: no mailbox open, and
 * AUTHENTICATED when SELECTED. */
void	session_unselect(struct session *);
/* LOGOUT's BYE and tagged OK are queued: close as --logout-close says. */
void	session_logout(struct session *);
/* STARTTLS's tagged OK was just queued: once it is flushed, the handshake
 * starts; nothing read after the command is ever a command. */
void	session_starttls(struct session *);
/* IDLE's "+" was sent: the next line, DONE, ends command `tag`. */
void	session_idle(struct session *, const char *tag);
/* AUTHENTICATE's "+ " was sent: the next line is the client's SASL
 * response to command `tag`, handed to commands_continue. */
void	session_authenticate(struct session *, const char *tag);

#endif
