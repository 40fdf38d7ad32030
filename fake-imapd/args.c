/* args.c: a cursor over IMAP command arguments, literals included. */
#include <string.h>

#include "args.h"
#include "imap.h"

void
args_init(struct args *a, const char *p, size_t len)
{
	a->p = p;
	a->end = p + len;
}

int
args_at_end(const struct args *a)
{
	return a->p == a->end;
}

int
args_peek(const struct args *a)
{
	return a->p < a->end ? (unsigned char)*a->p : -1;
}

int
args_char(struct args *a, char c)
{
	if (a->p == a->end || *a->p != c)
		return -1;
	a->p++;
	return 0;
}

int
args_sp(struct args *a)
{
	return args_char(a, ' ');
}

/* Bytes for which `ok` holds, 1 or more, into out. */
static int
args_run(struct args *a, int (*ok)(int), char *out, size_t outsz)
{
	const char	*p = a->p;
	size_t		 n = 0;

	while (p < a->end && ok((unsigned char)*p)) {
		if (n + 1 >= outsz)
			return -1;
		out[n++] = *p++;
	}
	if (n == 0)
		return -1;
	out[n] = '\0';
	a->p = p;
	return 0;
}

int
args_atom(struct args *a, char *out, size_t outsz)
{
	return args_run(a, imap_is_atom_char, out, outsz);
}

static int
is_astring_char(int c)
{
	return c == ']' || imap_is_atom_char(c);
}

/* list-char = ATOM-CHAR / list-wildcards / resp-specials */
static int
is_list_char(int c)
{
	return c == '%' || c == '*' || c == ']' || imap_is_atom_char(c);
}

/* quoted = DQUOTE *QUOTED-CHAR DQUOTE; only \\ and \" are escapes. */
static int
args_quoted(struct args *a, char *out, size_t outsz, size_t *len)
{
	const char	*p = a->p + 1;
	size_t		 n = 0;

	for (; p < a->end && *p != '"'; p++) {
		if (*p == '\r' || *p == '\n' || *p == '\0')
			return -1;
		if (*p == '\\') {
			if (p + 1 == a->end || (p[1] != '\\' && p[1] != '"'))
				return -1;
			p++;
		}
		if (n + 1 >= outsz)
			return -1;
		out[n++] = *p;
	}
	if (p == a->end)
		return -1;
	out[n] = '\0';
	*len = n;
	a->p = p + 1;
	return 0;
}

/* literal = "{" number ["+"] "}" CRLF *CHAR8, as reader.c framed it. */
static int
args_literal(struct args *a, char *out, size_t outsz, size_t *len)
{
	const char	*p = a->p + 1;
	size_t		 n = 0;

	while (p < a->end && *p >= '0' && *p <= '9') {
		n = n * 10 + (size_t)(*p++ - '0');
		if (n > outsz)
			return -1;
	}
	if (p < a->end && *p == '+')
		p++;
	if (p == a->p + 1 || a->end - p < 3 || memcmp(p, "}\r\n", 3) != 0)
		return -1;
	p += 3;
	if ((size_t)(a->end - p) < n || n + 1 > outsz)
		return -1;
	/* CHAR8 is %x01-ff: a NUL has no place in a literal (RFC 3501 9),
	 * and would cut short any C string made of it. */
	if (memchr(p, '\0', n) != NULL)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	*len = n;
	a->p = p + n;
	return 0;
}

static int
args_string(struct args *a, char *out, size_t outsz, size_t *len)
{
	if (a->p < a->end && *a->p == '"')
		return args_quoted(a, out, outsz, len);
	if (a->p < a->end && *a->p == '{')
		return args_literal(a, out, outsz, len);
	return -1;
}

int
args_astring(struct args *a, char *out, size_t outsz, size_t *len)
{
	if (args_string(a, out, outsz, len) == 0)
		return 0;
	if (args_run(a, is_astring_char, out, outsz) == -1)
		return -1;
	*len = strlen(out);
	return 0;
}

int
args_list_mailbox(struct args *a, char *out, size_t outsz)
{
	const char	*save = a->p;
	size_t		 len;

	if (args_string(a, out, outsz, &len) == 0) {
		if (strlen(out) == len)
			return 0;
		a->p = save;
		return -1;
	}
	return args_run(a, is_list_char, out, outsz);
}

int
args_mailbox(struct args *a, char *out, size_t outsz)
{
	size_t	len;

	/* Neither a quoted string nor a literal may hold a NUL. */
	return args_astring(a, out, outsz, &len);
}

int
args_number(struct args *a, unsigned long *out)
{
	const char		*p = a->p;
	unsigned long long	 v = 0;

	if (p == a->end || *p < '0' || *p > '9')
		return -1;
	while (p < a->end && *p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long long)(*p++ - '0');
		if (v > 4294967295ULL)
			return -1;
	}
	*out = (unsigned long)v;
	a->p = p;
	return 0;
}
