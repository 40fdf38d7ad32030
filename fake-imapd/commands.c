/* commands.c: the IMAP commands fake-imapd knows, from a table (RFC 3501 6). */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "args.h"
#include "commands.h"
#include "fetch.h"
#include "imap.h"
#include "mailbox.h"
#include "reader.h"
#include "sasl.h"
#include "search.h"
#include "seqset.h"
#include "session.h"
#include "stats.h"
#include "users.h"

/* Only what is implemented (RFC 7888 LITERAL+, RFC 2177 IDLE, RFC 3691
 * UNSELECT, RFC 4959 SASL-IR, RFC 4616 PLAIN); the greeting shows the
 * same list. */
#define CAPABILITIES	"IMAP4rev1 LITERAL+ IDLE UNSELECT SASL-IR AUTH=PLAIN"

/* A SASL response line before login is at most READER_LINE_MAX_UNAUTH. */
#define SASL_MAX	(READER_LINE_MAX_UNAUTH / 4 * 3)

#define AUTH_STATES	(STATE_BIT(STATE_AUTHENTICATED) | \
			    STATE_BIT(STATE_SELECTED))
#define ANY_STATE	(STATE_BIT(STATE_NOT_AUTHENTICATED) | AUTH_STATES)
#define NOT_AUTH	STATE_BIT(STATE_NOT_AUTHENTICATED)
#define SELECTED	STATE_BIT(STATE_SELECTED)

/* Longest user name, password or mailbox name we take. */
#define NAME_MAX_LEN	1024

enum command_args {
	ARGS_NONE,	/* RFC 3501 9: "CAPABILITY", "LOGOUT", "NOOP" alone */
	ARGS_OWN,	/* the handler checks its own */
};

/* A command as a handler sees it: tag, name, and its arguments. */
struct cmd {
	const char	*tag;
	const char	*name;
	struct args	 args;
};

struct command {
	const char		*name;
	unsigned int		 states;	/* STATE_BIT() mask */
	enum command_args	 args;
	void			(*handler)(struct session *, struct cmd *);
};

static void	cmd_authenticate(struct session *, struct cmd *);
static void	cmd_capability(struct session *, struct cmd *);
static void	cmd_check(struct session *, struct cmd *);
static void	cmd_close(struct session *, struct cmd *);
static void	cmd_fetch(struct session *, struct cmd *);
static void	cmd_idle(struct session *, struct cmd *);
static void	cmd_list(struct session *, struct cmd *);
static void	cmd_login(struct session *, struct cmd *);
static void	cmd_logout(struct session *, struct cmd *);
static void	cmd_noop(struct session *, struct cmd *);
static void	cmd_search(struct session *, struct cmd *);
static void	cmd_select(struct session *, struct cmd *);
static void	cmd_status(struct session *, struct cmd *);
static void	cmd_uid(struct session *, struct cmd *);
static void	cmd_unsupported(struct session *, struct cmd *);

static const struct command commands[] = {
	{ "CAPABILITY",	ANY_STATE,	ARGS_NONE,	cmd_capability },
	{ "NOOP",	ANY_STATE,	ARGS_NONE,	cmd_noop },
	{ "LOGOUT",	ANY_STATE,	ARGS_NONE,	cmd_logout },
	{ "LOGIN",	NOT_AUTH,	ARGS_OWN,	cmd_login },
	{ "AUTHENTICATE", NOT_AUTH,	ARGS_OWN,	cmd_authenticate },
	{ "SELECT",	AUTH_STATES,	ARGS_OWN,	cmd_select },
	{ "EXAMINE",	AUTH_STATES,	ARGS_OWN,	cmd_select },
	{ "LIST",	AUTH_STATES,	ARGS_OWN,	cmd_list },
	{ "LSUB",	AUTH_STATES,	ARGS_OWN,	cmd_list },
	{ "STATUS",	AUTH_STATES,	ARGS_OWN,	cmd_status },
	{ "IDLE",	AUTH_STATES,	ARGS_NONE,	cmd_idle },
	{ "FETCH",	SELECTED,	ARGS_OWN,	cmd_fetch },
	{ "SEARCH",	SELECTED,	ARGS_OWN,	cmd_search },
	{ "UID",	SELECTED,	ARGS_OWN,	cmd_uid },
	{ "CLOSE",	SELECTED,	ARGS_NONE,	cmd_close },
	{ "UNSELECT",	SELECTED,	ARGS_NONE,	cmd_close },
	{ "CHECK",	SELECTED,	ARGS_NONE,	cmd_check },
	/* RFC 3501 commands that would change the fixed mailboxes. */
	{ "CREATE",	AUTH_STATES,	ARGS_OWN,	cmd_unsupported },
	{ "DELETE",	AUTH_STATES,	ARGS_OWN,	cmd_unsupported },
	{ "RENAME",	AUTH_STATES,	ARGS_OWN,	cmd_unsupported },
	{ "SUBSCRIBE",	AUTH_STATES,	ARGS_OWN,	cmd_unsupported },
	{ "UNSUBSCRIBE", AUTH_STATES,	ARGS_OWN,	cmd_unsupported },
	{ "APPEND",	AUTH_STATES,	ARGS_OWN,	cmd_unsupported },
	{ "STORE",	SELECTED,	ARGS_OWN,	cmd_unsupported },
	{ "COPY",	SELECTED,	ARGS_OWN,	cmd_unsupported },
	{ "EXPUNGE",	SELECTED,	ARGS_NONE,	cmd_unsupported },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

const char *
commands_capability(void)
{
	return CAPABILITIES;
}

size_t
commands_stat_count(void)
{
	return NCOMMANDS + 1;
}

const char *
commands_stat_name(size_t i)
{
	return i < NCOMMANDS ? commands[i].name : "OTHER";
}

/* RFC 3501 6.1.1 */
static void
cmd_capability(struct session *s, struct cmd *c)
{
	session_reply(s, "* CAPABILITY %s", CAPABILITIES);
	session_reply(s, "%s OK CAPABILITY completed", c->tag);
}

/* RFC 3501 6.1.2 */
static void
cmd_noop(struct session *s, struct cmd *c)
{
	session_reply(s, "%s OK NOOP completed", c->tag);
}

/* RFC 3501 6.1.3: BYE before the tagged OK; the session closes later. */
static void
cmd_logout(struct session *s, struct cmd *c)
{
	session_reply(s, "* BYE fake-imapd logging out");
	session_reply(s, "%s OK LOGOUT completed", c->tag);
	session_set_view(s, NULL);
	session_enter_state(s, STATE_LOGOUT);
}

/* Nothing after the arguments a handler has read. */
static int
check_end(struct session *s, struct cmd *c)
{
	if (args_at_end(&c->args))
		return 1;
	session_bad(s, c->tag, "unexpected text after the arguments of %s",
	    c->name);
	return 0;
}

/* RFC 3501 6.2.3: "LOGIN" SP userid SP password, both astrings (atom,
 * quoted string, or literal). */
static int
check_login(struct session *s, struct cmd *c, char *user, size_t *ulen,
    char *pass, size_t *plen)
{
	if (args_astring(&c->args, user, NAME_MAX_LEN, ulen) == -1 ||
	    args_sp(&c->args) == -1 ||
	    args_astring(&c->args, pass, NAME_MAX_LEN, plen) == -1 ||
	    !args_at_end(&c->args)) {
		session_bad(s, c->tag, "LOGIN expects a user name and a "
		    "password");
		return 0;
	}
	return 1;
}

static void
cmd_login(struct session *s, struct cmd *c)
{
	static char	user[NAME_MAX_LEN], pass[NAME_MAX_LEN];
	size_t		ulen, plen;

	if (!check_login(s, c, user, &ulen, pass, &plen))
		return;
	/* RFC 5530 AUTHENTICATIONFAILED; which half was wrong is not said. */
	if (!users_check(user, ulen, pass, plen)) {
		session_reply(s, "%s NO [AUTHENTICATIONFAILED] Authentication "
		    "failed", c->tag);
		return;
	}
	session_reply(s, "%s OK LOGIN completed", c->tag);
	session_enter_state(s, STATE_AUTHENTICATED);
}

/*
 * RFC 4616 PLAIN, base64 (RFC 3501 6.2.2): check the credentials and log
 * in, or say why not.  "=" is an empty response (RFC 4959).
 */
static void
authenticate_plain(struct session *s, const char *tag, const char *b64,
    size_t len)
{
	static char		msg[SASL_MAX];
	struct sasl_plain	p;
	long			n = 0;

	if ((len != 1 || b64[0] != '=') &&
	    (n = sasl_base64_decode(b64, len, msg, sizeof(msg))) == -1) {
		session_bad(s, tag, "invalid base64 in the SASL response");
		return;
	}
	if (sasl_plain_parse(msg, (size_t)n, &p) == -1) {
		session_bad(s, tag, "malformed PLAIN response");
		return;
	}
	/* Acting for someone else is not offered (RFC 5530). */
	if (p.authzid_len > 0 && (p.authzid_len != p.authcid_len ||
	    memcmp(p.authzid, p.authcid, p.authcid_len) != 0)) {
		session_reply(s, "%s NO [AUTHORIZATIONFAILED] Authorization "
		    "failed", tag);
		return;
	}
	if (!users_check(p.authcid, p.authcid_len, p.passwd, p.passwd_len)) {
		session_reply(s, "%s NO [AUTHENTICATIONFAILED] Authentication "
		    "failed", tag);
		return;
	}
	session_reply(s, "%s OK AUTHENTICATE completed", tag);
	session_enter_state(s, STATE_AUTHENTICATED);
}

/* RFC 3501 6.2.2: AUTHENTICATE mechanism [SP initial-response]. */
static void
cmd_authenticate(struct session *s, struct cmd *c)
{
	char	mech[32], ir[READER_LINE_MAX_UNAUTH];

	if (args_atom(&c->args, mech, sizeof(mech)) == -1) {
		session_bad(s, c->tag, "AUTHENTICATE expects a mechanism");
		return;
	}
	if (strcasecmp(mech, "PLAIN") != 0) {
		session_reply(s, "%s NO unsupported authentication mechanism",
		    c->tag);
		return;
	}
	if (args_at_end(&c->args)) {
		/* No initial response: ask for it with an empty challenge. */
		session_reply(s, "+ ");
		session_continue(s, c->tag, STATE_AUTHENTICATE);
		return;
	}
	if (args_sp(&c->args) == -1 ||
	    args_atom(&c->args, ir, sizeof(ir)) == -1) {
		session_bad(s, c->tag, "AUTHENTICATE expects a mechanism and a "
		    "base64 response");
		return;
	}
	if (check_end(s, c))
		authenticate_plain(s, c->tag, ir, strlen(ir));
}

void
commands_continue(struct session *s, const char *tag, const char *line,
    size_t len)
{
	/* RFC 3501 6.2.2: "*" cancels, with BAD. */
	if (len == 1 && line[0] == '*') {
		session_bad(s, tag, "authentication cancelled");
		return;
	}
	authenticate_plain(s, tag, line, len);
}

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
static void
cmd_select(struct session *s, struct cmd *c)
{
	char			 name[NAME_MAX_LEN];
	const struct mailbox	*mb;
	struct mailbox_view	*v;
	int			 ro = strcmp(c->name, "EXAMINE") == 0;
	uint32_t		 unseen;

	if (!check_mailbox_arg(s, c, name) || !check_end(s, c))
		return;
	/* Even a failed SELECT leaves the old mailbox (RFC 3501 6.3.1). */
	session_set_view(s, NULL);
	if (session_state(s) == STATE_SELECTED)
		session_enter_state(s, STATE_AUTHENTICATED);
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
	session_set_view(s, v);
	session_enter_state(s, STATE_SELECTED);
	session_reply(s, "%s OK [%s] %s completed", c->tag,
	    ro ? "READ-ONLY" : "READ-WRITE", c->name);
}

/* RFC 3501 6.3.8 and 6.3.9: LIST and LSUB (every mailbox is subscribed). */
static void
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
	if (!check_end(s, c))
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
static void
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
	else if (check_end(s, c)) {
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

/* RFC 2177: the client's DONE is read by the session. */
static void
cmd_idle(struct session *s, struct cmd *c)
{
	session_reply(s, "+ idling");
	session_continue(s, c->tag, STATE_IDLE);
}

/* RFC 3501 6.4.1 and 6.4.2 (RFC 3691 UNSELECT): nothing is expunged,
 * since nothing can be \Deleted. */
static void
cmd_close(struct session *s, struct cmd *c)
{
	session_set_view(s, NULL);
	session_enter_state(s, STATE_AUTHENTICATED);
	session_reply(s, "%s OK %s completed", c->tag, c->name);
}

static void
cmd_check(struct session *s, struct cmd *c)
{
	session_reply(s, "%s OK CHECK completed", c->tag);
}

static void
cmd_unsupported(struct session *s, struct cmd *c)
{
	session_reply(s, "%s NO [CANNOT] fake-imapd's mailboxes are read-only",
	    c->tag);
}

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

static void
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

static void
cmd_search(struct session *s, struct cmd *c)
{
	do_search(s, c, 0);
}

/* RFC 3501 6.4.8: UID FETCH, UID SEARCH; UID STORE and UID COPY would
 * change the mailbox. */
static void
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

static size_t
command_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return i;
	return NCOMMANDS;
}

void
commands_dispatch(struct session *s, const char *line, size_t len)
{
	struct imap_command	 ic;
	struct cmd		 c;
	const struct command	*cmd;
	size_t			 i;

	if (len == 0) {
		stats.cmd[NCOMMANDS]++;
		session_bad(s, NULL, "empty line");
		return;
	}
	switch (imap_parse_command(line, &ic)) {
	case IMAP_PARSE_NOTAG:
		/* RFC 3501 7.1.3: untagged BAD when no tag can be read. */
		stats.cmd[NCOMMANDS]++;
		session_bad(s, NULL, "malformed tag");
		return;
	case IMAP_PARSE_NONAME:
		stats.cmd[NCOMMANDS]++;
		session_bad(s, ic.tag, "missing or malformed command");
		return;
	case IMAP_PARSE_OK:
		break;
	}
	i = command_find(ic.name);
	stats.cmd[i]++;
	if (i == NCOMMANDS) {
		session_bad(s, ic.tag, "unknown command");
		return;
	}
	cmd = &commands[i];
	c.tag = ic.tag;
	c.name = cmd->name;
	args_init(&c.args, ic.args, len - (size_t)(ic.args - line));
	/* The one place a command is refused for the state it came in. */
	if ((cmd->states & STATE_BIT(session_state(s))) == 0) {
		session_bad(s, c.tag, "%s not allowed in this state", c.name);
		return;
	}
	if (cmd->args == ARGS_NONE && !args_at_end(&c.args)) {
		session_bad(s, c.tag, "%s takes no arguments", c.name);
		return;
	}
	cmd->handler(s, &c);
}
