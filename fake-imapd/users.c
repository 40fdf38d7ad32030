/* users.c: the --users file, and checking a user name and password. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "users.h"

struct user {
	char	*name;		/* "name\0password" in one allocation */
	char	*pass;
	size_t	 nlen, plen;
};

static struct user	*users;
static size_t		 nusers;
static int		 loaded;

static int
users_add(const char *line, size_t len)
{
	const char	*colon = memchr(line, ':', len);
	struct user	*u;

	if (colon == NULL || colon == line)
		return -1;
	if ((u = reallocarray(users, nusers + 1, sizeof(*u))) == NULL)
		return -2;
	users = u;
	u = &users[nusers];
	if ((u->name = malloc(len + 1)) == NULL)
		return -2;
	memcpy(u->name, line, len);
	u->name[len] = '\0';
	u->nlen = (size_t)(colon - line);
	u->name[u->nlen] = '\0';
	u->pass = u->name + u->nlen + 1;
	u->plen = len - u->nlen - 1;
	nusers++;
	return 0;
}

int
users_load(const char *path, char *err, size_t errsz)
{
	FILE		*fp;
	char		*line = NULL;
	size_t		 cap = 0, lineno = 0;
	ssize_t		 len;
	int		 r = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (r == 0 && (len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if ((r = users_add(line, (size_t)len)) == -1)
			snprintf(err, errsz, "%s:%zu: expected user:password",
			    path, lineno);
		else if (r == -2)
			snprintf(err, errsz, "%s: out of memory", path);
	}
	free(line);
	fclose(fp);
	loaded = 1;
	return r == 0 ? 0 : -1;
}

int
users_check(const char *user, size_t ulen, const char *pass, size_t plen)
{
	size_t	i;

	if (!loaded)
		return 1;
	for (i = 0; i < nusers; i++)
		if (users[i].nlen == ulen && users[i].plen == plen &&
		    memcmp(users[i].name, user, ulen) == 0 &&
		    memcmp(users[i].pass, pass, plen) == 0)
			return 1;
	return 0;
}

void
users_free(void)
{
	size_t	i;

	for (i = 0; i < nusers; i++)
		free(users[i].name);
	free(users);
	users = NULL;
	nusers = 0;
	loaded = 0;
}
