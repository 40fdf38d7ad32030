/* imap.h: the IMAP4rev1 line grammar both sides need (RFC 3501 section 9). */
#ifndef EPHEMERA_IMAP_H
#define EPHEMERA_IMAP_H

#include <stddef.h>

#define IMAP_TAG_MAX	64	/* longer tags are refused as malformed */
#define IMAP_NAME_MAX	32	/* longest command name we know is 12 */

/* A client command line split into tag, command name and the rest. */
struct imap_command {
	char		 tag[IMAP_TAG_MAX + 1];
	char		 name[IMAP_NAME_MAX + 1];	/* upper-cased */
	const char	*args;		/* after the SP following the name; "" if none */
};

enum imap_parse {
	IMAP_PARSE_OK,
	IMAP_PARSE_NOTAG,	/* answer with an untagged BAD */
	IMAP_PARSE_NONAME,	/* tag was read: answer with a tagged BAD */
};

/* Split `line` (no CRLF) into tag, name and arguments. */
enum imap_parse	imap_parse_command(const char *line, struct imap_command *cmd);

/*
 * Read one astring (atom, or quoted string with \\ and \" escapes) from
 * *pp into out (at most outsz-1 bytes) and advance *pp past it.  Literals
 * are not handled here.  Returns 0, or -1 when malformed or too long.
 */
int		imap_parse_astring(const char **pp, char *out, size_t outsz);

/* A server response line, as a client sees it. */
enum imap_resp_kind {
	IMAP_RESP_UNTAGGED,	/* "* ..." */
	IMAP_RESP_CONTINUE,	/* "+ ..." */
	IMAP_RESP_TAGGED,	/* "tag OK|NO|BAD ..." */
	IMAP_RESP_MALFORMED,
};

enum imap_status {
	IMAP_ST_NONE,		/* untagged data such as "* CAPABILITY", "* 3 EXISTS" */
	IMAP_ST_OK,
	IMAP_ST_NO,
	IMAP_ST_BAD,
	IMAP_ST_BYE,
	IMAP_ST_PREAUTH,
};

struct imap_response {
	enum imap_resp_kind	 kind;
	enum imap_status	 status;
	char			 tag[IMAP_TAG_MAX + 1];	/* TAGGED only */
};

void		imap_parse_response(const char *line, struct imap_response *r);

/* RFC 3501 ATOM-CHAR, and tag characters (ASTRING-CHAR without "+"). */
int		imap_is_atom_char(int c);
int		imap_is_tag_char(int c);

#endif
