/* search.c: parse SEARCH criteria into a small tree and test messages. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "args.h"
#include "cdefs.h"
#include "mailbox.h"
#include "search.h"

#define SEARCH_WORD_MAX	32

/* Keys that test one flag: the key sets it, its UN- form clears it. */
static const struct {
	const char	*name;
	uint8_t		 flag;
	int		 set;
} flag_keys[] = {
	{ "SEEN", FLAG_SEEN, 1 },		{ "UNSEEN", FLAG_SEEN, 0 },
	{ "ANSWERED", FLAG_ANSWERED, 1 },	{ "UNANSWERED", FLAG_ANSWERED, 0 },
	{ "FLAGGED", FLAG_FLAGGED, 1 },		{ "UNFLAGGED", FLAG_FLAGGED, 0 },
	{ "DELETED", FLAG_DELETED, 1 },		{ "UNDELETED", FLAG_DELETED, 0 },
	{ "DRAFT", FLAG_DRAFT, 1 },		{ "UNDRAFT", FLAG_DRAFT, 0 },
	{ "RECENT", FLAG_RECENT, 1 },
};

struct parser {
	struct args	*a;
	struct search	*s;
	uint32_t	 exists, max_uid;
	const char	*err;
	int		 depth;
};

static int	parse_key(struct parser *);

static int
new_node(struct parser *p, enum search_op op)
{
	struct search_node	*n;

	if (p->s->n == SEARCH_NODES_MAX) {
		p->err = "too many search keys";
		return -1;
	}
	n = &p->s->nodes[p->s->n];
	memset(n, 0, sizeof(*n));
	n->op = op;
	n->a = n->b = n->next = -1;
	return p->s->n++;
}

static int
parse_word(struct parser *p, char *out, size_t outsz)
{
	size_t	n = 0;
	int	c;

	while ((c = args_peek(p->a)) != -1 && isalnum(c)) {
		if (n + 1 >= outsz)
			return -1;
		out[n++] = (char)toupper(c);
		p->a->p++;
	}
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

/* A set after UID, or a bare one; `star` is what "*" means. */
static int
parse_set(struct parser *p, enum search_op op, uint32_t star)
{
	int	i;

	if ((i = new_node(p, op)) == -1)
		return -1;
	if (seqset_parse(&p->a->p, &p->s->nodes[i].seq) == -1) {
		p->err = "malformed sequence set";
		return -1;
	}
	seqset_resolve(&p->s->nodes[i].seq, star);
	return i;
}

/* AND of keys up to ")" or the end: a list or the whole criteria. */
static int
parse_and(struct parser *p, int in_parens)
{
	int	i, k, last = -1;

	if ((i = new_node(p, SK_AND)) == -1)
		return -1;
	for (;;) {
		if ((k = parse_key(p)) == -1)
			return -1;
		if (last == -1)
			p->s->nodes[i].a = k;
		else
			p->s->nodes[last].next = k;
		last = k;
		if (args_sp(p->a) == -1)
			break;
	}
	if (in_parens && args_char(p->a, ')') == -1) {
		p->err = "expected ) after the search keys";
		return -1;
	}
	return i;
}

static int
parse_unary(struct parser *p, enum search_op op)
{
	int	i, a, b;

	if ((i = new_node(p, op)) == -1)
		return -1;
	if (args_sp(p->a) == -1 || (a = parse_key(p)) == -1)
		return -1;
	p->s->nodes[i].a = a;
	if (op != SK_OR)
		return i;
	if (args_sp(p->a) == -1 || (b = parse_key(p)) == -1)
		return -1;
	p->s->nodes[i].b = b;
	return i;
}

static int
parse_size(struct parser *p, enum search_op op)
{
	unsigned long	n;
	int		i;

	if ((i = new_node(p, op)) == -1)
		return -1;
	if (args_sp(p->a) == -1 || args_number(p->a, &n) == -1) {
		p->err = "expected a number";
		return -1;
	}
	p->s->nodes[i].n = n;
	return i;
}

static int
parse_word_key(struct parser *p, const char *w)
{
	size_t	i;
	int	k;

	for (i = 0; i < nitems(flag_keys); i++) {
		if (strcmp(w, flag_keys[i].name) != 0)
			continue;
		if ((k = new_node(p, SK_FLAG)) != -1) {
			p->s->nodes[k].flag = flag_keys[i].flag;
			p->s->nodes[k].set = flag_keys[i].set;
		}
		return k;
	}
	if (strcmp(w, "ALL") == 0)
		return new_node(p, SK_ALL);
	if (strcmp(w, "NEW") == 0)
		return new_node(p, SK_NEW);
	if (strcmp(w, "OLD") == 0)
		return new_node(p, SK_OLD);
	if (strcmp(w, "NOT") == 0)
		return parse_unary(p, SK_NOT);
	if (strcmp(w, "OR") == 0)
		return parse_unary(p, SK_OR);
	if (strcmp(w, "LARGER") == 0)
		return parse_size(p, SK_LARGER);
	if (strcmp(w, "SMALLER") == 0)
		return parse_size(p, SK_SMALLER);
	if (strcmp(w, "UID") == 0) {
		if (args_sp(p->a) == -1) {
			p->err = "expected a UID set";
			return -1;
		}
		return parse_set(p, SK_UID, p->max_uid);
	}
	p->err = "unknown or unsupported search key";
	return -1;
}

static int
parse_key(struct parser *p)
{
	char	w[SEARCH_WORD_MAX];
	int	c = args_peek(p->a), k;

	if (++p->depth > SEARCH_DEPTH_MAX) {
		p->err = "search keys nested too deep";
		return -1;
	}
	if (c == '(') {
		p->a->p++;
		k = parse_and(p, 1);
	} else if (c == '*' || (c >= '0' && c <= '9'))
		k = parse_set(p, SK_SEQ, p->exists);
	else if (parse_word(p, w, sizeof(w)) == -1) {
		p->err = "expected a search key";
		k = -1;
	} else
		k = parse_word_key(p, w);
	p->depth--;
	return k;
}

/* RFC 3501 6.4.4: US-ASCII must be known; our data is ASCII, so UTF-8
 * searches the same. */
static enum search_error
parse_charset(struct parser *p)
{
	char	cs[SEARCH_WORD_MAX];
	size_t	len;

	if (args_astring(p->a, cs, sizeof(cs), &len) == -1 ||
	    args_sp(p->a) == -1) {
		p->err = "expected a charset and search keys";
		return SEARCH_BAD;
	}
	if (strcasecmp(cs, "US-ASCII") != 0 && strcasecmp(cs, "UTF-8") != 0) {
		p->err = "[BADCHARSET (US-ASCII UTF-8)] unsupported charset";
		return SEARCH_BADCHARSET;
	}
	return SEARCH_OK;
}

enum search_error
search_parse(struct args *a, struct search *s, uint32_t exists,
    uint32_t max_uid, const char **err)
{
	struct parser		p = { a, s, exists, max_uid, NULL, 0 };
	const char		*save = a->p;
	char			w[SEARCH_WORD_MAX];
	enum search_error	e;

	s->n = 0;
	if (parse_word(&p, w, sizeof(w)) == 0 && strcmp(w, "CHARSET") == 0 &&
	    args_sp(a) == 0) {
		if ((e = parse_charset(&p)) != SEARCH_OK) {
			*err = p.err;
			return e;
		}
	} else
		a->p = save;
	if (parse_and(&p, 0) == -1 || !args_at_end(a)) {
		*err = p.err != NULL ? p.err : "unexpected text after the "
		    "search keys";
		return SEARCH_BAD;
	}
	return SEARCH_OK;
}

static int
match_node(const struct search *s, int i, const struct search_msg *m)
{
	const struct search_node	*n = &s->nodes[i];
	int				 k;

	switch (n->op) {
	case SK_ALL:
		return 1;
	case SK_FLAG:
		return ((m->flags & n->flag) != 0) == n->set;
	case SK_NEW:
		return (m->flags & (FLAG_RECENT | FLAG_SEEN)) == FLAG_RECENT;
	case SK_OLD:
		return (m->flags & FLAG_RECENT) == 0;
	case SK_SEQ:
		return seqset_contains(&n->seq, m->seq);
	case SK_UID:
		return seqset_contains(&n->seq, m->uid);
	case SK_LARGER:
		return m->size > n->n;
	case SK_SMALLER:
		return m->size < n->n;
	case SK_NOT:
		return !match_node(s, n->a, m);
	case SK_OR:
		return match_node(s, n->a, m) || match_node(s, n->b, m);
	case SK_AND:
		for (k = n->a; k != -1; k = s->nodes[k].next)
			if (!match_node(s, k, m))
				return 0;
		return 1;
	}
	return 0;
}

int
search_match(const struct search *s, const struct search_msg *m)
{
	return s->n > 0 && match_node(s, 0, m);
}

void
search_free(struct search *s)
{
	int	i;

	for (i = 0; i < s->n; i++)
		seqset_free(&s->nodes[i].seq);
	s->n = 0;
}
