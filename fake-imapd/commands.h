/* commands.h: IMAP command dispatch. */
#ifndef FAKE_IMAPD_COMMANDS_H
#define FAKE_IMAPD_COMMANDS_H

#include <stddef.h>

struct session;

/* Answer one command (len bytes, NUL-terminated, literals in wire form)
 * from a session that reads commands. */
void	commands_dispatch(struct session *, const char *cmd, size_t len);

/* The client's line after AUTHENTICATE's "+" continuation. */
void	commands_continue(struct session *, const char *tag, const char *line,
	    size_t len);

/* The capability list, as CAPABILITY and the greeting show it to this
 * connection (static storage, valid until the next call). */
const char *commands_capability(const struct session *);

/* The statistics' view of the table: a counter per command, and one
 * more for everything unknown. */
size_t	commands_stat_count(void);
const char *commands_stat_name(size_t);

#endif
