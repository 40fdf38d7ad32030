/* rawserver.c: a minimal raw-epoll IMAP-like server, the speed and memory
 * ceiling fake-imapd is measured against (greeting, LOGIN, LOGOUT). */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cdefs.h"
#include "log.h"
#include "nofile.h"
#include "rawio.h"

#define LISTEN_BACKLOG	4096
#define CONN_IN		512	/* longest command line we accept */
#define CONN_OUT	128	/* the longest reply is the LOGOUT pair */
#define MAX_EVENTS	256
#define PAUSE_MS	100	/* listener rest after EMFILE/ENFILE */

enum conn_state {
	CS_NOTAUTH,		/* greeted, waiting for LOGIN */
	CS_AUTH,		/* logged in */
	CS_LOGOUT,		/* BYE sent: waiting for the client's FIN */
};

static const char *const state_names[] = { "notauth", "auth", "logout" };

struct conn {
	int		 fd;
	enum conn_state	 state;
	int		 want_out;	/* EPOLLOUT registered */
	size_t		 inlen;
	size_t		 outlen;
	char		 in[CONN_IN];
	char		 out[CONN_OUT];
};

struct command {
	const char	*name;
	unsigned	 states;	/* bit (1 << state) where allowed */
	void		 (*handler)(struct conn *, const char *tag);
};

static int			 epfd = -1;
static int			 listen_fd = -1;
static int			 listen_paused;
static unsigned long long	 n_accepted, n_logouts, n_closed;
/* The listener's epoll cookie: any address that is not a struct conn. */
static char			 listener_tag;

static void	conn_free(struct conn *, const char *reason);

static void
conn_enter(struct conn *c, enum conn_state s)
{
	if (log_debug_enabled())
		log_debug("conn fd=%d state=%s->%s", c->fd,
		    state_names[c->state], state_names[s]);
	c->state = s;
}

static void
conn_events(struct conn *c, uint32_t ev)
{
	struct epoll_event	e = { .events = ev, .data.ptr = c };

	if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e) == -1)
		fatal("epoll_ctl MOD fd %d", c->fd);
}

/* Send what is queued; 0 when the output is empty or waiting for
 * EPOLLOUT, -1 when the connection is gone. */
static int
conn_flush(struct conn *c)
{
	ssize_t	n;

	while (c->outlen > 0) {
		n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			if (!c->want_out)
				conn_events(c, EPOLLIN | EPOLLOUT | EPOLLET);
			c->want_out = 1;
			return 0;
		}
		if (n == -1)
			return -1;
		rawio_consume(c->out, &c->outlen, (size_t)n);
	}
	if (c->want_out)
		conn_events(c, EPOLLIN | EPOLLET);
	c->want_out = 0;
	return 0;
}

/* Queue "TAG TEXT\r\n". */
static void
conn_reply(struct conn *c, const char *tag, const char *text)
{
	int	n;

	n = snprintf(c->out + c->outlen, sizeof(c->out) - c->outlen,
	    "%s %s\r\n", tag, text);
	if (n < 0 || (size_t)n >= sizeof(c->out) - c->outlen)
		fatalx("reply to fd %d does not fit %zu bytes", c->fd,
		    sizeof(c->out));
	c->outlen += (size_t)n;
}

static void
cmd_login(struct conn *c, const char *tag)
{
	conn_reply(c, tag, "OK LOGIN completed");
	conn_enter(c, CS_AUTH);
}

/* RFC 3501 6.1.3: the untagged BYE before the tagged OK.  Then wait for
 * the client to close first, as fake-imapd --logout-close client does. */
static void
cmd_logout(struct conn *c, const char *tag)
{
	conn_reply(c, "*", "BYE bye");
	conn_reply(c, tag, "OK LOGOUT completed");
	conn_enter(c, CS_LOGOUT);
	n_logouts++;
}

static const struct command commands[] = {
	{ "LOGIN",  1u << CS_NOTAUTH, cmd_login },
	{ "LOGOUT", 1u << CS_NOTAUTH | 1u << CS_AUTH, cmd_logout },
};

/* One command line: "TAG NAME args".  Anything else gets BAD. */
static void
conn_command(struct conn *c, char *line)
{
	char	*sp;
	size_t	 i;

	if ((sp = strchr(line, ' ')) == NULL || sp == line) {
		conn_reply(c, "*", "BAD expected a tag and a command");
		return;
	}
	*sp = '\0';
	for (i = 0; i < nitems(commands); i++) {
		if (rawio_word(sp + 1, commands[i].name) == 0)
			continue;
		if ((commands[i].states & (1u << c->state)) == 0)
			conn_reply(c, line, "BAD not allowed now");
		else
			commands[i].handler(c, line);
		return;
	}
	conn_reply(c, line, "BAD unknown command");
}

/* Every whole line in the input; after LOGOUT input is only discarded. */
static int
conn_lines(struct conn *c)
{
	long	n;

	while (c->state != CS_LOGOUT && (n = rawio_line(c->in, c->inlen)) >= 0) {
		conn_command(c, c->in);
		rawio_consume(c->in, &c->inlen, (size_t)n + 2);
	}
	if (c->state == CS_LOGOUT)
		c->inlen = 0;
	if (c->inlen == sizeof(c->in))
		return -1;	/* a line longer than CONN_IN: not ours */
	return 0;
}

/* Edge triggered: read until EAGAIN, answering each line. */
static void
conn_readable(struct conn *c)
{
	ssize_t	n;

	for (;;) {
		n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n == -1) {
			conn_free(c, "error");
			return;
		}
		if (n == 0) {
			conn_free(c, c->state == CS_LOGOUT ? "client closed" :
			    "client closed early");
			return;
		}
		c->inlen += (size_t)n;
		if (conn_lines(c) == -1) {
			conn_free(c, "line too long");
			return;
		}
	}
	if (conn_flush(c) == -1)
		conn_free(c, "write error");
}

static void
conn_free(struct conn *c, const char *reason)
{
	if (log_debug_enabled())
		log_debug("conn fd=%d close reason=\"%s\"", c->fd, reason);
	close(c->fd);	/* also removes it from the epoll set */
	free(c);
	n_closed++;
}

static void
conn_new(int fd)
{
	struct conn		*c;
	struct epoll_event	 e = { .events = EPOLLIN | EPOLLET };

	if ((c = malloc(sizeof(*c))) == NULL) {
		log_warnx("out of memory for a connection");
		close(fd);
		return;
	}
	c->fd = fd;
	c->state = CS_NOTAUTH;
	c->want_out = 0;
	c->inlen = 0;
	c->outlen = 0;
	e.data.ptr = c;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) == -1)
		fatal("epoll_ctl ADD fd %d", fd);
	n_accepted++;
	conn_reply(c, "*", "OK ready");
	if (conn_flush(c) == -1)
		conn_free(c, "write error");
}

static void
listener_pause(int pause)
{
	struct epoll_event	e = { .events = EPOLLIN, .data.ptr = &listener_tag };

	if (epoll_ctl(epfd, pause ? EPOLL_CTL_DEL : EPOLL_CTL_ADD, listen_fd,
	    &e) == -1)
		fatal("epoll_ctl listener");
	listen_paused = pause;
}

/* Accept until the queue is empty.  Out of descriptors: rest a moment
 * rather than spin on a listener that stays readable. */
static void
listener_accept(void)
{
	int	fd;

	for (;;) {
		fd = accept4(listen_fd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			conn_new(fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EAGAIN)
			return;
		if (errno == EMFILE || errno == ENFILE) {
			log_warn("accept: pausing %d ms", PAUSE_MS);
			listener_pause(1);
			return;
		}
		fatal("accept");
	}
}

static void
listener_open(const struct endpoint *ep, int ready_fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	char			name[ENDPOINT_STRLEN], line[ENDPOINT_STRLEN + 8];
	int			one = 1;

	endpoint_format((const struct sockaddr *)&ep->ss, name, sizeof(name));
	listen_fd = socket(ep->ss.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (listen_fd == -1)
		fatal("socket for %s", name);
	if (setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1)
		fatal("SO_REUSEADDR on %s", name);
	if (bind(listen_fd, (const struct sockaddr *)&ep->ss, ep->len) == -1)
		fatal("bind %s", name);
	if (listen(listen_fd, LISTEN_BACKLOG) == -1)
		fatal("listen %s", name);
	if (getsockname(listen_fd, (struct sockaddr *)&ss, &len) == -1)
		fatal("getsockname %s", name);
	endpoint_format((struct sockaddr *)&ss, name, sizeof(name));
	listener_pause(0);
	log_warnx("listening on %s", name);
	if (ready_fd != -1) {
		snprintf(line, sizeof(line), "ready %s\n", name);
		rawio_announce(ready_fd, line);
	}
}

static void
serve(void)
{
	struct epoll_event	ev[MAX_EVENTS];
	int			i, n;

	while (!rawio_quit) {
		n = epoll_wait(epfd, ev, MAX_EVENTS,
		    listen_paused ? PAUSE_MS : -1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("epoll_wait");
		if (n == 0 && listen_paused)
			listener_pause(0);
		for (i = 0; i < n; i++) {
			if (ev[i].data.ptr == &listener_tag)
				listener_accept();
			else if (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				conn_readable(ev[i].data.ptr);
			else if (conn_flush(ev[i].data.ptr) == -1)
				conn_free(ev[i].data.ptr, "write error");
		}
	}
}

static __attribute__((noreturn)) void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: rawserver [--listen ADDR:PORT] [--ready-fd N] [--debug]\n"
	    "The ceiling for fake-imapd: greets \"* OK ready\", answers LOGIN\n"
	    "and LOGOUT, then waits for the client to close first.\n"
	    "  --listen ADDR:PORT  default 127.0.0.1:1143; port 0: any free\n"
	    "  --ready-fd N        once listening, write \"ready ADDR:PORT\"\n"
	    "                      to fd N and close it\n");
	exit(status);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "listen",	required_argument, NULL, 'l' },
		{ "ready-fd",	required_argument, NULL, 'r' },
		{ "debug",	no_argument,	   NULL, 'd' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct endpoint	 ep;
	const char	*listen_arg = "127.0.0.1:1143", *err;
	int		 ch, ready_fd = -1, debug = 0;

	log_init("rawserver", 0);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': listen_arg = optarg; break;
		case 'r': ready_fd = rawio_parse_fd("--ready-fd", optarg); break;
		case 'd': debug = 1; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (optind != argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	if ((err = endpoint_parse(listen_arg, 1, &ep)) != NULL)
		usage_error("--listen: expected %s, not \"%s\"", err, listen_arg);
	log_init("rawserver", debug);
	nofile_raise();
	rawio_signals();
	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	listener_open(&ep, ready_fd);
	serve();
	printf("rawserver: accepted=%llu logouts=%llu closed=%llu\n",
	    n_accepted, n_logouts, n_closed);
	return 0;
}
