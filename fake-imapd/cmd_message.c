/* cmd_message.c: FETCH, SEARCH, STORE and their UID forms (RFC 3501 6.4). */
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "args.h"
#include "cdefs.h"
#include "fetch.h"
#include "handlers.h"
#include "mailbox.h"
#include "search.h"
#include "seqset.h"
#include "session.h"

/* One FETCH answer may queue this much: a command cannot make the server
 * hold more than that for a client that does not read. */
#define FETCH_OUTPUT_MAX	(16 * 1024 * 1024)

/*
 * A sequence set and the SP after it.  Message numbers must exist
 * (RFC 3501 9: BAD otherwise); UIDs need not.  The set is resolved.
 */
static int
check_set(struct session *s, struct cmd *c, int uid, struct seqset *set,
    const char *prefix)
{
	const struct mailbox	*mb = session_view(s)->mb;
	uint32_t		 star;

	if (seqset_parse(&c->args.p, set) == -1) {
		session_bad(s, c->tag, "%s%s expects a sequence set", prefix,
		    c->name);
		return 0;
	}
	star = mb->exists == 0 ? 0 : uid ? mb->msgs[mb->exists - 1].uid :
	    mb->exists;
	seqset_resolve(set, star);
	if (!uid && (mb->exists == 0 || seqset_max(set) > mb->exists)) {
		session_bad(s, c->tag, "invalid message sequence number");
		return 0;
	}
	return 1;
}

/* RFC 3501 6.4.5 and 6.4.8: FETCH and UID FETCH. */
static void
do_fetch(struct session *s, struct cmd *c, int uid)
{
	struct mailbox_view	*v = session_view(s);
	struct fetch_request	 req;
	struct seqset		 set;
	const struct message	*m;
	const char		*err, *prefix = uid ? "UID " : "";
	uint32_t		 i;
	int			 changed;

	if (!check_set(s, c, uid, &set, prefix))
		goto done;
	err = "expected fetch items";
	if (args_sp(&c->args) == -1 ||
	    fetch_parse(&c->args, &req, &err) == -1) {
		session_bad(s, c->tag, "%sFETCH: %s", prefix, err);
		goto done;
	}
	for (i = 0; i < v->mb->exists; i++) {
		m = &v->mb->msgs[i];
		if (!seqset_contains(&set, uid ? m->uid : i + 1))
			continue;
		if (evbuffer_get_length(session_output(s)) > FETCH_OUTPUT_MAX) {
			/* RFC 5530 LIMIT: what was sent stands. */
			session_reply(s, "%s NO [LIMIT] %sFETCH answer over %d "
			    "MiB: fetch fewer messages at once", c->tag, prefix,
			    FETCH_OUTPUT_MAX >> 20);
			goto done;
		}
		/* RFC 3501 6.4.5: BODY[] sets \Seen, except in EXAMINE. */
		changed = req.sets_seen && !v->readonly &&
		    (v->flags[i] & FLAG_SEEN) == 0;
		if (changed)
			v->flags[i] |= FLAG_SEEN;
		fetch_write(session_output(s), &req, m, i + 1, v->flags[i],
		    uid, changed);
	}
	session_reply(s, "%s OK %sFETCH completed", c->tag, prefix);
done:
	seqset_free(&set);
}

void
cmd_fetch(struct session *s, struct cmd *c)
{
	do_fetch(s, c, 0);
}

/* RFC 3501 6.4.4 and 6.4.8: SEARCH and UID SEARCH. */
static void
do_search(struct session *s, struct cmd *c, int uid)
{
	struct mailbox_view	*v = session_view(s);
	const struct mailbox	*mb = v->mb;
	struct evbuffer		*out = session_output(s);
	struct search		 crit;
	struct search_msg	 m;
	const char		*err, *prefix = uid ? "UID " : "";
	uint32_t		 i;

	switch (search_parse(&c->args, &crit, mb->exists, mb->exists == 0 ?
	    0 : mb->msgs[mb->exists - 1].uid, &err)) {
	case SEARCH_BAD:
		session_bad(s, c->tag, "%sSEARCH: %s", prefix, err);
		search_free(&crit);
		return;
	case SEARCH_BADCHARSET:
		session_reply(s, "%s NO %s", c->tag, err);
		search_free(&crit);
		return;
	case SEARCH_OK:
		break;
	}
	evbuffer_add(out, "* SEARCH", 8);
	for (i = 0; i < mb->exists; i++) {
		m.seq = i + 1;
		m.uid = mb->msgs[i].uid;
		m.flags = v->flags[i];
		m.size = mb->msgs[i].size;
		if (search_match(&crit, &m))
			evbuffer_add_printf(out, " %u", uid ? m.uid : m.seq);
	}
	evbuffer_add(out, "\r\n", 2);
	session_reply(s, "%s OK %sSEARCH completed", c->tag, prefix);
	search_free(&crit);
}

void
cmd_search(struct session *s, struct cmd *c)
{
	do_search(s, c, 0);
}

/* flag = "\Answered" / ... / keyword; keywords are taken and ignored,
 * since none is kept (FLAGS lists none).  -1 for \Recent or an unknown
 * system flag. */
static int
parse_flag(struct args *a, uint8_t *flags)
{
	static const struct {
		const char	*name;
		uint8_t		 bit;
	} names[] = {
		{ "\\Answered", FLAG_ANSWERED }, { "\\Flagged", FLAG_FLAGGED },
		{ "\\Deleted", FLAG_DELETED }, { "\\Seen", FLAG_SEEN },
		{ "\\Draft", FLAG_DRAFT },
	};
	char	word[64];
	size_t	i;
	int	sys = args_char(a, '\\') == 0;

	if (args_atom(a, word + 1, sizeof(word) - 1) == -1)
		return -1;
	if (!sys)
		return 0;
	word[0] = '\\';
	for (i = 0; i < nitems(names); i++)
		if (strcasecmp(word, names[i].name) == 0) {
			*flags |= names[i].bit;
			return 0;
		}
	return -1;
}

/* (flag *(SP flag)), or the same without parentheses (RFC 3501 9). */
static int
parse_flag_list(struct args *a, uint8_t *flags)
{
	int	paren = args_char(a, '(') == 0;

	*flags = 0;
	if (paren && args_char(a, ')') == 0)
		return args_at_end(a) ? 0 : -1;
	do {
		if (parse_flag(a, flags) == -1)
			return -1;
	} while (args_sp(a) == 0);
	if (paren && args_char(a, ')') == -1)
		return -1;
	return args_at_end(a) ? 0 : -1;
}

/* ["+" / "-"] "FLAGS" [".SILENT"] */
static int
parse_store_item(struct args *a, char *op, int *silent)
{
	char	item[32];

	*op = '=';
	if (args_char(a, '+') == 0)
		*op = '+';
	else if (args_char(a, '-') == 0)
		*op = '-';
	if (args_atom(a, item, sizeof(item)) == -1)
		return -1;
	*silent = strcasecmp(item, "FLAGS.SILENT") == 0;
	return *silent || strcasecmp(item, "FLAGS") == 0 ? 0 : -1;
}

static uint8_t
store_apply(uint8_t old, char op, uint8_t flags)
{
	/* \Recent is the server's alone (RFC 3501 2.3.2). */
	switch (op) {
	case '+':
		return old | flags;
	case '-':
		return old & (uint8_t)~flags;
	default:
		return (old & FLAG_RECENT) | flags;
	}
}

/*
 * RFC 3501 6.4.6: STORE and UID STORE.  The flags change for this
 * session only, which PERMANENTFLAGS () announced (RFC 3501 7.1).
 */
static void
do_store(struct session *s, struct cmd *c, int uid)
{
	struct mailbox_view	*v = session_view(s);
	struct fetch_request	 req;
	struct seqset		 set;
	struct args		 flags_item;
	const char		*err, *prefix = uid ? "UID " : "";
	uint32_t		 i;
	uint8_t			 flags;
	char			 op;
	int			 silent;

	if (!check_set(s, c, uid, &set, prefix))
		goto done;
	if (args_sp(&c->args) == -1 ||
	    parse_store_item(&c->args, &op, &silent) == -1 ||
	    args_sp(&c->args) == -1 ||
	    parse_flag_list(&c->args, &flags) == -1) {
		session_bad(s, c->tag, "%sSTORE expects [+|-]FLAGS[.SILENT] and "
		    "system flags", prefix);
		goto done;
	}
	if (v->readonly) {
		session_reply(s, "%s NO [READ-ONLY] the mailbox was EXAMINEd",
		    c->tag);
		goto done;
	}
	args_init(&flags_item, "FLAGS", 5);
	fetch_parse(&flags_item, &req, &err);
	for (i = 0; i < v->mb->exists; i++) {
		if (!seqset_contains(&set, uid ? v->mb->msgs[i].uid : i + 1))
			continue;
		v->flags[i] = store_apply(v->flags[i], op, flags);
		if (!silent)
			fetch_write(session_output(s), &req, &v->mb->msgs[i],
			    i + 1, v->flags[i], uid, 0);
	}
	session_reply(s, "%s OK %sSTORE completed", c->tag, prefix);
done:
	seqset_free(&set);
}

void
cmd_store(struct session *s, struct cmd *c)
{
	do_store(s, c, 0);
}

/* RFC 3501 6.4.8: UID FETCH, UID SEARCH, UID STORE; UID COPY (and RFC
 * 4315 UID EXPUNGE) would change the mailboxes. */
void
cmd_uid(struct session *s, struct cmd *c)
{
	static const struct {
		const char	*name;
		void		(*run)(struct session *, struct cmd *, int);
	} subs[] = {
		{ "FETCH", do_fetch }, { "SEARCH", do_search },
		{ "STORE", do_store },
	};
	char	sub[16];
	size_t	i;

	if (args_atom(&c->args, sub, sizeof(sub)) == -1) {
		session_bad(s, c->tag, "UID expects FETCH, SEARCH or STORE");
		return;
	}
	if (strcasecmp(sub, "COPY") == 0 || strcasecmp(sub, "EXPUNGE") == 0) {
		session_reply(s, "%s NO [CANNOT] fake-imapd's mailboxes are "
		    "read-only", c->tag);
		return;
	}
	for (i = 0; i < nitems(subs); i++) {
		if (strcasecmp(sub, subs[i].name) != 0)
			continue;
		c->name = subs[i].name;
		if (args_sp(&c->args) == -1)
			break;
		subs[i].run(s, c, 1);
		return;
	}
	session_bad(s, c->tag, "UID expects FETCH, SEARCH or STORE");
}
