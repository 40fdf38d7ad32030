/* cmdline.c: split a server's command line ourselves rather than hand it
 * to /bin/sh -c: the lab then signals the server itself, not a shell that
 * may not pass SIGTERM on, and a placeholder's value (a results folder
 * with spaces) can never be read as shell syntax. */
#include <string.h>

#include "cdefs.h"
#include "cmdline.h"

#define EXPECTED_PLACEHOLDER	"a placeholder {addr}, {port}, {dir} or {bindir}"

struct splitter {
	char		*buf, *end;	/* output, words NUL-terminated */
	char		*p;		/* next free byte */
	const char	*why;
};

static int
put(struct splitter *s, const char *text, size_t len)
{
	if ((size_t)(s->end - s->p) <= len) {
		s->why = "a shorter command line";
		return -1;
	}
	memcpy(s->p, text, len);
	s->p += len;
	return 0;
}

/* The value of the placeholder at `at` ("{name}..."); its length in *len. */
static const char *
placeholder(const char *at, const struct cmdline_vals *v, size_t *len,
    const char **why)
{
	static const char *const names[] = { "{addr}", "{port}", "{dir}",
	    "{bindir}" };
	static const struct cmdline_vals	none = { "", "", "", "" };
	const char				*vals[4];
	size_t					 i;

	if (v == NULL)
		v = &none;
	vals[0] = v->addr;
	vals[1] = v->port;
	vals[2] = v->dir;
	vals[3] = v->bindir;
	for (i = 0; i < nitems(names); i++)
		if (strncmp(at, names[i], strlen(names[i])) == 0) {
			*len = strlen(names[i]);
			return vals[i];
		}
	*why = EXPECTED_PLACEHOLDER " (a lone '{' is not allowed)";
	return NULL;
}

int
cmdline_split(const char *line, const struct cmdline_vals *vals, char *buf,
    size_t bufsz, char **words, int maxwords, const char **why)
{
	struct splitter	 s = { buf, buf + bufsz, buf, NULL };
	const char	*c = line, *val;
	size_t		 len;
	int		 n = 0, in_word = 0, quoted = 0;

	for (;; c++) {
		if (*c == '\0' || (!quoted && (*c == ' ' || *c == '\t'))) {
			if (in_word) {
				if (put(&s, "", 1) == -1)
					break;
				in_word = 0;
			}
			if (*c == '\0')
				break;
			continue;
		}
		if (!in_word) {
			if (n == maxwords) {
				s.why = "at most 64 words";
				break;
			}
			words[n++] = s.p;
			in_word = 1;
		}
		if (*c == '"') {
			quoted = !quoted;
			continue;
		}
		if (*c != '{') {
			if (put(&s, c, 1) == -1)
				break;
			continue;
		}
		if ((val = placeholder(c, vals, &len, &s.why)) == NULL ||
		    put(&s, val, strlen(val)) == -1)
			break;
		c += len - 1;
	}
	if (s.why == NULL && quoted)
		s.why = "a closing double quote";
	if (s.why == NULL && n == 0)
		s.why = "a command line such as {bindir}/fake-imapd --listen "
		    "{addr}:{port}";
	if (s.why != NULL) {
		*why = s.why;
		return -1;
	}
	words[n] = NULL;
	return n;
}
