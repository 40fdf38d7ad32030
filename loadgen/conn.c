/* conn.c: one session's transport: a plain connection is one
 * edge-triggered event and two evbuffers, TLS an OpenSSL bufferevent
 * (tls.c); either way the session gets the same events (conn.h), and the
 * close goes FIN-first and honest over both. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "addr.h"
#include "bind.h"
#include "cdefs.h"
#include "conn.h"
#include "log.h"
#include "sock.h"
#include "tls.h"

/* Bytes one plain recv() takes at most, as libevent's bufferevents. */
#define CONN_READ_MAX	16384

struct conn {
	int			 fd;		/* ours to close, bev or not */
	uint64_t		 id;		/* the session's, for the log */
	const struct endpoint	*ep;
	int			 tls_next;	/* --tls: TLS once connected */
	int			 connecting;	/* connect() said EINPROGRESS */
	int			 handshaking;	/* TLS, not yet ready */
	int			 closing;	/* after conn_finish() */
	int			 err;		/* errno of our own send() */
	unsigned		 sends;		/* plain: conn_write calls */
	const char		*error;		/* for conn_error() */
	struct event		*ev;		/* plain: connect, reads and
						 * writes, one edge-triggered
						 * event; TLS: the last FIN */
	struct evbuffer		*in;		/* plain: what recv() read */
	struct evbuffer		*out;		/* plain: what send() left */
	struct bufferevent	*bev;		/* TLS: OpenSSL's */
	conn_cb			 cb;
	void			*arg;
};

static struct event_base	*base;
static size_t			 input_max;

void
conn_init(struct event_base *b, size_t max)
{
	base = b;
	input_max = max;
}

static int
conn_report(struct conn *c, enum conn_event ev, int err)
{
	return c->cb(c, ev, err, c->arg);
}

static int
conn_fail(struct conn *c, int err, const char *where)
{
	c->error = where;
	return conn_report(c, CONN_ERROR, err);
}

struct conn *
conn_open(const struct endpoint *ep, uint64_t id, int tls, conn_cb cb,
    void *arg)
{
	struct conn	*c;
	int		 fd;

	fd = socket(ep->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("calloc");
	c->fd = fd;
	c->id = id;
	c->ep = ep;
	c->tls_next = tls;
	c->cb = cb;
	c->arg = arg;
	return c;
}

int
conn_bind(struct conn *c, uint64_t turn)
{
	return bind_socket(c->fd, c->ep->ss.ss_family, turn);
}

/* The plain connection's event and buffers (STARTTLS hands the socket on
 * to TLS without them). */
static void
conn_plain_free(struct conn *c)
{
	if (c->ev != NULL)
		event_free(c->ev);
	if (c->in != NULL)
		evbuffer_free(c->in);
	if (c->out != NULL)
		evbuffer_free(c->out);
	c->ev = NULL;
	c->in = c->out = NULL;
}

/* Connected: the session's turn, then with --tls the handshake; -1 when
 * the plain event no longer serves the conn. */
static int
conn_connected(struct conn *c)
{
	c->connecting = 0;
	if (conn_report(c, CONN_CONNECTED, 0) == -1)
		return -1;
	if (c->tls_next) {
		conn_start_tls(c);
		return -1;
	}
	return 0;
}

/*
 * The socket's first event: the handshake finished, one way or the
 * other.  Writable and not readable (EPOLLOUT alone) is established with
 * no error pending: a failed handshake always reads as readable too
 * (EPOLLERR and EPOLLHUP come as both).  Readable, a plain connection
 * learns which from its first recv() (conn_recv_connect), a system call
 * it makes anyway; one going on to TLS asks SO_ERROR and leaves the bytes
 * to OpenSSL.  -1 when the plain event no longer serves the conn.
 */
static int
conn_connect_done(struct conn *c, short events)
{
	int		err = 0;
	socklen_t	len = sizeof(err);

	if (!(events & (EV_READ | EV_CLOSED)))
		return conn_connected(c);
	if (!c->tls_next)
		return 0;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		conn_fail(c, err, "SO_ERROR");
		return -1;
	}
	return conn_connected(c);
}

/* The first read of a plain connection still connecting ends its
 * handshake: bytes, end of file or nothing yet mean it was established;
 * an error is the handshake's own, the socket's pending error (what
 * SO_ERROR would say, and it clears it the same way).  -1 when the conn
 * no longer reads. */
static int
conn_recv_connect(struct conn *c, ssize_t n, int err)
{
	if (n == -1 && err == EINTR)
		return 0;
	if (n == -1 && err != EAGAIN && err != EWOULDBLOCK) {
		conn_fail(c, err, "SO_ERROR");
		return -1;
	}
	return conn_connected(c);
}

/*
 * A plain socket's bytes, read until the kernel has no more.  Edge
 * triggered: a read shorter than asked for emptied the queue, and what
 * comes later is a new edge; only a FIN already in (EV_CLOSED, from
 * EPOLLRDHUP) still has to be read, as end of file.  An RST already in
 * is no new edge either, and libevent reports it (EPOLLERR) as read and
 * write, never EV_CLOSED: so a session that sent nothing in answer,
 * still waiting, reads once more to find it.  A session that did send
 * found it there (ECONNRESET from send()).  One static buffer,
 * copied into c->in: reserving room in the evbuffer would allocate 16 KiB
 * per read, and malloc would grow and trim the heap (brk) per session.
 */
static void
conn_recv(struct conn *c, short events)
{
	static char	rbuf[CONN_READ_MAX];
	size_t		room;
	ssize_t		n;
	int		err;
	unsigned	sends;

	for (;;) {
		/* Room for input_max, never more; past that one byte, and
		 * the session finds its line too long. */
		room = evbuffer_get_length(c->in) < input_max ?
		    input_max - evbuffer_get_length(c->in) : 1;
		if (room > sizeof(rbuf))
			room = sizeof(rbuf);
		n = recv(c->fd, rbuf, room, MSG_DONTWAIT);
		err = errno;
		if (c->connecting && conn_recv_connect(c, n, err) == -1)
			return;
		if (n > 0) {
			if (evbuffer_add(c->in, rbuf, (size_t)n) == -1)
				fatalx("evbuffer_add");
			sends = c->sends;
			if (conn_report(c, CONN_DATA, 0) == -1 || c->err != 0)
				return;
			if ((size_t)n < room && !(events & EV_CLOSED) &&
			    c->sends != sends)
				return;
		} else if (n == 0) {
			conn_report(c, CONN_EOF, 0);
			return;
		} else if (err == EAGAIN || err == EWOULDBLOCK)
			return;
		else if (err != EINTR) {
			conn_fail(c, err, "read");
			return;
		}
	}
}

/* What send() left, now that the socket is writable again; -1 when the
 * conn no longer serves. */
static int
conn_flush(struct conn *c)
{
	struct evbuffer_iovec	v;
	ssize_t			n;

	while (c->out != NULL && evbuffer_peek(c->out, -1, NULL, &v, 1) > 0) {
		n = send(c->fd, v.iov_base, v.iov_len, MSG_NOSIGNAL |
		    MSG_DONTWAIT);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			conn_fail(c, errno, "write");
			return -1;
		}
		if (evbuffer_drain(c->out, (size_t)n) == -1)
			fatalx("evbuffer_drain");
	}
	return 0;
}

/* The plain connection's one event: the connect's end, a write error
 * found by conn_write, room for what it left, bytes to read. */
static void
conn_io(evutil_socket_t fd UNUSED, short events, void *arg)
{
	struct conn	*c = arg;

	if (c->connecting && conn_connect_done(c, events) == -1)
		return;
	if (c->err != 0) {
		conn_fail(c, c->err, "write");
		return;
	}
	if ((events & EV_WRITE) && conn_flush(c) == -1)
		return;
	if (events & (EV_READ | EV_CLOSED))
		conn_recv(c, events);
}

/*
 * connect() ourselves: bufferevent_socket_connect would hide the errno,
 * and EADDRNOTAVAIL from connect() is the very failure we measure.  One
 * edge-triggered event then serves the whole plain connection: added
 * once, never changed, and gone from epoll with close(), where a
 * level-triggered reader would need the write interest turned on and
 * off around every connect and leftover.
 */
int
conn_connect(struct conn *c)
{
	int	rc;

	rc = connect(c->fd, (const struct sockaddr *)&c->ep->ss, c->ep->len);
	/* EINTR: the connection still goes on in the background. */
	if (rc == -1 && errno != EINPROGRESS && errno != EINTR)
		return -1;
	if ((c->ev = event_new(base, c->fd, EV_READ | EV_WRITE | EV_CLOSED |
	    EV_ET | EV_PERSIST, conn_io, c)) == NULL ||
	    event_add(c->ev, NULL) == -1 || (c->in = evbuffer_new()) == NULL)
		fatalx("conn: event");
	if (rc == 0)
		conn_connected(c);
	else
		c->connecting = 1;
	return 0;
}

/*
 * Under TLS, after the server's close_notify (or a bare FIN): the TCP
 * FIN itself, read on the socket with anything before it discarded, so
 * that we close only once the server has (no RST, and in --close client
 * the port is in TIME_WAIT when the session counts).
 */
static void
conn_tls_fin(evutil_socket_t fd, short events UNUSED, void *arg)
{
	struct conn	*c = arg;
	char		 buf[4096];
	ssize_t		 n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	if (n == 0) {
		conn_report(c, CONN_EOF, 0);
		return;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		conn_fail(c, errno, "recv");
		return;
	}
	if (c->ev == NULL && (c->ev = event_new(base, c->fd,
	    EV_READ | EV_PERSIST, conn_tls_fin, c)) == NULL)
		fatalx("event_new");
	event_add(c->ev, NULL);
}

/* TLS: OpenSSL's bufferevent decrypted more; its read high-watermark
 * bounds how much one wakeup sees. */
static void
conn_tls_read(struct bufferevent *bev UNUSED, void *arg)
{
	conn_report(arg, CONN_DATA, 0);
}

/* The stream's end under TLS: at once, unless the session awaits the FIN
 * and nothing came before it that it must see first. */
static void
conn_tls_eof(struct conn *c)
{
	if (!c->closing || evbuffer_get_length(conn_input(c)) > 0) {
		conn_report(c, CONN_EOF, 0);
		return;
	}
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	conn_tls_fin(c->fd, EV_READ, c);
}

static void
conn_tls_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;
	int		 err = errno;

	if (what & BEV_EVENT_CONNECTED) {
		c->handshaking = 0;
		conn_report(c, CONN_TLS_READY, 0);
	} else if (c->handshaking)
		conn_fail(c, 0, tls_error(bev));
	else if (what & BEV_EVENT_EOF)
		conn_tls_eof(c);
	else if (err != 0)
		conn_fail(c, err, (what & BEV_EVENT_READING) ? "read" :
		    "write");
	else
		conn_fail(c, 0, tls_error(bev));
}

void
conn_start_tls(struct conn *c)
{
	/* The plain event and buffers: TLS reads through the bufferevent,
	 * and conn_tls_fin makes its own event. */
	conn_plain_free(c);
	c->bev = tls_connect(base, c->fd, c->ep);
	c->handshaking = 1;
	bufferevent_setcb(c->bev, conn_tls_read, NULL, conn_tls_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, input_max);
	if (bufferevent_enable(c->bev, EV_READ | EV_WRITE) == -1)
		fatalx("bufferevent_enable");
}

/*
 * A command is a few dozen bytes and the socket's send buffer is nearly
 * always empty: send it now.  What the kernel does not take waits in
 * c->out for the socket to become writable (conn_flush); an error is
 * reported from the loop, since callers still use the conn.  Under TLS
 * the bufferevent encrypts and sends.
 */
void
conn_write(struct conn *c, const void *buf, size_t len)
{
	ssize_t	n = 0;

	if (c->bev != NULL) {
		if (bufferevent_write(c->bev, buf, len) == -1)
			fatalx("bufferevent_write");
		return;
	}
	c->sends++;
	if (c->out == NULL || evbuffer_get_length(c->out) == 0) {
		n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == (ssize_t)len)
			return;
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
			c->err = errno;
			event_active(c->ev, EV_WRITE, 0);
			return;
		}
		if (n == -1)
			n = 0;
		log_debug("session id=%llu sent %zd of %zu bytes, the rest "
		    "when writable", (unsigned long long)c->id, n, len);
	}
	if (c->out == NULL && (c->out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	if (evbuffer_add(c->out, (const char *)buf + n, len - (size_t)n) == -1)
		fatalx("evbuffer_add");
}

struct evbuffer *
conn_input(struct conn *c)
{
	return c->bev != NULL ? bufferevent_get_input(c->bev) : c->in;
}

/* The kernel's TCP state of our socket (TCP_ESTABLISHED ...), or -1. */
static int
conn_tcp_state(int fd)
{
	struct tcp_info	ti;
	socklen_t	len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return -1;
	return ti.tcpi_state;
}

int
conn_unread(struct conn *c, int *fin)
{
	char	ch;
	ssize_t	n;

	*fin = 0;
	if (evbuffer_get_length(conn_input(c)) > 0)
		return 1;
	/* Under TLS the kernel's queue holds records, not IMAP: a
	 * close_notify or a session ticket is no stray byte.  What OpenSSL
	 * decrypted is in libevent's buffer, checked above; whether the
	 * server's FIN is in, the TCP state says (CLOSE_WAIT). */
	if (c->bev != NULL) {
		*fin = conn_tcp_state(c->fd) == TCP_CLOSE_WAIT;
		return 0;
	}
	n = recv(c->fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0)
		return 1;
	if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
		return -1;
	*fin = n == 0;
	return 0;
}

/*
 * Half-close, then wait for the server's FIN before the session counts
 * as complete.  Our FIN still goes first, so the TIME_WAIT is ours;
 * waiting means a byte the server sends late is seen (a plain close()
 * would answer it with RST and no TIME_WAIT), and the port is in
 * TIME_WAIT, not FIN_WAIT_2, when the session is counted.
 */
int
conn_finish(struct conn *c, int fin_first)
{
	c->closing = 1;
	if (!fin_first)
		return 0;
	if (c->bev != NULL && tls_close_notify(c->bev) == -1)
		log_debug("session id=%llu close_notify not sent",
		    (unsigned long long)c->id);
	return shutdown(c->fd, SHUT_WR);
}

/* Abortive close: the close sends RST, so neither side keeps TIME_WAIT
 * (counted by the kernel as TCPAbortOnData). */
int
conn_reset(struct conn *c)
{
	return sock_reset_on_close(c->fd);
}

const char *
conn_error(const struct conn *c)
{
	return c->error;
}

void
conn_free(struct conn *c)
{
	if (c->bev != NULL)
		tls_bev_free(c->bev);
	conn_plain_free(c);
	/* No SO_LINGER (but for conn_reset): close() sends FIN, and the
	 * side that sends the first FIN is left in TIME_WAIT.  Ours to
	 * close, now: libevent would close it only once the callback
	 * running now returns, after the session was counted, and the FIN
	 * (the server's TIME_WAIT in --close server) late. */
	close(c->fd);
	free(c);
}
