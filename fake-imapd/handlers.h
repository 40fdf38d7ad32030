/* handlers.h: what the command handlers share; commands.c dispatches to them. */
#ifndef FAKE_IMAPD_HANDLERS_H
#define FAKE_IMAPD_HANDLERS_H

#include "args.h"

struct session;

/* Longest user name, password or mailbox name we take. */
#define NAME_MAX_LEN	1024

/* A command as a handler sees it: tag, name, and its arguments.  The
 * state and, for ARGS_NONE commands, the absence of arguments are
 * checked before the handler runs (commands.c). */
struct cmd {
	const char	*tag;
	const char	*name;
	struct args	 args;
};

/* Nothing after the arguments a handler has read; BAD otherwise. */
int	cmd_check_end(struct session *, struct cmd *);

/* cmd_auth.c: RFC 3501 6.2 */
void	cmd_login(struct session *, struct cmd *);
void	cmd_authenticate(struct session *, struct cmd *);

/* cmd_mailbox.c: RFC 3501 6.3 */
void	cmd_select(struct session *, struct cmd *);
void	cmd_list(struct session *, struct cmd *);
void	cmd_status(struct session *, struct cmd *);

/* cmd_message.c: RFC 3501 6.4 */
void	cmd_fetch(struct session *, struct cmd *);
void	cmd_search(struct session *, struct cmd *);
void	cmd_store(struct session *, struct cmd *);
void	cmd_uid(struct session *, struct cmd *);

#endif
