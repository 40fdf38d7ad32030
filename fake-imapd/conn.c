/* conn.c: one session's transport.  A plain connection is one
 * edge-triggered event, added once and never changed, and two evbuffers;
 * replies go out with one write as soon as the callback that queued them
 * returns.  TLS is an OpenSSL bufferevent (tls.c).  Either way the session
 * gets the same events (conn.h).  Conns are kept for reuse: a session
 * costs no allocation of its transport once the pool is warm. */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "cdefs.h"
#include "conn.h"
#include "log.h"
#include "stats.h"
#include "tls.h"

/* Bytes one plain recv() takes at most. */
#define CONN_READ_MAX		16384

/* Conns kept for reuse, at most: enough for a busy server's churn, and
 * a bound on what a burst of connections leaves behind. */
#define CONN_POOL_MAX		1024

/* Output rounds in one wakeup (a DRAINED session may queue more): past
 * them the rest goes on a later loop turn, after the others. */
#define CONN_FLUSH_ROUNDS	4

struct conn {
	int			 fd;		/* -1 once closed */
	int			 err;		/* errno of a failed recv/send */
	int			 reading;	/* conn_read_stop() not called */
	int			 hold;		/* conn_hold_output() */
	int			 busy;		/* inside conn_io() */
	int			 dead;		/* conn_free() inside conn_io() */
	int			 full;		/* stopped reading at input_max */
	int			 rdhup;		/* the FIN is in the kernel */
	int			 flush_queued;	/* conn_io() will write */
	struct event		*ev;		/* plain: reads and the FIN */
	struct event		*wev;		/* plain: room to write, only
						 * while a write met EAGAIN */
	struct evbuffer		*in;		/* plain: what recv() read */
	struct evbuffer		*out;		/* plain: what is to send */
	struct bufferevent	*bev;		/* TLS: OpenSSL's */
	conn_cb			 cb;
	void			*arg;
	SLIST_ENTRY(conn)	 next;		/* in the pool */
};

static struct event_base	*base;
static size_t			 input_max;
static SLIST_HEAD(, conn)	 pool = SLIST_HEAD_INITIALIZER(pool);
static unsigned int		 pooled;

static void	conn_io(evutil_socket_t, short, void *);

void
conn_setup(struct event_base *b, size_t max)
{
	base = b;
	input_max = max;
}

static void
conn_report(struct conn *c, enum conn_event ev)
{
	c->cb(c, ev, c->arg);
}

/* The plain input: counted, and once the session has taken from a full
 * buffer, the kernel is read again (its bytes made no new edge). */
static void
conn_in_cb(struct evbuffer *b UNUSED, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn	*c = arg;

	stats.bytes_in += info->n_added;
	if (info->n_deleted > 0 && c->full && c->fd != -1) {
		c->full = 0;
		event_active(c->ev, EV_READ, 0);
	}
}

/* The plain output: counted as it leaves; new bytes queued outside
 * conn_io() (a greeting, a timer's BYE) are written on this loop turn. */
static void
conn_out_cb(struct evbuffer *b UNUSED, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn	*c = arg;

	if (c->fd == -1)
		return;		/* dropped with the conn, never sent */
	stats.bytes_out += info->n_deleted;
	if (info->n_added > 0 && !c->busy && !c->hold && !c->flush_queued) {
		c->flush_queued = 1;
		event_active(c->ev, EV_WRITE, 0);
	}
}

/* A conn's own parts, also one made half way. */
static void
conn_destroy(struct conn *c)
{
	if (c->ev != NULL)
		event_free(c->ev);
	if (c->wev != NULL)
		event_free(c->wev);
	if (c->in != NULL)
		evbuffer_free(c->in);
	if (c->out != NULL)
		evbuffer_free(c->out);
	free(c);
}

/* A conn with its plain event and buffers, from the pool or new. */
static struct conn *
conn_get(int fd)
{
	struct conn	*c;

	if ((c = SLIST_FIRST(&pool)) != NULL) {
		SLIST_REMOVE_HEAD(&pool, next);
		pooled--;
	} else {
		if ((c = calloc(1, sizeof(*c))) == NULL)
			return NULL;
		if ((c->ev = event_new(base, -1, 0, NULL, NULL)) == NULL ||
		    (c->in = evbuffer_new()) == NULL ||
		    (c->out = evbuffer_new()) == NULL ||
		    evbuffer_add_cb(c->in, conn_in_cb, c) == NULL ||
		    evbuffer_add_cb(c->out, conn_out_cb, c) == NULL) {
			conn_destroy(c);
			return NULL;
		}
	}
	c->fd = fd;
	c->err = 0;
	c->reading = 1;
	c->hold = c->busy = c->dead = c->full = c->rdhup = 0;
	c->flush_queued = 0;
	c->bev = NULL;
	return c;
}

/* The socket is closed already: empty the buffers (uncounted, fd -1) and
 * keep the conn for the next one, or free it. */
static void
conn_release(struct conn *c)
{
	evbuffer_drain(c->in, evbuffer_get_length(c->in));
	evbuffer_drain(c->out, evbuffer_get_length(c->out));
	c->cb = NULL;
	c->arg = NULL;
	if (pooled >= CONN_POOL_MAX) {
		conn_destroy(c);
		return;
	}
	SLIST_INSERT_HEAD(&pool, c, next);
	pooled++;
}

void
conn_free_all(void)
{
	struct conn	*c;

	while ((c = SLIST_FIRST(&pool)) != NULL) {
		SLIST_REMOVE_HEAD(&pool, next);
		conn_destroy(c);
	}
	pooled = 0;
}

/* ---- TLS: the bufferevent's callbacks, as conn events */

static void
conn_tls_read(struct bufferevent *bev UNUSED, void *arg)
{
	conn_report(arg, CONN_DATA);
}

static void
conn_tls_write(struct bufferevent *bev UNUSED, void *arg)
{
	conn_report(arg, CONN_DRAINED);
}

static void
conn_tls_event(struct bufferevent *bev UNUSED, short what, void *arg)
{
	struct conn	*c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		conn_report(c, CONN_TLS_READY);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		conn_report(c, CONN_EOF);
		return;
	}
	c->err = EVUTIL_SOCKET_ERROR();
	conn_report(c, CONN_ERROR);
}

static void
conn_tls_count_in(struct evbuffer *b UNUSED,
    const struct evbuffer_cb_info *info, void *arg UNUSED)
{
	stats.bytes_in += info->n_added;
}

static void
conn_tls_count_out(struct evbuffer *b UNUSED,
    const struct evbuffer_cb_info *info, void *arg UNUSED)
{
	stats.bytes_out += info->n_deleted;
}

/* The handshake, accepted on c->fd; -1 when out of memory (libevent may
 * have closed the socket then: c->fd is forgotten, never closed again). */
static int
conn_tls_attach(struct conn *c)
{
	if ((c->bev = tls_accept(base, c->fd)) == NULL) {
		c->fd = -1;
		return -1;
	}
	if (evbuffer_add_cb(bufferevent_get_input(c->bev), conn_tls_count_in,
	    NULL) == NULL || evbuffer_add_cb(bufferevent_get_output(c->bev),
	    conn_tls_count_out, NULL) == NULL)
		return -1;
	bufferevent_setcb(c->bev, conn_tls_read, conn_tls_write,
	    conn_tls_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, input_max);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	return 0;
}

/* ---- plain */

/*
 * The socket's bytes, read until the kernel has no more or the input
 * holds input_max.  Edge triggered: a read shorter than asked for emptied
 * the queue, and what comes later is a new edge; only a FIN already in
 * (EV_CLOSED, from EPOLLRDHUP) still has to be read, as end of file.  One
 * static buffer, copied into c->in: no ioctl(FIONREAD) and no 16 KiB
 * reservation per read, as evbuffer_read would make.
 */
static void
conn_recv(struct conn *c, short events)
{
	static char	rbuf[CONN_READ_MAX];
	size_t		len, room;
	ssize_t		n;
	int		eof = 0;

	if (events & EV_CLOSED)
		c->rdhup = 1;
	for (;;) {
		len = evbuffer_get_length(c->in);
		if (len >= input_max) {
			c->full = 1;	/* conn_in_cb reads on */
			break;
		}
		room = input_max - len;
		if (room > sizeof(rbuf))
			room = sizeof(rbuf);
		n = recv(c->fd, rbuf, room, MSG_DONTWAIT);
		if (n > 0) {
			if (evbuffer_add(c->in, rbuf, (size_t)n) == -1)
				fatalx("conn: out of memory for input");
			if ((size_t)n < room && !c->rdhup)
				break;
		} else if (n == 0) {
			eof = 1;
			break;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		else if (errno != EINTR) {
			c->err = errno;
			break;
		}
	}
	if (evbuffer_get_length(c->in) > 0) {
		conn_report(c, CONN_DATA);
		if (c->dead)
			return;
	}
	if (c->err != 0)
		conn_report(c, CONN_ERROR);
	else if (eof && c->reading) {
		/* (Stopped meanwhile, the FIN stays for the next reader:
		 * recv() keeps saying 0.) */
		c->reading = 0;		/* no edge comes after the FIN */
		conn_report(c, CONN_EOF);
	}
}

/* One write of what the output holds: send() when it is one piece, as a
 * reply nearly always is (cheaper in the kernel than writev), writev()
 * otherwise.  What was sent is drained; -1 with errno. */
static int
conn_send(struct conn *c)
{
	struct evbuffer_iovec	v[2];
	ssize_t			n;

	if (evbuffer_peek(c->out, -1, NULL, v, 2) != 1)
		return evbuffer_write(c->out, c->fd);
	if ((n = send(c->fd, v[0].iov_base, v[0].iov_len, MSG_NOSIGNAL |
	    MSG_DONTWAIT)) == -1)
		return -1;
	if (evbuffer_drain(c->out, (size_t)n) == -1)
		fatalx("conn: evbuffer_drain");
	return (int)n;
}

/* The socket buffer is full: wait for the edge of room to write.  A
 * second event, on the rare path only: watching for writability all
 * along would wake every new connection once for nothing. */
static void
conn_wait_writable(struct conn *c)
{
	if (c->wev == NULL && (c->wev = event_new(base, -1, 0, NULL, NULL)) ==
	    NULL)
		fatalx("conn: out of memory for an event");
	if (event_pending(c->wev, EV_WRITE, NULL))
		return;
	if (event_assign(c->wev, base, c->fd, EV_WRITE | EV_ET | EV_PERSIST,
	    conn_io, c) == -1 || event_add(c->wev, NULL) == -1)
		fatalx("conn: cannot wait for room to write");
}

/* Write what the output holds; CONN_DRAINED when it all went.  The
 * session may queue more then (lines that waited for room), or free the
 * conn, or start TLS. */
static void
conn_flush(struct conn *c)
{
	int	round, n;

	c->flush_queued = 0;
	for (round = 0; round < CONN_FLUSH_ROUNDS; round++) {
		if (c->dead || c->bev != NULL || c->hold || c->err != 0 ||
		    evbuffer_get_length(c->out) == 0)
			return;
		/* Until EAGAIN: one writev takes at most 128 chains, and only
		 * a full socket buffer makes the next EPOLLOUT edge. */
		while (evbuffer_get_length(c->out) > 0) {
			n = conn_send(c);
			if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK)) {
				conn_wait_writable(c);
				return;
			}
			if (n == -1 && errno != EINTR) {
				c->err = errno;
				conn_report(c, CONN_ERROR);
				return;
			}
		}
		if (c->wev != NULL)
			event_del(c->wev);	/* the EAGAIN is over */
		conn_report(c, CONN_DRAINED);
	}
	if (!c->dead && c->bev == NULL && evbuffer_get_length(c->out) > 0) {
		c->flush_queued = 1;
		event_active(c->ev, EV_WRITE, 0);
	}
}

/* The plain connection's one event: bytes or the FIN to read, room to
 * write, or work queued by conn_out_cb, conn_in_cb or conn_read_later. */
static void
conn_io(evutil_socket_t fd UNUSED, short events, void *arg)
{
	struct conn	*c = arg;

	if (c->bev != NULL)
		return;		/* activated before STARTTLS took over */
	c->busy = 1;
	if ((events & (EV_READ | EV_CLOSED)) && c->reading && c->err == 0)
		conn_recv(c, events);
	if (!c->dead)
		conn_flush(c);
	c->busy = 0;
	if (c->dead)
		conn_release(c);
}

struct conn *
conn_new(int fd, int tls, conn_cb cb, void *arg)
{
	struct conn	*c;

	if ((c = conn_get(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	c->cb = cb;
	c->arg = arg;
	if (tls) {
		if (conn_tls_attach(c) == -1) {
			conn_free(c);
			return NULL;
		}
		return c;
	}
	/* Added once, and modified only in the rare wait for room to write
	 * (conn_wait_writable): reads and the FIN come as edges of this one
	 * registration, and close() takes it out of epoll. */
	if (event_assign(c->ev, base, fd, EV_READ | EV_CLOSED | EV_ET |
	    EV_PERSIST, conn_io, c) == -1 ||
	    event_add(c->ev, NULL) == -1) {
		conn_free(c);
		return NULL;
	}
	return c;
}

struct evbuffer *
conn_input(struct conn *c)
{
	return c->bev != NULL ? bufferevent_get_input(c->bev) : c->in;
}

struct evbuffer *
conn_output(struct conn *c)
{
	return c->bev != NULL ? bufferevent_get_output(c->bev) : c->out;
}

int
conn_fd(const struct conn *c)
{
	return c->fd;
}

void
conn_read_stop(struct conn *c)
{
	if (c->bev != NULL)
		bufferevent_disable(c->bev, EV_READ);
	c->reading = 0;
}

void
conn_hold_output(struct conn *c, int hold)
{
	if (c->bev != NULL) {
		if (hold)
			bufferevent_disable(c->bev, EV_WRITE);
		else
			bufferevent_enable(c->bev, EV_WRITE);
		return;
	}
	c->hold = hold;
	if (!hold && evbuffer_get_length(c->out) > 0 && !c->busy &&
	    !c->flush_queued) {
		c->flush_queued = 1;
		event_active(c->ev, EV_WRITE, 0);
	}
}

void
conn_read_later(struct conn *c)
{
	if (c->bev != NULL) {
		bufferevent_trigger(c->bev, EV_READ,
		    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
		return;
	}
	event_active(c->ev, EV_READ, 0);
}

int
conn_start_tls(struct conn *c)
{
	if (c->wev != NULL)
		event_del(c->wev);
	event_del(c->ev);
	/* Pipelined after STARTTLS and read already: dropped, never a
	 * command (CVE-2011-0411). */
	c->full = 0;
	evbuffer_drain(c->in, evbuffer_get_length(c->in));
	c->reading = 1;
	return conn_tls_attach(c);
}

void
conn_close_notify(struct conn *c)
{
	if (c->bev != NULL)
		tls_close_notify(c->bev);
}

const char *
conn_tls_version(struct conn *c)
{
	return c->bev != NULL ? tls_version(c->bev) : "none";
}

const char *
conn_tls_error(struct conn *c)
{
	return c->bev != NULL ? tls_error(c->bev) : NULL;
}

const char *
conn_error(const struct conn *c)
{
	return strerror(c->err);
}

void
conn_free(struct conn *c)
{
	if (c->bev != NULL) {
		/* It owns the socket: freeing it closes it. */
		bufferevent_free(c->bev);
		c->bev = NULL;
		c->fd = -1;
	}
	if (c->fd != -1) {
		/* The write event first, on the open socket (epoll MOD);
		 * then close(), which takes the socket out of epoll, and
		 * event_del's own removal fails harmlessly (EBADF). */
		if (c->wev != NULL)
			event_del(c->wev);
		close(c->fd);
		c->fd = -1;
	}
	event_del(c->ev);
	if (c->busy) {
		c->dead = 1;	/* conn_io() releases it on its way out */
		return;
	}
	conn_release(c);
}
