/* session.c: IMAP connection lifetime: admission, greeting, input, timers, closing. */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "addr.h"
#include "clock.h"
#include "commands.h"
#include "conn.h"
#include "imap.h"
#include "imapd.h"
#include "listener.h"
#include "log.h"
#include "mailbox.h"
#include "reader.h"
#include "session.h"
#include "sock.h"
#include "stats.h"
#include "tls.h"
#include "userip.h"

/* Commands answered per read wakeup, so one pipelining client cannot
 * starve the others (memcached reqs_per_event); the rest waits one turn. */
#define SESSION_LINES_PER_WAKEUP	64

/* Stop taking commands while this much output is unread by the client;
 * the write callback resumes when it has drained.  Bounds memory. */
#define SESSION_OUTPUT_MAX		(64 * 1024)

/* Read high-watermark: room for one longest line, its CRLF and a little
 * more, so line_take can always tell "too long" from "not yet complete". */
#define SESSION_INPUT_MAX		(READER_LINE_MAX_AUTH + 64)

/* How long CLOSING, BYE and DRAINING wait for the client (to read our last
 * bytes, to send its FIN) before closing anyway. */
#define SESSION_DRAIN_TIMEOUT_SEC	5

enum close_reason {
	CLOSE_CLIENT_EOF,
	CLOSE_CLIENT_RESET,
	CLOSE_LOGOUT,
	CLOSE_LOGOUT_TIMEOUT,
	CLOSE_LOGOUT_RESET,
	CLOSE_LINE_TOO_LONG,
	CLOSE_LITERAL_TOO_BIG,
	CLOSE_TOO_MANY_ERRORS,
	CLOSE_AUTOLOGOUT,
	CLOSE_OVERLOAD,
	CLOSE_AFTER_COMMANDS,
	CLOSE_LIFETIME,
	CLOSE_SHUTDOWN,
	CLOSE_TLS_FAILED,
	CLOSE_TLS_TIMEOUT,
};

enum closed_by {
	BY_SERVER,
	BY_CLIENT,	/* its FIN came first */
	BY_RESET,	/* its RST, or a socket error */
};

static const struct {
	const char	*name;
	enum closed_by	 by;
} close_reasons[] = {
	[CLOSE_CLIENT_EOF] =		{ "client-eof", BY_CLIENT },
	[CLOSE_CLIENT_RESET] =		{ "client-reset", BY_RESET },
	[CLOSE_LOGOUT] =		{ "logout", BY_SERVER },
	[CLOSE_LOGOUT_TIMEOUT] =	{ "logout-timeout", BY_SERVER },
	[CLOSE_LOGOUT_RESET] =		{ "logout-reset", BY_SERVER },
	[CLOSE_LINE_TOO_LONG] =		{ "line-too-long", BY_SERVER },
	[CLOSE_LITERAL_TOO_BIG] =	{ "literal-too-big", BY_SERVER },
	[CLOSE_TOO_MANY_ERRORS] =	{ "too-many-errors", BY_SERVER },
	[CLOSE_AUTOLOGOUT] =		{ "autologout", BY_SERVER },
	[CLOSE_OVERLOAD] =		{ "overload", BY_SERVER },
	[CLOSE_AFTER_COMMANDS] =	{ "close-after-commands", BY_SERVER },
	[CLOSE_LIFETIME] =		{ "max-lifetime", BY_SERVER },
	[CLOSE_SHUTDOWN] =		{ "shutdown", BY_SERVER },
	[CLOSE_TLS_FAILED] =		{ "tls-failed", BY_SERVER },
	[CLOSE_TLS_TIMEOUT] =		{ "tls-timeout", BY_SERVER },
};

/* What a state's timer waits for; it is set on entering the state. */
enum state_timer {
	TIMER_NONE,
	TIMER_UNAUTH,	/* --autologout-unauth: a client not logged in (its
			 * next command, its TLS handshake) */
	TIMER_AUTH,	/* --autologout: a logged-in client's next command */
	TIMER_LOGOUT,	/* --logout-timeout: the client's FIN after LOGOUT */
	TIMER_DRAIN,	/* the client reading our last bytes, or its FIN */
};
#define TIMER_COUNT	(TIMER_DRAIN + 1)

/* State flags: commands are read (RFC 3501 3's states, and the
 * continuation lines in them); the client is logged in. */
#define SF_COMMANDS	0x1
#define SF_LOGGED_IN	0x2

static const struct {
	const char		*name;
	enum state_timer	 timer;
	unsigned int		 flags;
} states[] = {
	[STATE_NEW] =		{ "NEW",		TIMER_NONE,	0 },
	[STATE_TLS_HANDSHAKE] =	{ "TLS_HANDSHAKE",	TIMER_UNAUTH,	0 },
	[STATE_STARTTLS] =	{ "STARTTLS",		TIMER_UNAUTH,	0 },
	[STATE_GREETING] =	{ "GREETING",		TIMER_NONE,	0 },
	[STATE_NOT_AUTHENTICATED] = { "NOT_AUTHENTICATED", TIMER_UNAUTH,
				    SF_COMMANDS },
	[STATE_AUTHENTICATED] =	{ "AUTHENTICATED",	TIMER_AUTH,
				    SF_COMMANDS | SF_LOGGED_IN },
	[STATE_SELECTED] =	{ "SELECTED",		TIMER_AUTH,
				    SF_COMMANDS | SF_LOGGED_IN },
	[STATE_IDLE] =		{ "IDLE",		TIMER_AUTH,
				    SF_COMMANDS | SF_LOGGED_IN },
	[STATE_AUTHENTICATE] =	{ "AUTHENTICATE",	TIMER_UNAUTH,
				    SF_COMMANDS },
	/* --logout-timeout counts from when the BYE and the tagged OK are
	 * out (LOGOUT_WAIT); until then LOGOUT has no timer. */
	[STATE_LOGOUT] =	{ "LOGOUT",		TIMER_NONE,	0 },
	[STATE_LOGOUT_WAIT] =	{ "LOGOUT_WAIT",	TIMER_LOGOUT,	0 },
	[STATE_CLOSING] =	{ "CLOSING",		TIMER_DRAIN,	0 },
	[STATE_BYE] =		{ "BYE",		TIMER_DRAIN,	0 },
	[STATE_DRAINING] =	{ "DRAINING",		TIMER_DRAIN,	0 },
};
_Static_assert(nitems(states) == STATE_COUNT, "a row for every state");

struct session {
	unsigned long long	 id;
	char			 peer[ENDPOINT_STRLEN];
	enum session_state	 state;
	enum close_reason	 close_reason;	/* CLOSING, BYE, DRAINING */
	int			 admitted;	/* counted in `active` */
	int			 tls;		/* TLS is on */
	int			 starttls;	/* ... since STARTTLS */
	struct conn		*conn;		/* its transport */
	/* TLS has ended (close_notify or a bare FIN): the raw socket is
	 * watched for the TCP FIN, see session_tls_eof. */
	struct event		*fin_watch;
	/* The state's timeout: what it means follows from the state
	 * (states[]), and it is set only by session_arm_timer. */
	struct event		*timer;
	struct event		*delay;		/* greeting and command delay */
	struct event		*lifetime;	/* --max-lifetime */
	struct reader		 reader;
	struct mailbox_view	*view;		/* SELECTED (and IDLE in it) */
	char			*cont_tag;	/* IDLE, AUTHENTICATE */
	struct userip		*userip;	/* counted for the user+IP limit */
	unsigned long long	 commands;
	unsigned int		 bad_streak;
	int			 cmd_bad;	/* this command answered BAD */
	TAILQ_ENTRY(session)	 entry;
};

static TAILQ_HEAD(, session)	 sessions = TAILQ_HEAD_INITIALIZER(sessions);
static const struct config	*conf;
static struct event_base	*evbase;
static unsigned long long	 next_id = 1;
static unsigned long long	 active;
/* Each state_timer's duration (NULL: none).  The autologouts are libevent
 * common timeouts: O(1) re-arming after every command. */
static const struct timeval	*timeouts[TIMER_COUNT];

static void	session_conn_cb(struct conn *, enum conn_event, void *);
static void	session_free(struct session *, enum close_reason);
static void	session_read_lines(struct session *, unsigned int);
static void	session_start(struct session *);
static void	session_shutdown(struct session *);
static void	session_tls_begin(struct session *);

void
session_setup(struct event_base *base, const struct config *c)
{
	static const struct timeval	 drain = { SESSION_DRAIN_TIMEOUT_SEC, 0 };

	conf = c;
	evbase = base;
	conn_setup(base, SESSION_INPUT_MAX);
	timeouts[TIMER_UNAUTH] = event_base_init_common_timeout(base,
	    &c->autologout_unauth);
	timeouts[TIMER_AUTH] = event_base_init_common_timeout(base,
	    &c->autologout);
	/* Every session passes LOGOUT_WAIT, and many the drain: common
	 * timeouts too, a queue each rather than the heap. */
	timeouts[TIMER_LOGOUT] = event_base_init_common_timeout(base,
	    &c->logout_timeout);
	timeouts[TIMER_DRAIN] = event_base_init_common_timeout(base, &drain);
	if (timeouts[TIMER_UNAUTH] == NULL || timeouts[TIMER_AUTH] == NULL ||
	    timeouts[TIMER_LOGOUT] == NULL || timeouts[TIMER_DRAIN] == NULL)
		fatalx("cannot set up the session timers");
}

unsigned long long
session_active(void)
{
	return active;
}

enum session_state
session_state(const struct session *s)
{
	return s->state;
}

/* The one place the state timer is set, from the state alone: on
 * entering the state, and after each command (RFC 3501 5.4: autologout
 * counts inactivity). */
static void
session_arm_timer(struct session *s)
{
	const struct timeval	*tv = timeouts[states[s->state].timer];

	if (tv == NULL)
		evtimer_del(s->timer);
	else
		evtimer_add(s->timer, tv);
}

/* The one place the state changes, and with it the timer's meaning. */
static void
session_enter_state(struct session *s, enum session_state new)
{
	log_debug("session id=%llu peer=%s event=state old=%s new=%s",
	    s->id, s->peer, states[s->state].name, states[new].name);
	s->state = new;
	session_arm_timer(s);
}

int
session_tls_active(const struct session *s)
{
	return s->tls;
}

int
session_starttls_offered(const struct session *s)
{
	return tls_configured() && !s->tls &&
	    (s->state == STATE_NOT_AUTHENTICATED || s->state == STATE_GREETING);
}

int
session_login_allowed(const struct session *s)
{
	return !conf->login_disabled || s->tls;
}

struct evbuffer *
session_output(struct session *s)
{
	return conn_output(s->conn);
}

struct mailbox_view *
session_view(struct session *s)
{
	return s->view;
}

void
session_select(struct session *s, struct mailbox_view *v)
{
	mailbox_view_free(s->view);
	s->view = v;
	session_enter_state(s, STATE_SELECTED);
}

void
session_unselect(struct session *s)
{
	mailbox_view_free(s->view);
	s->view = NULL;
	if (s->state == STATE_SELECTED)
		session_enter_state(s, STATE_AUTHENTICATED);
}

void
session_logout(struct session *s)
{
	mailbox_view_free(s->view);
	s->view = NULL;
	session_enter_state(s, STATE_LOGOUT);
}

static void PRINTF_LIKE(2, 0)
session_vreply(struct session *s, const char *fmt, va_list ap)
{
	struct evbuffer	*out = conn_output(s->conn);

	/* RFC 3501 2.2: every line, ours included, ends in CRLF. */
	if (evbuffer_add_vprintf(out, fmt, ap) == -1 ||
	    evbuffer_add(out, "\r\n", 2) == -1)
		fatalx("session id=%llu: out of memory for a reply", s->id);
}

void
session_reply(struct session *s, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	session_vreply(s, fmt, ap);
	va_end(ap);
}

void
session_bad(struct session *s, const char *tag, const char *fmt, ...)
{
	struct evbuffer	*out = conn_output(s->conn);
	va_list		 ap;

	s->cmd_bad = 1;
	evbuffer_add_printf(out, "%s BAD ", tag != NULL ? tag : "*");
	va_start(ap, fmt);
	session_vreply(s, fmt, ap);
	va_end(ap);
}

/* Uniform in [0, 1). */
static double
random_unit(void)
{
	return (double)arc4random() / 4294967296.0;
}

static struct timeval
delay_draw(const struct delay *d)
{
	uint64_t	us = d->base_us;

	if (d->jitter_us > 0)
		us += (uint64_t)(random_unit() * (double)(d->jitter_us + 1));
	return us_to_timeval(us);
}

static int
session_reads_commands(const struct session *s)
{
	return (states[s->state].flags & SF_COMMANDS) != 0;
}

static int
session_logged_in(const struct session *s)
{
	return (states[s->state].flags & SF_LOGGED_IN) != 0;
}

/* A close we started after a BYE: see STATE_BYE. */
static int
session_closing_ours(const struct session *s)
{
	return s->state == STATE_BYE || s->state == STATE_DRAINING;
}

/*
 * Everything a session holds, from a whole one down to one whose
 * allocation stopped half way (NULL members are skipped).  Freeing the
 * conn closes the socket: a plain close(2); an RST, which skips
 * the TIME_WAIT this program exists to place, only when session_abort
 * asked for it.
 */
static void
session_teardown(struct session *s)
{
	if (s->timer != NULL)
		event_free(s->timer);
	if (s->fin_watch != NULL)
		event_free(s->fin_watch);
	if (s->delay != NULL)
		event_free(s->delay);
	if (s->lifetime != NULL)
		event_free(s->lifetime);
	reader_free(&s->reader);
	mailbox_view_free(s->view);
	free(s->cont_tag);
	if (s->userip != NULL)
		userip_release(s->userip);
	if (s->conn != NULL)
		conn_free(s->conn);
	free(s);
}

/* The one place a session ends; `reason` goes to the log and the counters. */
static void
session_free(struct session *s, enum close_reason reason)
{
	log_debug("session id=%llu peer=%s event=close reason=%s "
	    "commands=%llu tls=%s", s->id, s->peer, close_reasons[reason].name,
	    s->commands, s->tls ? "yes" : "no");
	switch (close_reasons[reason].by) {
	case BY_CLIENT:
		stats.closed_by_client++;
		break;
	case BY_RESET:
		stats.closed_by_reset++;
		break;
	case BY_SERVER:
		stats.closed_by_server++;
		break;
	}
	TAILQ_REMOVE(&sessions, s, entry);
	if (s->admitted && --active < conf->max_connections &&
	    conf->overload == OVERLOAD_BACKLOG)
		listener_set_accepting(1);
	session_teardown(s);
}

void
session_free_all(void)
{
	struct session	*s;

	while ((s = TAILQ_FIRST(&sessions)) != NULL)
		session_free(s, CLOSE_SHUTDOWN);
	conn_free_all();
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
	if (evbuffer_get_length(conn_output(s->conn)) == 0) {
		session_free(s, reason);
		return;
	}
	s->close_reason = reason;
	/* Its timer: a client that reads nothing must not hold us for ever. */
	session_enter_state(s, STATE_CLOSING);
	conn_read_stop(s->conn);
}

/* "* BYE ..." and our close once it is flushed: RFC 3501 7.1.5. */
static void
session_bye(struct session *s, enum close_reason reason, const char *text)
{
	session_reply(s, "* BYE %s", text);
	s->close_reason = reason;
	session_enter_state(s, STATE_BYE);
}

static void
session_greet(struct session *s)
{
	/* RFC 3501 7.1.4: PREAUTH, the connection is logged in already. */
	if (conf->preauth) {
		session_enter_state(s, STATE_AUTHENTICATED);
		session_reply(s, "* PREAUTH [CAPABILITY %s] fake-imapd ready, "
		    "logged in", commands_capability(s));
	} else {
		session_enter_state(s, STATE_NOT_AUTHENTICATED);
		/* RFC 3501 7.1.1: an OK greeting; its CAPABILITY code saves
		 * clients a round trip. */
		session_reply(s, "* OK [CAPABILITY %s] fake-imapd ready",
		    commands_capability(s));
	}
}

enum session_login
session_login(struct session *s, const char *user, size_t ulen)
{
	char	addr[ENDPOINT_STRLEN], *colon;
	int	full;

	if (conf->max_userip_connections > 0) {
		/* The address without its port: "[::1]:1143" -> "[::1]". */
		memcpy(addr, s->peer, sizeof(addr));
		if ((colon = strrchr(addr, ':')) != NULL)
			*colon = '\0';
		s->userip = userip_take(user, ulen, addr,
		    conf->max_userip_connections, &full);
		if (s->userip == NULL && full) {
			stats.rejected_userip++;
			return SESSION_LOGIN_LIMIT;
		}
		if (s->userip == NULL)
			return SESSION_LOGIN_NOMEM;
	}
	session_enter_state(s, STATE_AUTHENTICATED);
	return SESSION_LOGIN_OK;
}

/* A "+" continuation was sent: the next line belongs to command `tag`,
 * read in state `st` (see session_continuation). */
static void
session_await(struct session *s, const char *tag, enum session_state st)
{
	if ((s->cont_tag = strdup(tag)) == NULL)
		fatalx("session id=%llu: out of memory", s->id);
	session_enter_state(s, st);
}

void
session_idle(struct session *s, const char *tag)
{
	session_await(s, tag, STATE_IDLE);
}

void
session_authenticate(struct session *s, const char *tag)
{
	session_await(s, tag, STATE_AUTHENTICATE);
}

/* RFC 2177 3: DONE ends IDLE; anything else is an error that ends it too. */
static void
session_idle_line(struct session *s, const char *tag, const char *line)
{
	if (strcasecmp(line, "DONE") == 0)
		session_reply(s, "%s OK IDLE terminated", tag);
	else
		session_bad(s, tag, "expected DONE");
	session_enter_state(s, s->view != NULL ? STATE_SELECTED :
	    STATE_AUTHENTICATED);
}

/* A continuation line: what it means depends on the state it came in. */
static void
session_continuation(struct session *s, const char *line, size_t len)
{
	char	*tag = s->cont_tag;

	s->cont_tag = NULL;
	if (s->state == STATE_IDLE)
		session_idle_line(s, tag, line);
	else {
		session_enter_state(s, STATE_NOT_AUTHENTICATED);
		commands_continue(s, tag, line, len);
	}
	free(tag);
}

/* --command-delay: hold the replies back, and the next commands too. */
static void
session_hold_output(struct session *s)
{
	struct timeval	tv = delay_draw(&conf->command_delay);

	conn_hold_output(s->conn, 1);
	evtimer_add(s->delay, &tv);
}

/* What follows every command, whatever its answer. */
static void
session_after_command(struct session *s)
{
	if (!s->cmd_bad)
		s->bad_streak = 0;
	else if (++s->bad_streak >= SESSION_BADS_MAX &&
	    session_reads_commands(s)) {
		session_bye(s, CLOSE_TOO_MANY_ERRORS, "too many errors");
		return;
	}
	if (conf->close_after_commands > 0 &&
	    s->commands >= conf->close_after_commands &&
	    session_reads_commands(s)) {
		session_bye(s, CLOSE_AFTER_COMMANDS, "closing after the "
		    "configured number of commands");
		return;
	}
	if (session_reads_commands(s))
		session_arm_timer(s);	/* inactivity counts from here */
	if (s->delay != NULL && session_reads_commands(s) &&
	    (conf->command_delay.base_us > 0 ||
	    conf->command_delay.jitter_us > 0))
		session_hold_output(s);
}

static void
session_command(struct session *s, const char *cmd, size_t len)
{
	s->cmd_bad = 0;
	if (s->state == STATE_IDLE || s->state == STATE_AUTHENTICATE)
		session_continuation(s, cmd, len);
	else {
		s->commands++;
		stats.commands++;
		commands_dispatch(s, cmd, len);
	}
	session_after_command(s);
}

/* A literal over its cap (RFC 7888 4): BAD with the command's tag. */
static void
session_refuse_literal(struct session *s, const char *first)
{
	struct imap_command	cmd;

	s->cmd_bad = 0;
	if (imap_parse_command(first, &cmd) == IMAP_PARSE_NOTAG)
		session_bad(s, NULL, "literal too large");
	else
		session_bad(s, cmd.tag, "literal too large");
	session_after_command(s);
}

/* One step of input; 0 when nothing more can be done now. */
static int
session_read_one(struct session *s, struct evbuffer *in)
{
	const char	*cmd;
	size_t		 len;

	s->reader.line_max = session_logged_in(s) ? READER_LINE_MAX_AUTH :
	    READER_LINE_MAX_UNAUTH;
	switch (reader_next(&s->reader, in, &cmd, &len)) {
	case READ_MORE:
		return 0;
	case READ_CONTINUE:
		/* RFC 3501 7.5: the client may now send the literal. */
		session_reply(s, "+ Ready for literal data");
		return 1;
	case READ_TOO_BIG:
		session_refuse_literal(s, cmd);
		return 1;
	case READ_HUGE:
		session_bye(s, CLOSE_LITERAL_TOO_BIG, "literal too large");
		return 0;
	case READ_LINE_TOO_LONG:
		/* RFC 3501 7.1.5: BYE, then we close. */
		session_bye(s, CLOSE_LINE_TOO_LONG, "line too long");
		return 0;
	case READ_COMMAND:
		session_command(s, cmd, len);
		return 1;
	}
	return 0;
}

/* Answer up to `max` commands.  Never frees the session. */
static void
session_read_lines(struct session *s, unsigned int max)
{
	struct evbuffer	*in = conn_input(s->conn);
	struct evbuffer	*out = conn_output(s->conn);
	unsigned int	 n;

	for (n = 0; n < max; n++) {
		if (s->state == STATE_GREETING ||
		    s->state == STATE_TLS_HANDSHAKE)
			return;		/* kept for after the greeting */
		if (!session_reads_commands(s)) {
			/* After LOGOUT or BYE nothing more is a command. */
			evbuffer_drain(in, evbuffer_get_length(in));
			return;
		}
		if (evbuffer_get_length(out) >= SESSION_OUTPUT_MAX)
			return;	/* resumed by session_write_cb */
		if (s->delay != NULL && evtimer_pending(s->delay, NULL))
			return;	/* resumed by session_delay_cb */
		if (!session_read_one(s, in))
			return;
	}
	/* Cap reached: finish on a later loop turn, after the others. */
	if (evbuffer_get_length(in) > 0)
		conn_read_later(s->conn);
}

/* The state's timeout (states[]): what it ends depends on the state. */
static void
session_timeout_cb(evutil_socket_t fd UNUSED, short what UNUSED, void *arg)
{
	struct session	*s = arg;

	switch (s->state) {
	case STATE_NOT_AUTHENTICATED:
	case STATE_AUTHENTICATED:
	case STATE_SELECTED:
	case STATE_IDLE:
	case STATE_AUTHENTICATE:
		stats.autologout++;
		session_bye(s, CLOSE_AUTOLOGOUT, "autologout");
		break;
	case STATE_LOGOUT_WAIT:
		session_free(s, CLOSE_LOGOUT_TIMEOUT);
		break;
	case STATE_TLS_HANDSHAKE:
		stats.tls_handshakes_failed++;
		log_debug("session id=%llu peer=%s event=tls-failed "
		    "error=timeout", s->id, s->peer);
		/* FALLTHROUGH */
	case STATE_STARTTLS:
		session_free(s, CLOSE_TLS_TIMEOUT);
		break;
	case STATE_CLOSING:
	case STATE_BYE:
	case STATE_DRAINING:
		session_free(s, s->close_reason);
		break;
	case STATE_NEW:
	case STATE_GREETING:
	case STATE_LOGOUT:
		break;		/* no timer in these states */
	}
}

/* The greeting delay is over, or a command's delay. */
static void
session_delay_cb(evutil_socket_t fd UNUSED, short what UNUSED, void *arg)
{
	struct session	*s = arg;

	if (s->state == STATE_GREETING)
		session_greet(s);
	conn_hold_output(s->conn, 0);
	if (evbuffer_get_length(conn_input(s->conn)) > 0)
		session_read_lines(s, SESSION_LINES_PER_WAKEUP);
}

static void
session_lifetime_cb(evutil_socket_t fd UNUSED, short what UNUSED, void *arg)
{
	struct session	*s = arg;

	if (s->state == STATE_GREETING || session_reads_commands(s))
		session_bye(s, CLOSE_LIFETIME, "connection lifetime reached");
}

/* --logout-close reset: close(2) sends an RST, so neither side keeps a
 * TIME_WAIT.  Deliberate, never an accident. */
static void
session_abort(struct session *s)
{
	if (sock_reset_on_close(conn_fd(s->conn)) == -1)
		log_warn("session id=%llu: SO_LINGER", s->id);
	session_free(s, CLOSE_LOGOUT_RESET);
}

/* BYE and the tagged OK have reached the socket (RFC 3501 6.1.3). */
static void
session_logout_flushed(struct session *s)
{
	switch (conf->logout_close) {
	case LOGOUT_CLOSE_SERVER:
		if (s->tls) {
			/* A TLS client may answer our close_notify with its
			 * own; reaching a closed socket, that would be
			 * answered with an RST, erasing our TIME_WAIT.  So
			 * half-close and read on, as after a BYE. */
			s->close_reason = CLOSE_LOGOUT;
			session_shutdown(s);
			return;
		}
		session_free(s, CLOSE_LOGOUT);
		return;
	case LOGOUT_CLOSE_RESET:
		session_abort(s);
		return;
	case LOGOUT_CLOSE_CLIENT:
	case LOGOUT_CLOSE_NEVER:
		break;
	}
	/* KB 319502: let the client close first so the TIME_WAIT is its. */
	session_enter_state(s, STATE_LOGOUT_WAIT);
}

/*
 * Our BYE is out: send FIN, keep discarding until the client's.  Over TLS
 * our close_notify goes first: the polite close (RFC 8446 6.1), and it
 * tells the client that the BYE was all, not a truncation; it is sent
 * only here, when we close first, never after the client's FIN (see
 * session_tls_eof).  Once, on leaving BYE: a TLS bufferevent may report
 * an empty output more than once, and a second SSL_shutdown would read,
 * and might swallow, the client's close_notify.
 */
static void
session_shutdown(struct session *s)
{
	log_debug("session id=%llu peer=%s event=shutdown-write", s->id,
	    s->peer);
	if (s->tls)
		conn_close_notify(s->conn);
	if (shutdown(conn_fd(s->conn), SHUT_WR) == -1) {
		session_free(s, s->close_reason);
		return;
	}
	session_enter_state(s, STATE_DRAINING);
}

/* The output has drained (CONN_DRAINED). */
static void
session_drained(struct session *s)
{
	switch (s->state) {
	case STATE_CLOSING:
		session_free(s, s->close_reason);
		break;
	case STATE_LOGOUT:
		session_logout_flushed(s);
		break;
	case STATE_BYE:
		session_shutdown(s);
		break;
	case STATE_STARTTLS:
		session_tls_begin(s);
		break;
	case STATE_NEW:
	case STATE_TLS_HANDSHAKE:
	case STATE_GREETING:
	case STATE_LOGOUT_WAIT:
	case STATE_DRAINING:
		break;
	case STATE_NOT_AUTHENTICATED:
	case STATE_AUTHENTICATED:
	case STATE_SELECTED:
	case STATE_IDLE:
	case STATE_AUTHENTICATE:
		/* Lines may be waiting for the client to read its answers. */
		if (evbuffer_get_length(conn_input(s->conn)) > 0)
			session_read_lines(s, SESSION_LINES_PER_WAKEUP);
		break;
	}
}

/* The client's FIN (plaintext), or the TCP FIN after TLS has ended. */
static void
session_peer_eof(struct session *s)
{
	if ((s->state == STATE_LOGOUT || s->state == STATE_LOGOUT_WAIT) &&
	    conf->logout_close == LOGOUT_CLOSE_NEVER) {
		/* Hold our side open: the client's port stays in
		 * FIN_WAIT_2 until the logout timer closes us. */
		log_debug("session id=%llu peer=%s event=client-fin-held",
		    s->id, s->peer);
		conn_read_stop(s->conn);
		return;
	}
	if (session_closing_ours(s)) {
		/* The close was ours; flush the BYE if still queued. */
		session_close(s, s->close_reason);
		return;
	}
	/* A half-closing client (nc -N) still reads: answer what
	 * came before its FIN, then close once that is flushed. */
	session_read_lines(s, UINT_MAX);
	if (session_closing_ours(s))
		session_close(s, s->close_reason);
	else
		session_close(s, CLOSE_CLIENT_EOF);
}

/* After TLS has ended: read the raw socket, discarding, until the FIN. */
static void
session_fin_cb(evutil_socket_t fd, short what UNUSED, void *arg)
{
	struct session	*s = arg;
	char		 buf[4096];
	ssize_t		 n;

	if ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		return;		/* after close_notify: nothing to read */
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	event_del(s->fin_watch);
	if (n == 0) {
		session_peer_eof(s);
		return;
	}
	log_debug("session id=%llu peer=%s event=error error=\"%s\"", s->id,
	    s->peer, strerror(errno));
	session_free(s, CLOSE_CLIENT_RESET);
}

/*
 * TLS has ended: the client's close_notify, or a bare FIN read as one.
 * The TCP FIN is what this program counts and what decides who keeps the
 * TIME_WAIT, and a client may send its close_notify a moment before its
 * FIN: closing in between would make our FIN the first.  So watch the
 * raw socket for the FIN (at once, when it came bare), then go on as for
 * a plaintext EOF.  No close_notify in reply: the client may have closed
 * its socket already, and data reaching a closed socket draws an RST,
 * which would erase the client's TIME_WAIT.
 */
static void
session_tls_eof(struct session *s)
{
	log_debug("session id=%llu peer=%s event=tls-closed", s->id, s->peer);
	conn_read_stop(s->conn);
	if (s->fin_watch == NULL && (s->fin_watch = event_new(evbase,
	    conn_fd(s->conn), EV_READ | EV_PERSIST, session_fin_cb,
	    s)) == NULL) {
		log_warnx("session id=%llu: cannot watch for the FIN", s->id);
		session_free(s, CLOSE_CLIENT_EOF);
		return;
	}
	event_add(s->fin_watch, NULL);
}

/*
 * Before closing a failed handshake, read what the kernel holds (up to a
 * bound): closing with unread input would send an RST instead of a FIN.
 */
static void
session_discard_unread(struct session *s)
{
	char	buf[4096];
	int	fd = conn_fd(s->conn), i;

	for (i = 0; i < 16; i++)
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
}

/* The handshake failed, or the client left in the middle of it. */
static void
session_tls_failed(struct session *s, enum conn_event ev)
{
	const char	*why = conn_tls_error(s->conn);

	stats.tls_handshakes_failed++;
	if (why == NULL)
		why = ev == CONN_EOF ? "client closed" : conn_error(s->conn);
	log_debug("session id=%llu peer=%s event=tls-failed error=\"%s\"",
	    s->id, s->peer, why);
	if (ev == CONN_EOF) {
		session_peer_eof(s);
		return;
	}
	session_discard_unread(s);
	session_free(s, CLOSE_TLS_FAILED);
}

/* The handshake is done: greet (TLS listener) or take commands again
 * (STARTTLS, RFC 3501 6.2.1: no new greeting). */
static void
session_tls_ready(struct session *s)
{
	stats.tls_handshakes_ok++;
	log_debug("session id=%llu peer=%s event=tls-ready version=%s", s->id,
	    s->peer, conn_tls_version(s->conn));
	if (s->state != STATE_TLS_HANDSHAKE)
		return;		/* a BYE (over the limit) is on its way */
	if (!s->starttls) {
		session_start(s);
		return;
	}
	session_enter_state(s, STATE_NOT_AUTHENTICATED);
}

/* The transport's end: the client's FIN or close_notify, an error. */
static void
session_conn_end(struct session *s, enum conn_event ev)
{
	const char	*why;

	if (s->state == STATE_TLS_HANDSHAKE) {
		session_tls_failed(s, ev);
		return;
	}
	if (ev == CONN_EOF) {
		if (s->tls)
			session_tls_eof(s);
		else
			session_peer_eof(s);
		return;
	}
	if ((why = conn_tls_error(s->conn)) == NULL)
		why = conn_error(s->conn);
	log_debug("session id=%llu peer=%s event=error error=\"%s\"", s->id,
	    s->peer, why);
	session_free(s, CLOSE_CLIENT_RESET);
}

/* Everything the transport reports. */
static void
session_conn_cb(struct conn *c UNUSED, enum conn_event ev, void *arg)
{
	struct session	*s = arg;

	switch (ev) {
	case CONN_DATA:
		session_read_lines(s, SESSION_LINES_PER_WAKEUP);
		break;
	case CONN_DRAINED:
		session_drained(s);
		break;
	case CONN_TLS_READY:
		session_tls_ready(s);
		break;
	case CONN_EOF:
	case CONN_ERROR:
		session_conn_end(s, ev);
		break;
	}
}

static int
delay_configured(const struct delay *d)
{
	return d->base_us > 0 || d->jitter_us > 0;
}

/* The events a session may need; only those its options call for. */
static int
session_make_events(struct session *s, struct event_base *base)
{
	struct timeval	tv;

	if ((s->timer = evtimer_new(base, session_timeout_cb, s)) == NULL)
		return -1;
	if ((delay_configured(&conf->greeting_delay) ||
	    delay_configured(&conf->command_delay)) &&
	    (s->delay = evtimer_new(base, session_delay_cb, s)) == NULL)
		return -1;
	if (conf->max_lifetime_us > 0) {
		if ((s->lifetime = evtimer_new(base, session_lifetime_cb, s))
		    == NULL)
			return -1;
		tv = us_to_timeval(conf->max_lifetime_us);
		evtimer_add(s->lifetime, &tv);
	}
	return 0;
}

static struct session *
session_alloc(struct event_base *base, int fd, const struct sockaddr *sa,
    int tls)
{
	struct session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_warn("accept: session");
		close(fd);
		return NULL;
	}
	reader_init(&s->reader);
	/* On failure the socket is closed (or, for TLS, maybe by libevent
	 * already): not again. */
	if ((s->conn = conn_new(fd, tls, session_conn_cb, s)) == NULL) {
		log_warnx("accept: cannot make a %s session", tls ? "TLS" :
		    "plaintext");
		session_teardown(s);
		return NULL;
	}
	if (session_make_events(s, base) == -1) {
		log_warnx("accept: cannot make a session's events");
		session_teardown(s);
		return NULL;
	}
	s->id = next_id++;
	s->tls = tls;
	s->state = STATE_NEW;
	endpoint_format(sa, s->peer, sizeof(s->peer));
	TAILQ_INSERT_TAIL(&sessions, s, entry);
	return s;
}

/* Admission before protocol work (redis maxclients): over the limit, a
 * best-effort BYE and our close. */
static int
session_admit(struct session *s)
{
	if (conf->max_connections > 0 && active >= conf->max_connections) {
		stats.rejected_limit++;
		log_debug("session id=%llu peer=%s event=reject active=%llu",
		    s->id, s->peer, active);
		session_bye(s, CLOSE_OVERLOAD, "[UNAVAILABLE] too many "
		    "connections, try again later");
		return 0;
	}
	s->admitted = 1;
	if (++active >= conf->max_connections &&
	    conf->max_connections > 0 && conf->overload == OVERLOAD_BACKLOG)
		listener_set_accepting(0);
	return 1;
}

/* The greeting, or the wait before it. */
static void
session_start(struct session *s)
{
	struct timeval	 tv;

	if (delay_configured(&conf->greeting_delay)) {
		session_enter_state(s, STATE_GREETING);
		tv = delay_draw(&conf->greeting_delay);
		evtimer_add(s->delay, &tv);
		return;
	}
	session_greet(s);
}

void
session_new(struct event_base *base, int fd, const struct sockaddr *sa,
    int tls)
{
	struct session	*s;

	stats.accepted++;
	if (conf->drop_fraction > 0 && random_unit() < conf->drop_fraction) {
		/* The fault: a close before any byte. */
		stats.dropped++;
		stats.closed_by_server++;
		log_debug("session peer=? event=drop");
		close(fd);
		return;
	}
	if ((s = session_alloc(base, fd, sa, tls)) == NULL) {
		stats.closed_by_server++;
		return;
	}
	log_debug("session id=%llu peer=%s event=accept tls=%s", s->id,
	    s->peer, tls ? "yes" : "no");
	if (!session_admit(s))
		return;
	if (tls)	/* greeted once it is done */
		session_enter_state(s, STATE_TLS_HANDSHAKE);
	else
		session_start(s);
}

void
session_starttls(struct session *s)
{
	session_enter_state(s, STATE_STARTTLS);
	/* Nothing more is read in clear: what the client pipelined after
	 * STARTTLS and we have read already is dropped by session_read_lines
	 * (not a command state) and by conn_start_tls; what is still
	 * in the kernel reaches the handshake, which fails on it. */
	conn_read_stop(s->conn);
}

/*
 * RFC 3501 6.2.1: our OK is on the wire, the client's handshake is next,
 * on the same socket, through the same conn: then, as on a TLS listener,
 * a flushed output has reached the kernel and every close works the same
 * (close_notify then shutdown, SO_LINGER), and there is one TLS code
 * path, not two.  Whatever was read in clear goes (the STARTTLS command
 * injection, CVE-2011-0411).
 */
static void
session_tls_begin(struct session *s)
{
	if (conn_start_tls(s->conn) == -1) {
		log_warnx("session id=%llu: cannot start TLS", s->id);
		session_free(s, CLOSE_TLS_FAILED);
		return;
	}
	reader_free(&s->reader);
	reader_init(&s->reader);
	s->tls = 1;
	s->starttls = 1;
	session_enter_state(s, STATE_TLS_HANDSHAKE);
}
