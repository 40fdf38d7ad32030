/* cmd_mailbox.c: SELECT, EXAMINE, LIST, LSUB and STATUS (RFC 3501 6.3). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "args.h"
#include "handlers.h"
#include "mailbox.h"
#include "session.h"

/* A mailbox name as the only argument; BAD when malformed. */
static int
check_mailbox_arg(struct session *s, struct cmd *c, char *name)
{
	if (args_mailbox(&c->args, name, NAME_MAX_LEN) == -1) {
		session_bad(s, c->tag, "%s expects a mailbox name", c->name);
		return 0;
	}
	return 1;
}

/* RFC 3501 6.3.1 and 6.3.2: SELECT and EXAMINE. */
void
cmd_select(struct session *s, struct cmd *c)
{
	char			 name[NAME_MAX_LEN];
	const struct mailbox	*mb;
	struct mailbox_view	*v;
	int			 ro = strcmp(c->name, "EXAMINE") == 0;
	uint32_t		 unseen;

	if (!check_mailbox_arg(s, c, name) || !cmd_check_end(s, c))
		return;
	/* Even a failed SELECT leaves the old mailbox (RFC 3501 6.3.1). */
	session_unselect(s);
	if ((mb = mailbox_find(name)) == NULL) {
		session_reply(s, "%s NO [NONEXISTENT] no such mailbox", c->tag);
		return;
	}
	if ((v = mailbox_view_open(mb, ro)) == NULL) {
		session_reply(s, "%s NO [SERVERBUG] out of memory", c->tag);
		return;
	}
	session_reply(s, "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen "
	    "\\Draft)");
	session_reply(s, "* %u EXISTS", mb->exists);
	session_reply(s, "* %u RECENT", mailbox_count_flag(mb, FLAG_RECENT,
	    1));
	if ((unseen = mailbox_view_first_unseen(v)) != 0)
		session_reply(s, "* OK [UNSEEN %u] first unseen message",
		    unseen);
	/* \Seen lasts as long as the session: nothing is permanent. */
	session_reply(s, "* OK [PERMANENTFLAGS ()] no permanent flags");
	session_reply(s, "* OK [UIDVALIDITY %u] UIDs valid", mb->uidvalidity);
	session_reply(s, "* OK [UIDNEXT %u] predicted next UID",
	    mailbox_uidnext(mb));
	session_select(s, v);
	session_reply(s, "%s OK [%s] %s completed", c->tag,
	    ro ? "READ-ONLY" : "READ-WRITE", c->name);
}

/* RFC 3501 6.3.8 and 6.3.9: LIST and LSUB (every mailbox is subscribed). */
void
cmd_list(struct session *s, struct cmd *c)
{
	char			 ref[NAME_MAX_LEN], pat[NAME_MAX_LEN];
	char			 full[2 * NAME_MAX_LEN];
	const struct mailbox	*mb;
	int			 lsub = strcmp(c->name, "LSUB") == 0;
	size_t			 i;

	if (args_mailbox(&c->args, ref, sizeof(ref)) == -1 ||
	    args_sp(&c->args) == -1 ||
	    args_list_mailbox(&c->args, pat, sizeof(pat)) == -1) {
		session_bad(s, c->tag, "%s expects a reference and a mailbox "
		    "pattern", c->name);
		return;
	}
	if (!cmd_check_end(s, c))
		return;
	/* RFC 3501 6.3.8: an empty pattern asks for the delimiter. */
	if (pat[0] == '\0' && !lsub)
		session_reply(s, "* LIST (\\Noselect) \"%c\" \"\"",
		    MAILBOX_DELIMITER);
	snprintf(full, sizeof(full), "%s%s", ref, pat);
	for (i = 0; pat[0] != '\0' && (mb = mailbox_at(i)) != NULL; i++) {
		if (!mailbox_match(full, mb->name) && !(i == 0 &&
		    strcasecmp(full, "INBOX") == 0))
			continue;
		session_reply(s, "* %s (%s) \"%c\" %s", c->name, lsub ? "" :
		    mb->children ? "\\HasChildren" : "\\HasNoChildren",
		    MAILBOX_DELIMITER, mb->name);
	}
	session_reply(s, "%s OK %s completed", c->tag, c->name);
}

/* A STATUS item, in the order asked and named canonically; -1 for an
 * unknown one. */
static int
status_item(struct evbuffer *out, const struct mailbox *mb, const char *item)
{
	static const char	*names[] = { "MESSAGES", "RECENT", "UIDNEXT",
	    "UIDVALIDITY", "UNSEEN" };
	uint32_t		 v[5];
	size_t			 i;

	v[0] = mb->exists;
	v[1] = mailbox_count_flag(mb, FLAG_RECENT, 1);
	v[2] = mailbox_uidnext(mb);
	v[3] = mb->uidvalidity;
	v[4] = mailbox_count_flag(mb, FLAG_SEEN, 0);
	for (i = 0; i < 5; i++)
		if (strcasecmp(item, names[i]) == 0) {
			evbuffer_add_printf(out, "%s %u", names[i], v[i]);
			return 0;
		}
	return -1;
}

/* RFC 3501 6.3.10: STATUS mailbox (items) */
void
cmd_status(struct session *s, struct cmd *c)
{
	char			 name[NAME_MAX_LEN], item[32];
	const struct mailbox	*mb;
	struct evbuffer		*line;
	int			 bad = 0;

	if (!check_mailbox_arg(s, c, name))
		return;
	if ((line = evbuffer_new()) == NULL) {
		session_reply(s, "%s NO [SERVERBUG] out of memory", c->tag);
		return;
	}
	mb = mailbox_find(name);
	if (args_sp(&c->args) == -1 || args_char(&c->args, '(') == -1)
		bad = 1;
	while (!bad) {
		if (args_atom(&c->args, item, sizeof(item)) == -1 ||
		    (mb != NULL && status_item(line, mb, item) == -1))
			bad = 1;
		else if (args_sp(&c->args) == 0)
			evbuffer_add(line, " ", 1);
		else
			break;
	}
	if (bad || args_char(&c->args, ')') == -1)
		session_bad(s, c->tag, "STATUS expects a mailbox and a list "
		    "of MESSAGES, RECENT, UIDNEXT, UIDVALIDITY, UNSEEN");
	else if (cmd_check_end(s, c)) {
		if (mb == NULL)
			session_reply(s, "%s NO [NONEXISTENT] no such mailbox",
			    c->tag);
		else {
			evbuffer_add(line, "", 1);
			session_reply(s, "* STATUS %s (%s)", mb->name,
			    (const char *)evbuffer_pullup(line, -1));
			session_reply(s, "%s OK STATUS completed", c->tag);
		}
	}
	evbuffer_free(line);
}
