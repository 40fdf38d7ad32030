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
#include "config.h"
#include "imapd.h"
#include "listener.h"
#include "log.h"
#include "nofile.h"
#include "session.h"
#include "units.h"

#define DEFAULT_LISTEN		"127.0.0.1:1143"
#define DEFAULT_LOGOUT_TIMEOUT	"10s"

enum {
	OPT_LISTEN = 256,
	OPT_LOGOUT_CLOSE,
	OPT_LOGOUT_TIMEOUT,
	OPT_READY_FD,
	OPT_DEBUG,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "listen",		required_argument, NULL, OPT_LISTEN },
	{ "logout-close",	required_argument, NULL, OPT_LOGOUT_CLOSE },
	{ "logout-timeout",	required_argument, NULL, OPT_LOGOUT_TIMEOUT },
	{ "ready-fd",		required_argument, NULL, OPT_READY_FD },
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
	    "                         " DEFAULT_LISTEN "; port 0: any free;\n"
	    "                         IPv6 as [::1]:1143)\n"
	    "  --logout-close client|server\n"
	    "                         who closes first after LOGOUT\n"
	    "                         (default client)\n"
	    "  --logout-timeout DUR   client mode: close anyway after DUR\n"
	    "                         (default " DEFAULT_LOGOUT_TIMEOUT ")\n"
	    "  --ready-fd N           once listening, write \"ready\n"
	    "                         ADDR:PORT...\" to fd N and close it\n"
	    "  --debug                log connection events on stderr\n"
	    "  --help                 show this help\n"
	    "  --version              show the version\n", stdout);
}

static void
config_add_listen(struct config *conf, const char *arg)
{
	struct listen_spec	*ls;
	const char		*expected;

	ls = reallocarray(conf->listen, conf->nlisten + 1, sizeof(*ls));
	if (ls == NULL)
		fatal("--listen");
	conf->listen = ls;
	ls = &conf->listen[conf->nlisten];
	if ((expected = endpoint_parse(arg, 1, &ls->ep)) != NULL)
		usage_error("--listen: expected %s, got '%s'", expected, arg);
	ls->text = arg;
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
	conf->logout_timeout.tv_sec = (time_t)(us / 1000000);
	conf->logout_timeout.tv_usec = (suseconds_t)(us % 1000000);
}

static void
config_set_logout_close(struct config *conf, const char *arg)
{
	if (strcmp(arg, "client") == 0)
		conf->logout_close = LOGOUT_CLOSE_CLIENT;
	else if (strcmp(arg, "server") == 0)
		conf->logout_close = LOGOUT_CLOSE_SERVER;
	else
		usage_error("--logout-close: expected client or server, "
		    "got '%s'", arg);
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

/* Every default in one place. */
static void
config_defaults(struct config *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->logout_close = LOGOUT_CLOSE_CLIENT;
	conf->ready_fd = -1;
	config_set_logout_timeout(conf, DEFAULT_LOGOUT_TIMEOUT);
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

static void
parse_args(struct config *conf, int argc, char **argv)
{
	int	c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			config_add_listen(conf, optarg);
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
		config_add_listen(conf, DEFAULT_LISTEN);
}

static void
open_listeners(struct event_base *base, const struct config *conf)
{
	const char	*call;
	size_t		 i;

	for (i = 0; i < conf->nlisten; i++)
		if (listener_add(base, &conf->listen[i].ep, &call) == -1)
			fatal("--listen %s: %s", conf->listen[i].text, call);
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
	struct config			 conf;
	struct event_base		*base;
	const struct session_stats	*st;

	log_init("fake-imapd", 0);
	config_defaults(&conf);
	parse_args(&conf, argc, argv);
	log_init("fake-imapd", conf.debug);

	/* A client gone before our reply must not kill us: EPIPE will do. */
	signal(SIGPIPE, SIG_IGN);
	nofile_raise();
	if ((base = event_base_new()) == NULL)
		fatalx("cannot make an event base");
	session_setup(&conf);
	open_listeners(base, &conf);
	if (conf.ready_fd != -1)
		announce_ready(conf.ready_fd);

	run(base);

	listener_free_all();
	session_free_all();
	event_base_free(base);
	libevent_global_shutdown();
	free(conf.listen);
	st = session_stats();
	printf("fake-imapd: accepted=%llu closed_by_client=%llu "
	    "closed_by_server=%llu\n", st->accepted, st->closed_by_client,
	    st->closed_by_server);
	return 0;
}
