/* commands.c: the command table, dispatch, and the commands too small for a
 * file of their own (RFC 3501 6). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "args.h"
#include "cdefs.h"
#include "commands.h"
#include "handlers.h"
#include "imap.h"
#include "session.h"
#include "stats.h"

/* Only what is implemented (RFC 7888 LITERAL+, RFC 2177 IDLE, RFC 3691
 * UNSELECT, RFC 4959 SASL-IR, RFC 4616 PLAIN, RFC 3501 6.2.1 STARTTLS);
 * the greeting shows the same list.  STARTTLS, AUTH=PLAIN and
 * LOGINDISABLED depend on the connection: see commands_capability. */
#define CAPABILITIES	"IMAP4rev1 LITERAL+ IDLE UNSELECT SASL-IR"

#define AUTH_STATES	(STATE_BIT(STATE_AUTHENTICATED) | \
			    STATE_BIT(STATE_SELECTED))
#define ANY_STATE	(STATE_BIT(STATE_NOT_AUTHENTICATED) | AUTH_STATES)
#define NOT_AUTH	STATE_BIT(STATE_NOT_AUTHENTICATED)
#define SELECTED	STATE_BIT(STATE_SELECTED)

enum command_args {
	ARGS_NONE,	/* RFC 3501 9: "CAPABILITY", "LOGOUT", "NOOP" alone */
	ARGS_OWN,	/* the handler checks its own */
};

struct command {
	const char		*name;
	unsigned int		 states;	/* STATE_BIT() mask */
	enum command_args	 args;
	void			(*handler)(struct session *, struct cmd *);
};

static void	cmd_capability(struct session *, struct cmd *);
static void	cmd_check(struct session *, struct cmd *);
static void	cmd_close(struct session *, struct cmd *);
static void	cmd_idle(struct session *, struct cmd *);
static void	cmd_logout(struct session *, struct cmd *);
static void	cmd_noop(struct session *, struct cmd *);
static void	cmd_starttls(struct session *, struct cmd *);
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
	{ "STORE",	SELECTED,	ARGS_OWN,	cmd_store },
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

	{ "COPY",	SELECTED,	ARGS_OWN,	cmd_unsupported },
	{ "EXPUNGE",	SELECTED,	ARGS_NONE,	cmd_unsupported },
	/* Last, so that the CSV's older cmd_ columns keep their order. */
	{ "STARTTLS",	NOT_AUTH,	ARGS_NONE,	cmd_starttls },
};
#define NCOMMANDS	(nitems(commands))

/*
 * RFC 3501 6.2.1: STARTTLS only where it may be used (in clear, not
 * logged in, TLS configured); RFC 3501 6.2.3: LOGINDISABLED, and no
 * AUTH=PLAIN, while --login-disabled holds (until TLS is on).
 */
const char *
commands_capability(const struct session *s)
{
	static char	buf[128];

	snprintf(buf, sizeof(buf), "%s%s%s", CAPABILITIES,
	    session_starttls_offered(s) ? " STARTTLS" : "",
	    session_login_allowed(s) ? " AUTH=PLAIN" : " LOGINDISABLED");
	return buf;
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
	session_reply(s, "* CAPABILITY %s", commands_capability(s));
	session_reply(s, "%s OK CAPABILITY completed", c->tag);
}

/* RFC 3501 6.1.2 */
static void
cmd_noop(struct session *s, struct cmd *c)
{
	session_reply(s, "%s OK NOOP completed", c->tag);
}

/* RFC 3501 6.2.1: OK, then the handshake once the OK is flushed.  Not
 * offered (no TLS configured, or TLS on already): BAD, as for a command
 * this server does not know. */
static void
cmd_starttls(struct session *s, struct cmd *c)
{
	if (!session_starttls_offered(s)) {
		session_bad(s, c->tag, session_tls_active(s) ? "TLS is "
		    "already active" : "STARTTLS is not offered here");
		return;
	}
	session_reply(s, "%s OK Begin TLS negotiation now", c->tag);
	session_starttls(s);
}

/* RFC 3501 6.1.3: BYE before the tagged OK; the session closes later. */
static void
cmd_logout(struct session *s, struct cmd *c)
{
	session_reply(s, "* BYE fake-imapd logging out");
	session_reply(s, "%s OK LOGOUT completed", c->tag);
	session_logout(s);
}

/* Nothing after the arguments a handler has read. */
int
cmd_check_end(struct session *s, struct cmd *c)
{
	if (args_at_end(&c->args))
		return 1;
	session_bad(s, c->tag, "unexpected text after the arguments of %s",
	    c->name);
	return 0;
}

/* RFC 2177: the client's DONE is read by the session. */
static void
cmd_idle(struct session *s, struct cmd *c)
{
	session_reply(s, "+ idling");
	session_idle(s, c->tag);
}

/* RFC 3501 6.4.1 and 6.4.2 (RFC 3691 UNSELECT): nothing is expunged,
 * since nothing can be \Deleted. */
static void
cmd_close(struct session *s, struct cmd *c)
{
	session_unselect(s);
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
