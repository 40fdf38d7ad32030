/* cmd_message.c: FETCH, SEARCH and their UID forms (RFC 3501 6.4). */
#include <string.h>

#include <event2/buffer.h>

#include "args.h"
#include "fetch.h"
#include "handlers.h"
#include "mailbox.h"
#include "search.h"
#include "seqset.h"
#include "session.h"

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

/* RFC 3501 6.4.8: UID FETCH, UID SEARCH; UID STORE and UID COPY would
 * change the mailbox. */
void
cmd_uid(struct session *s, struct cmd *c)
{
	char	sub[16];
	size_t	i;

	if (args_atom(&c->args, sub, sizeof(sub)) == -1) {
		session_bad(s, c->tag, "UID expects FETCH or SEARCH");
		return;
	}
	for (i = 0; sub[i] != '\0'; i++)
		sub[i] = (char)(sub[i] >= 'a' && sub[i] <= 'z' ?
		    sub[i] - 'a' + 'A' : sub[i]);
	if (strcmp(sub, "STORE") == 0 || strcmp(sub, "COPY") == 0 ||
	    strcmp(sub, "EXPUNGE") == 0) {
		session_reply(s, "%s NO [CANNOT] fake-imapd's mailboxes are "
		    "read-only", c->tag);
		return;
	}
	c->name = strcmp(sub, "FETCH") == 0 ? "FETCH" : "SEARCH";
	if ((strcmp(sub, "FETCH") != 0 && strcmp(sub, "SEARCH") != 0) ||
	    args_sp(&c->args) == -1) {
		session_bad(s, c->tag, "UID expects FETCH or SEARCH");
		return;
	}
	if (strcmp(sub, "FETCH") == 0)
		do_fetch(s, c, 1);
	else
		do_search(s, c, 1);
}
