/* session.c: the client side of one IMAP connection, as a state machine:
 * connect, greeting, the --steps list (LOGIN, SELECT, FETCH, IDLE, ...,
 * LOGOUT), then close first, having read it all.  A plain connection is
 * one edge-triggered event and two evbuffers; TLS is an OpenSSL
 * bufferevent (tls.c).  With --mailboxes the
 * connection serves requests (the list's mailbox steps) between its
 * authentication and its LOGOUT, cached (cache.c) in between. */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "addr.h"
#include "bind.h"
#include "cdefs.h"
#include "clock.h"
#include "commands.h"
#include "errors.h"
#include "imap.h"
#include "lineio.h"
#include "log.h"
#include "schedule.h"
#include "session.h"
#include "sock.h"
#include "stage.h"
#include "stats.h"
#include "steps.h"
#include "tls.h"
#include "words.h"

/* Longest response line we accept, without its CRLF. */
#define SESSION_LINE_MAX	65536
/* Bytes one plain recv() takes at most, as libevent's bufferevents. */
#define SESSION_READ_MAX	16384
/* Longest command we send, tag and CRLF included (LOGIN of two 1k
 * credentials quoted, their base64). */
#define SESSION_CMD_MAX		8192

/* Literals ({N}) in replies are skipped, never held; past this size a
 * reply is not IMAP (RFC 3501 4.3 sets no limit, real servers do). */
#define SESSION_LITERAL_MAX	(1ULL << 40)

/* A state's stage is what a failure in it is reported as (CSV.md). */
enum session_state {
	STATE_SOCKET,
	STATE_BIND,	/* only with a --bind mode other than none */
	STATE_CONNECT,
	STATE_CONNECTING,	/* connect() said EINPROGRESS: the handshake */
	STATE_TLS,	/* --tls: the handshake right after connect */
	STATE_GREETING,
	STATE_STARTTLS,		/* STARTTLS sent, its tagged OK awaited */
	STATE_STARTTLS_TLS,	/* the handshake after that OK */
	STATE_LOGIN,
	STATE_AUTH_CONT,	/* AUTHENTICATE PLAIN without SASL-IR: "+" */
	STATE_AUTHENTICATE,	/* its tagged reply */
	STATE_SELECT,
	STATE_EXAMINE,
	STATE_FETCH,
	STATE_NOOP,
	STATE_IDLE_START,	/* IDLE sent, "+" awaited */
	STATE_IDLING,		/* in IDLE for the step's duration */
	STATE_IDLE_DONE,	/* DONE sent, the tagged reply awaited */
	STATE_LOGOUT,
	STATE_CLOSE,	/* the last reply read; waiting for the server's FIN */
	STATE_CACHED,	/* --mailboxes: between requests, no step deadline */
};

struct session {
	TAILQ_ENTRY(session)	 entry;
	uint64_t		 id;
	enum session_state	 state;
	int			 fd;		/* ours to close, even with bev */
	struct event		*ev_io;		/* plain: connect, reads and
						 * writes, one edge-triggered
						 * event; TLS: the connect */
	struct event		*ev_timeout;	/* the current step's deadline */
	struct evbuffer		*in;		/* plain: what recv() read */
	struct evbuffer		*out;		/* plain: what send() left */
	struct bufferevent	*bev;		/* TLS: OpenSSL's */
	int			 tls;
	int			 io_err;	/* errno of our own send() or recv() */
	int			 bye;		/* "* BYE" seen (LOGOUT, idle) */
	int			 preauth;	/* PREAUTH greeting: no LOGIN */
	int			 sasl_ir;	/* the greeting offered SASL-IR */
	int			 cont;		/* the next line continues a
						 * reply after a literal */
	uint64_t		 literal;	/* literal bytes still to skip */
	unsigned		 ntag;		/* commands tagged so far */
	unsigned		 step;		/* index in the step list */
	char			 tag[16];	/* of the command in flight */
	int64_t			 mailbox;	/* --mailboxes: its mailbox; -1 */
	int			 in_request;	/* a request awaits its steps */
	uint64_t		 req_due_us;	/* that request's scheduled time */
	uint64_t		 due_us;	/* when the schedule wanted it */
	uint64_t		 start_us;	/* when socket() was called */
	uint64_t		 step_us;	/* when the current step began */
};

/* A response's first line for the current state; -1 when reading must
 * stop (the session ended). */
typedef int (*line_handler)(struct session *, const struct imap_response *);

static int	greeting_line(struct session *, const struct imap_response *);
static int	starttls_line(struct session *, const struct imap_response *);
static int	handshake_line(struct session *, const struct imap_response *);
static int	step_line(struct session *, const struct imap_response *);
static int	auth_cont_line(struct session *, const struct imap_response *);
static int	idle_start_line(struct session *, const struct imap_response *);
static int	idling_line(struct session *, const struct imap_response *);
static int	logout_line(struct session *, const struct imap_response *);
static int	close_line(struct session *, const struct imap_response *);
static int	cached_line(struct session *, const struct imap_response *);

static const struct {
	const char	*name;
	enum stage	 stage;
	line_handler	 on_line;	/* NULL: no connection to read yet */
} states[] = {
	[STATE_SOCKET] = { "socket", STAGE_SOCKET, NULL },
	[STATE_BIND] = { "bind", STAGE_BIND, NULL },
	[STATE_CONNECT] = { "connect", STAGE_CONNECT, NULL },
	[STATE_CONNECTING] = { "connecting", STAGE_SO_ERROR, NULL },
	[STATE_TLS] = { "tls", STAGE_TLS, handshake_line },
	[STATE_GREETING] = { "greeting", STAGE_GREETING, greeting_line },
	[STATE_STARTTLS] = { "starttls", STAGE_STARTTLS, starttls_line },
	[STATE_STARTTLS_TLS] = { "starttls-tls", STAGE_STARTTLS,
	    handshake_line },
	[STATE_LOGIN] = { "login", STAGE_LOGIN, step_line },
	[STATE_AUTH_CONT] = { "auth-cont", STAGE_AUTHENTICATE, auth_cont_line },
	[STATE_AUTHENTICATE] = { "authenticate", STAGE_AUTHENTICATE,
	    step_line },
	[STATE_SELECT] = { "select", STAGE_SELECT, step_line },
	[STATE_EXAMINE] = { "examine", STAGE_EXAMINE, step_line },
	[STATE_FETCH] = { "fetch", STAGE_FETCH, step_line },
	[STATE_NOOP] = { "noop", STAGE_NOOP, step_line },
	[STATE_IDLE_START] = { "idle-start", STAGE_IDLE, idle_start_line },
	[STATE_IDLING] = { "idling", STAGE_IDLE, idling_line },
	[STATE_IDLE_DONE] = { "idle-done", STAGE_IDLE, step_line },
	[STATE_LOGOUT] = { "logout", STAGE_LOGOUT, logout_line },
	[STATE_CLOSE] = { "close", STAGE_CLOSE, close_line },
	[STATE_CACHED] = { "cached", STAGE_IDLE, cached_line },
};

/* The state each step's command puts the session in. */
static const enum session_state step_states[] = {
	[STEP_STARTTLS] = STATE_STARTTLS,
	[STEP_LOGIN] = STATE_LOGIN,
	[STEP_AUTHENTICATE] = STATE_AUTHENTICATE,
	[STEP_SELECT] = STATE_SELECT,
	[STEP_EXAMINE] = STATE_EXAMINE,
	[STEP_FETCH] = STATE_FETCH,
	[STEP_NOOP] = STATE_NOOP,
	[STEP_IDLE] = STATE_IDLE_START,
	[STEP_LOGOUT] = STATE_LOGOUT,
};

static TAILQ_HEAD(, session)	 sessions = TAILQ_HEAD_INITIALIZER(sessions);
static uint64_t			 nsessions;
static uint64_t			 ncached;	/* in STATE_CACHED */
static struct event_base	*base;
static struct session_params	 params;
static struct timeval		 step_timeout;
/* The same, as libevent's common timeout: every session's deadline has
 * the same length, so a queue keeps them in order at O(1). */
static const struct timeval	*step_tv;
/* --mailboxes: steps [0, open_end) open a connection, [open_end,
 * req_end) are a request, [req_end, n) close it (LOGOUT). */
static unsigned			 open_end, req_end;

/* Sessions never interleave inside a callback: one buffer serves all. */
static char			 line[SESSION_LINE_MAX + 1];
static char			 cmdbuf[SESSION_CMD_MAX];

static void
session_enter_state(struct session *s, enum session_state new)
{
	log_debug("session id=%llu state=%s->%s", (unsigned long long)s->id,
	    states[s->state].name, states[new].name);
	if (s->state == STATE_CACHED)
		ncached--;
	s->state = new;
	/* Every step gets the whole --timeout, however the server paces it;
	 * a cached connection waits for the cache, not for the server. */
	if (new == STATE_CACHED) {
		ncached++;
		evtimer_del(s->ev_timeout);
	} else
		evtimer_add(s->ev_timeout, step_tv);
}

/* What a plain connection reads into: its own buffer, or under TLS what
 * OpenSSL decrypted. */
static struct evbuffer *
session_input(struct session *s)
{
	return s->bev != NULL ? bufferevent_get_input(s->bev) : s->in;
}

/* The plain connection's event and buffers (STARTTLS hands the socket on
 * to TLS without them). */
static void
session_plain_free(struct session *s)
{
	if (s->ev_io != NULL)
		event_free(s->ev_io);
	if (s->in != NULL)
		evbuffer_free(s->in);
	if (s->out != NULL)
		evbuffer_free(s->out);
	s->ev_io = NULL;
	s->in = s->out = NULL;
}

/* The only place a session ends: log it, count it, release it. */
static void
session_free(struct session *s, enum reason why, int err, const char *detail)
{
	enum stage	 stage = states[s->state].stage;
	uint64_t	 now;

	if (why == REASON_COMPLETED)
		log_debug("session id=%llu end=completed",
		    (unsigned long long)s->id);
	else
		log_debug("session id=%llu end=%s stage=%s errno=%s detail=%s",
		    (unsigned long long)s->id, reason_name(why),
		    stage_name(stage), err != 0 ? errno_name(err) : "-",
		    detail);
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
	if (s->state == STATE_CACHED)
		ncached--;

	TAILQ_REMOVE(&sessions, s, entry);
	nsessions--;
	/* No SO_LINGER (but for --close rst): a plain close() sends FIN,
	 * and the side that sends the first FIN is left in TIME_WAIT. */
	if (s->bev != NULL)
		tls_bev_free(s->bev);
	session_plain_free(s);
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

/*
 * A command is a few dozen bytes and the socket's send buffer is nearly
 * always empty: send it now.  What the kernel does not take waits in
 * s->out for the socket to become writable (session_flush); an error is
 * reported from the loop, since callers still use s.  Under TLS the
 * bufferevent encrypts and sends.
 */
static void
session_send(struct session *s, const char *cmd, size_t len)
{
	ssize_t	n = 0;

	if (s->tls) {
		if (bufferevent_write(s->bev, cmd, len) == -1)
			fatalx("bufferevent_write");
		return;
	}
	if (s->out == NULL || evbuffer_get_length(s->out) == 0) {
		n = send(s->fd, cmd, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == (ssize_t)len)
			return;
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
			s->io_err = errno;
			event_active(s->ev_io, EV_WRITE, 0);
			return;
		}
		if (n == -1)
			n = 0;
		log_debug("session id=%llu sent %zd of %zu bytes, the rest "
		    "when writable", (unsigned long long)s->id, n, len);
	}
	if (s->out == NULL && (s->out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	if (evbuffer_add(s->out, cmd + n, len - (size_t)n) == -1)
		fatalx("evbuffer_add");
}

/* "aN CMD": tags count up per connection (a1 is the first step's), and
 * the tagged reply must carry the tag of the command in flight. */
static void
session_send_tagged(struct session *s, const char *cmd)
{
	char		 digits[12];
	size_t		 nd = 0, tlen, clen = strlen(cmd);
	unsigned	 v = ++s->ntag;

	/* By hand, not snprintf: this runs for every command of every
	 * session, and the format is that simple. */
	do
		digits[nd++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	s->tag[0] = 'a';
	for (tlen = 1; nd > 0; tlen++)
		s->tag[tlen] = digits[--nd];
	s->tag[tlen] = '\0';
	if (tlen + 1 + clen + 2 > sizeof(cmdbuf))
		fatalx("session: command longer than %d bytes",
		    SESSION_CMD_MAX);
	memcpy(cmdbuf, s->tag, tlen);
	cmdbuf[tlen] = ' ';
	memcpy(cmdbuf + tlen + 1, cmd, clen);
	memcpy(cmdbuf + tlen + 1 + clen, "\r\n", 2);
	session_send(s, cmdbuf, tlen + 1 + clen + 2);
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
	return WORD_INDEX(close_names, s);
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

static void	session_idle_done(struct session *);
static void	session_start_tls(struct session *, enum session_state);
static int	session_next(struct session *);

static void
session_timeout(evutil_socket_t fd UNUSED, short events UNUSED, void *arg)
{
	struct session	*s = arg;

	/* The idle step's own timer: its time is up, not the server's. */
	if (s->state == STATE_IDLING) {
		session_idle_done(s);
		return;
	}
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

/* Abortive close: the close sends RST, so neither side keeps TIME_WAIT
 * (counted by the kernel as TCPAbortOnData). */
static void
session_reset(struct session *s)
{
	if (sock_reset_on_close(s->fd) == -1) {
		session_fail_errno(s, errno, "SO_LINGER");
		return;
	}
	session_free(s, REASON_COMPLETED, 0, "");
}

/* The kernel's TCP state of our socket (TCP_ESTABLISHED ...), or -1. */
static int
session_tcp_state(int fd)
{
	struct tcp_info	ti;
	socklen_t	len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return -1;
	return ti.tcpi_state;
}

/* Bytes the server sent that nobody asked for: in libevent's buffer or
 * in the kernel's receive queue.  1 if there are (the session is then
 * ended as protocol), -1 if the session ended otherwise, 0 if none;
 * `fin` says whether the server's FIN is already in. */
static int
session_unread(struct session *s, const char *what, int *fin)
{
	char	c;
	ssize_t	n;

	*fin = 0;
	if (evbuffer_get_length(session_input(s)) > 0) {
		session_free(s, REASON_PROTOCOL, 0, what);
		return 1;
	}
	/* Under TLS the kernel's queue holds records, not IMAP: a
	 * close_notify or a session ticket is no stray byte.  What OpenSSL
	 * decrypted is in libevent's buffer, checked above; whether the
	 * server's FIN is in, the TCP state says (CLOSE_WAIT). */
	if (s->tls) {
		*fin = session_tcp_state(s->fd) == TCP_CLOSE_WAIT;
		return 0;
	}
	n = recv(s->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0) {
		session_free(s, REASON_PROTOCOL, 0, what);
		return 1;
	}
	if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
		session_fail_errno(s, errno, "recv");
		return -1;
	}
	*fin = n == 0;
	return 0;
}

/* The last step's tagged reply was the last thing the server should
 * send. */
static int
session_last_reply(struct session *s)
{
	int	fin;

	/* Closing with unread bytes makes the kernel send RST instead of
	 * FIN, and an RST leaves no TIME_WAIT: the run would stop
	 * reproducing the bug without a word.  So look in libevent's buffer
	 * and in the kernel's receive queue before closing. */
	if (session_unread(s, "bytes after the last reply", &fin) != 0)
		return -1;
	if (fin && client_closes_first()) {
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
	if (client_closes_first() && s->tls &&
	    tls_close_notify(s->bev) == -1)
		log_debug("session id=%llu close_notify not sent",
		    (unsigned long long)s->id);
	if (client_closes_first() && shutdown(s->fd, SHUT_WR) == -1) {
		session_fail_errno(s, errno, "shutdown");
		return -1;
	}
	session_enter_state(s, STATE_CLOSE);
	return 0;
}

/* Under TLS, after the server's close_notify (or a bare FIN): the TCP
 * FIN itself, read on the socket with anything before it discarded, so
 * that we close only once the server has (no RST, and in --close client
 * the port is in TIME_WAIT when the session counts). */
static void
session_tls_fin(evutil_socket_t fd, short events UNUSED, void *arg)
{
	struct session	*s = arg;
	char		 buf[4096];
	ssize_t		 n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	if (n == 0) {
		session_free(s, REASON_COMPLETED, 0, "");
		return;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		session_fail_errno(s, errno, "recv");
		return;
	}
	if (s->ev_io == NULL && (s->ev_io = event_new(base, s->fd,
	    EV_READ | EV_PERSIST, session_tls_fin, s)) == NULL)
		fatalx("event_new");
	event_add(s->ev_io, NULL);
}

/* The server's FIN came (under TLS, its close_notify): the session is
 * over if nothing came with it. */
static void
session_close_done(struct session *s)
{
	if (evbuffer_get_length(session_input(s)) > 0)
		session_free(s, REASON_PROTOCOL, 0, "bytes after the last reply");
	else if (s->tls) {
		bufferevent_disable(s->bev, EV_READ | EV_WRITE);
		session_tls_fin(s->fd, EV_READ, s);
	} else
		session_free(s, REASON_COMPLETED, 0, "");
}

static int
close_line(struct session *s, const struct imap_response *r UNUSED)
{
	session_free(s, REASON_PROTOCOL, 0, "bytes after the last reply");
	return -1;
}

/* --mailboxes: the request's steps are done; the connection is cached
 * and the cache decides whether it stays. */
static int
session_request_done(struct session *s)
{
	stats_request_done(schedule_now_us() - s->req_due_us);
	s->in_request = 0;
	session_enter_state(s, STATE_CACHED);
	return params.on_idle(s);
}

/* Send step `st`'s command and wait for its reply. */
static int
session_step(struct session *s, const struct step *st)
{
	switch (st->kind) {
	case STEP_AUTHENTICATE:
		/* RFC 4959: the response rides on the command when the
		 * server said it may; else it waits for "+" (RFC 3501
		 * 6.2.2). */
		if (s->sasl_ir) {
			session_send_tagged(s, command_auth_ir());
			session_enter_state(s, STATE_AUTHENTICATE);
		} else {
			session_send_tagged(s, command_of(s->step));
			session_enter_state(s, STATE_AUTH_CONT);
		}
		return 0;
	case STEP_LOGOUT:
		s->bye = 0;
		break;
	default:
		break;
	}
	session_send_tagged(s, command_of(s->step));
	session_enter_state(s, step_states[st->kind]);
	return 0;
}

/* Run the list from s->step on: the next step, the end of a request, or
 * the close after the last step. */
static int
session_run(struct session *s)
{
	const struct step	*st;

	for (;;) {
		if (s->mailbox >= 0 && s->in_request && s->step == req_end)
			return session_request_done(s);
		if (s->step == params.steps->n)
			return session_last_reply(s);
		st = &params.steps->step[s->step];
		/* RFC 3501 7.1.4: already authenticated, no LOGIN. */
		if (s->preauth && (st->kind == STEP_LOGIN ||
		    st->kind == STEP_AUTHENTICATE)) {
			s->step++;
			continue;
		}
		if (s->preauth && st->kind == STEP_STARTTLS) {
			session_free(s, REASON_PROTOCOL, 0,
			    "PREAUTH greeting: STARTTLS not possible");
			return -1;
		}
		return session_step(s, st);
	}
}

/* The current step succeeded: the next one. */
static int
session_next(struct session *s)
{
	enum step_kind	k = params.steps->step[s->step].kind;

	if (k == STEP_LOGIN || k == STEP_AUTHENTICATE)
		session_step_done(s, LAT_LOGIN);
	else
		s->step_us = schedule_now_us();
	s->step++;
	return session_run(s);
}

/* Whether the greeting's CAPABILITY response code (RFC 3501 7.1) lists
 * SASL-IR (RFC 4959). */
static int
greeting_has_sasl_ir(const char *text)
{
	const char	*p, *end;

	if ((p = strchr(text, '[')) == NULL ||
	    strncasecmp(p + 1, "CAPABILITY ", 11) != 0 ||
	    (end = strchr(p, ']')) == NULL)
		return 0;
	for (p += 12; p < end; p++)
		if ((p[-1] == ' ') && strncasecmp(p, "SASL-IR", 7) == 0 &&
		    (p[7] == ' ' || p + 7 == end))
			return 1;
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
	case IMAP_ST_PREAUTH:
		session_step_done(s, LAT_GREETING);
		s->preauth = r->status == IMAP_ST_PREAUTH;
		if (command_auth_ir() != NULL)
			s->sasl_ir = greeting_has_sasl_ir(line);
		s->step = 0;
		return session_run(s);
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

/* What every step's reply shares: untagged data is fine (CAPABILITY,
 * EXISTS, FETCH ...), a BYE ends the session, a tagged reply must be
 * ours.  1: the tagged OK; 0: keep reading; -1: the session ended. */
static int
step_reply(struct session *s, const struct imap_response *r)
{
	if (r->kind == IMAP_RESP_UNTAGGED && r->status == IMAP_ST_BYE) {
		session_free(s, REASON_IMAP_BYE, 0, "BYE before the reply");
		return -1;
	}
	if (r->kind == IMAP_RESP_UNTAGGED)
		return 0;
	if (r->kind != IMAP_RESP_TAGGED) {
		session_free(s, REASON_PROTOCOL, 0, r->kind ==
		    IMAP_RESP_CONTINUE ? "unexpected continuation" :
		    "malformed reply");
		return -1;
	}
	if (strcmp(r->tag, s->tag) != 0 || r->status != IMAP_ST_OK)
		return session_tagged_fail(s, r);
	return 1;
}

static int
step_line(struct session *s, const struct imap_response *r)
{
	int	rc;

	if ((rc = step_reply(s, r)) != 1)
		return rc;
	return session_next(s);
}

/*
 * STARTTLS's OK: the handshake starts on the same socket, in an OpenSSL
 * bufferevent on the fd, the --tls path's.  The plain event and buffers
 * go, with nothing in them: bytes the server sent after its OK, before
 * our ClientHello, are no TLS (RFC 3501 6.2.1).
 */
static int
starttls_line(struct session *s, const struct imap_response *r)
{
	int	rc, fin;

	if ((rc = step_reply(s, r)) != 1)
		return rc;
	if (session_unread(s, "bytes after the STARTTLS OK", &fin) != 0)
		return -1;
	if (fin) {
		session_free(s, REASON_PROTOCOL, 0, "server closed");
		return -1;
	}
	session_plain_free(s);
	session_start_tls(s, STATE_STARTTLS_TLS);
	/* The old buffer is gone: stop reading it. */
	return -1;
}

/* A line before the handshake finished: not TLS at all. */
static int
handshake_line(struct session *s, const struct imap_response *r UNUSED)
{
	session_free(s, REASON_TLS, 0, "data before the handshake");
	return -1;
}

/* AUTHENTICATE PLAIN without SASL-IR: "+ " asks for the response. */
static int
auth_cont_line(struct session *s, const struct imap_response *r)
{
	if (r->kind != IMAP_RESP_CONTINUE)
		return step_line(s, r);
	session_send(s, command_auth_response(),
	    strlen(command_auth_response()));
	session_enter_state(s, STATE_AUTHENTICATE);
	return 0;
}

/* RFC 2177: "+" says IDLE began; we stay for the step's duration. */
static int
idle_start_line(struct session *s, const struct imap_response *r)
{
	const struct step	*st = &params.steps->step[s->step];
	struct timeval		 tv;

	if (r->kind != IMAP_RESP_CONTINUE) {
		if (r->kind == IMAP_RESP_TAGGED && r->status == IMAP_ST_OK &&
		    strcmp(r->tag, s->tag) == 0) {
			session_free(s, REASON_PROTOCOL, 0, "IDLE OK before DONE");
			return -1;
		}
		return step_reply(s, r) == -1 ? -1 : 0;
	}
	session_enter_state(s, STATE_IDLING);
	tv = us_to_timeval(st->us);
	evtimer_add(s->ev_timeout, &tv);
	return 0;
}

/* Idling: untagged updates (EXISTS, EXPUNGE ...) may come; a tagged reply
 * before our DONE may not. */
static int
idling_line(struct session *s, const struct imap_response *r)
{
	if (r->kind == IMAP_RESP_TAGGED) {
		session_free(s, REASON_PROTOCOL, 0, "tagged reply during IDLE");
		return -1;
	}
	return step_reply(s, r) == -1 ? -1 : 0;
}

/* The idle step's time is up: DONE, then its tagged reply. */
static void
session_idle_done(struct session *s)
{
	session_send(s, "DONE\r\n", 6);
	session_enter_state(s, STATE_IDLE_DONE);
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

/* Cached, nothing asked: untagged updates are allowed (RFC 3501 7), a BYE
 * announces the server's close (autologout), a tagged reply is wrong. */
static int
cached_line(struct session *s, const struct imap_response *r)
{
	if (r->kind == IMAP_RESP_UNTAGGED) {
		if (r->status == IMAP_ST_BYE)
			s->bye = 1;
		return 0;
	}
	session_free(s, REASON_PROTOCOL, 0, "reply while idle");
	return -1;
}

/*
 * A line ending in a literal's announcement, "{N}" (RFC 3501 4.3):
 * N bytes follow that may hold anything, CRLFs and tag-like lines
 * included, then the rest of the same response.  1 and *n if so.
 */
static int
literal_at_end(const char *l, size_t len, uint64_t *n)
{
	size_t		i;
	uint64_t	v = 0;

	if (len < 3 || l[len - 1] != '}')
		return 0;
	for (i = len - 1; i > 0 && l[i - 1] >= '0' && l[i - 1] <= '9'; i--)
		;
	if (i == 0 || i == len - 1 || l[i - 1] != '{')
		return 0;
	/* Past 13 digits it is over SESSION_LITERAL_MAX anyway. */
	if (len - 1 - i > 13) {
		*n = UINT64_MAX;
		return 1;
	}
	for (; i < len - 1; i++)
		v = v * 10 + (uint64_t)(l[i] - '0');
	*n = v;
	return 1;
}

/* Skip what is left of a literal; 1 while more is to come. */
static int
session_skip_literal(struct session *s, struct evbuffer *in)
{
	size_t	have = evbuffer_get_length(in);
	size_t	n = have < s->literal ? have : (size_t)s->literal;

	if (n > 0 && evbuffer_drain(in, n) == -1)
		fatalx("evbuffer_drain");
	s->literal -= n;
	return s->literal > 0;
}

/* Every whole response line in `in`, each to the state's handler; -1
 * when the session ended or no longer reads from `in`. */
static int
session_lines(struct session *s, struct evbuffer *in)
{
	struct imap_response	 r;
	size_t			 len;
	int			 cont;

	for (;;) {
		if (s->literal > 0 && session_skip_literal(s, in))
			return 0;
		switch (line_take(in, SESSION_LINE_MAX, line, sizeof(line),
		    &len)) {
		case LINE_MORE:
			return 0;
		case LINE_TOOLONG:
			session_free(s, REASON_PROTOCOL, 0, "line too long");
			return -1;
		case LINE_OK:
			break;
		}
		cont = s->cont;
		if ((s->cont = literal_at_end(line, len, &s->literal)) &&
		    s->literal > SESSION_LITERAL_MAX) {
			session_free(s, REASON_PROTOCOL, 0, "literal too long");
			return -1;
		}
		/* The rest of a response after a literal is not a response:
		 * only first lines are. */
		if (cont)
			continue;
		imap_parse_response(line, &r);
		if (states[s->state].on_line(s, &r) == -1)
			return -1;
	}
}

/* TLS: OpenSSL's bufferevent decrypted more; its read high-watermark
 * bounds how much one wakeup sees. */
static void
session_tls_read(struct bufferevent *bev, void *arg)
{
	session_lines(arg, bufferevent_get_input(bev));
}

/* The handshake is done: the greeting (--tls) or the next step. */
static void
session_tls_ready(struct session *s)
{
	uint64_t	now = schedule_now_us();

	stats_tls_handshake(1, now - s->step_us);
	s->step_us = now;
	if (s->state == STATE_TLS) {
		session_enter_state(s, STATE_GREETING);
		return;
	}
	/* RFC 3501 6.2.1: what the server said before TLS is forgotten;
	 * AUTHENTICATE then waits for "+". */
	s->sasl_ir = 0;
	session_next(s);
}

static void
session_tls_event(struct session *s, short what)
{
	const char	*why;

	if (what & BEV_EVENT_CONNECTED) {
		session_tls_ready(s);
		return;
	}
	why = tls_error(s->bev);
	stats_tls_handshake(0, 0);
	log_debug("session id=%llu tls failed: %s", (unsigned long long)s->id,
	    why);
	session_free(s, REASON_TLS, 0, why);
}

static void
session_event(struct bufferevent *bev UNUSED, short what, void *arg)
{
	struct session	*s = arg;
	int		 err = s->io_err != 0 ? s->io_err : errno;

	if (s->state == STATE_TLS || s->state == STATE_STARTTLS_TLS)
		session_tls_event(s, what);
	else if ((what & BEV_EVENT_EOF) && s->state == STATE_CLOSE)
		session_close_done(s);
	else if ((what & BEV_EVENT_EOF) && s->state == STATE_CACHED && s->bye)
		session_free(s, REASON_IMAP_BYE, 0, "BYE while idle");
	else if (what & BEV_EVENT_EOF)
		session_free(s, REASON_PROTOCOL, 0, "server closed");
	else if (err != 0)
		session_fail_errno(s, err, (what & BEV_EVENT_READING) ?
		    "read" : "write");
	else if (s->tls)
		session_free(s, REASON_TLS, 0, tls_error(s->bev));
	else
		session_free(s, REASON_OTHER, 0, "bufferevent error");
}

static int	session_connect_done(struct session *, short);
static int	session_connected(struct session *);

/* The first read of a plain connection still connecting ends its
 * handshake: bytes, end of file or nothing yet mean it was established;
 * an error is the handshake's own, the socket's pending error (what
 * SO_ERROR would say, and it clears it the same way).  -1 when the
 * session ended. */
static int
session_recv_connect(struct session *s, ssize_t n, int err)
{
	if (n == -1 && err == EINTR)
		return 0;
	if (n == -1 && err != EAGAIN && err != EWOULDBLOCK) {
		session_fail_errno(s, err, "SO_ERROR");
		return -1;
	}
	return session_connected(s);
}

/*
 * A plain socket's bytes, read until the kernel has no more.  Edge
 * triggered: a read shorter than asked for emptied the queue, and what
 * comes later is a new edge; only a FIN already in (EV_CLOSED, from
 * EPOLLRDHUP) still has to be read, as end of file.  One static buffer,
 * copied into s->in: reserving room in the evbuffer would allocate 16 KiB
 * per read, and malloc would grow and trim the heap (brk) per session.
 */
static void
session_recv(struct session *s, short events)
{
	static char	rbuf[SESSION_READ_MAX];
	size_t		room;
	ssize_t		n;

	for (;;) {
		/* Room for one maximal line and its CRLF, never more; past
		 * that one byte, and session_lines says the line is too
		 * long. */
		room = SESSION_LINE_MAX + 2;
		room = evbuffer_get_length(s->in) < room ?
		    room - evbuffer_get_length(s->in) : 1;
		if (room > sizeof(rbuf))
			room = sizeof(rbuf);
		n = recv(s->fd, rbuf, room, MSG_DONTWAIT);
		if (s->state == STATE_CONNECTING &&
		    session_recv_connect(s, n, errno) == -1)
			return;
		if (n > 0) {
			if (evbuffer_add(s->in, rbuf, (size_t)n) == -1)
				fatalx("evbuffer_add");
			if (session_lines(s, s->in) == -1 || s->io_err != 0)
				return;
			if ((size_t)n < room && !(events & EV_CLOSED))
				return;
		} else if (n == 0) {
			session_event(NULL, BEV_EVENT_EOF | BEV_EVENT_READING, s);
			return;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		else if (errno != EINTR) {
			s->io_err = errno;
			session_event(NULL, BEV_EVENT_ERROR | BEV_EVENT_READING,
			    s);
			return;
		}
	}
}

/* What send() left, now that the socket is writable again; -1 when the
 * session ended. */
static int
session_flush(struct session *s)
{
	struct evbuffer_iovec	v;
	ssize_t			n;

	while (s->out != NULL && evbuffer_peek(s->out, -1, NULL, &v, 1) > 0) {
		n = send(s->fd, v.iov_base, v.iov_len, MSG_NOSIGNAL |
		    MSG_DONTWAIT);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			s->io_err = errno;
			session_event(NULL, BEV_EVENT_ERROR | BEV_EVENT_WRITING,
			    s);
			return -1;
		}
		if (evbuffer_drain(s->out, (size_t)n) == -1)
			fatalx("evbuffer_drain");
	}
	return 0;
}

/* The plain connection's one event: the connect's end, a write error
 * found by session_send, room for what it left, bytes to read. */
static void
session_io(evutil_socket_t fd UNUSED, short events, void *arg)
{
	struct session	*s = arg;

	if (s->state == STATE_CONNECTING &&
	    session_connect_done(s, events) == -1)
		return;
	if (s->io_err != 0) {
		session_event(NULL, BEV_EVENT_ERROR | BEV_EVENT_WRITING, s);
		return;
	}
	if ((events & EV_WRITE) && session_flush(s) == -1)
		return;
	if (events & (EV_READ | EV_CLOSED))
		session_recv(s, events);
}

/* The client handshake on the connected socket, counted in `state`. */
static void
session_start_tls(struct session *s, enum session_state state)
{
	const struct endpoint	*ep;

	/* The plain event and buffers: TLS reads through the bufferevent,
	 * and session_tls_fin makes its own event. */
	session_plain_free(s);
	ep = &params.targets[s->id % (uint64_t)params.ntargets];
	s->bev = tls_connect(base, s->fd, ep);
	s->tls = 1;
	bufferevent_setcb(s->bev, session_tls_read, NULL, session_event, s);
	/* Room for one maximal line and its CRLF, never more. */
	bufferevent_setwatermark(s->bev, EV_READ, 0, SESSION_LINE_MAX + 2);
	if (bufferevent_enable(s->bev, EV_READ | EV_WRITE) == -1)
		fatalx("bufferevent_enable");
	session_enter_state(s, state);
}

/* Connected: the greeting, or first the TLS handshake; -1 when the
 * plain event no longer serves the session. */
static int
session_connected(struct session *s)
{
	stats_connected();
	session_step_done(s, LAT_CONNECT);
	if (params.tls) {
		session_start_tls(s, STATE_TLS);
		return -1;
	}
	session_enter_state(s, STATE_GREETING);
	return 0;
}

/*
 * The socket's first event: the handshake finished, one way or the
 * other.  Writable and not readable (EPOLLOUT alone) is established with
 * no error pending: a failed handshake always reads as readable too
 * (EPOLLERR and EPOLLHUP come as both).  Readable, a plain connection
 * learns which from its first recv() (session_recv_connect), a system
 * call it makes anyway; TLS asks SO_ERROR.  -1 when the plain event no
 * longer serves the session.
 */
static int
session_connect_done(struct session *s, short events)
{
	int		err = 0;
	socklen_t	len = sizeof(err);

	if (!(events & (EV_READ | EV_CLOSED)))
		return session_connected(s);
	if (!params.tls)
		return 0;
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		session_fail_errno(s, err, "SO_ERROR");
		return -1;
	}
	return session_connected(s);
}

/*
 * connect() ourselves: bufferevent_socket_connect would hide the errno,
 * and EADDRNOTAVAIL from connect() is the very failure we measure.  One
 * edge-triggered event then serves the whole plain connection: added
 * once, never changed, and gone from epoll with close(), where a
 * level-triggered reader would need the write interest turned on and
 * off around every connect and leftover.
 */
static void
session_connect(struct session *s)
{
	const struct endpoint	*ep;
	int			 rc;

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
	rc = connect(s->fd, (const struct sockaddr *)&ep->ss, ep->len);
	/* EINTR: the connection still goes on in the background. */
	if (rc == -1 && errno != EINPROGRESS && errno != EINTR) {
		session_fail_errno(s, errno, "connect");
		return;
	}
	if ((s->ev_io = event_new(base, s->fd, EV_READ | EV_WRITE | EV_CLOSED |
	    EV_ET | EV_PERSIST, session_io, s)) == NULL ||
	    event_add(s->ev_io, NULL) == -1 || (s->in = evbuffer_new()) == NULL)
		fatalx("session: event");
	if (rc == 0)
		session_connected(s);
	else
		session_enter_state(s, STATE_CONNECTING);
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

/* The cache's phases: up to the authentication, the request, the
 * LOGOUT (options.c checks that the list has the first two). */
static void
phases_init(const struct step_list *l)
{
	size_t	i;

	open_end = 0;
	for (i = 0; i < l->n; i++)
		if (l->step[i].kind == STEP_STARTTLS ||
		    l->step[i].kind == STEP_LOGIN ||
		    l->step[i].kind == STEP_AUTHENTICATE)
			open_end = (unsigned)i + 1;
	req_end = (unsigned)l->n;
	if (l->n > 0 && l->step[l->n - 1].kind == STEP_LOGOUT)
		req_end = (unsigned)l->n - 1;
}

void
session_init(struct event_base *b, const struct session_params *p)
{
	base = b;
	params = *p;
	step_timeout = us_to_timeval(p->timeout_us);
	if ((step_tv = event_base_init_common_timeout(b, &step_timeout)) == NULL)
		step_tv = &step_timeout;
	commands_init(p->steps, p->user, p->password);
	phases_init(p->steps);
}

void
session_free_all(void)
{
	commands_free();
}

void
session_request(struct session *s, uint64_t due_us)
{
	uint64_t	now = schedule_now_us();

	if (s->state != STATE_CACHED)
		fatalx("session id=%llu: request while %s",
		    (unsigned long long)s->id, states[s->state].name);
	stats_latency(LAT_LAG, now > due_us ? now - due_us : 0);
	s->in_request = 1;
	s->req_due_us = due_us;
	s->step = open_end;
	s->step_us = now;
	session_run(s);
}

int
session_release(struct session *s)
{
	if (s->state != STATE_CACHED)
		fatalx("session id=%llu: release while %s",
		    (unsigned long long)s->id, states[s->state].name);
	s->step = req_end;
	s->step_us = schedule_now_us();
	return session_run(s);
}

int
session_is_idle(const struct session *s)
{
	return s->state == STATE_CACHED;
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
	return ncached;
}

void
session_abort_all(void)
{
	struct session	*s;

	while ((s = TAILQ_FIRST(&sessions)) != NULL)
		session_free(s, REASON_ABORTED, 0, "interrupted");
}
