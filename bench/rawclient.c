/* rawclient.c: a minimal raw-epoll IMAP client, the ceiling loadgen is
 * measured against: a closed loop, or with --rate an open loop at a
 * constant rate; or a holder of idle logged-in connections. */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cdefs.h"
#include "clock.h"
#include "log.h"
#include "nofile.h"
#include "rawio.h"
#include "units.h"

#define SLOT_IN		256	/* longest reply line we accept */
#define MAX_EVENTS	256
#define MAX_LOGGED	5	/* failures logged one by one */
#define BACKOFF_MS	10	/* after connect() failed at once */
#define ARRIVAL_BATCH	1000	/* --rate: arrivals started per check */
#define LAGS_MAX	(100 * 1000 * 1000)	/* --rate x --duration */
#define LOGIN_LINE	"a1 LOGIN u p\r\n"
#define LOGOUT_LINE	"a2 LOGOUT\r\n"

enum slot_state {
	SS_FREE,		/* no connection */
	SS_CONNECTING,		/* connect() in progress */
	SS_GREETING,		/* waiting for "* OK" */
	SS_LOGIN,		/* LOGIN sent */
	SS_LOGOUT,		/* LOGOUT sent: BYE, then the tagged OK */
	SS_CLOSING,		/* our FIN sent: waiting for the server's */
	SS_IDLE,		/* --idle: logged in, held open */
};

struct slot {
	int		 fd;
	enum slot_state	 state;
	size_t		 len;
	char		 in[SLOT_IN];
};

struct config {
	struct endpoint	 target;
	uint64_t	 concurrency;
	uint64_t	 duration_us;
	uint64_t	 idle;		/* 0: churn mode */
	double		 rate;		/* 0: closed loop */
	int		 ready_fd;
};

static struct config		 conf;
static struct slot		*slots;
static size_t			 nslots;
static int			 epfd = -1;
static int			 stopping;	/* no new connections */
static unsigned long long	 n_sessions, n_failed, n_started;
static unsigned long long	 n_idle, n_lost, n_opening;
static size_t			 n_free;	/* slots in SS_FREE */

/* --rate: arrival i is due at t0 + i / rate; the free slots are a stack
 * (at thousands in flight a scan per start would cost more than the
 * session); each start's lag behind its due time is kept for the
 * percentiles. */
static struct {
	int		 tfd;		/* timerfd at the next due time */
	uint64_t	 t0_us;
	uint64_t	 end_us;	/* no arrivals due from here on */
	uint64_t	 next;		/* the next arrival's index */
	struct slot	**free;
	uint64_t	*lag_us;
	size_t		 nlags, maxlags;
	unsigned long long skipped;	/* due with every slot busy */
} ol = { .tfd = -1 };

static void
slot_close(struct slot *s)
{
	close(s->fd);	/* also leaves the epoll set */
	s->fd = -1;
	s->state = SS_FREE;
	s->len = 0;
	if (conf.rate > 0)
		ol.free[n_free] = s;
	n_free++;
}

/* The connection failed: count it and say why (the first few).  The
 * slot is reopened by slots_refill() after this batch of events. */
static void
slot_fail(struct slot *s, const char *what)
{
	if (n_failed++ < MAX_LOGGED)
		log_warnx("session failed in state %d: %s", s->state, what);
	if (conf.idle) {
		if (n_failed > conf.idle)
			fatalx("--idle: more failures than connections");
		n_opening--;
		n_started--;	/* to be opened again */
	}
	slot_close(s);
}

static int
slot_send(struct slot *s, const char *line)
{
	size_t	len = strlen(line);
	ssize_t	n;

	/* A fresh socket has room for one short line; EAGAIN would be a
	 * server that stopped reading, a failure here. */
	n = send(s->fd, line, len, MSG_NOSIGNAL);
	return n == (ssize_t)len ? 0 : -1;
}

/* The session completed: we closed first, the server's FIN arrived. */
static void
slot_done(struct slot *s)
{
	n_sessions++;
	slot_close(s);
}

/* A server line in the current state; -1 when the session failed. */
static int
slot_line(struct slot *s, const char *line)
{
	switch (s->state) {
	case SS_GREETING:
		if (strncmp(line, "* OK", 4) != 0)
			return slot_fail(s, "greeting not * OK"), -1;
		if (slot_send(s, LOGIN_LINE) == -1)
			return slot_fail(s, "send LOGIN"), -1;
		s->state = SS_LOGIN;
		return 0;
	case SS_LOGIN:
		if (line[0] == '*')
			return 0;
		if (strncmp(line, "a1 OK", 5) != 0)
			return slot_fail(s, "LOGIN not OK"), -1;
		if (conf.idle) {
			s->state = SS_IDLE;
			n_opening--;
			n_idle++;
			return 0;
		}
		if (slot_send(s, LOGOUT_LINE) == -1)
			return slot_fail(s, "send LOGOUT"), -1;
		s->state = SS_LOGOUT;
		return 0;
	case SS_LOGOUT:
		if (line[0] == '*')
			return 0;	/* RFC 3501 6.1.3: the BYE */
		if (strncmp(line, "a2 OK", 5) != 0)
			return slot_fail(s, "LOGOUT not OK"), -1;
		s->state = SS_CLOSING;
		return 0;
	case SS_IDLE:
		return 0;	/* untagged news while held: ignored */
	default:
		return slot_fail(s, "unexpected bytes"), -1;
	}
}

/* Every whole line in the input; -1 when the session ended. */
static int
slot_lines(struct slot *s)
{
	enum slot_state	before = s->state;
	long		n;

	while ((n = rawio_line(s->in, s->len)) >= 0) {
		if (slot_line(s, s->in) == -1)
			return -1;
		rawio_consume(s->in, &s->len, (size_t)n + 2);
		if (s->state == SS_IDLE)
			s->len = 0;
	}
	if (s->len == sizeof(s->in))
		return slot_fail(s, "line too long"), -1;
	if (s->state != SS_CLOSING || before == SS_CLOSING)
		return 0;
	/* Close first only with nothing unread, else the kernel sends RST. */
	if (s->len > 0)
		return slot_fail(s, "bytes after the LOGOUT OK"), -1;
	if (shutdown(s->fd, SHUT_WR) == -1)
		return slot_fail(s, "shutdown"), -1;
	return 0;
}

static void
slot_eof(struct slot *s)
{
	if (s->state == SS_CLOSING && s->len == 0) {
		slot_done(s);
	} else if (s->state == SS_IDLE) {
		n_idle--;
		n_lost++;
		log_warnx("an idle connection was closed by the server");
		slot_close(s);
	} else
		slot_fail(s, "server closed early");
}

/* Edge triggered: read until EAGAIN. */
static void
slot_event(struct slot *s, uint32_t ev)
{
	ssize_t	n;

	if (s->state == SS_CONNECTING)
		s->state = SS_GREETING;
	for (;;) {
		n = recv(s->fd, s->in + s->len, sizeof(s->in) - s->len, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			if (ev & (EPOLLERR | EPOLLHUP))
				slot_fail(s, "socket error");
			return;
		}
		if (n == -1) {
			slot_fail(s, strerror(errno));
			return;
		}
		if (n == 0) {
			slot_eof(s);
			return;
		}
		s->len += (size_t)n;
		if (slot_lines(s) == -1)
			return;
	}
}

static int
slot_may_start(void)
{
	if (stopping)
		return 0;
	if (!conf.idle)
		return 1;
	return n_started < conf.idle && n_opening < conf.concurrency;
}

/* A new connection in this free slot. */
static void
slot_start(struct slot *s)
{
	struct epoll_event	e = {
		.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
		.data.ptr = s,
	};

	s->fd = socket(conf.target.ss.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd == -1)
		fatal("socket");
	n_free--;
	n_started++;
	if (conf.idle)
		n_opening++;
	s->state = SS_CONNECTING;
	s->len = 0;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, s->fd, &e) == -1)
		fatal("epoll_ctl ADD fd %d", s->fd);
	if (connect(s->fd, (const struct sockaddr *)&conf.target.ss,
	    conf.target.len) == -1 && errno != EINPROGRESS)
		slot_fail(s, strerror(errno));
}

/* Open connections in free slots while the mode allows.  Returns how
 * many failed at once (connect() refused): the caller then waits a
 * little instead of spinning. */
static unsigned long long
slots_refill(void)
{
	unsigned long long	failed = n_failed;
	size_t			i;

	for (i = 0; i < nslots && n_free > 0 && slot_may_start(); i++)
		if (slots[i].state == SS_FREE)
			slot_start(&slots[i]);
	return n_failed - failed;
}

static uint64_t
arrival_due_us(uint64_t i)
{
	return ol.t0_us + (uint64_t)((double)i * 1e6 / conf.rate);
}

/* --rate: start what is due by now, at most a batch, counting as skipped
 * what finds no free slot; then set the timer for the next one. */
static void
arrivals_start(void)
{
	struct itimerspec	its = { 0 };
	uint64_t		due, now;
	int			n;

	for (n = 0; n < ARRIVAL_BATCH && !stopping; n++) {
		due = arrival_due_us(ol.next);
		now = mono_us();
		if (due > now || due >= ol.end_us)
			break;
		ol.next++;
		if (n_free == 0) {
			ol.skipped++;
			continue;
		}
		if (ol.nlags < ol.maxlags)
			ol.lag_us[ol.nlags++] = now - due;
		slot_start(ol.free[n_free - 1]);	/* pops it: n_free-- */
	}
	due = arrival_due_us(ol.next);
	if (due >= ol.end_us)
		due = ol.end_us;
	its.it_value.tv_sec = (time_t)(due / 1000000);
	its.it_value.tv_nsec = (long)(due % 1000000) * 1000;
	if (timerfd_settime(ol.tfd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		fatal("timerfd_settime");
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The lag at quantile q (nearest rank), in ms. */
static double
lag_ms(double q)
{
	size_t	k;

	if (ol.nlags == 0)
		return 0;
	k = (size_t)(q * (double)ol.nlags + 0.999999);
	k = k == 0 ? 0 : k - 1;
	return (double)ol.lag_us[k < ol.nlags ? k : ol.nlags - 1] / 1000.0;
}

static void
open_loop_init(void)
{
	struct epoll_event	e = { .events = EPOLLIN, .data.ptr = &ol };
	size_t			i;

	ol.maxlags = (size_t)(conf.rate * (double)conf.duration_us / 1e6) + 16;
	if (ol.maxlags > LAGS_MAX)
		fatalx("--rate x --duration: over %d arrivals", LAGS_MAX);
	if ((ol.lag_us = calloc(ol.maxlags, sizeof(*ol.lag_us))) == NULL ||
	    (ol.free = calloc(nslots, sizeof(*ol.free))) == NULL)
		fatal("calloc");
	for (i = 0; i < nslots; i++)
		ol.free[i] = &slots[nslots - 1 - i];
	if ((ol.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
	    TFD_CLOEXEC)) == -1)
		fatal("timerfd_create");
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, ol.tfd, &e) == -1)
		fatal("epoll_ctl ADD timerfd");
	ol.t0_us = mono_us();
	ol.end_us = ol.t0_us + conf.duration_us;
}

/* The timer fired: clear it (the arrivals themselves go by the clock). */
static void
timer_event(void)
{
	uint64_t	expirations;

	if (read(ol.tfd, &expirations, sizeof(expirations)) == -1 &&
	    errno != EAGAIN)
		fatal("read timerfd");
}

static void
idle_check_ready(void)
{
	static int	announced;
	char		line[64];

	if (announced || n_idle < conf.idle)
		return;
	announced = 1;
	snprintf(line, sizeof(line), "ready idle=%llu\n", n_idle);
	printf("rawclient: %s", line);
	fflush(stdout);
	if (conf.ready_fd != -1)
		rawio_announce(conf.ready_fd, line);
}

static void
run(void)
{
	struct epoll_event	ev[MAX_EVENTS];
	uint64_t		start = mono_us(), now = start;
	uint64_t		deadline = start + conf.duration_us;
	int			i, n, timeout, backoff = 0;

	while (!rawio_quit) {
		timeout = conf.idle ? -1 :
		    (int)((deadline - now + 999) / 1000);
		if (backoff && (timeout == -1 || timeout > BACKOFF_MS))
			timeout = BACKOFF_MS;
		n = epoll_wait(epfd, ev, MAX_EVENTS, timeout);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("epoll_wait");
		for (i = 0; i < n; i++) {
			if (ev[i].data.ptr == &ol)
				timer_event();
			else
				slot_event(ev[i].data.ptr, ev[i].events);
		}
		if (conf.rate > 0)
			arrivals_start();
		else
			backoff = slots_refill() > 0;
		if (conf.idle) {
			idle_check_ready();
			continue;
		}
		if ((now = mono_us()) >= deadline)
			break;
	}
	stopping = 1;
	if (conf.rate > 0) {
		qsort(ol.lag_us, ol.nlags, sizeof(*ol.lag_us), cmp_u64);
		printf("rawclient: sessions=%llu rate=%.0f/s failed=%llu "
		    "target=%.0f/s started=%zu skipped=%llu lag_p50_ms=%.3f "
		    "lag_p99_ms=%.3f lag_max_ms=%.3f max_in_flight=%llu "
		    "elapsed_s=%.3f\n", n_sessions,
		    n_sessions * 1e6 / (double)(now - start), n_failed,
		    conf.rate, ol.nlags, ol.skipped, lag_ms(0.5), lag_ms(0.99),
		    lag_ms(1.0), (unsigned long long)conf.concurrency,
		    (double)(now - start) / 1e6);
	} else if (!conf.idle)
		printf("rawclient: sessions=%llu rate=%.0f/s failed=%llu "
		    "concurrency=%llu elapsed_s=%.3f\n", n_sessions,
		    n_sessions * 1e6 / (double)(now - start), n_failed,
		    (unsigned long long)conf.concurrency,
		    (double)(now - start) / 1e6);
	else
		printf("rawclient: idle=%llu held=%llu lost=%llu failed=%llu\n",
		    (unsigned long long)conf.idle, n_idle, n_lost, n_failed);
}

static __attribute__((noreturn)) void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: rawclient [options] HOST:PORT\n"
	    "The ceiling for loadgen: keeps C sessions in flight, each\n"
	    "connect, greeting, a1 LOGIN, a2 LOGOUT, BYE and OK read, then\n"
	    "we close first (shutdown) and wait for the server's FIN.\n"
	    "  --concurrency C  sessions in flight (64)\n"
	    "  --rate R         instead: an open loop, R arrivals per second,\n"
	    "                   each started on time whatever is in flight\n"
	    "                   (C at most: arrivals beyond are skipped);\n"
	    "                   prints the lag of starts behind the schedule\n"
	    "  --duration D     how long (5s); prints sessions and rate\n"
	    "  --idle K         instead: open K connections, LOGIN, hold them\n"
	    "                   until SIGTERM (C at a time being opened)\n"
	    "  --ready-fd N     --idle: write \"ready idle=K\" to fd N and\n"
	    "                   close it once all K are logged in\n");
	exit(status);
}

static void
parse_args(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "concurrency", required_argument, NULL, 'c' },
		{ "duration",	 required_argument, NULL, 'd' },
		{ "idle",	 required_argument, NULL, 'i' },
		{ "rate",	 required_argument, NULL, 'R' },
		{ "ready-fd",	 required_argument, NULL, 'r' },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*err = NULL, *arg = NULL;
	int		 ch, li = 0;

	conf.concurrency = 64;
	conf.duration_us = 5000000;
	conf.ready_fd = -1;
	while (err == NULL &&
	    (ch = getopt_long(argc, argv, "", longopts, &li)) != -1) {
		arg = optarg;
		switch (ch) {
		case 'c': err = parse_count(optarg, 100000, &conf.concurrency); break;
		case 'd': err = parse_duration_us(optarg, &conf.duration_us); break;
		case 'i': err = parse_count(optarg, 1000000, &conf.idle); break;
		case 'R': err = parse_rate(optarg, &conf.rate); break;
		case 'r': conf.ready_fd = rawio_parse_fd("--ready-fd", optarg); break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (err != NULL)
		usage_error("--%s: expected %s, not \"%s\"", longopts[li].name,
		    err, arg);
	if (conf.concurrency == 0 || conf.duration_us == 0)
		usage_error("--concurrency and --duration must be above 0");
	if (conf.idle && conf.rate > 0)
		usage_error("--rate and --idle: one or the other");
	if (optind + 1 != argc)
		usage_error("expected one HOST:PORT argument");
	if ((err = endpoint_parse(argv[optind], 0, &conf.target)) != NULL)
		usage_error("HOST:PORT: expected %s, not \"%s\"", err,
		    argv[optind]);
}

int
main(int argc, char *argv[])
{
	uint64_t	limit;
	size_t		i;

	log_init("rawclient", 0);
	parse_args(argc, argv);
	limit = nofile_raise();
	nslots = conf.idle ? conf.idle : conf.concurrency;
	if (limit != 0 && nslots + 16 > limit)
		fatalx("%zu connections need more descriptors than the limit "
		    "of %llu (ulimit -n)", nslots, (unsigned long long)limit);
	if ((slots = calloc(nslots, sizeof(*slots))) == NULL)
		fatal("calloc %zu slots", nslots);
	rawio_signals();
	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	for (i = 0; i < nslots; i++) {
		slots[i].fd = -1;
		slots[i].state = SS_FREE;
	}
	n_free = nslots;
	if (conf.rate > 0) {
		open_loop_init();
		arrivals_start();
	} else
		slots_refill();
	run();
	return 0;
}
