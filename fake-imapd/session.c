/* session.c: IMAP connection lifetime: greeting, reading lines, closing. */
#include <sys/queue.h>
#include <sys/socket.h>

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "addr.h"
#include "commands.h"
#include "imapd.h"
#include "lineio.h"
#include "log.h"
#include "session.h"

/* Lines answered per read wakeup, so one pipelining client cannot starve
 * the others (memcached reqs_per_event); the rest waits one loop turn. */
#define SESSION_LINES_PER_WAKEUP	64

/* Stop taking lines while this much output is unread by the client; the
 * write callback resumes when it has drained.  Bounds memory per client. */
#define SESSION_OUTPUT_MAX		(64 * 1024)

/* Read high-watermark: room for one longest line, its CRLF and a little
 * more, so line_take can always tell "too long" from "not yet complete". */
#define SESSION_INPUT_MAX		(SESSION_LINE_MAX + 64)

/* How long DRAINING waits for the client's FIN after ours. */
#define SESSION_DRAIN_TIMEOUT_SEC	5

enum close_reason {
	CLOSE_CLIENT_EOF,
	CLOSE_CLIENT_RESET,
	CLOSE_LOGOUT,
	CLOSE_LOGOUT_TIMEOUT,
	CLOSE_LINE_TOO_LONG,
	CLOSE_SHUTDOWN,
};

/* Whether the client's FIN or RST came first decides which counter. */
static const struct {
	const char	*name;
	int		 by_client;
} close_reasons[] = {
	[CLOSE_CLIENT_EOF] =		{ "client-eof", 1 },
	[CLOSE_CLIENT_RESET] =		{ "client-reset", 1 },
	[CLOSE_LOGOUT] =		{ "logout", 0 },
	[CLOSE_LOGOUT_TIMEOUT] =	{ "logout-timeout", 0 },
	[CLOSE_LINE_TOO_LONG] =		{ "line-too-long", 0 },
	[CLOSE_SHUTDOWN] =		{ "shutdown", 0 },
};

static const char *state_names[] = {
	[STATE_NOT_AUTHENTICATED] =	"NOT_AUTHENTICATED",
	[STATE_AUTHENTICATED] =		"AUTHENTICATED",
	[STATE_LOGOUT] =		"LOGOUT",
	[STATE_CLOSING] =		"CLOSING",
	[STATE_DRAINING] =		"DRAINING",
};

struct session {
	unsigned long long	 id;
	char			 peer[ENDPOINT_STRLEN];
	enum session_state	 state;
	enum close_reason	 close_reason;	/* CLOSING and DRAINING */
	struct bufferevent	*bev;
	struct event		*timer;		/* LOGOUT and DRAINING */
	TAILQ_ENTRY(session)	 entry;
};

static TAILQ_HEAD(, session)	 sessions = TAILQ_HEAD_INITIALIZER(sessions);
static const struct config	*session_config;
static struct session_stats	 stats;
static unsigned long long	 next_id = 1;

static void	session_read_cb(struct bufferevent *, void *);
static void	session_write_cb(struct bufferevent *, void *);
static void	session_event_cb(struct bufferevent *, short, void *);
static void	session_free(struct session *, enum close_reason);

void
session_setup(const struct config *conf)
{
	session_config = conf;
}

const struct session_stats *
session_stats(void)
{
	return &stats;
}

enum session_state
session_state(const struct session *s)
{
	return s->state;
}

void
session_enter_state(struct session *s, enum session_state new)
{
	log_debug("session id=%llu peer=%s event=state old=%s new=%s",
	    s->id, s->peer, state_names[s->state], state_names[new]);
	s->state = new;
}

void
session_reply(struct session *s, const char *fmt, ...)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);
	va_list		 ap;
	int		 r;

	va_start(ap, fmt);
	r = evbuffer_add_vprintf(out, fmt, ap);
	va_end(ap);
	/* RFC 3501 2.2: every line, ours included, ends in CRLF. */
	if (r == -1 || evbuffer_add(out, "\r\n", 2) == -1)
		fatalx("session id=%llu: out of memory for a reply", s->id);
}

void
session_new(struct event_base *base, int fd, const struct sockaddr *sa)
{
	struct session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_warn("accept: session");
		close(fd);
		return;
	}
	s->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		log_warnx("accept: cannot make a bufferevent");
		close(fd);
		free(s);
		return;
	}
	s->id = next_id++;
	s->state = STATE_NOT_AUTHENTICATED;
	endpoint_format(sa, s->peer, sizeof(s->peer));
	TAILQ_INSERT_TAIL(&sessions, s, entry);
	stats.accepted++;
	log_debug("session id=%llu peer=%s event=accept", s->id, s->peer);

	bufferevent_setcb(s->bev, session_read_cb, session_write_cb,
	    session_event_cb, s);
	bufferevent_setwatermark(s->bev, EV_READ, 0, SESSION_INPUT_MAX);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	/* RFC 3501 7.1.1: an OK greeting; its CAPABILITY code saves
	 * clients a round trip. */
	session_reply(s, "* OK [CAPABILITY IMAP4rev1] fake-imapd ready");
}

/* The one place a session ends; `reason` goes to the log and the counters. */
static void
session_free(struct session *s, enum close_reason reason)
{
	log_debug("session id=%llu peer=%s event=close reason=%s", s->id,
	    s->peer, close_reasons[reason].name);
	if (close_reasons[reason].by_client)
		stats.closed_by_client++;
	else
		stats.closed_by_server++;
	TAILQ_REMOVE(&sessions, s, entry);
	if (s->timer != NULL)
		event_free(s->timer);
	/* Closes the socket: a plain close(2), never SO_LINGER 0, since an
	 * RST would skip the TIME_WAIT this program exists to place. */
	bufferevent_free(s->bev);
	free(s);
}

void
session_free_all(void)
{
	struct session	*s;

	while ((s = TAILQ_FIRST(&sessions)) != NULL)
		session_free(s, CLOSE_SHUTDOWN);
}

/*
 * Close once everything queued has reached the socket.  Frees `s` at once
 * when nothing is queued, so callers must not touch it afterwards.
 */
static void
session_close(struct session *s, enum close_reason reason)
{
	if (s->state == STATE_CLOSING)
		return;		/* the first reason stands */
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0) {
		session_free(s, reason);
		return;
	}
	s->close_reason = reason;
	session_enter_state(s, STATE_CLOSING);
	bufferevent_disable(s->bev, EV_READ);
}

/* We close first, after the BYE just queued: see STATE_DRAINING. */
static void
session_drain(struct session *s, enum close_reason reason)
{
	s->close_reason = reason;
	session_enter_state(s, STATE_DRAINING);
}

static int
session_reads_commands(const struct session *s)
{
	return s->state == STATE_NOT_AUTHENTICATED ||
	    s->state == STATE_AUTHENTICATED;
}

/* Answer up to `max` complete lines.  Never frees the session. */
static void
session_read_lines(struct session *s, unsigned int max)
{
	struct evbuffer	*in = bufferevent_get_input(s->bev);
	struct evbuffer	*out = bufferevent_get_output(s->bev);
	char		 line[SESSION_LINE_MAX + 1];
	size_t		 len;
	unsigned int	 n;

	for (n = 0; n < max; n++) {
		if (!session_reads_commands(s)) {
			/* After LOGOUT or BYE nothing more is a command. */
			evbuffer_drain(in, evbuffer_get_length(in));
			return;
		}
		if (evbuffer_get_length(out) >= SESSION_OUTPUT_MAX)
			return;	/* resumed by session_write_cb */
		switch (line_take(in, SESSION_LINE_MAX, line, sizeof(line),
		    &len)) {
		case LINE_MORE:
			return;
		case LINE_TOOLONG:
			/* RFC 3501 7.1.5: BYE, then we close. */
			session_reply(s, "* BYE line too long");
			session_drain(s, CLOSE_LINE_TOO_LONG);
			return;
		case LINE_OK:
			commands_dispatch(s, line);
			break;
		}
	}
	/* Cap reached: finish on a later loop turn, after the others. */
	if (evbuffer_get_length(in) > 0)
		bufferevent_trigger(s->bev, EV_READ,
		    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

static void
session_read_cb(struct bufferevent *bev UNUSED, void *arg)
{
	session_read_lines(arg, SESSION_LINES_PER_WAKEUP);
}

/* LOGOUT: the client never closed; DRAINING: nor after our FIN. */
static void
session_timeout_cb(evutil_socket_t fd UNUSED, short what UNUSED, void *arg)
{
	struct session	*s = arg;

	session_free(s, s->state == STATE_LOGOUT ? CLOSE_LOGOUT_TIMEOUT :
	    s->close_reason);
}

static int
session_arm_timer(struct session *s, const struct timeval *tv)
{
	struct event_base	*base = bufferevent_get_base(s->bev);

	if (s->timer == NULL &&
	    (s->timer = evtimer_new(base, session_timeout_cb, s)) == NULL) {
		log_warnx("session id=%llu: cannot make a timer", s->id);
		return -1;
	}
	return evtimer_add(s->timer, tv);
}

/* BYE and the tagged OK have reached the socket (RFC 3501 6.1.3). */
static void
session_logout_flushed(struct session *s)
{
	if (session_config->logout_close == LOGOUT_CLOSE_SERVER) {
		session_free(s, CLOSE_LOGOUT);
		return;
	}
	/* KB 319502: let the client close first so the TIME_WAIT is its. */
	log_debug("session id=%llu peer=%s event=logout-wait", s->id, s->peer);
	if (session_arm_timer(s, &session_config->logout_timeout) == -1)
		session_free(s, CLOSE_LOGOUT_TIMEOUT);
}

/* Our BYE is out: send FIN, keep discarding until the client's. */
static void
session_drain_flushed(struct session *s)
{
	static const struct timeval	 tv = { SESSION_DRAIN_TIMEOUT_SEC, 0 };

	log_debug("session id=%llu peer=%s event=shutdown-write", s->id,
	    s->peer);
	if (shutdown(bufferevent_getfd(s->bev), SHUT_WR) == -1 ||
	    session_arm_timer(s, &tv) == -1)
		session_free(s, s->close_reason);
}

/* Called whenever the output buffer has drained (low watermark 0). */
static void
session_write_cb(struct bufferevent *bev, void *arg)
{
	struct session	*s = arg;

	switch (s->state) {
	case STATE_CLOSING:
		session_free(s, s->close_reason);
		break;
	case STATE_LOGOUT:
		session_logout_flushed(s);
		break;
	case STATE_DRAINING:
		session_drain_flushed(s);
		break;
	case STATE_NOT_AUTHENTICATED:
	case STATE_AUTHENTICATED:
		/* Lines may be waiting for the client to read its answers. */
		if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
			session_read_lines(s, SESSION_LINES_PER_WAKEUP);
		break;
	}
}

static void
session_event_cb(struct bufferevent *bev UNUSED, short what, void *arg)
{
	struct session	*s = arg;

	if (what & BEV_EVENT_EOF) {
		if (s->state == STATE_DRAINING) {
			/* The close was ours; flush the BYE if still queued. */
			session_close(s, s->close_reason);
			return;
		}
		/* A half-closing client (nc -N) still reads: answer what
		 * came before its FIN, then close once that is flushed. */
		session_read_lines(s, UINT_MAX);
		session_close(s, CLOSE_CLIENT_EOF);
		return;
	}
	log_debug("session id=%llu peer=%s event=error error=\"%s\"", s->id,
	    s->peer, evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	session_free(s, CLOSE_CLIENT_RESET);
}
