/* main.c: fake-imapd's option table, start-up, signals and the summary
 * at exit. */
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "addr.h"
#include "clock.h"
#include "imapd.h"
#include "listener.h"
#include "log.h"
#include "mailbox.h"
#include "nofile.h"
#include "optable.h"
#include "session.h"
#include "stats.h"
#include "tls.h"
#include "units.h"
#include "users.h"
#include "words.h"

#define DEFAULT_LISTEN		"127.0.0.1:1143"
#define DEFAULT_LOGOUT_TIMEOUT	"10s"
#define DEFAULT_MESSAGES	10
#define DEFAULT_AUTOLOGOUT_UNAUTH "60s"
/* RFC 3501 5.4: at least 30 minutes after authentication. */
#define DEFAULT_AUTOLOGOUT	"30m"

#define FIELD(f)	offsetof(struct config, f)

static const char *const logout_close_names[] = {
	[LOGOUT_CLOSE_CLIENT] = "client",
	[LOGOUT_CLOSE_SERVER] = "server",
	[LOGOUT_CLOSE_RESET] = "reset",
	[LOGOUT_CLOSE_NEVER] = "never",
};

static const char *const overload_names[] = {
	[OVERLOAD_BYE] = "bye",
	[OVERLOAD_BACKLOG] = "backlog",
};

/* --listen and --tls-listen (tls 1). */
static const char *
add_listen(struct config *conf, const char *arg, int tls)
{
	struct listen_spec	*ls;
	const char		*expected;

	ls = reallocarray(conf->listen, conf->nlisten + 1, sizeof(*ls));
	if (ls == NULL)
		fatal("%s", tls ? "--tls-listen" : "--listen");
	conf->listen = ls;
	ls = &conf->listen[conf->nlisten];
	if ((expected = endpoint_parse(arg, 1, &ls->ep)) != NULL)
		return expected;
	ls->text = arg;
	ls->tls = tls;
	conf->nlisten++;
	return NULL;
}

static const char *
opt_listen(void *conf, const struct opt *o UNUSED, const char *arg)
{
	return add_listen(conf, arg, 0);
}

static const char *
opt_tls_listen(void *conf, const struct opt *o UNUSED, const char *arg)
{
	return add_listen(conf, arg, 1);
}

static const char *
opt_logout_close(void *conf, const struct opt *o, const char *arg)
{
	int	v;

	if ((v = WORD_INDEX(logout_close_names, arg)) == -1)
		return "client, server, reset or never";
	*OPT_FIELD(conf, o, enum logout_close) = (enum logout_close)v;
	return NULL;
}

static const char *
opt_overload(void *conf, const struct opt *o, const char *arg)
{
	int	v;

	if ((v = WORD_INDEX(overload_names, arg)) == -1)
		return "bye or backlog";
	*OPT_FIELD(conf, o, enum overload) = (enum overload)v;
	return NULL;
}

/* A timer's period (struct timeval): zero would fire at once. */
static const char *
opt_timer(void *conf, const struct opt *o, const char *arg)
{
	const char	*expected;
	uint64_t	 us;

	if ((expected = parse_duration_us(arg, &us)) != NULL)
		return expected;
	if (us == 0)
		return "a duration above zero";
	*OPT_FIELD(conf, o, struct timeval) = us_to_timeval(us);
	return NULL;
}

/* DUR or DUR+JITTER: "50ms", "50ms+20ms". */
static const char *
opt_delay(void *conf, const struct opt *o, const char *arg)
{
	struct delay	*d = OPT_FIELD(conf, o, struct delay);
	const char	*plus = strchr(arg, '+');
	char		 base[64];

	if (plus == NULL) {
		d->jitter_us = 0;
		return parse_duration_us(arg, &d->base_us);
	}
	if ((size_t)(plus - arg) >= sizeof(base))
		return "DURATION[+JITTER] such as 50ms+20ms";
	memcpy(base, arg, (size_t)(plus - arg));
	base[plus - arg] = '\0';
	if (parse_duration_us(base, &d->base_us) != NULL ||
	    parse_duration_us(plus + 1, &d->jitter_us) != NULL)
		return "DURATION[+JITTER] such as 50ms+20ms";
	return NULL;
}

static const char *
opt_messages(void *conf, const struct opt *o, const char *arg)
{
	const char	*expected;
	uint64_t	 n;

	if ((expected = parse_count(arg, MAILBOX_MESSAGES_MAX, &n)) != NULL)
		return expected;
	*OPT_FIELD(conf, o, unsigned) = (unsigned)n;
	return NULL;
}

/* A connection limit; 0: none. */
static const char *
opt_connections(void *conf, const struct opt *o, const char *arg)
{
	return parse_count(arg, 1000000, OPT_FIELD(conf, o, uint64_t));
}

static const char *
opt_commands(void *conf, const struct opt *o, const char *arg)
{
	return parse_count(arg, UINT32_MAX, OPT_FIELD(conf, o, uint64_t));
}

static const char *
opt_ready_fd(void *conf, const struct opt *o, const char *arg)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    v > INT_MAX)
		return "a descriptor number such as 3";
	/* Checked now, before our own sockets could take that number. */
	if (fcntl((int)v, F_GETFD) == -1)
		return "an open descriptor";
	*OPT_FIELD(conf, o, int) = (int)v;
	return NULL;
}

static const char *
opt_drop_fraction(void *conf, const struct opt *o, const char *arg)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(arg, &end);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    !(v >= 0 && v <= 1))
		return "a number from 0 to 1";
	*OPT_FIELD(conf, o, double) = v;
	return NULL;
}

static const struct opt opts[] = {
	{ "listen", "ADDR:PORT", opt_listen, 0,
	    "listen here; repeatable (default " DEFAULT_LISTEN " unless a "
	    "--tls-listen is given; port 0: any free; IPv6 as [::1]:1143)" },
	{ "tls-listen", "ADDR:PORT", opt_tls_listen, 0,
	    "listen here for TLS from the first byte (993-style); "
	    "repeatable" },
	{ "tls-cert", "FILE", opt_string, FIELD(tls_cert),
	    "PEM certificate (chain) for TLS; with --tls-key, plaintext "
	    "listeners also offer STARTTLS" },
	{ "tls-key", "FILE", opt_string, FIELD(tls_key),
	    "PEM private key of --tls-cert" },
	{ "login-disabled", NULL, opt_flag, FIELD(login_disabled),
	    "in clear, advertise LOGINDISABLED and refuse LOGIN and "
	    "AUTHENTICATE until STARTTLS (needs --tls-cert)" },
	{ "logout-close", "client|server|reset|never", opt_logout_close,
	    FIELD(logout_close),
	    "who closes first after LOGOUT; reset: the server, with an RST; "
	    "never: not even after the client's FIN (default client)" },
	{ "logout-timeout", "DUR", opt_timer, FIELD(logout_timeout),
	    "client and never modes: close anyway after DUR (default "
	    DEFAULT_LOGOUT_TIMEOUT ")" },
	{ "ready-fd", "N", opt_ready_fd, FIELD(ready_fd),
	    "once listening, write \"ready ADDR:PORT...\" to fd N and close "
	    "it" },
	{ "messages", "N", opt_messages, FIELD(messages),
	    "messages per synthetic mailbox (default 10, at most 10000)" },
	{ "mbox", "FILE", opt_string, FIELD(mbox_path),
	    "serve INBOX from this mbox file instead" },
	{ "users", "FILE", opt_string, FIELD(users_path),
	    "user:password lines; LOGIN checks them (default: anyone may log "
	    "in)" },
	{ "autologout-unauth", "DUR", opt_timer, FIELD(autologout_unauth),
	    "close idle connections not logged in after DUR (default "
	    DEFAULT_AUTOLOGOUT_UNAUTH ")" },
	{ "autologout", "DUR", opt_timer, FIELD(autologout),
	    "close idle logged-in connections after DUR (default "
	    DEFAULT_AUTOLOGOUT "; RFC 3501 5.4 asks for at least 30m)" },
	{ "max-connections", "N", opt_connections, FIELD(max_connections),
	    "at most N connections at once (default: no limit)" },
	{ "overload", "bye|backlog", opt_overload, FIELD(overload),
	    "over the limit: greet with BYE and close, or stop accepting "
	    "(default bye)" },
	{ "max-userip-connections", "N", opt_connections,
	    FIELD(max_userip_connections),
	    "at most N logged-in connections per user and client address; "
	    "more get NO [LIMIT] (default: no limit)" },
	{ "close-after-commands", "N", opt_commands,
	    FIELD(close_after_commands),
	    "BYE and close after N commands" },
	{ "max-lifetime", "DUR", opt_duration, FIELD(max_lifetime_us),
	    "BYE and close DUR after accept" },
	{ "greeting-delay", "DUR[+JITTER]", opt_delay, FIELD(greeting_delay),
	    "wait before the greeting" },
	{ "command-delay", "DUR[+JITTER]", opt_delay, FIELD(command_delay),
	    "wait before each answer" },
	{ "drop-fraction", "F", opt_drop_fraction, FIELD(drop_fraction),
	    "close this fraction (0 to 1) of connections at once after "
	    "accept" },
	{ "csv", "FILE", opt_string, FIELD(csv_path),
	    "server counters, one row per second" },
	{ "preauth", NULL, opt_flag, FIELD(preauth),
	    "greet with PREAUTH: already logged in" },
	{ "debug", NULL, opt_flag, FIELD(debug),
	    "log connection events on stderr" },
};

static const struct optable optable = {
	"fake-imapd", "usage: fake-imapd [options]\n", NULL,
	opts, nitems(opts),
};

/* A default as the help shows it: it fails only if the source is wrong. */
static struct timeval
default_timer(const char *text)
{
	uint64_t	us;

	if (parse_duration_us(text, &us) != NULL)
		fatalx("default %s does not parse", text);
	return us_to_timeval(us);
}

/* Every default in one place. */
static void
config_defaults(struct config *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->logout_close = LOGOUT_CLOSE_CLIENT;
	conf->ready_fd = -1;
	conf->logout_timeout = default_timer(DEFAULT_LOGOUT_TIMEOUT);
	conf->messages = DEFAULT_MESSAGES;
	conf->overload = OVERLOAD_BYE;
	conf->autologout_unauth = default_timer(DEFAULT_AUTOLOGOUT_UNAUTH);
	conf->autologout = default_timer(DEFAULT_AUTOLOGOUT);
}

static int
config_has_tls_listener(const struct config *conf)
{
	size_t	i;

	for (i = 0; i < conf->nlisten; i++)
		if (conf->listen[i].tls)
			return 1;
	return 0;
}

/* Options that only make sense together. */
static void
config_check(const struct config *conf)
{
	/* Even --overload bye, the default, needs the limit. */
	if (optable_given(&optable, "overload") && conf->max_connections == 0)
		usage_error("--overload: needs --max-connections");
	if (config_has_tls_listener(conf) && conf->tls_cert == NULL)
		usage_error("--tls-listen: needs --tls-cert");
	if (config_has_tls_listener(conf) && conf->tls_key == NULL)
		usage_error("--tls-listen: needs --tls-key");
	if (conf->tls_cert != NULL && conf->tls_key == NULL)
		usage_error("--tls-cert: needs --tls-key");
	if (conf->tls_key != NULL && conf->tls_cert == NULL)
		usage_error("--tls-key: needs --tls-cert");
	/* Nobody could ever log in. */
	if (conf->login_disabled && conf->tls_cert == NULL)
		usage_error("--login-disabled: needs --tls-cert and --tls-key, "
		    "or nobody can log in");
}

static void
parse_args(struct config *conf, int argc, char **argv)
{
	int	first;

	first = optable_parse(&optable, conf, argc, argv);
	if (first < argc)
		usage_error("unexpected argument '%s' (see --help)",
		    argv[first]);
	if (conf->nlisten == 0 && add_listen(conf, DEFAULT_LISTEN, 0) != NULL)
		fatalx("default --listen %s does not parse", DEFAULT_LISTEN);
	config_check(conf);
}

/* The data the server serves, before any socket is open. */
static void
load_data(const struct config *conf)
{
	char	err[512];

	if (conf->users_path != NULL &&
	    users_load(conf->users_path, err, sizeof(err)) == -1)
		usage_error("--users: %s", err);
	if (mailbox_setup(conf->messages) == -1)
		fatalx("--messages %u: out of memory", conf->messages);
	if (conf->mbox_path != NULL &&
	    mailbox_load_inbox(conf->mbox_path, err, sizeof(err)) == -1)
		usage_error("--mbox: %s", err);
	if (conf->tls_cert != NULL &&
	    tls_setup(conf->tls_cert, conf->tls_key, err, sizeof(err)) == -1)
		usage_error("%s", err);
}

static void
open_listeners(struct event_base *base, const struct config *conf)
{
	const char	*call;
	size_t		 i;

	for (i = 0; i < conf->nlisten; i++)
		if (listener_add(base, &conf->listen[i].ep, conf->listen[i].tls,
		    &call) == -1)
			fatal("%s %s: %s", conf->listen[i].tls ? "--tls-listen" :
			    "--listen", conf->listen[i].text, call);
}

/* Tell the parent where we listen, so it need not sleep and hope. */
static void
announce_ready(int fd)
{
	struct evbuffer	*buf;

	if ((buf = evbuffer_new()) == NULL)
		fatalx("--ready-fd: out of memory");
	evbuffer_add(buf, "ready", 5);
	listener_format_bound(buf);
	evbuffer_add(buf, "\n", 1);
	while (evbuffer_get_length(buf) > 0)
		if (evbuffer_write(buf, fd) == -1 && errno != EINTR)
			fatal("--ready-fd %d: write", fd);
	evbuffer_free(buf);
	close(fd);
}

static void
on_signal(evutil_socket_t sig, short what UNUSED, void *arg)
{
	log_debug("signal=%s event=shutdown", strsignal((int)sig));
	event_base_loopbreak(arg);
}

static void
run(struct event_base *base)
{
	struct event	*sigint, *sigterm;

	sigint = evsignal_new(base, SIGINT, on_signal, base);
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	if (sigint == NULL || sigterm == NULL ||
	    evsignal_add(sigint, NULL) == -1 ||
	    evsignal_add(sigterm, NULL) == -1)
		fatalx("cannot watch SIGINT and SIGTERM");
	if (event_base_dispatch(base) == -1)
		fatalx("event loop failed");
	event_free(sigint);
	event_free(sigterm);
}

int
main(int argc, char **argv)
{
	struct config		 conf;
	struct event_base	*base;

	log_init("fake-imapd", 0);
	config_defaults(&conf);
	parse_args(&conf, argc, argv);
	log_init("fake-imapd", conf.debug);

	/* A client gone before our reply must not kill us: EPIPE will do. */
	signal(SIGPIPE, SIG_IGN);
	nofile_raise();
	if ((base = event_base_new()) == NULL)
		fatalx("cannot make an event base");
	load_data(&conf);
	session_setup(base, &conf);
	open_listeners(base, &conf);
	stats_start(base, conf.csv_path);
	if (conf.ready_fd != -1)
		announce_ready(conf.ready_fd);

	run(base);

	listener_free_all();
	session_free_all();
	/* Deferred callbacks still hold references to freed bufferevents:
	 * one more turn lets libevent release them. */
	event_base_loop(base, EVLOOP_NONBLOCK);
	stats_stop();
	event_base_free(base);
	libevent_global_shutdown();
	mailbox_free_all();
	users_free();
	tls_free();
	free(conf.listen);
	stats_summary(stdout);
	return 0;
}
