/* steps.h: what a loadgen session does between the greeting and the
 * close, as typed after loadgen --steps and in a scenario's [load] steps:
 * "login,select,fetch=5,noop,idle=2s,logout".  Connecting and reading the
 * greeting always come first and the close (--close) always last, so
 * they are not listed. */
#ifndef EPHEMERA_STEPS_H
#define EPHEMERA_STEPS_H

#include <stddef.h>
#include <stdint.h>

#define STEPS_MAX		32
#define STEP_MAILBOX_MAX	64	/* bytes, with the NUL */
#define STEP_FETCH_MAX		100000	/* messages in one FETCH */
#define STEP_IDLE_MAX_US	(3600ULL * 1000000)
#define STEPS_DEFAULT		"login,select,logout"

enum step_kind {
	STEP_STARTTLS,		/* RFC 3501 6.2.1, before authenticating */
	STEP_LOGIN,
	STEP_AUTHENTICATE,	/* AUTHENTICATE PLAIN */
	STEP_SELECT,		/* mailbox, INBOX by default */
	STEP_EXAMINE,
	STEP_FETCH,		/* messages 1:n */
	STEP_NOOP,
	STEP_IDLE,		/* RFC 2177 IDLE for us, then DONE */
	STEP_LOGOUT,
};

struct step {
	enum step_kind	kind;
	uint64_t	n;				/* fetch */
	uint64_t	us;				/* idle */
	char		mailbox[STEP_MAILBOX_MAX];	/* select, examine */
};

struct step_list {
	struct step	step[STEPS_MAX];
	size_t		n;
};

/*
 * Parse a comma-separated list.  Refused: unknown words, a missing or
 * bad argument, more than STEPS_MAX steps, and orders no IMAP server
 * accepts (RFC 3501 3: STARTTLS only before authenticating, mailbox
 * commands only after it, FETCH only with a mailbox selected, LOGOUT
 * only last).  NULL on success, else what was expected.
 */
const char	*steps_parse(const char *text, struct step_list *);
/* The canonical text, which steps_parse reads back to the same list. */
void		 steps_format(const struct step_list *, char *buf, size_t len);
const char	*step_name(enum step_kind);
/* Whether the list has a step of this kind. */
int		 steps_have(const struct step_list *, enum step_kind);

#endif
