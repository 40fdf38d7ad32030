/* commands.c: the IMAP commands fake-imapd knows, from a table (RFC 3501 6). */
#include <stddef.h>
#include <string.h>

#include "commands.h"
#include "imap.h"
#include "session.h"

/* The states where a session reads commands at all. */
#define ANY_STATE	(STATE_BIT(STATE_NOT_AUTHENTICATED) | \
			    STATE_BIT(STATE_AUTHENTICATED))

enum command_args {
	ARGS_NONE,	/* RFC 3501 9: "CAPABILITY", "LOGOUT", "NOOP" alone */
	ARGS_OWN,	/* the handler checks its own */
};

struct command {
	const char		*name;
	unsigned int		 states;	/* STATE_BIT() mask */
	enum command_args	 args;
	void			(*handler)(struct session *,
				    const struct imap_command *);
};

static void	cmd_capability(struct session *, const struct imap_command *);
static void	cmd_login(struct session *, const struct imap_command *);
static void	cmd_logout(struct session *, const struct imap_command *);
static void	cmd_noop(struct session *, const struct imap_command *);

static const struct command commands[] = {
	{ "CAPABILITY",	ANY_STATE, ARGS_NONE, cmd_capability },
	{ "LOGIN",	STATE_BIT(STATE_NOT_AUTHENTICATED), ARGS_OWN,
	    cmd_login },
	{ "LOGOUT",	ANY_STATE, ARGS_NONE, cmd_logout },
	{ "NOOP",	ANY_STATE, ARGS_NONE, cmd_noop },
};

/* RFC 3501 6.1.1 */
static void
cmd_capability(struct session *s, const struct imap_command *cmd)
{
	session_reply(s, "* CAPABILITY IMAP4rev1");
	session_reply(s, "%s OK CAPABILITY completed", cmd->tag);
}

/*
 * RFC 3501 6.2.3: "LOGIN" SP userid SP password, both astrings.  Literals
 * are refused rather than waited for: without a "+" continuation the
 * client sends no literal bytes (RFC 3501 7.5), so none can be mistaken
 * for commands.
 */
static int
check_login(struct session *s, const struct imap_command *cmd)
{
	char		 user[SESSION_LINE_MAX + 1], pass[SESSION_LINE_MAX + 1];
	const char	*p = cmd->args;

	if (imap_parse_astring(&p, user, sizeof(user)) == -1 || *p++ != ' ' ||
	    imap_parse_astring(&p, pass, sizeof(pass)) == -1 || *p != '\0') {
		session_reply(s, "%s BAD LOGIN expects a user name and a "
		    "password", cmd->tag);
		return 0;
	}
	return 1;
}

/* Any user name and password will do: this is a load target. */
static void
cmd_login(struct session *s, const struct imap_command *cmd)
{
	if (!check_login(s, cmd))
		return;
	session_reply(s, "%s OK LOGIN completed", cmd->tag);
	session_enter_state(s, STATE_AUTHENTICATED);
}

/* RFC 3501 6.1.3: BYE before the tagged OK; the session closes later. */
static void
cmd_logout(struct session *s, const struct imap_command *cmd)
{
	session_reply(s, "* BYE fake-imapd logging out");
	session_reply(s, "%s OK LOGOUT completed", cmd->tag);
	session_enter_state(s, STATE_LOGOUT);
}

/* RFC 3501 6.1.2 */
static void
cmd_noop(struct session *s, const struct imap_command *cmd)
{
	session_reply(s, "%s OK NOOP completed", cmd->tag);
}

static const struct command *
command_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

void
commands_dispatch(struct session *s, const char *line)
{
	struct imap_command	 cmd;
	const struct command	*c;

	if (*line == '\0') {
		session_reply(s, "* BAD empty line");
		return;
	}
	switch (imap_parse_command(line, &cmd)) {
	case IMAP_PARSE_NOTAG:
		/* RFC 3501 7.1.3: untagged BAD when no tag can be read. */
		session_reply(s, "* BAD malformed tag");
		return;
	case IMAP_PARSE_NONAME:
		session_reply(s, "%s BAD missing or malformed command",
		    cmd.tag);
		return;
	case IMAP_PARSE_OK:
		break;
	}
	if ((c = command_find(cmd.name)) == NULL) {
		session_reply(s, "%s BAD unknown command", cmd.tag);
		return;
	}
	/* The one place a command is refused for the state it came in. */
	if ((c->states & STATE_BIT(session_state(s))) == 0) {
		session_reply(s, "%s BAD %s not allowed in this state", cmd.tag,
		    c->name);
		return;
	}
	if (c->args == ARGS_NONE && *cmd.args != '\0') {
		session_reply(s, "%s BAD %s takes no arguments", cmd.tag,
		    c->name);
		return;
	}
	c->handler(s, &cmd);
}
