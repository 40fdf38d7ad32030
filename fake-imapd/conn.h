/* conn.h: the transport under one session: an accepted socket, plain or
 * TLS (a TLS listener, or STARTTLS later), seen only through its events
 * and its two buffers.  The session state machine never sees a socket
 * call but for the close it chooses (shutdown, SO_LINGER). */
#ifndef FAKE_IMAPD_CONN_H
#define FAKE_IMAPD_CONN_H

#include <stddef.h>

struct conn;
struct event_base;
struct evbuffer;

enum conn_event {
	CONN_DATA,	/* conn_input() has bytes for the session */
	CONN_DRAINED,	/* what conn_output() held has all reached the
			 * kernel (reported after a write, as libevent's
			 * write callback at low watermark 0) */
	CONN_TLS_READY,	/* the TLS handshake is done */
	CONN_EOF,	/* the client's FIN; under TLS its close_notify or a
			 * bare FIN (the TCP FIN may still be on its way) */
	CONN_ERROR,	/* a socket error, or TLS failed: conn_error() */
};

/* The session's one callback.  It may conn_free() the conn. */
typedef void	(*conn_cb)(struct conn *, enum conn_event, void *);

/* `input_max`: the most conn_input() holds before the session takes a
 * line: one longest line, its CRLF and a little more. */
void		 conn_setup(struct event_base *, size_t input_max);
/* The accepted socket `fd` as a conn, plain or (tls 1) waiting for the
 * client's TLS handshake.  NULL when out of memory, the socket closed. */
struct conn	*conn_new(int fd, int tls, conn_cb, void *arg);
/* What the client sent (under TLS, decrypted) and the session has not
 * taken yet; and where the session queues its replies, sent on their
 * own (plain: right after the callback that queued them). */
struct evbuffer	*conn_input(struct conn *);
struct evbuffer	*conn_output(struct conn *);
int		 conn_fd(const struct conn *);
/* Read no more: what the client sends from now on stays in the kernel. */
void		 conn_read_stop(struct conn *);
/* Hold the output back (1) or send it again (0): --command-delay. */
void		 conn_hold_output(struct conn *, int hold);
/* CONN_DATA again on a later loop turn, after the other connections:
 * the session stopped at its per-wakeup cap with input left. */
void		 conn_read_later(struct conn *);
/* STARTTLS: the handshake starts on the same socket; what was read in
 * clear and not taken is dropped.  -1 when out of memory (the socket is
 * then left open rather than closed under a number maybe reused). */
int		 conn_start_tls(struct conn *);
/* Under TLS our close_notify, corked for the FIN the caller's
 * shutdown(SHUT_WR) sends; nothing in clear. */
void		 conn_close_notify(struct conn *);
/* The negotiated protocol ("TLSv1.3"), for the log. */
const char	*conn_tls_version(struct conn *);
/* OpenSSL's reason for a TLS failure, or NULL; taken once. */
const char	*conn_tls_error(struct conn *);
/* The socket error of CONN_ERROR, as text. */
const char	*conn_error(const struct conn *);
/* Close the socket now and free the rest (or keep it for the next
 * connection). */
void		 conn_free(struct conn *);
/* Give back the conns kept for reuse (at exit). */
void		 conn_free_all(void);

#endif
