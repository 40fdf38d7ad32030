/* args.h: read command arguments: atoms, strings, literals (RFC 3501 9). */
#ifndef FAKE_IMAPD_ARGS_H
#define FAKE_IMAPD_ARGS_H

#include <stddef.h>

/*
 * A cursor over a command's arguments as reader.c assembles them: a
 * literal keeps its wire form, "{N}\r\n" (or "{N+}\r\n") and N bytes.
 * Every reader returns 0 and advances, or -1 and leaves the cursor alone.
 */
struct args {
	const char	*p, *end;
};

void	args_init(struct args *, const char *p, size_t len);
int	args_at_end(const struct args *);
int	args_sp(struct args *);
/* The next byte, or -1 at the end. */
int	args_peek(const struct args *);
int	args_char(struct args *, char c);

/* 1*ATOM-CHAR, into out (NUL-terminated, at most outsz-1 bytes). */
int	args_atom(struct args *, char *out, size_t outsz);
/* astring = 1*ASTRING-CHAR / string; *len excludes the terminating NUL.
 * A literal holding a NUL is refused (CHAR8 excludes it). */
int	args_astring(struct args *, char *out, size_t outsz, size_t *len);
/* list-mailbox = 1*list-char / string: atoms may hold "%" and "*". */
int	args_list_mailbox(struct args *, char *out, size_t outsz);
/* A mailbox name (astring), as a C string. */
int	args_mailbox(struct args *, char *out, size_t outsz);
/* number = 1*DIGIT, at most 2^32-1. */
int	args_number(struct args *, unsigned long *);

#endif
