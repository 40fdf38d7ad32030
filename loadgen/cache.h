/* cache.h: the mailbox connection cache of KB 319502 (MailboxCacheTTL):
 * requests for a mailbox reuse its cached connection while it is idle and
 * younger than the TTL; otherwise a new connection is opened. */
#ifndef LOADGEN_CACHE_H
#define LOADGEN_CACHE_H

#include <stdint.h>

#include "mailbox.h"

struct event_base;
struct session;

struct cache_params {
	uint64_t		 mailboxes;	/* 1 .. MAILBOXES_MAX */
	uint64_t		 ttl_us;	/* 0: a connection per request */
	struct mailbox_skew	 skew;
	uint64_t		 seed;
	uint64_t		 max_in_flight;	/* 0: no cap on connections */
};

void	cache_init(struct event_base *, const struct cache_params *);
/* Arrival `id` of the schedule, due at `due_us`: a request. */
void	cache_request(uint64_t id, uint64_t due_us);
/* session.c's hooks: a request finished on the session (keep it or
 * release it; -1 if it ended), and the session is ending. */
int	cache_idle(struct session *);
void	cache_gone(struct session *);
/* Arrivals are over: close every cached connection (LOGOUT, --close),
 * and each busy one after its request. */
void	cache_shutdown(void);
void	cache_free(void);

#endif
