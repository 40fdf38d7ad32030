/* sockdiag.c: ask the kernel for TCP sockets in TIME_WAIT or FIN_WAIT_2
 * (NETLINK_SOCK_DIAG, inet_diag_req_v2) and count them by side: only the
 * side that closed first holds TIME_WAIT, and this is how we tell.
 *
 * The worker thread owns the netlink socket.  It talks to the loop over
 * two pipes and shares nothing else: a byte down `req` asks for a dump, a
 * struct result comes back up `res` (smaller than PIPE_BUF, so written
 * and read whole), so there is no lock anywhere. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "cdefs.h"
#include "clock.h"
#include "log.h"
#include "sockdiag.h"

struct result {
	struct sockdiag_counts	c;
	int			ok;
};

static struct {
	struct mnl_socket	*nl;
	uint32_t		 portid;
	uint32_t		 seq;
	uint8_t			 target[65536 / 8];	/* bit per port */
	pthread_t		 worker;
	int			 running;
	int			 req[2];	/* loop -> worker */
	int			 res[2];	/* worker -> loop */
	struct event		*ev_res;
	unsigned		 outstanding;
	sockdiag_done_cb	 done;
} sd = { .req = { -1, -1 }, .res = { -1, -1 } };

static int
is_target(uint16_t port_be)
{
	unsigned	p = ntohs(port_be);

	return (sd.target[p / 8] >> (p % 8)) & 1;
}

static int
count_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct sockdiag_counts		*c = arg;
	const struct inet_diag_msg	*m = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*m)))
		return MNL_CB_ERROR;
	/* A TIME_WAIT mini-socket reports its substate: FIN_WAIT_2 for an
	 * orphan still waiting for the peer's FIN. */
	switch (m->idiag_state) {
	case TCP_TIME_WAIT:
		if (is_target(m->id.idiag_dport))
			c->time_wait_client++;
		else if (is_target(m->id.idiag_sport))
			c->time_wait_server++;
		break;
	case TCP_FIN_WAIT2:
		if (is_target(m->id.idiag_dport))
			c->fin_wait2_client++;
		else if (is_target(m->id.idiag_sport))
			c->fin_wait2_server++;
		break;
	}
	return MNL_CB_OK;
}

static int
dump_family(uint8_t family, struct sockdiag_counts *c)
{
	char				 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr			*nlh;
	struct inet_diag_req_v2		*req;
	uint32_t			 seq = ++sd.seq;
	ssize_t				 n;
	int				 rc;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = (1u << TCP_TIME_WAIT) | (1u << TCP_FIN_WAIT2);
	if (mnl_socket_sendto(sd.nl, nlh, nlh->nlmsg_len) == -1)
		return -1;
	do {
		if ((n = mnl_socket_recvfrom(sd.nl, buf, sizeof(buf))) <= 0)
			return -1;
		rc = mnl_cb_run(buf, (size_t)n, seq, sd.portid, count_cb, c);
	} while (rc > MNL_CB_STOP);
	return rc == MNL_CB_ERROR ? -1 : 0;
}

/* One dump, on the worker. */
static int
dump(struct sockdiag_counts *c)
{
	memset(c, 0, sizeof(*c));
	if (dump_family(AF_INET, c) == -1) {
		log_warn("sock_diag dump");
		return -1;
	}
	/* A kernel without IPv6 has nothing to list there. */
	if (dump_family(AF_INET6, c) == -1 && errno != ENOENT &&
	    errno != EAFNOSUPPORT) {
		log_warn("sock_diag dump (IPv6)");
		return -1;
	}
	return 0;
}

static void *
worker_main(void *arg UNUSED)
{
	struct result	r;
	char		b;

	/* Written whole, its tail padding too: no stack bytes in the pipe
	 * (valgrind's "write(buf) points to uninitialised byte(s)"). */
	memset(&r, 0, sizeof(r));
	while (read(sd.req[0], &b, 1) == 1) {
		r.ok = dump(&r.c) == 0;
		if (write(sd.res[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			break;
	}
	return NULL;
}

/* On the loop: report every result that has come back. */
static void
results_cb(evutil_socket_t fd, short events UNUSED, void *arg UNUSED)
{
	struct result	r;

	while (read(fd, &r, sizeof(r)) == (ssize_t)sizeof(r)) {
		sd.outstanding--;
		sd.done(r.ok ? &r.c : NULL);
	}
}

static int
open_pipes(struct event_base *base)
{
	if (pipe2(sd.req, O_CLOEXEC) == -1 ||
	    pipe2(sd.res, O_CLOEXEC | O_NONBLOCK) == -1) {
		log_warn("sock_diag: pipe");
		return -1;
	}
	if ((sd.ev_res = event_new(base, sd.res[0], EV_READ | EV_PERSIST,
	    results_cb, NULL)) == NULL || event_add(sd.ev_res, NULL) == -1)
		fatalx("sock_diag: event_new");
	return 0;
}

/* The worker takes no signals: they are the loop's (SIGINT drains). */
static int
start_worker(void)
{
	sigset_t	all, old;
	int		err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&sd.worker, NULL, worker_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		errno = err;
		log_warn("sock_diag: pthread_create");
		return -1;
	}
	sd.running = 1;
	return 0;
}

int
sockdiag_open(struct event_base *base, const unsigned *ports, int nports,
    sockdiag_done_cb done)
{
	int	i;

	for (i = 0; i < nports; i++)
		sd.target[ports[i] / 8] |= (uint8_t)(1u << (ports[i] % 8));
	sd.done = done;
	if ((sd.nl = mnl_socket_open(NETLINK_SOCK_DIAG)) == NULL ||
	    mnl_socket_bind(sd.nl, 0, MNL_SOCKET_AUTOPID) == -1) {
		log_warn("sock_diag: TIME_WAIT by side will be empty");
		if (sd.nl != NULL)
			mnl_socket_close(sd.nl);
		sd.nl = NULL;
		return -1;
	}
	sd.portid = mnl_socket_get_portid(sd.nl);
	sd.seq = (uint32_t)time(NULL);
	if (open_pipes(base) == -1 || start_worker() == -1) {
		sockdiag_close();
		return -1;
	}
	return 0;
}

int
sockdiag_request(void)
{
	char	b = 0;

	if (!sd.running || write(sd.req[1], &b, 1) != 1)
		return -1;
	sd.outstanding++;
	return 0;
}

int
sockdiag_wait(int timeout_ms)
{
	struct pollfd	 pfd = { sd.res[0], POLLIN, 0 };
	uint64_t	 deadline = mono_us() + (uint64_t)timeout_ms * 1000;
	uint64_t	 now;
	int		 left;

	while (sd.outstanding > 0) {
		if ((now = mono_us()) >= deadline)
			return -1;
		left = (int)((deadline - now + 999) / 1000);
		if (poll(&pfd, 1, (int)left) > 0)
			results_cb(sd.res[0], EV_READ, NULL);
	}
	return 0;
}

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

void
sockdiag_close(void)
{
	if (sd.running) {
		/* EOF on its pipe ends the worker after its current dump. */
		close_fd(&sd.req[1]);
		pthread_join(sd.worker, NULL);
		sd.running = 0;
	}
	if (sd.ev_res != NULL)
		event_free(sd.ev_res);
	sd.ev_res = NULL;
	close_fd(&sd.req[0]);
	close_fd(&sd.req[1]);
	close_fd(&sd.res[0]);
	close_fd(&sd.res[1]);
	sd.outstanding = 0;
	if (sd.nl != NULL)
		mnl_socket_close(sd.nl);
	sd.nl = NULL;
}
