/* cache.c: KB 319502's MailboxCacheTTL.  One slot per mailbox holds its
 * cached connection; a request reuses it while it is idle and younger than
 * the TTL (age from its socket()), and at that age a timer closes it.  A
 * low TTL means a new connection, and a new ephemeral port, per request. */
#include <sys/time.h>

#include <stdint.h>
#include <stdlib.h>

#include <event2/event.h>

#include "cache.h"
#include "log.h"
#include "mailbox.h"
#include "schedule.h"
#include "session.h"
#include "stats.h"

struct slot {
	struct session	*s;	/* the cached connection, idle or busy */
	struct event	*ev_ttl;	/* made on the slot's first use */
	int		 expired;	/* the timer fired while s was busy */
};

static struct {
	struct cache_params	 p;
	struct event_base	*base;
	struct mailbox_picker	 picker;
	struct slot		*slots;
	int			 closing;	/* arrivals are over */
} cache;

static void	slot_expire(evutil_socket_t, short, void *);

static void
slot_clear(struct slot *sl)
{
	sl->s = NULL;
	sl->expired = 0;
	if (sl->ev_ttl != NULL)
		evtimer_del(sl->ev_ttl);
}

/* s takes the slot; the timer fires when s reaches the TTL. */
static void
slot_set(struct slot *sl, struct session *s, uint64_t now)
{
	uint64_t	end = session_opened_us(s) + cache.p.ttl_us;
	uint64_t	left = end > now ? end - now : 0;
	struct timeval	tv = { (time_t)(left / 1000000),
			    (suseconds_t)(left % 1000000) };

	sl->s = s;
	sl->expired = 0;
	if (sl->ev_ttl == NULL &&
	    (sl->ev_ttl = evtimer_new(cache.base, slot_expire, sl)) == NULL)
		fatalx("evtimer_new");
	evtimer_add(sl->ev_ttl, &tv);
}

/* The cached connection reached the TTL: closed now if idle, else right
 * after the request it is serving (cache_idle sees `expired`). */
static void
slot_expire(evutil_socket_t fd UNUSED, short events UNUSED, void *arg)
{
	struct slot	*sl = arg;
	struct session	*s = sl->s;

	if (s == NULL)
		return;
	if (!session_is_idle(s)) {
		sl->expired = 1;
		return;
	}
	log_debug("cache: mailbox=%llu session id=%llu evicted",
	    (unsigned long long)session_mailbox(s),
	    (unsigned long long)session_id(s));
	slot_clear(sl);
	stats_evicted();
	session_release(s);
}

void
cache_init(struct event_base *base, const struct cache_params *p)
{
	cache.p = *p;
	cache.base = base;
	mailbox_picker_init(&cache.picker, &p->skew, p->mailboxes, p->seed);
	if ((cache.slots = calloc(p->mailboxes, sizeof(*cache.slots))) == NULL)
		fatal("calloc");
}

/* Whether the slot's connection can take a request now. */
static int
slot_usable(const struct slot *sl, uint64_t now)
{
	return sl->s != NULL && session_is_idle(sl->s) && !sl->expired &&
	    now - session_opened_us(sl->s) < cache.p.ttl_us;
}

void
cache_request(uint64_t id, uint64_t due_us)
{
	uint64_t	 m = mailbox_pick(&cache.picker, id);
	struct slot	*sl = &cache.slots[m];
	struct session	*old;
	uint64_t	 now = schedule_now_us();

	if (slot_usable(sl, now)) {
		stats_request(1);
		session_request(sl->s, due_us);
		return;
	}
	/* Idle but as old as the TTL, its timer not run yet: evict now. */
	if (sl->s != NULL && session_is_idle(sl->s)) {
		old = sl->s;
		slot_clear(sl);
		stats_evicted();
		session_release(old);
	}
	/* Open loop: over the cap, the request is lost, not postponed. */
	if (cache.p.max_in_flight != 0 &&
	    session_active() >= cache.p.max_in_flight) {
		stats_skipped();
		return;
	}
	stats_request(0);
	session_start(id, due_us, (int64_t)m);
}

/* Close s, which just finished a request, counted as `why`. */
static int
cache_close(struct session *s, const char *why)
{
	log_debug("cache: mailbox=%llu session id=%llu %s",
	    (unsigned long long)session_mailbox(s),
	    (unsigned long long)session_id(s), why);
	return session_release(s);
}

int
cache_idle(struct session *s)
{
	struct slot	*sl = &cache.slots[session_mailbox(s)];
	struct session	*old = sl->s;
	uint64_t	 now = schedule_now_us();

	if (cache.closing || cache.p.ttl_us == 0) {
		if (old == s)
			slot_clear(sl);
		return cache_close(s, cache.closing ? "end of run" : "ttl 0");
	}
	if (now - session_opened_us(s) >= cache.p.ttl_us ||
	    (old == s && sl->expired)) {
		if (old == s)
			slot_clear(sl);
		stats_evicted();
		return cache_close(s, "evicted");
	}
	if (old == s)
		return 0;	/* back to idle in its slot */
	/* A connection opened later holds the slot: this one goes. */
	if (old != NULL && session_id(old) > session_id(s)) {
		stats_replaced();
		return cache_close(s, "replaced");
	}
	slot_clear(sl);
	/* The older one goes now if idle, else after its request (counted
	 * then, by the test above). */
	if (old != NULL && session_is_idle(old)) {
		stats_replaced();
		cache_close(old, "replaced");
	}
	slot_set(sl, s, now);
	return 0;
}

void
cache_gone(struct session *s)
{
	struct slot	*sl = &cache.slots[session_mailbox(s)];

	if (sl->s == s)
		slot_clear(sl);
}

void
cache_shutdown(void)
{
	struct session	*s;
	uint64_t	 m;

	if (cache.closing)
		return;
	cache.closing = 1;
	for (m = 0; m < cache.p.mailboxes; m++) {
		if ((s = cache.slots[m].s) == NULL)
			continue;
		slot_clear(&cache.slots[m]);
		if (session_is_idle(s))
			cache_close(s, "end of run");
	}
}

void
cache_free(void)
{
	uint64_t	m;

	if (cache.slots == NULL)
		return;
	for (m = 0; m < cache.p.mailboxes; m++)
		if (cache.slots[m].ev_ttl != NULL)
			event_free(cache.slots[m].ev_ttl);
	free(cache.slots);
	cache.slots = NULL;
	mailbox_picker_free(&cache.picker);
}
