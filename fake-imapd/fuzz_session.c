/* fuzz_session.c: libFuzzer target: any bytes, as a client's input, through
 * the whole session: framing, literals, dispatch, every command, closing.
 * Build: CC=clang meson setup b && ninja -C b fake-imapd/fuzz-session
 * Run:   b/fake-imapd/fuzz-session -max_total_time=60 -timeout=2 \
 *            fake-imapd/fuzz-corpus
 * (list-wildcards in the corpus once took minutes: LIST patterns.) */
#include <sys/socket.h>
#include <netinet/in.h>

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "session.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Loop turns to wait for a session to end after the client's FIN. */
#define FUZZ_TURNS_MAX	10000

static struct event_base	*base;
static struct config		 conf;

static void
fuzz_setup(void)
{
	log_init("fuzz-session", 0);
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	conf.logout_close = LOGOUT_CLOSE_SERVER;
	conf.logout_timeout.tv_sec = 1;
	conf.ready_fd = -1;
	conf.messages = 5;
	conf.autologout_unauth.tv_sec = 60;
	conf.autologout.tv_sec = 1800;
	if (mailbox_setup(conf.messages) == -1)
		fatalx("mailbox_setup");
	session_setup(base, &conf);
}

/* One loop turn, and whatever the server wrote is read and dropped. */
static void
pump(int fd)
{
	char	buf[65536];

	event_base_loop(base, EVLOOP_NONBLOCK);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in	peer;
	ssize_t			n;
	int			sv[2], turns;

	if (base == NULL)
		fuzz_setup();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == -1)
		fatal("socketpair");
	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	session_new(base, sv[0], (struct sockaddr *)&peer, 0);
	while (size > 0) {
		if ((n = write(sv[1], data, size)) > 0) {
			data += n;
			size -= (size_t)n;
		}
		pump(sv[1]);
		if (session_active() == 0)
			break;	/* the server closed: the rest is unread */
	}
	shutdown(sv[1], SHUT_WR);
	for (turns = 0; session_active() > 0 && turns < FUZZ_TURNS_MAX;
	    turns++)
		pump(sv[1]);
	session_free_all();
	event_base_loop(base, EVLOOP_NONBLOCK);
	close(sv[1]);
	return 0;
}
