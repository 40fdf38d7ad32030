/* userip.c: a small hash table of (user, address) -> connections. */
#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userip.h"

#define USERIP_BUCKETS	4096	/* a power of two */

struct userip {
	SLIST_ENTRY(userip)	 entry;
	unsigned long		 count;
	uint32_t		 hash;
	size_t			 keylen;
	char			 key[];		/* user NUL addr */
};

SLIST_HEAD(userip_list, userip);
static struct userip_list	buckets[USERIP_BUCKETS];

/* FNV-1a: short keys, no adversary who gains anything from collisions
 * beyond a longer list walk on login. */
static uint32_t
hash(const char *p, size_t len)
{
	uint32_t	h = 2166136261u;

	while (len-- > 0) {
		h ^= (unsigned char)*p++;
		h *= 16777619u;
	}
	return h;
}

static struct userip *
lookup(const char *key, size_t keylen, uint32_t h)
{
	struct userip	*u;

	SLIST_FOREACH(u, &buckets[h & (USERIP_BUCKETS - 1)], entry)
		if (u->hash == h && u->keylen == keylen &&
		    memcmp(u->key, key, keylen) == 0)
			return u;
	return NULL;
}

struct userip *
userip_take(const char *user, size_t ulen, const char *addr,
    unsigned long max, int *full)
{
	struct userip	*u;
	size_t		 alen = strlen(addr), keylen = ulen + 1 + alen;
	char		*key;
	uint32_t	 h;

	*full = 0;
	if ((key = malloc(keylen)) == NULL)
		return NULL;
	memcpy(key, user, ulen);
	key[ulen] = '\0';
	memcpy(key + ulen + 1, addr, alen);
	h = hash(key, keylen);
	if ((u = lookup(key, keylen, h)) == NULL) {
		if ((u = calloc(1, sizeof(*u) + keylen)) == NULL) {
			free(key);
			return NULL;
		}
		u->hash = h;
		u->keylen = keylen;
		memcpy(u->key, key, keylen);
		SLIST_INSERT_HEAD(&buckets[h & (USERIP_BUCKETS - 1)], u, entry);
	}
	free(key);
	if (u->count >= max) {
		*full = 1;
		if (u->count == 0)
			userip_release(u);	/* max 0: never kept */
		return NULL;
	}
	u->count++;
	return u;
}

void
userip_release(struct userip *u)
{
	if (u->count > 0)
		u->count--;
	if (u->count > 0)
		return;
	SLIST_REMOVE(&buckets[u->hash & (USERIP_BUCKETS - 1)], u, userip,
	    entry);
	free(u);
}
