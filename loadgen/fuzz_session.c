/* fuzz_session.c: libFuzzer target: any bytes, as a server's output,
 * through loadgen's client side: the plain transport's reader (conn.c),
 * the framing of responses and literals (framing.c), the response parser
 * (imap.c) and the session's state machine over its steps, its close and,
 * with a mailbox cache, its requests (session.c).
 * Build: CC=clang meson setup b && ninja -C b loadgen/fuzz-session
 * Run:   b/loadgen/fuzz-session -max_total_time=60 -timeout=2 \
 *            loadgen/fuzz-corpus
 * The first byte picks a configuration (steps, --close, cache), the size
 * of the server's writes and whether a greeting near the longest line
 * allowed goes first; the rest is what the server sends.  The
 * connection is a Unix socket, so that millions of sessions leave no
 * port in TIME_WAIT.  STARTTLS is not driven: its handshake is
 * OpenSSL's, and so would be every byte after it. */
#include <sys/socket.h>
#include <sys/un.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "addr.h"
#include "cdefs.h"
#include "framing.h"
#include "log.h"
#include "schedule.h"
#include "session.h"
#include "steps.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Loop turns to wait for the session's end after the server's FIN, and
 * turns in a row without a byte written before the input is dropped. */
#define FUZZ_TURNS_MAX	10000
/* Requests a cached connection serves after its first, before it is
 * released. */
#define FUZZ_REQUESTS	1

static const struct {
	const char	*steps;
	enum close_mode	 close;
	int		 cache;		/* --mailboxes: requests on it */
} configs[] = {
	{ "login,select,logout", CLOSE_CLIENT, 0 },
	{ "login,select,fetch=5,noop,logout", CLOSE_SERVER, 0 },
	{ "authenticate,examine=Sent,noop,logout", CLOSE_RST, 0 },
	{ "login,select,noop", CLOSE_NO_LOGOUT, 0 },
	{ "authenticate,select,fetch=2,logout", CLOSE_CLIENT, 1 },
	/* An hour's IDLE: the fuzzer cannot wait, and the session's course
	 * must not depend on how fast the loop turns; so the updates
	 * during IDLE are fuzzed, its DONE is not. */
	{ "login,examine,idle=1h,logout", CLOSE_CLIENT, 0 },
};

/* The server's write sizes: a byte at a time up to all at once. */
static const size_t	chunks[] = { 1, 7, 512, SIZE_MAX };
/* libFuzzer's inputs stay short (-max_len 4096): the longest line the
 * reader holds comes from here, a greeting of FRAMING_LINE_MAX bytes
 * give or take FUZZ_LONG_SPAN, the input's next byte saying which, its
 * end the input's. */
#define FUZZ_LONG_SPAN	8
#define FUZZ_INPUT_MAX	4096
static uint8_t		long_line[FRAMING_LINE_MAX + FUZZ_LONG_SPAN +
			    FUZZ_INPUT_MAX];

static struct event_base	*base;
static struct endpoint		 ep;
static int			 listener = -1;
static struct step_list		 lists[nitems(configs)];
static struct session		*idle;	/* cached, awaiting a decision */
static int			 requests;

static int
fuzz_on_idle(struct session *s)
{
	idle = s;
	return 0;
}

static void
fuzz_on_gone(struct session *s)
{
	if (idle == s)
		idle = NULL;
}

static void
fuzz_setup(void)
{
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ep.ss;
	size_t			 i;
	int			 n;

	log_init("fuzz-session", 0);
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	for (i = 0; i < nitems(configs); i++)
		if (steps_parse(configs[i].steps, &lists[i]) != NULL)
			fatalx("fuzz: bad steps %s", configs[i].steps);
	/* An abstract address: nothing in the file system to clean up. */
	memset(&ep, 0, sizeof(ep));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1,
	    "ephemera-fuzz-session-%ld", (long)getpid());
	ep.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    (size_t)n);
	if ((listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0)) ==
	    -1 || bind(listener, (struct sockaddr *)&ep.ss, ep.len) == -1 ||
	    listen(listener, 4) == -1)
		fatal("fuzz: listener");
}

/* One loop turn; a cached connection gets its next request or is
 * released; what the client wrote is read and dropped. */
static void
pump(int fd)
{
	char		 buf[65536];
	struct session	*s;

	event_base_loop(base, EVLOOP_NONBLOCK);
	if ((s = idle) != NULL) {
		idle = NULL;
		if (requests++ < FUZZ_REQUESTS)
			session_request(s, schedule_now_us());
		else
			session_release(s);
	}
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* The server's side: `data` in writes of `chunk` bytes, then its FIN. */
static void
serve(int fd, const uint8_t *data, size_t size, size_t chunk)
{
	ssize_t	n;
	int	turns, stalled = 0;

	while (size > 0 && stalled < FUZZ_TURNS_MAX) {
		n = write(fd, data, size < chunk ? size : chunk);
		if (n > 0) {
			data += n;
			size -= (size_t)n;
			stalled = 0;
		} else
			stalled++;
		pump(fd);
		if (session_active() == 0)
			return;	/* the client closed: the rest is unread */
	}
	shutdown(fd, SHUT_WR);
	for (turns = 0; session_active() > 0 && turns < FUZZ_TURNS_MAX;
	    turns++)
		pump(fd);
}

/* The input after its first byte, or that behind a long greeting. */
static const uint8_t *
server_bytes(const uint8_t *data, size_t size, int longer, size_t *len)
{
	size_t	n;

	if (!longer || size < 2) {
		*len = size - 1;
		return data + 1;
	}
	n = FRAMING_LINE_MAX - FUZZ_LONG_SPAN + data[1] % (2 * FUZZ_LONG_SPAN);
	memcpy(long_line, "* OK ", 5);
	memset(long_line + 5, 'x', n - 5);
	memcpy(long_line + n, data + 2, size - 2);
	*len = n + size - 2;
	return long_line;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session_params	 p;
	const uint8_t		*bytes;
	size_t			 k, m, len, chunk;
	int			 fd, longer;

	if (base == NULL)
		fuzz_setup();
	if (size == 0 || size > FUZZ_INPUT_MAX)
		return 0;
	k = data[0] % nitems(configs);
	m = data[0] / nitems(configs);
	memset(&p, 0, sizeof(p));
	p.targets = &ep;
	p.ntargets = 1;
	p.timeout_us = 3600ULL * 1000000;	/* never, in a run */
	p.steps = &lists[k];
	p.user = "user";
	p.password = "password";
	p.close = configs[k].close;
	p.on_idle = fuzz_on_idle;
	p.on_gone = fuzz_on_gone;
	session_init(base, &p);
	idle = NULL;
	requests = 0;
	session_start(0, schedule_now_us(), configs[k].cache ? 0 : -1);
	if ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) == -1)
		fatal("fuzz: accept");
	chunk = chunks[m % nitems(chunks)];
	longer = m / nitems(chunks) % 2 == 1;
	bytes = server_bytes(data, size, longer, &len);
	/* 64 KiB a byte at a time is too slow for a fuzzer's turn. */
	serve(fd, bytes, len, longer && chunk < 512 ? 512 : chunk);
	/* Not ended by the server's FIN within the bound: a hang. */
	if (session_active() > 0) {
		fprintf(stderr, "fuzz-session: the session outlived the "
		    "server's FIN\n");
		abort();
	}
	session_free_all();
	event_base_loop(base, EVLOOP_NONBLOCK);
	close(fd);
	return 0;
}
