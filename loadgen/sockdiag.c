/* sockdiag.c: ask the kernel for TCP sockets in TIME_WAIT or FIN_WAIT_2
 * (NETLINK_SOCK_DIAG, inet_diag_req_v2) and count them by side: only the
 * side that closed first holds TIME_WAIT, and this is how we tell. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "log.h"
#include "sockdiag.h"

static struct {
	struct mnl_socket	*nl;
	uint32_t		 portid;
	uint32_t		 seq;
	uint8_t			 target[65536 / 8];	/* bit per port */
} sd;

static int
is_target(uint16_t port_be)
{
	unsigned	p = ntohs(port_be);

	return (sd.target[p / 8] >> (p % 8)) & 1;
}

int
sockdiag_open(const unsigned *ports, int nports)
{
	int	i;

	for (i = 0; i < nports; i++)
		sd.target[ports[i] / 8] |= (uint8_t)(1u << (ports[i] % 8));
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
	return 0;
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

int
sockdiag_count(struct sockdiag_counts *c)
{
	memset(c, 0, sizeof(*c));
	if (sd.nl == NULL)
		return -1;
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

void
sockdiag_close(void)
{
	if (sd.nl != NULL)
		mnl_socket_close(sd.nl);
	sd.nl = NULL;
}
