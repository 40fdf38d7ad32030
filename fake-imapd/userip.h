/* userip.h: logged-in connections per user and client address, for the
 * per user+IP limit (Dovecot's mail_max_userip_connections). */
#ifndef FAKE_IMAPD_USERIP_H
#define FAKE_IMAPD_USERIP_H

#include <stddef.h>

struct userip;

/*
 * Count one more connection of `user` from `addr`.  Returns its slot, to
 * give back with userip_release, or NULL: *full is then 1 when `max`
 * connections are already counted, 0 when out of memory.
 */
struct userip	*userip_take(const char *user, size_t ulen, const char *addr,
		    unsigned long max, int *full);
void		 userip_release(struct userip *);

#endif
