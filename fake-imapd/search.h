/* search.h: SEARCH criteria on flags, numbers and sizes (RFC 3501 6.4.4). */
#ifndef FAKE_IMAPD_SEARCH_H
#define FAKE_IMAPD_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "seqset.h"

struct args;

#define SEARCH_NODES_MAX	64
#define SEARCH_DEPTH_MAX	16

enum search_op {
	SK_ALL,
	SK_FLAG,	/* flag set (SEEN, ANSWERED...) or clear (UNSEEN...) */
	SK_NEW,		/* \Recent and not \Seen */
	SK_OLD,		/* not \Recent */
	SK_SEQ,
	SK_UID,
	SK_LARGER,
	SK_SMALLER,
	SK_NOT,
	SK_OR,
	SK_AND,		/* a parenthesized list, or the whole criteria */
};

struct search_node {
	enum search_op	 op;
	uint8_t		 flag;
	int		 set;
	uint64_t	 n;
	struct seqset	 seq;		/* SK_SEQ, SK_UID: resolved */
	int		 a, b;		/* NOT, OR: children; AND: first */
	int		 next;		/* next sibling in an AND, or -1 */
};

struct search {
	struct search_node	nodes[SEARCH_NODES_MAX];
	int			n;
};

/* One message as the criteria see it. */
struct search_msg {
	uint32_t	seq, uid;
	uint8_t		flags;
	size_t		size;
};

enum search_error {
	SEARCH_OK,
	SEARCH_BAD,		/* malformed or unknown key: BAD */
	SEARCH_BADCHARSET,	/* NO [BADCHARSET] (RFC 3501 6.4.4) */
};

/*
 * Parse the criteria (optionally after CHARSET) to the end of the
 * arguments.  "*" in sets means `exists` (sequence numbers) or `max_uid`.
 * On error *err names the problem.  Free with search_free either way.
 */
enum search_error search_parse(struct args *, struct search *,
	    uint32_t exists, uint32_t max_uid, const char **err);
int	search_match(const struct search *, const struct search_msg *);
void	search_free(struct search *);

#endif
