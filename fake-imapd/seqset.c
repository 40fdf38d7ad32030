/* seqset.c: parse, resolve and query RFC 3501 sequence sets. */
#include <stdlib.h>

#include "seqset.h"

/* seq-number = nz-number / "*"; nz-number = digit-nz *DIGIT (RFC 3501 9). */
static int
parse_number(const char **pp, uint32_t *out)
{
	const char	*p = *pp;
	uint64_t	 v = 0;

	if (*p == '*') {
		*out = 0;
		*pp = p + 1;
		return 0;
	}
	if (*p < '1' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p++ - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*out = (uint32_t)v;
	*pp = p;
	return 0;
}

static int
add_range(struct seqset *set, uint32_t lo, uint32_t hi)
{
	struct seqrange	*r;
	size_t		 cap;

	if (set->n == SEQSET_RANGES_MAX)
		return -1;
	if (set->n == set->cap) {
		cap = set->cap == 0 ? 4 : set->cap * 2;
		if ((r = reallocarray(set->r, cap, sizeof(*r))) == NULL)
			return -1;
		set->r = r;
		set->cap = cap;
	}
	set->r[set->n].lo = lo;
	set->r[set->n].hi = hi;
	set->n++;
	return 0;
}

int
seqset_parse(const char **pp, struct seqset *set)
{
	const char	*p = *pp;
	uint32_t	 lo, hi;

	set->r = NULL;
	set->n = set->cap = 0;
	for (;;) {
		if (parse_number(&p, &lo) == -1)
			return -1;
		hi = lo;
		if (*p == ':') {
			p++;
			if (parse_number(&p, &hi) == -1)
				return -1;
		}
		if (add_range(set, lo, hi) == -1)
			return -1;
		if (*p != ',')
			break;
		p++;
	}
	*pp = p;
	return 0;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct seqrange	*x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

void
seqset_resolve(struct seqset *set, uint32_t star)
{
	struct seqrange	*r;
	uint32_t	 t;
	size_t		 i, out = 0;

	for (i = 0; i < set->n; i++) {
		r = &set->r[i];
		if (r->lo == 0)
			r->lo = star;
		if (r->hi == 0)
			r->hi = star;
		if (r->lo > r->hi) {
			t = r->lo;
			r->lo = r->hi;
			r->hi = t;
		}
	}
	if (set->n == 0)
		return;
	qsort(set->r, set->n, sizeof(*set->r), range_cmp);
	for (i = 1; i < set->n; i++) {
		r = &set->r[out];
		/* Overlapping or adjacent: one range (hi + 1 cannot wrap
		 * past a later lo, which is at most UINT32_MAX). */
		if ((uint64_t)set->r[i].lo <= (uint64_t)r->hi + 1) {
			if (set->r[i].hi > r->hi)
				r->hi = set->r[i].hi;
		} else
			set->r[++out] = set->r[i];
	}
	set->n = out + 1;
}

int
seqset_contains(const struct seqset *set, uint32_t n)
{
	size_t	lo = 0, hi = set->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (n < set->r[mid].lo)
			hi = mid;
		else if (n > set->r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

uint32_t
seqset_max(const struct seqset *set)
{
	return set->n == 0 ? 0 : set->r[set->n - 1].hi;
}

void
seqset_free(struct seqset *set)
{
	free(set->r);
	set->r = NULL;
	set->n = set->cap = 0;
}
