/* commands.h: IMAP command dispatch. */
#ifndef FAKE_IMAPD_COMMANDS_H
#define FAKE_IMAPD_COMMANDS_H

struct session;

/* Answer one command line (no CRLF) from a session that reads commands. */
void	commands_dispatch(struct session *, const char *line);

#endif
