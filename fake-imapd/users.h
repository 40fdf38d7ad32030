/* users.h: who may log in: anyone, or the user:password lines of a file. */
#ifndef FAKE_IMAPD_USERS_H
#define FAKE_IMAPD_USERS_H

#include <stddef.h>

/*
 * Load `path`: one "user:password" per line; blank lines and lines
 * starting with "#" are skipped.  Returns 0, or -1 with err filled
 * ("FILE:LINE: ..." or the system error) for the caller to print.
 */
int	users_load(const char *path, char *err, size_t errsz);
/* 1 when the pair may log in: always, if no file was loaded. */
int	users_check(const char *user, size_t ulen, const char *pass,
	    size_t plen);
void	users_free(void);

#endif
