/* seqset.h: RFC 3501 sequence sets ("1,3:5,7:*") of message numbers or UIDs. */
#ifndef FAKE_IMAPD_SEQSET_H
#define FAKE_IMAPD_SEQSET_H

#include <stddef.h>
#include <stdint.h>

/* More ranges than this in one set is refused: bounds memory and time. */
#define SEQSET_RANGES_MAX	4096

struct seqrange {
	uint32_t	lo, hi;		/* 0 stands for "*" until resolved */
};

struct seqset {
	struct seqrange	*r;
	size_t		 n, cap;
};

/*
 * Parse a sequence-set at *pp and advance past it (it ends at the first
 * byte that cannot continue it).  Returns 0, or -1 when malformed (a zero,
 * a leading zero, a number over 2^32-1, an empty element, too many ranges).
 * The set must be freed with seqset_free either way.
 */
int	seqset_parse(const char **pp, struct seqset *);

/*
 * Replace "*" by `star` (the largest number in use), put each range in
 * order (RFC 3501 9: "4:2" is "2:4") and sort and merge them.
 */
void	seqset_resolve(struct seqset *, uint32_t star);
/* Whether a resolved set holds `n`. */
int	seqset_contains(const struct seqset *, uint32_t n);
/* The largest number in a resolved set; 0 when empty. */
uint32_t seqset_max(const struct seqset *);
void	seqset_free(struct seqset *);

#endif
