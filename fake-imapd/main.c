/* main.c: fake-imapd options, start-up, signals and the summary at exit. */
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
#include "config.h"
#include "imapd.h"
#include "listener.h"
#include "log.h"
#include "mailbox.h"
#include "nofile.h"
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

enum {
	OPT_LISTEN = 256,
	OPT_LOGOUT_CLOSE,
	OPT_LOGOUT_TIMEOUT,
	OPT_READY_FD,
	OPT_MESSAGES,
	OPT_MBOX,
	OPT_CSV,
	OPT_USERS,
	OPT_AUTOLOGOUT_UNAUTH,
	OPT_AUTOLOGOUT,
	OPT_MAX_CONNECTIONS,
	OPT_OVERLOAD,
	OPT_MAX_USERIP,
	OPT_CLOSE_AFTER_COMMANDS,
	OPT_MAX_LIFETIME,
	OPT_GREETING_DELAY,
	OPT_COMMAND_DELAY,
	OPT_DROP_FRACTION,
	OPT_TLS_LISTEN,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_LOGIN_DISABLED,
	OPT_PREAUTH,
	OPT_DEBUG,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "listen",		required_argument, NULL, OPT_LISTEN },
	{ "logout-close",	required_argument, NULL, OPT_LOGOUT_CLOSE },
	{ "logout-timeout",	required_argument, NULL, OPT_LOGOUT_TIMEOUT },
	{ "ready-fd",		required_argument, NULL, OPT_READY_FD },
	{ "messages",		required_argument, NULL, OPT_MESSAGES },
	{ "mbox",		required_argument, NULL, OPT_MBOX },
	{ "csv",		required_argument, NULL, OPT_CSV },
	{ "users",		required_argument, NULL, OPT_USERS },
	{ "autologout-unauth",	required_argument, NULL, OPT_AUTOLOGOUT_UNAUTH },
	{ "autologout",		required_argument, NULL, OPT_AUTOLOGOUT },
	{ "max-connections",	required_argument, NULL, OPT_MAX_CONNECTIONS },
	{ "overload",		required_argument, NULL, OPT_OVERLOAD },
	{ "max-userip-connections", required_argument, NULL, OPT_MAX_USERIP },
	{ "close-after-commands", required_argument, NULL,
	    OPT_CLOSE_AFTER_COMMANDS },
	{ "max-lifetime",	required_argument, NULL, OPT_MAX_LIFETIME },
	{ "greeting-delay",	required_argument, NULL, OPT_GREETING_DELAY },
	{ "command-delay",	required_argument, NULL, OPT_COMMAND_DELAY },
	{ "drop-fraction",	required_argument, NULL, OPT_DROP_FRACTION },
	{ "tls-listen",		required_argument, NULL, OPT_TLS_LISTEN },
	{ "tls-cert",		required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key",		required_argument, NULL, OPT_TLS_KEY },
	{ "login-disabled",	no_argument,	   NULL, OPT_LOGIN_DISABLED },
	{ "preauth",		no_argument,	   NULL, OPT_PREAUTH },
	{ "debug",		no_argument,	   NULL, OPT_DEBUG },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ "version",		no_argument,	   NULL, OPT_VERSION },
	{ NULL,			0,		   NULL, 0 },
};

static void
usage(void)
{
	fputs("usage: fake-imapd [options]\n"
	    "  --listen ADDR:PORT     listen here; repeatable (default\n"
	    "                         " DEFAULT_LISTEN " unless a --tls-listen\n"
	    "                         is given; port 0: any free; IPv6 as\n"
	    "                         [::1]:1143)\n"
	    "  --tls-listen ADDR:PORT listen here for TLS from the first byte\n"
	    "                         (993-style); repeatable\n"
	    "  --tls-cert FILE        PEM certificate (chain) for TLS; with\n"
	    "                         --tls-key, plaintext listeners also\n"
	    "                         offer STARTTLS\n"
	    "  --tls-key FILE         PEM private key of --tls-cert\n"
	    "  --login-disabled       in clear, advertise LOGINDISABLED and\n"
	    "                         refuse LOGIN and AUTHENTICATE until\n"
	    "                         STARTTLS (needs --tls-cert)\n"
	    "  --logout-close client|server|reset|never\n"
	    "                         who closes first after LOGOUT; reset:\n"
	    "                         the server, with an RST; never: not\n"
	    "                         even after the client's FIN (default\n"
	    "                         client)\n"
	    "  --logout-timeout DUR   client and never modes: close anyway\n"
	    "                         after DUR\n"
	    "                         (default " DEFAULT_LOGOUT_TIMEOUT ")\n"
	    "  --ready-fd N           once listening, write \"ready\n"
	    "                         ADDR:PORT...\" to fd N and close it\n"
	    "  --messages N           messages per synthetic mailbox (default\n"
	    "                         10, at most 10000)\n"
	    "  --mbox FILE            serve INBOX from this mbox file instead\n"
	    "  --users FILE           user:password lines; LOGIN checks them\n"
	    "                         (default: anyone may log in)\n"
	    "  --autologout-unauth DUR  close idle connections not logged in\n"
	    "                         after DUR (default "
	    DEFAULT_AUTOLOGOUT_UNAUTH ")\n"
	    "  --autologout DUR       close idle logged-in connections after\n"
	    "                         DUR (default " DEFAULT_AUTOLOGOUT
	    "; RFC 3501 5.4 asks\n"
	    "                         for at least 30m)\n"
	    "  --max-connections N    at most N connections at once (default:\n"
	    "                         no limit)\n"
	    "  --overload bye|backlog over the limit: greet with BYE and\n"
	    "                         close, or stop accepting (default bye)\n"
	    "  --max-userip-connections N  at most N logged-in connections\n"
	    "                         per user and client address; more get\n"
	    "                         NO [LIMIT] (default: no limit)\n"
	    "  --close-after-commands N  BYE and close after N commands\n"
	    "  --max-lifetime DUR     BYE and close DUR after accept\n"
	    "  --greeting-delay DUR[+JITTER]  wait before the greeting\n"
	    "  --command-delay DUR[+JITTER]   wait before each answer\n"
	    "  --drop-fraction F      close this fraction (0 to 1) of\n"
	    "                         connections at once after accept\n"
	    "  --csv FILE             server counters, one row per second\n"
	    "  --preauth              greet with PREAUTH: already logged in\n"
	    "  --debug                log connection events on stderr\n"
	    "  --help                 show this help\n"
	    "  --version              show the version\n", stdout);
}

/* --listen and --tls-listen (tls 1). */
static void
config_add_listen(struct config *conf, const char *arg, int tls)
{
	struct listen_spec	*ls;
	const char		*expected, *opt;

	opt = tls ? "--tls-listen" : "--listen";
	ls = reallocarray(conf->listen, conf->nlisten + 1, sizeof(*ls));
	if (ls == NULL)
		fatal("%s", opt);
	conf->listen = ls;
	ls = &conf->listen[conf->nlisten];
	if ((expected = endpoint_parse(arg, 1, &ls->ep)) != NULL)
		usage_error("%s: expected %s, got '%s'", opt, expected, arg);
	ls->text = arg;
	ls->tls = tls;
	conf->nlisten++;
}

static void
config_set_logout_timeout(struct config *conf, const char *arg)
{
	const char	*expected;
	uint64_t	 us;

	if ((expected = parse_duration_us(arg, &us)) != NULL)
		usage_error("--logout-timeout: expected %s, got '%s'", expected,
		    arg);
	if (us == 0)
		usage_error("--logout-timeout: expected a duration above zero, "
		    "got '%s'", arg);
	conf->logout_timeout = us_to_timeval(us);
}

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

static void
config_set_logout_close(struct config *conf, const char *arg)
{
	int	v;

	if ((v = WORD_INDEX(logout_close_names, arg)) != -1)
		conf->logout_close = (enum logout_close)v;
	else
		usage_error("--logout-close: expected client, server, reset or "
		    "never, got '%s'", arg);
}

static void
config_set_ready_fd(struct config *conf, const char *arg)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    v > INT_MAX)
		usage_error("--ready-fd: expected a descriptor number such "
		    "as 3, got '%s'", arg);
	/* Checked now, before our own sockets could take that number. */
	if (fcntl((int)v, F_GETFD) == -1)
		usage_error("--ready-fd: descriptor %ld is not open", v);
	conf->ready_fd = (int)v;
}

static uint64_t
option_duration(const char *opt, const char *arg, int zero_ok)
{
	const char	*expected;
	uint64_t	 us;

	if ((expected = parse_duration_us(arg, &us)) != NULL)
		usage_error("%s: expected %s, got '%s'", opt, expected, arg);
	if (us == 0 && !zero_ok)
		usage_error("%s: expected a duration above zero, got '%s'",
		    opt, arg);
	return us;
}

static uint64_t
option_count(const char *opt, const char *arg, uint64_t max)
{
	const char	*expected;
	uint64_t	 v;

	if ((expected = parse_count(arg, max, &v)) != NULL)
		usage_error("%s: expected %s, got '%s'", opt, expected, arg);
	return v;
}

/* DUR or DUR+JITTER: "50ms", "50ms+20ms". */
static void
config_set_delay(struct delay *d, const char *opt, const char *arg)
{
	const char	*plus = strchr(arg, '+'), *expected;
	char		 base[64];

	if (plus == NULL) {
		d->base_us = option_duration(opt, arg, 1);
		d->jitter_us = 0;
		return;
	}
	if ((size_t)(plus - arg) >= sizeof(base))
		usage_error("%s: expected DURATION[+JITTER] such as 50ms+20ms, "
		    "got '%s'", opt, arg);
	memcpy(base, arg, (size_t)(plus - arg));
	base[plus - arg] = '\0';
	if ((expected = parse_duration_us(base, &d->base_us)) != NULL ||
	    (expected = parse_duration_us(plus + 1, &d->jitter_us)) != NULL)
		usage_error("%s: expected DURATION[+JITTER] such as 50ms+20ms, "
		    "got '%s'", opt, arg);
}

static void
config_set_drop_fraction(struct config *conf, const char *arg)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(arg, &end);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    !(v >= 0 && v <= 1))
		usage_error("--drop-fraction: expected a number from 0 to 1, "
		    "got '%s'", arg);
	conf->drop_fraction = v;
}

static void
config_set_overload(struct config *conf, const char *arg)
{
	int	v;

	if ((v = WORD_INDEX(overload_names, arg)) != -1)
		conf->overload = (enum overload)v;
	else
		usage_error("--overload: expected bye or backlog, got '%s'",
		    arg);
}

/* Every default in one place. */
static void
config_defaults(struct config *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->logout_close = LOGOUT_CLOSE_CLIENT;
	conf->ready_fd = -1;
	config_set_logout_timeout(conf, DEFAULT_LOGOUT_TIMEOUT);
	conf->messages = DEFAULT_MESSAGES;
	conf->overload = OVERLOAD_BYE;
	conf->autologout_unauth = us_to_timeval(option_duration("",
	    DEFAULT_AUTOLOGOUT_UNAUTH, 0));
	conf->autologout = us_to_timeval(option_duration("",
	    DEFAULT_AUTOLOGOUT, 0));
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
config_check(const struct config *conf, int overload_given)
{
	if (overload_given && conf->max_connections == 0)
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

/* getopt's own messages are off (opterr = 0): ours name the option. */
static void
bad_option(int c, char **argv)
{
	const char	*arg = argv[optind - 1];

	if (c == ':')
		usage_error("%s: expected an argument", arg);
	/* glibc: a known long option given "=value" it takes none. */
	if (optopt >= OPT_LISTEN)
		usage_error("%s: expected no argument", arg);
	if (optopt != 0)
		usage_error("-%c: unknown option; see --help", optopt);
	usage_error("%s: unknown option; see --help", arg);
}

/* The options with a value, apart from the first four. */
static void
parse_option(struct config *conf, int c, const char *arg)
{
	switch (c) {
	case OPT_MESSAGES:
		conf->messages = (unsigned)option_count("--messages", arg,
		    MAILBOX_MESSAGES_MAX);
		break;
	case OPT_MBOX:
		conf->mbox_path = arg;
		break;
	case OPT_CSV:
		conf->csv_path = arg;
		break;
	case OPT_USERS:
		conf->users_path = arg;
		break;
	case OPT_AUTOLOGOUT_UNAUTH:
		conf->autologout_unauth = us_to_timeval(option_duration(
		    "--autologout-unauth", arg, 0));
		break;
	case OPT_AUTOLOGOUT:
		conf->autologout = us_to_timeval(option_duration(
		    "--autologout", arg, 0));
		break;
	case OPT_MAX_CONNECTIONS:
		conf->max_connections = option_count("--max-connections", arg,
		    1000000);
		break;
	case OPT_OVERLOAD:
		config_set_overload(conf, arg);
		break;
	case OPT_MAX_USERIP:
		conf->max_userip_connections = option_count(
		    "--max-userip-connections", arg, 1000000);
		break;
	case OPT_CLOSE_AFTER_COMMANDS:
		conf->close_after_commands = option_count(
		    "--close-after-commands", arg, UINT32_MAX);
		break;
	case OPT_MAX_LIFETIME:
		conf->max_lifetime_us = option_duration("--max-lifetime", arg,
		    0);
		break;
	case OPT_GREETING_DELAY:
		config_set_delay(&conf->greeting_delay, "--greeting-delay",
		    arg);
		break;
	case OPT_COMMAND_DELAY:
		config_set_delay(&conf->command_delay, "--command-delay", arg);
		break;
	case OPT_DROP_FRACTION:
		config_set_drop_fraction(conf, arg);
		break;
	case OPT_TLS_LISTEN:
		config_add_listen(conf, arg, 1);
		break;
	case OPT_TLS_CERT:
		conf->tls_cert = arg;
		break;
	case OPT_TLS_KEY:
		conf->tls_key = arg;
		break;
	}
}

static void
parse_args(struct config *conf, int argc, char **argv)
{
	int	c, overload_given = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			config_add_listen(conf, optarg, 0);
			break;
		case OPT_LOGOUT_CLOSE:
			config_set_logout_close(conf, optarg);
			break;
		case OPT_LOGOUT_TIMEOUT:
			config_set_logout_timeout(conf, optarg);
			break;
		case OPT_READY_FD:
			config_set_ready_fd(conf, optarg);
			break;
		case OPT_MESSAGES:
		case OPT_MBOX:
		case OPT_CSV:
		case OPT_USERS:
		case OPT_AUTOLOGOUT_UNAUTH:
		case OPT_AUTOLOGOUT:
		case OPT_MAX_CONNECTIONS:
		case OPT_OVERLOAD:
		case OPT_MAX_USERIP:
		case OPT_CLOSE_AFTER_COMMANDS:
		case OPT_MAX_LIFETIME:
		case OPT_GREETING_DELAY:
		case OPT_COMMAND_DELAY:
		case OPT_DROP_FRACTION:
		case OPT_TLS_LISTEN:
		case OPT_TLS_CERT:
		case OPT_TLS_KEY:
			overload_given |= c == OPT_OVERLOAD;
			parse_option(conf, c, optarg);
			break;
		case OPT_PREAUTH:
			conf->preauth = 1;
			break;
		case OPT_LOGIN_DISABLED:
			conf->login_disabled = 1;
			break;
		case OPT_DEBUG:
			conf->debug = 1;
			break;
		case OPT_HELP:
			usage();
			exit(0);
		case OPT_VERSION:
			printf("fake-imapd %s\n", EPHEMERA_VERSION);
			exit(0);
		default:
			bad_option(c, argv);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'; see --help",
		    argv[optind]);
	if (conf->nlisten == 0)
		config_add_listen(conf, DEFAULT_LISTEN, 0);
	config_check(conf, overload_given);
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
