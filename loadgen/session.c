/* session.c: the client side of one IMAP connection, as a state machine:
 * connect, greeting, LOGIN, LOGOUT, then close first, having read it all.
 * With --mailboxes the connection serves requests (SELECT INBOX) between
 * LOGIN and LOGOUT, idle in the mailbox cache (cache.c) in between. */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "addr.h"
#include "bind.h"
#include "imap.h"
#include "lineio.h"
#include "log.h"
#include "schedule.h"
#include "session.h"
#include "stats.h"

/* Longest response line we accept, without its CRLF. */
#define SESSION_LINE_MAX	65536

/* Each state is also the stage a failure is reported in. */
enum session_state {
	STATE_SOCKET,
	STATE_BIND,	/* only with a --bind mode other than none */
	STATE_CONNECT,
	STATE_GREETING,
	STATE_LOGIN,
	STATE_LOGOUT,
	STATE_CLOSE,	/* LOGOUT answered; waiting for the server's FIN */
	STATE_SELECT,	/* --mailboxes: a request's SELECT INBOX sent */
	STATE_IDLE,	/* --mailboxes: between requests, no step deadline */
};

struct session {
	TAILQ_ENTRY(session)	 entry;
	uint64_t		 id;
	enum session_state	 state;
	int			 fd;		/* ours to close, even with bev */
	struct event		*ev_connect;
	struct event		*ev_timeout;	/* the current step's deadline */
	struct bufferevent	*bev;
	int			 bye;		/* "* BYE" seen (LOGOUT, idle) */
	unsigned		 ntag;		/* commands tagged so far */
	char			 tag[16];	/* of the command in flight */
	int64_t			 mailbox;	/* --mailboxes: its mailbox; -1 */
	int			 in_request;	/* a request awaits its SELECT OK */
	uint64_t		 req_due_us;	/* that request's scheduled time */
	uint64_t		 due_us;	/* when the schedule wanted it */
	uint64_t		 start_us;	/* when socket() was called */
	uint64_t		 step_us;	/* when the current step began */
};

/* A response line for the current state; -1 when the session ended. */
typedef int (*line_handler)(struct session *, const struct imap_response *);

static int	greeting_line(struct session *, const struct imap_response *);
static int	login_line(struct session *, const struct imap_response *);
static int	logout_line(struct session *, const struct imap_response *);
static int	close_line(struct session *, const struct imap_response *);
static int	select_line(struct session *, const struct imap_response *);
static int	idle_line(struct session *, const struct imap_response *);

static const struct {
	const char	*name;
	line_handler	 on_line;	/* NULL: no connection to read yet */
} states[] = {
	[STATE_SOCKET] = { "socket", NULL },
	[STATE_BIND] = { "bind", NULL },
	[STATE_CONNECT] = { "connect", NULL },
	[STATE_GREETING] = { "greeting", greeting_line },
	[STATE_LOGIN] = { "login", login_line },
	[STATE_LOGOUT] = { "logout", logout_line },
	[STATE_CLOSE] = { "close", close_line },
	[STATE_SELECT] = { "select", select_line },
	[STATE_IDLE] = { "idle", idle_line },
};

static TAILQ_HEAD(, session)	 sessions = TAILQ_HEAD_INITIALIZER(sessions);
static uint64_t			 nsessions;
static uint64_t			 nidle;		/* in STATE_IDLE */
static struct event_base	*base;
static struct session_params	 params;
static struct timeval		 step_timeout;

/* Sessions never interleave inside a callback: one buffer serves all. */
static char			 line[SESSION_LINE_MAX + 1];

static void
session_enter_state(struct session *s, enum session_state new)
{
	log_debug("session id=%llu state=%s->%s", (unsigned long long)s->id,
	    states[s->state].name, states[new].name);
	if (s->state == STATE_IDLE)
		nidle--;
	s->state = new;
	/* Every step gets the whole --timeout, however the server paces it;
	 * an idle connection waits for the cache, not for the server. */
	if (new == STATE_IDLE) {
		nidle++;
		evtimer_del(s->ev_timeout);
	} else
		evtimer_add(s->ev_timeout, &step_timeout);
}

/* The only place a session ends: log it, count it, release it. */
static void
session_free(struct session *s, enum reason why, int err, const char *detail)
{
	const char	*stage = states[s->state].name;
	uint64_t	 now;

	if (why == REASON_COMPLETED)
		log_debug("session id=%llu end=completed",
		    (unsigned long long)s->id);
	else
		log_debug("session id=%llu end=%s stage=%s errno=%s detail=%s",
		    (unsigned long long)s->id, reason_name(why), stage,
		    err != 0 ? errno_name(err) : "-", detail);
	now = schedule_now_us();
	stats_session_end(why, stage, err, now);
	if (why == REASON_COMPLETED) {
		/* From the scheduled start: a late start is the generator's
		 * fault, but it is latency the user would have seen. */
		stats_latency(LAT_SESSION, now - s->due_us);
		stats_latency(LAT_SESSION_ACTUAL, now - s->start_us);
	}
	/* A request dies with its connection; cut off by the drain, it
	 * counts as neither done nor failed, like the session. */
	if (s->in_request && why != REASON_COMPLETED && why != REASON_ABORTED)
		stats_request_failed();
	if (s->mailbox >= 0 && params.on_gone != NULL)
		params.on_gone(s);
	if (s->state == STATE_IDLE)
		nidle--;

	TAILQ_REMOVE(&sessions, s, entry);
	nsessions--;
	/* No SO_LINGER (but for --close rst): a plain close() sends FIN,
	 * and the side that sends the first FIN is left in TIME_WAIT. */
	if (s->bev != NULL)
		bufferevent_free(s->bev);
	if (s->ev_connect != NULL)
		event_free(s->ev_connect);
	/* Ours to close, now: libevent would close it only once the
	 * callback running now returns, after this session was counted,
	 * and the FIN (the server's TIME_WAIT in --close server) late. */
	if (s->fd != -1)
		close(s->fd);
	event_free(s->ev_timeout);
	free(s);
	if (params.on_end != NULL)
		params.on_end((int)why);
}

/* A step succeeded: its latency, and the clock for the next one. */
static void
session_step_done(struct session *s, enum latency m)
{
	uint64_t	now = schedule_now_us();

	stats_latency(m, now - s->step_us);
	s->step_us = now;
}

static void
session_fail_errno(struct session *s, int err, const char *detail)
{
	session_free(s, reason_from_errno(err), err, detail);
}

static void
session_send(struct session *s, const char *cmd)
{
	if (bufferevent_write(s->bev, cmd, strlen(cmd)) == -1)
		fatalx("bufferevent_write");
}

/* "aN CMD": tags count up per connection (a1 is LOGIN's), and the
 * tagged reply must carry the tag of the command in flight. */
static void
session_send_tagged(struct session *s, const char *cmd)
{
	char	buf[64];

	snprintf(s->tag, sizeof(s->tag), "a%u", ++s->ntag);
	snprintf(buf, sizeof(buf), "%s %s\r\n", s->tag, cmd);
	session_send(s, buf);
}

static const char *const close_names[] = {
	[CLOSE_CLIENT] = "client",
	[CLOSE_SERVER] = "server",
	[CLOSE_RST] = "rst",
	[CLOSE_NO_LOGOUT] = "no-logout",
};

int
close_mode_parse(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof(close_names) / sizeof(close_names[0]); i++)
		if (strcmp(s, close_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
close_mode_name(enum close_mode m)
{
	return close_names[m];
}

/* Modes where our FIN goes first and we then wait for the server's. */
static int
client_closes_first(void)
{
	return params.close == CLOSE_CLIENT || params.close == CLOSE_NO_LOGOUT;
}

static void
session_timeout(evutil_socket_t fd UNUSED, short events UNUSED, void *arg)
{
	struct session	*s = arg;

	/* Our FIN is out and the IMAP work is done, but the server never
	 * closed: our port now sits in FIN_WAIT_2 instead of TIME_WAIT. */
	if (s->state == STATE_CLOSE && client_closes_first()) {
		stats_server_never_closed();
		session_free(s, REASON_COMPLETED, 0, "");
		return;
	}
	/* Our own deadline, not the kernel's: no errno to report. */
	session_free(s, REASON_ETIMEDOUT, 0, "step timeout");
}

/* Abortive close: SO_LINGER {1,0} makes close() send RST, so neither
 * side keeps TIME_WAIT (counted by the kernel as TCPAbortOnData). */
static void
session_reset(struct session *s)
{
	struct linger	l = { 1, 0 };

	if (setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) == -1) {
		session_fail_errno(s, errno, "SO_LINGER");
		return;
	}
	session_free(s, REASON_COMPLETED, 0, "");
}

/* The tagged LOGOUT OK (LOGIN OK with --close no-logout) was the last
 * thing the server should send. */
static int
session_last_reply(struct session *s)
{
	struct evbuffer	*in = bufferevent_get_input(s->bev);
	char		 c;
	ssize_t		 n;

	/* Closing with unread bytes makes the kernel send RST instead of
	 * FIN, and an RST leaves no TIME_WAIT: the run would stop
	 * reproducing the bug without a word.  So look in libevent's buffer
	 * and in the kernel's receive queue before closing. */
	if (evbuffer_get_length(in) > 0) {
		session_free(s, REASON_PROTOCOL, 0, "bytes after the last reply");
		return -1;
	}
	n = recv(bufferevent_getfd(s->bev), &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0) {
		session_free(s, REASON_PROTOCOL, 0, "bytes after the last reply");
		return -1;
	}
	if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
		session_fail_errno(s, errno, "recv after the last reply");
		return -1;
	}
	if (n == 0 && client_closes_first()) {
		log_debug("session id=%llu server closed first",
		    (unsigned long long)s->id);
		stats_server_closed_first();
	}
	if (params.close == CLOSE_RST) {
		session_reset(s);
		return -1;
	}
	/*
	 * Half-close, then wait for the server's FIN before we call the
	 * session complete.  Our FIN still goes first, so the TIME_WAIT is
	 * ours; waiting means a byte the server sends late is seen (a plain
	 * close() would answer it with RST and no TIME_WAIT), and the port
	 * is in TIME_WAIT, not FIN_WAIT_2, when the session is counted.
	 */
	if (client_closes_first() &&
	    shutdown(bufferevent_getfd(s->bev), SHUT_WR) == -1) {
		session_fail_errno(s, errno, "shutdown");
		return -1;
	}
	session_enter_state(s, STATE_CLOSE);
	return 0;
}

/* The server's FIN came: the session is over if nothing came with it. */
static void
session_close_done(struct session *s)
{
	if (evbuffer_get_length(bufferevent_get_input(s->bev)) > 0)
		session_free(s, REASON_PROTOCOL, 0, "bytes after LOGOUT OK");
	else
		session_free(s, REASON_COMPLETED, 0, "");
}

static int
close_line(struct session *s, const struct imap_response *r UNUSED)
{
	session_free(s, REASON_PROTOCOL, 0, "bytes after LOGOUT OK");
	return -1;
}

/* LOGOUT, or with --close no-logout, close now as the article's client
 * did: its connection simply went away. */
static int
session_logout(struct session *s)
{
	if (params.close == CLOSE_NO_LOGOUT)
		return session_last_reply(s);
	s->bye = 0;
	session_send_tagged(s, "LOGOUT");
	session_enter_state(s, STATE_LOGOUT);
	return 0;
}

/* A request: SELECT of INBOX, which fake-imapd and Dovecot both have;
 * its tagged OK completes the request. */
static void
session_select(struct session *s)
{
	session_send_tagged(s, "SELECT INBOX");
	session_enter_state(s, STATE_SELECT);
}

/* Logged in: the request of a cache connection, or straight to LOGOUT. */
static int
session_logged_in(struct session *s)
{
	if (s->mailbox < 0)
		return session_logout(s);
	session_select(s);
	return 0;
}

static int
greeting_line(struct session *s, const struct imap_response *r)
{
	if (r->kind != IMAP_RESP_UNTAGGED) {
		session_free(s, REASON_PROTOCOL, 0, "bad greeting");
		return -1;
	}
	switch (r->status) {
	case IMAP_ST_OK:
		session_step_done(s, LAT_GREETING);
		session_send(s, params.login);
		s->ntag = 1;	/* params.login is "a1 LOGIN ..." */
		snprintf(s->tag, sizeof(s->tag), "a1");
		session_enter_state(s, STATE_LOGIN);
		return 0;
	case IMAP_ST_PREAUTH:
		session_step_done(s, LAT_GREETING);
		/* RFC 3501 7.1.4: already authenticated, no LOGIN. */
		return session_logged_in(s);
	case IMAP_ST_BYE:
		session_free(s, REASON_IMAP_BYE, 0, "greeting BYE");
		return -1;
	default:
		session_free(s, REASON_PROTOCOL, 0, "bad greeting");
		return -1;
	}
}

/* A tagged reply other than OK ends the session as NO, BAD or protocol. */
static int
session_tagged_fail(struct session *s, const struct imap_response *r)
{
	if (strcmp(r->tag, s->tag) != 0)
		session_free(s, REASON_PROTOCOL, 0, "unexpected tag");
	else if (r->status == IMAP_ST_NO)
		session_free(s, REASON_IMAP_NO, 0, "tagged NO");
	else
		session_free(s, REASON_IMAP_BAD, 0, "tagged BAD");
	return -1;
}

static int
login_line(struct session *s, const struct imap_response *r)
{
	if (r->kind == IMAP_RESP_UNTAGGED && r->status == IMAP_ST_BYE) {
		session_free(s, REASON_IMAP_BYE, 0, "BYE before LOGIN reply");
		return -1;
	}
	if (r->kind == IMAP_RESP_UNTAGGED)
		return 0;	/* e.g. "* CAPABILITY ..." */
	if (r->kind != IMAP_RESP_TAGGED) {
		session_free(s, REASON_PROTOCOL, 0, "bad LOGIN reply");
		return -1;
	}
	if (strcmp(r->tag, s->tag) != 0 || r->status != IMAP_ST_OK)
		return session_tagged_fail(s, r);
	session_step_done(s, LAT_LOGIN);
	return session_logged_in(s);
}

static int
logout_line(struct session *s, const struct imap_response *r)
{
	/* RFC 3501 6.1.3: an untagged BYE comes before the tagged OK. */
	if (r->kind == IMAP_RESP_UNTAGGED) {
		if (r->status == IMAP_ST_BYE)
			s->bye = 1;
		return 0;
	}
	if (r->kind != IMAP_RESP_TAGGED) {
		session_free(s, REASON_PROTOCOL, 0, "bad LOGOUT reply");
		return -1;
	}
	if (strcmp(r->tag, s->tag) != 0 || r->status != IMAP_ST_OK)
		return session_tagged_fail(s, r);
	if (!s->bye)
		log_debug("session id=%llu LOGOUT OK without BYE",
		    (unsigned long long)s->id);
	return session_last_reply(s);
}

/* The request is done: the connection goes idle and the cache decides
 * whether it stays. */
static int
session_request_done(struct session *s)
{
	stats_request_done(schedule_now_us() - s->req_due_us);
	s->in_request = 0;
	session_enter_state(s, STATE_IDLE);
	return params.on_idle(s);
}

static int
select_line(struct session *s, const struct imap_response *r)
{
	if (r->kind == IMAP_RESP_UNTAGGED && r->status == IMAP_ST_BYE) {
		session_free(s, REASON_IMAP_BYE, 0, "BYE before SELECT reply");
		return -1;
	}
	if (r->kind == IMAP_RESP_UNTAGGED)
		return 0;	/* FLAGS, EXISTS, OK [UIDVALIDITY ...] ... */
	if (r->kind != IMAP_RESP_TAGGED) {
		session_free(s, REASON_PROTOCOL, 0, "bad SELECT reply");
		return -1;
	}
	if (strcmp(r->tag, s->tag) != 0 || r->status != IMAP_ST_OK)
		return session_tagged_fail(s, r);
	return session_request_done(s);
}

/* Idle, nothing asked: untagged updates are allowed (RFC 3501 7), a BYE
 * announces the server's close (autologout), a tagged reply is wrong. */
static int
idle_line(struct session *s, const struct imap_response *r)
{
	if (r->kind == IMAP_RESP_UNTAGGED) {
		if (r->status == IMAP_ST_BYE)
			s->bye = 1;
		return 0;
	}
	session_free(s, REASON_PROTOCOL, 0, "reply while idle");
	return -1;
}

static void
session_read(struct bufferevent *bev, void *arg)
{
	struct session		*s = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct imap_response	 r;
	size_t			 len;

	/* The read high-watermark bounds how many lines one wakeup sees. */
	for (;;) {
		switch (line_take(in, SESSION_LINE_MAX, line, sizeof(line),
		    &len)) {
		case LINE_MORE:
			return;
		case LINE_TOOLONG:
			session_free(s, REASON_PROTOCOL, 0, "line too long");
			return;
		case LINE_OK:
			break;
		}
		imap_parse_response(line, &r);
		if (states[s->state].on_line(s, &r) == -1)
			return;
	}
}

static void
session_event(struct bufferevent *bev UNUSED, short what, void *arg)
{
	struct session	*s = arg;
	int		 err = errno;

	if ((what & BEV_EVENT_EOF) && s->state == STATE_CLOSE)
		session_close_done(s);
	else if ((what & BEV_EVENT_EOF) && s->state == STATE_IDLE && s->bye)
		session_free(s, REASON_IMAP_BYE, 0, "BYE while idle");
	else if (what & BEV_EVENT_EOF)
		session_free(s, REASON_PROTOCOL, 0, "server closed");
	else if (err != 0)
		session_fail_errno(s, err, (what & BEV_EVENT_READING) ?
		    "read" : "write");
	else
		session_free(s, REASON_OTHER, 0, "bufferevent error");
}

/* Connected: from here on libevent buffers the I/O. */
static void
session_connected(struct session *s)
{
	if (s->ev_connect != NULL) {
		event_free(s->ev_connect);
		s->ev_connect = NULL;
	}
	if ((s->bev = bufferevent_socket_new(base, s->fd, 0)) == NULL)
		fatalx("bufferevent_socket_new");
	stats_connected();
	session_step_done(s, LAT_CONNECT);
	bufferevent_setcb(s->bev, session_read, NULL, session_event, s);
	/* Room for one maximal line and its CRLF, never more. */
	bufferevent_setwatermark(s->bev, EV_READ, 0, SESSION_LINE_MAX + 2);
	if (bufferevent_enable(s->bev, EV_READ | EV_WRITE) == -1)
		fatalx("bufferevent_enable");
	session_enter_state(s, STATE_GREETING);
}

/* The socket is writable: the handshake finished, one way or the other. */
static void
session_connect_done(evutil_socket_t fd, short events UNUSED, void *arg)
{
	struct session	*s = arg;
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		session_fail_errno(s, err, "SO_ERROR");
		return;
	}
	session_connected(s);
}

/* connect() ourselves: bufferevent_socket_connect would hide the errno,
 * and EADDRNOTAVAIL from connect() is the very failure we measure. */
static void
session_connect(struct session *s)
{
	const struct endpoint	*ep;

	ep = &params.targets[s->id % (uint64_t)params.ntargets];
	s->fd = socket(ep->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (s->fd == -1) {
		session_fail_errno(s, errno, "socket");
		return;
	}
	if (params.bind) {
		session_enter_state(s, STATE_BIND);
		/* Sources rotate once per full turn of the targets, so
		 * every (source, target) pair gets its share. */
		if (bind_socket(s->fd, ep->ss.ss_family,
		    s->id / (uint64_t)params.ntargets) == -1) {
			session_fail_errno(s, errno, "bind");
			return;
		}
	}
	session_enter_state(s, STATE_CONNECT);
	if (connect(s->fd, (const struct sockaddr *)&ep->ss, ep->len) == 0) {
		session_connected(s);
		return;
	}
	/* EINTR: the connection still goes on in the background. */
	if (errno != EINPROGRESS && errno != EINTR) {
		session_fail_errno(s, errno, "connect");
		return;
	}
	if ((s->ev_connect = event_new(base, s->fd, EV_WRITE,
	    session_connect_done, s)) == NULL)
		fatalx("event_new");
	event_add(s->ev_connect, NULL);
}

void
session_start(uint64_t id, uint64_t due_us, int64_t mailbox)
{
	struct session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("calloc");
	s->id = id;
	s->due_us = due_us;
	s->mailbox = mailbox;
	/* A cache connection is opened for a request, its first. */
	s->in_request = mailbox >= 0;
	s->req_due_us = due_us;
	s->start_us = s->step_us = schedule_now_us();
	stats_latency(LAT_LAG, s->start_us > due_us ? s->start_us - due_us : 0);
	s->fd = -1;
	s->state = STATE_SOCKET;
	if ((s->ev_timeout = evtimer_new(base, session_timeout, s)) == NULL)
		fatalx("evtimer_new");
	TAILQ_INSERT_TAIL(&sessions, s, entry);
	nsessions++;
	stats_started();
	session_connect(s);
}

void
session_init(struct event_base *b, const struct session_params *p)
{
	base = b;
	params = *p;
	step_timeout.tv_sec = (time_t)(p->timeout_us / 1000000);
	step_timeout.tv_usec = (suseconds_t)(p->timeout_us % 1000000);
}

void
session_request(struct session *s, uint64_t due_us)
{
	uint64_t	now = schedule_now_us();

	if (s->state != STATE_IDLE)
		fatalx("session id=%llu: request while %s",
		    (unsigned long long)s->id, states[s->state].name);
	stats_latency(LAT_LAG, now > due_us ? now - due_us : 0);
	s->in_request = 1;
	s->req_due_us = due_us;
	session_select(s);
}

int
session_release(struct session *s)
{
	if (s->state != STATE_IDLE)
		fatalx("session id=%llu: release while %s",
		    (unsigned long long)s->id, states[s->state].name);
	return session_logout(s);
}

int
session_is_idle(const struct session *s)
{
	return s->state == STATE_IDLE;
}

uint64_t
session_id(const struct session *s)
{
	return s->id;
}

uint64_t
session_mailbox(const struct session *s)
{
	return (uint64_t)s->mailbox;
}

uint64_t
session_opened_us(const struct session *s)
{
	return s->start_us;
}

uint64_t
session_active(void)
{
	return nsessions;
}

uint64_t
session_idle_count(void)
{
	return nidle;
}

void
session_abort_all(void)
{
	struct session	*s;

	while ((s = TAILQ_FIRST(&sessions)) != NULL)
		session_free(s, REASON_ABORTED, 0, "interrupted");
}
