/* session.c: the client side of one IMAP connection, as a state machine:
 * connect, greeting, the --steps list (LOGIN, SELECT, FETCH, IDLE, ...,
 * LOGOUT), then close first, having read it all.  The transport, plain
 * or TLS, is conn.c's; the session sees only its events.  With
 * --mailboxes the connection serves requests (the list's mailbox steps)
 * between its authentication and its LOGOUT, cached (cache.c) in between. */
#include <sys/types.h>
#include <sys/queue.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "addr.h"
#include "cdefs.h"
#include "clock.h"
#include "commands.h"
#include "conn.h"
#include "errors.h"
#include "framing.h"
#include "imap.h"
#include "log.h"
#include "schedule.h"
#include "session.h"
#include "stage.h"
#include "stats.h"
#include "steps.h"
#include "words.h"

/* Longest command we send, tag and CRLF included (LOGIN of two 1k
 * credentials quoted, their base64). */
#define SESSION_CMD_MAX		8192

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
	struct conn		*conn;		/* NULL until socket() */
	struct event		*ev_timeout;	/* the current step's deadline */
	int			 bye;		/* "* BYE" seen (LOGOUT, idle) */
	int			 preauth;	/* PREAUTH greeting: no LOGIN */
	int			 sasl_ir;	/* the greeting offered SASL-IR */
	struct framing		 framing;	/* where a response begins */
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
static char			 line[FRAMING_LINE_MAX + 1];
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
	if (s->conn != NULL)
		conn_free(s->conn);
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
	conn_write(s->conn, cmdbuf, tlen + 1 + clen + 2);
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

/* Abortive close (--close rst): RST, so neither side keeps TIME_WAIT
 * (counted by the kernel as TCPAbortOnData). */
static void
session_reset(struct session *s)
{
	if (conn_reset(s->conn) == -1) {
		session_fail_errno(s, errno, "SO_LINGER");
		return;
	}
	session_free(s, REASON_COMPLETED, 0, "");
}

/* Bytes the server sent that nobody asked for (conn_unread): 1 if there
 * are (the session is then ended as protocol), -1 if the session ended
 * otherwise, 0 if none; `fin` says whether the server's FIN is in. */
static int
session_unread(struct session *s, const char *what, int *fin)
{
	switch (conn_unread(s->conn, fin)) {
	case 1:
		session_free(s, REASON_PROTOCOL, 0, what);
		return 1;
	case -1:
		session_fail_errno(s, errno, "recv");
		return -1;
	default:
		return 0;
	}
}

/* The last step's tagged reply was the last thing the server should
 * send. */
static int
session_last_reply(struct session *s)
{
	int	fin;

	/* Closing with unread bytes makes the kernel send RST instead of
	 * FIN, and an RST leaves no TIME_WAIT: the run would stop
	 * reproducing the bug without a word.  So look in what was read and
	 * in the kernel's receive queue before closing. */
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
	/* The session completes with the server's FIN (conn_finish). */
	if (conn_finish(s->conn, client_closes_first()) == -1) {
		session_fail_errno(s, errno, "shutdown");
		return -1;
	}
	session_enter_state(s, STATE_CLOSE);
	return 0;
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
 * STARTTLS's OK: the handshake starts on the same socket, the --tls
 * path's, once nothing is left to read: bytes the server sent after its
 * OK, before our ClientHello, are no TLS (RFC 3501 6.2.1).
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
	conn_start_tls(s->conn);
	session_enter_state(s, STATE_STARTTLS_TLS);
	/* The plain input is gone: stop reading it. */
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
	conn_write(s->conn, command_auth_response(),
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
	conn_write(s->conn, "DONE\r\n", 6);
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

/* Every whole response line in `in`, each to the state's handler; -1
 * when the session ended or no longer reads from `in`. */
static int
session_lines(struct session *s, struct evbuffer *in)
{
	struct imap_response	 r;
	size_t			 len;

	for (;;) {
		switch (framing_next(&s->framing, in, line, sizeof(line),
		    &len)) {
		case FRAMING_MORE:
			return 0;
		case FRAMING_TOOLONG:
			session_free(s, REASON_PROTOCOL, 0, "line too long");
			return -1;
		case FRAMING_LITERAL_TOOLONG:
			session_free(s, REASON_PROTOCOL, 0, "literal too long");
			return -1;
		case FRAMING_NUL:
			session_free(s, REASON_PROTOCOL, 0, "NUL in a line");
			return -1;
		case FRAMING_LINE:
			break;
		}
		imap_parse_response(line, &r);
		if (states[s->state].on_line(s, &r) == -1)
			return -1;
	}
}

/* The handshake is done: the greeting (--tls) or the next step. */
static int
session_tls_ready(struct session *s)
{
	uint64_t	now = schedule_now_us();

	stats_tls_handshake(1, now - s->step_us);
	s->step_us = now;
	if (s->state == STATE_TLS) {
		session_enter_state(s, STATE_GREETING);
		return 0;
	}
	/* RFC 3501 6.2.1: what the server said before TLS is forgotten;
	 * AUTHENTICATE then waits for "+". */
	s->sasl_ir = 0;
	return session_next(s);
}

/* Connected: the greeting, or first the TLS handshake (conn.c starts it
 * with --tls). */
static int
session_connected(struct session *s)
{
	stats_connected();
	session_step_done(s, LAT_CONNECT);
	session_enter_state(s, params.tls ? STATE_TLS : STATE_GREETING);
	return 0;
}

/* The server's stream ended.  In STATE_CLOSE, its FIN (conn_finish): the
 * session is over if nothing came with it. */
static void
session_eof(struct session *s)
{
	if (s->state == STATE_CLOSE &&
	    evbuffer_get_length(conn_input(s->conn)) > 0)
		session_free(s, REASON_PROTOCOL, 0, "bytes after the last reply");
	else if (s->state == STATE_CLOSE)
		session_free(s, REASON_COMPLETED, 0, "");
	else if (s->state == STATE_CACHED && s->bye)
		session_free(s, REASON_IMAP_BYE, 0, "BYE while idle");
	else
		session_free(s, REASON_PROTOCOL, 0, "server closed");
}

/* An errno says where (read, write, SO_ERROR); none, TLS failed, in its
 * handshake or after. */
static void
session_error(struct session *s, int err)
{
	const char	*why = conn_error(s->conn);

	if (err != 0) {
		session_fail_errno(s, err, why);
		return;
	}
	if (s->state == STATE_TLS || s->state == STATE_STARTTLS_TLS) {
		stats_tls_handshake(0, 0);
		log_debug("session id=%llu tls failed: %s",
		    (unsigned long long)s->id, why);
	}
	session_free(s, REASON_TLS, 0, why);
}

/* The transport's one callback (conn.h); -1 when it must stop. */
static int
session_conn_event(struct conn *c, enum conn_event ev, int err, void *arg)
{
	struct session	*s = arg;

	switch (ev) {
	case CONN_CONNECTED:
		return session_connected(s);
	case CONN_TLS_READY:
		return session_tls_ready(s);
	case CONN_DATA:
		return session_lines(s, conn_input(c));
	case CONN_EOF:
		session_eof(s);
		return -1;
	case CONN_ERROR:
		session_error(s, err);
		return -1;
	}
	return 0;
}

/* socket(), bind() with a --bind mode, connect(): each its own stage. */
static void
session_connect(struct session *s)
{
	const struct endpoint	*ep;

	ep = &params.targets[s->id % (uint64_t)params.ntargets];
	if ((s->conn = conn_open(ep, s->id, params.tls, session_conn_event,
	    s)) == NULL) {
		session_fail_errno(s, errno, "socket");
		return;
	}
	if (params.bind) {
		session_enter_state(s, STATE_BIND);
		/* Sources rotate once per full turn of the targets, so
		 * every (source, target) pair gets its share. */
		if (conn_bind(s->conn, s->id / (uint64_t)params.ntargets) ==
		    -1) {
			session_fail_errno(s, errno, "bind");
			return;
		}
	}
	session_enter_state(s, STATE_CONNECT);
	if (conn_connect(s->conn) == -1) {
		session_fail_errno(s, errno, "connect");
		return;
	}
	/* Unless it connected at once (CONN_CONNECTED came already). */
	if (s->state == STATE_CONNECT)
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
	/* Room for one maximal line and its CRLF, never more. */
	conn_init(b, FRAMING_LINE_MAX + 2);
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
