/* conn.h: the transport under one session: a TCP connection, plain or
 * TLS (--tls, or STARTTLS later), seen only through its events. */
#ifndef LOADGEN_CONN_H
#define LOADGEN_CONN_H

#include <stddef.h>
#include <stdint.h>

struct conn;
struct endpoint;
struct event_base;
struct evbuffer;

enum conn_event {
	CONN_CONNECTED,	/* the TCP handshake is done */
	CONN_TLS_READY,	/* the TLS handshake is done */
	CONN_DATA,	/* conn_input() has more bytes */
	CONN_EOF,	/* the server's stream ended; after conn_finish(), its
			 * FIN is in (under TLS, past its close_notify) */
	CONN_ERROR,	/* err: an errno, or 0 when TLS failed; conn_error()
			 * says where or why */
};

/*
 * The session's one callback.  -1 says stop: the conn was freed, or went
 * over to TLS (conn_start_tls), and the bytes of this wakeup are no longer
 * its to read.
 */
typedef int	(*conn_cb)(struct conn *, enum conn_event, int err, void *);

/* `input_max`: the most bytes conn_input() holds before the session takes
 * a line, one maximal line and its CRLF. */
void		 conn_init(struct event_base *, size_t input_max);
/* socket() toward `ep`; NULL with errno.  `tls`: the handshake starts by
 * itself once connected (--tls).  `id` names it in the log. */
struct conn	*conn_open(const struct endpoint *ep, uint64_t id, int tls,
		    conn_cb, void *arg);
/* bind.c's source for the socket; -1 with errno. */
int		 conn_bind(struct conn *, uint64_t turn);
/* connect(); -1 with errno.  CONN_CONNECTED may come before it returns. */
int		 conn_connect(struct conn *);
/* The client handshake, now, on the connected socket (STARTTLS). */
void		 conn_start_tls(struct conn *);
/* Queue `len` bytes; a failure comes later, as CONN_ERROR. */
void		 conn_write(struct conn *, const void *, size_t);
/* What the server sent (under TLS, decrypted) and nobody took yet. */
struct evbuffer	*conn_input(struct conn *);
/* Whether bytes nobody asked for wait, read or still in the kernel: 1 if
 * so, 0 if not, -1 with errno; *fin: the server's FIN is already in. */
int		 conn_unread(struct conn *, int *fin);
/* The last reply is read: CONN_EOF waits for the server's FIN from now on.
 * `fin_first`: our close_notify (TLS) and our FIN go out now, so the
 * TIME_WAIT is ours.  -1 with errno if shutdown() failed. */
int		 conn_finish(struct conn *, int fin_first);
/* SO_LINGER {1,0}: conn_free() will send RST; -1 with errno. */
int		 conn_reset(struct conn *);
/* Where CONN_ERROR came from ("read", "SO_ERROR") or TLS's reason. */
const char	*conn_error(const struct conn *);
/* Close the socket now (the FIN goes before the caller counts the
 * session) and free the rest. */
void		 conn_free(struct conn *);

#endif
