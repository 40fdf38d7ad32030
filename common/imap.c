/* imap.c: tags, command names, astrings and response status (RFC 3501 9). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "cdefs.h"
#include "imap.h"

int
imap_is_atom_char(int c)
{
	/* CHAR minus atom-specials: ( ) { SP CTL % * " \ ] */
	if (c <= 0x1f || c >= 0x7f)
		return 0;
	return strchr("(){ %*\"\\]", c) == NULL;
}

int
imap_is_tag_char(int c)
{
	/* tag = 1*<any ASTRING-CHAR except "+">; ASTRING-CHAR adds "]". */
	return c != '+' && (c == ']' || imap_is_atom_char(c));
}

enum imap_parse
imap_parse_command(const char *line, struct imap_command *cmd)
{
	const char	*p = line;
	size_t		 n = 0;

	memset(cmd, 0, sizeof(*cmd));
	while (imap_is_tag_char((unsigned char)*p)) {
		if (n == IMAP_TAG_MAX) {
			cmd->tag[0] = '\0';
			return IMAP_PARSE_NOTAG;
		}
		cmd->tag[n++] = *p++;
	}
	/* A tag needs at least one character and must be followed by SP. */
	if (n == 0 || *p != ' ') {
		cmd->tag[0] = '\0';
		return IMAP_PARSE_NOTAG;
	}
	p++;
	n = 0;
	while (isalnum((unsigned char)*p)) {
		if (n == IMAP_NAME_MAX)
			break;
		cmd->name[n++] = (char)toupper((unsigned char)*p++);
	}
	if (n == 0 || (*p != '\0' && *p != ' ')) {
		cmd->name[0] = '\0';
		return IMAP_PARSE_NONAME;
	}
	cmd->args = (*p == ' ') ? p + 1 : p;
	return IMAP_PARSE_OK;
}

static int
parse_quoted(const char **pp, char *out, size_t outsz)
{
	const char	*p = *pp + 1;
	size_t		 n = 0;

	for (; *p != '"'; p++) {
		if (*p == '\0' || *p == '\r' || *p == '\n')
			return -1;
		if (*p == '\\') {
			/* RFC 3501: only \\ and \" are quoted-specials. */
			if (p[1] != '\\' && p[1] != '"')
				return -1;
			p++;
		}
		if (n + 1 >= outsz)
			return -1;
		out[n++] = *p;
	}
	out[n] = '\0';
	*pp = p + 1;
	return 0;
}

int
imap_parse_astring(const char **pp, char *out, size_t outsz)
{
	const char	*p = *pp;
	size_t		 n = 0;

	if (outsz == 0)
		return -1;
	if (*p == '"')
		return parse_quoted(pp, out, outsz);
	/* astring = 1*ASTRING-CHAR: atom characters plus "]". */
	while (*p == ']' || imap_is_atom_char((unsigned char)*p)) {
		if (n + 1 >= outsz)
			return -1;
		out[n++] = *p++;
	}
	if (n == 0)
		return -1;
	out[n] = '\0';
	*pp = p;
	return 0;
}

static enum imap_status
parse_status(const char *p)
{
	static const struct {
		const char		*word;
		enum imap_status	 status;
	} words[] = {
		{ "OK", IMAP_ST_OK }, { "NO", IMAP_ST_NO },
		{ "BAD", IMAP_ST_BAD }, { "BYE", IMAP_ST_BYE },
		{ "PREAUTH", IMAP_ST_PREAUTH },
	};
	size_t	i, len;

	for (i = 0; i < nitems(words); i++) {
		len = strlen(words[i].word);
		if (strncasecmp(p, words[i].word, len) == 0 &&
		    (p[len] == ' ' || p[len] == '\0'))
			return words[i].status;
	}
	return IMAP_ST_NONE;
}

void
imap_parse_response(const char *line, struct imap_response *r)
{
	size_t	n = 0;

	memset(r, 0, sizeof(*r));
	if (line[0] == '+' && (line[1] == ' ' || line[1] == '\0')) {
		r->kind = IMAP_RESP_CONTINUE;
		return;
	}
	if (line[0] == '*' && line[1] == ' ') {
		r->kind = IMAP_RESP_UNTAGGED;
		r->status = parse_status(line + 2);
		return;
	}
	while (imap_is_tag_char((unsigned char)line[n])) {
		if (n == IMAP_TAG_MAX)
			break;
		r->tag[n] = line[n];
		n++;
	}
	r->status = (n > 0 && line[n] == ' ') ? parse_status(line + n + 1)
	    : IMAP_ST_NONE;
	/* A tagged line must carry OK, NO or BAD (RFC 3501 7.1). */
	if (r->status == IMAP_ST_OK || r->status == IMAP_ST_NO ||
	    r->status == IMAP_ST_BAD)
		r->kind = IMAP_RESP_TAGGED;
	else {
		r->kind = IMAP_RESP_MALFORMED;
		r->tag[0] = '\0';
	}
}
