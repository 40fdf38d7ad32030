/* fetch.c: parse FETCH data items and write FETCH responses (RFC 3501). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "args.h"
#include "cdefs.h"
#include "fetch.h"
#include "mailbox.h"

#define FETCH_NAME_MAX	32

/* Items named by one word (RFC 3501 6.4.5); BODY may also take a section. */
static const struct {
	const char	*name;
	enum fetch_att	 att;
	int		 sets_seen;
} words[] = {
	{ "FLAGS",		FA_FLAGS,		0 },
	{ "UID",		FA_UID,			0 },
	{ "INTERNALDATE",	FA_INTERNALDATE,	0 },
	{ "RFC822.SIZE",	FA_RFC822_SIZE,		0 },
	{ "ENVELOPE",		FA_ENVELOPE,		0 },
	{ "BODY",		FA_BODY,		0 },
	{ "BODYSTRUCTURE",	FA_BODYSTRUCTURE,	0 },
	{ "RFC822",		FA_RFC822,		1 },
	{ "RFC822.HEADER",	FA_RFC822_HEADER,	0 },
	{ "RFC822.TEXT",	FA_RFC822_TEXT,		1 },
};

/* RFC 3501 6.4.5: the macros, which stand alone. */
static const struct {
	const char	*name;
	enum fetch_att	 atts[5];
	size_t		 n;
} macros[] = {
	{ "ALL", { FA_FLAGS, FA_INTERNALDATE, FA_RFC822_SIZE, FA_ENVELOPE },
	    4 },
	{ "FAST", { FA_FLAGS, FA_INTERNALDATE, FA_RFC822_SIZE }, 3 },
	{ "FULL", { FA_FLAGS, FA_INTERNALDATE, FA_RFC822_SIZE, FA_ENVELOPE,
	    FA_BODY }, 5 },
};

static int
is_name_char(int c)
{
	return isalnum(c) || c == '.';
}

/* An item name, upper-cased: letters, digits and dots. */
static int
parse_name(struct args *a, char *out, size_t outsz)
{
	size_t	n = 0;
	int	c;

	while ((c = args_peek(a)) != -1 && is_name_char(c)) {
		if (n + 1 >= outsz)
			return -1;
		out[n++] = (char)toupper(c);
		a->p++;
	}
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

/* header-list = "(" header-fld-name *(SP header-fld-name) ")" */
static int
parse_header_list(struct args *a, struct fetch_item *it)
{
	char	name[FETCH_FIELDS_STRLEN];
	size_t	used = 0, len, i;

	if (args_char(a, '(') == -1)
		return -1;
	do {
		if (args_astring(a, name, sizeof(name), &len) == -1 ||
		    len != strlen(name) || used + len + 2 > sizeof(it->fields))
			return -1;
		if (used > 0)
			it->fields[used++] = ' ';
		for (i = 0; i < len; i++)
			it->fields[used++] = (char)toupper((unsigned char)
			    name[i]);
		it->fields[used] = '\0';
	} while (args_sp(a) == 0);
	return args_char(a, ')');
}

/* section = "[" [section-spec] "]", of a single-part message. */
static int
parse_section(struct args *a, struct fetch_item *it)
{
	char	spec[FETCH_NAME_MAX];

	it->sec = SEC_ALL;
	if (args_char(a, ']') == 0)
		return 0;
	if (parse_name(a, spec, sizeof(spec)) == -1)
		return -1;
	if (strcmp(spec, "HEADER") == 0)
		it->sec = SEC_HEADER;
	else if (strcmp(spec, "TEXT") == 0)
		it->sec = SEC_TEXT;
	else if (strcmp(spec, "1") == 0)
		it->sec = SEC_PART1;
	else if (strcmp(spec, "HEADER.FIELDS") == 0 ||
	    strcmp(spec, "HEADER.FIELDS.NOT") == 0) {
		it->sec = spec[13] == '\0' ? SEC_HEADER_FIELDS :
		    SEC_HEADER_FIELDS_NOT;
		if (args_sp(a) == -1 || parse_header_list(a, it) == -1)
			return -1;
	} else
		return -1;
	return args_char(a, ']');
}

/* partial = "<" number "." nz-number ">" */
static int
parse_partial(struct args *a, struct fetch_item *it)
{
	unsigned long	origin, count;

	if (args_char(a, '<') == -1)
		return 0;
	if (args_number(a, &origin) == -1 || args_char(a, '.') == -1 ||
	    args_number(a, &count) == -1 || count == 0 ||
	    args_char(a, '>') == -1)
		return -1;
	it->partial = 1;
	it->origin = (uint32_t)origin;
	it->count = (uint32_t)count;
	return 0;
}

static int
add_item(struct fetch_request *req, enum fetch_att att, int sets_seen)
{
	struct fetch_item	*it;

	if (req->n == FETCH_ITEMS_MAX)
		return -1;
	it = &req->items[req->n++];
	memset(it, 0, sizeof(*it));
	it->att = att;
	req->sets_seen |= sets_seen;
	req->has_flags |= att == FA_FLAGS;
	req->has_uid |= att == FA_UID;
	return 0;
}

static int
parse_att(struct args *a, struct fetch_request *req, const char **err)
{
	char			 name[FETCH_NAME_MAX];
	struct fetch_item	*it;
	size_t			 i;

	*err = "unknown or malformed fetch item";
	if (parse_name(a, name, sizeof(name)) == -1)
		return -1;
	if ((strcmp(name, "BODY") == 0 || strcmp(name, "BODY.PEEK") == 0) &&
	    args_char(a, '[') == 0) {
		if (add_item(req, FA_SECTION, name[4] == '\0') == -1) {
			*err = "too many fetch items";
			return -1;
		}
		it = &req->items[req->n - 1];
		it->peek = name[4] != '\0';
		if (parse_section(a, it) == -1 || parse_partial(a, it) == -1)
			return -1;
		return 0;
	}
	for (i = 0; i < nitems(words); i++)
		if (strcmp(name, words[i].name) == 0)
			return add_item(req, words[i].att, words[i].sets_seen);
	return -1;
}

static int
parse_macro(struct args *a, struct fetch_request *req)
{
	const char	*save = a->p;
	char		 name[FETCH_NAME_MAX];
	size_t		 i, j;

	if (parse_name(a, name, sizeof(name)) == -1)
		return -1;
	for (i = 0; i < nitems(macros); i++) {
		if (strcmp(name, macros[i].name) != 0)
			continue;
		for (j = 0; j < macros[i].n; j++)
			add_item(req, macros[i].atts[j], 0);
		return 0;
	}
	a->p = save;
	return -1;
}

int
fetch_parse(struct args *a, struct fetch_request *req, const char **err)
{
	memset(req, 0, sizeof(*req));
	*err = "expected fetch items";
	if (args_char(a, '(') == 0) {
		do {
			if (parse_att(a, req, err) == -1)
				return -1;
		} while (args_sp(a) == 0);
		if (args_char(a, ')') == -1) {
			*err = "expected ) after the fetch items";
			return -1;
		}
	} else if (parse_macro(a, req) == -1 && parse_att(a, req, err) == -1)
		return -1;
	if (!args_at_end(a)) {
		*err = "unexpected text after the fetch items";
		return -1;
	}
	return 0;
}

/* A string as a literal: messages are static for the whole run, so the
 * output buffer may refer to them instead of copying. */
static void
write_literal(struct evbuffer *out, const char *p, size_t len)
{
	evbuffer_add_printf(out, "{%zu}\r\n", len);
	if (len > 0)
		evbuffer_add_reference(out, p, len, NULL, NULL);
}

/* Whether header line `line` names a field in the list `fields`. */
static int
field_listed(const char *line, const char *fields)
{
	const char	*colon = strchr(line, ':'), *f = fields, *sp;
	size_t		 len, flen;

	if (colon == NULL)
		return 0;
	len = (size_t)(colon - line);
	while (*f != '\0') {
		sp = strchr(f, ' ');
		flen = sp != NULL ? (size_t)(sp - f) : strlen(f);
		if (flen == len && strncasecmp(line, f, len) == 0)
			return 1;
		f += flen + (sp != NULL);
	}
	return 0;
}

/* HEADER.FIELDS [.NOT]: the chosen lines and the blank line (RFC 3501
 * 6.4.5).  Our headers are generated unfolded: one line per field. */
static void
header_fields(struct evbuffer *b, const struct message *m,
    const struct fetch_item *it)
{
	const char	*p = m->text, *end = m->text + m->header_size - 2;
	const char	*eol;
	int		 want;

	while (p < end) {
		eol = strstr(p, "\r\n") + 2;
		want = field_listed(p, it->fields);
		if (want == (it->sec == SEC_HEADER_FIELDS))
			evbuffer_add(b, p, (size_t)(eol - p));
		p = eol;
	}
	evbuffer_add(b, "\r\n", 2);
}

static const char *
section_name(const struct fetch_item *it)
{
	switch (it->sec) {
	case SEC_ALL:
		return "";
	case SEC_HEADER:
		return "HEADER";
	case SEC_HEADER_FIELDS:
		return "HEADER.FIELDS";
	case SEC_HEADER_FIELDS_NOT:
		return "HEADER.FIELDS.NOT";
	case SEC_TEXT:
		return "TEXT";
	case SEC_PART1:
		return "1";
	}
	return "";
}

/* The bytes a section stands for; HEADER.FIELDS goes through tmp. */
static void
section_bytes(const struct message *m, enum fetch_section sec,
    const char **p, size_t *len)
{
	*p = m->text;
	*len = m->size;
	if (sec == SEC_HEADER)
		*len = m->header_size;
	else if (sec == SEC_TEXT || sec == SEC_PART1) {
		*p = m->text + m->header_size;
		*len = m->size - m->header_size;
	}
}

static void
write_section(struct evbuffer *out, const struct fetch_item *it,
    const struct message *m)
{
	struct evbuffer	*tmp = NULL;
	const char	*p;
	size_t		 len;

	evbuffer_add_printf(out, "BODY[%s", section_name(it));
	if (it->sec == SEC_HEADER_FIELDS || it->sec == SEC_HEADER_FIELDS_NOT)
		evbuffer_add_printf(out, " (%s)", it->fields);
	evbuffer_add(out, "]", 1);
	if (it->sec == SEC_HEADER_FIELDS || it->sec == SEC_HEADER_FIELDS_NOT) {
		if ((tmp = evbuffer_new()) == NULL)
			return;
		header_fields(tmp, m, it);
		len = evbuffer_get_length(tmp);
		p = (const char *)evbuffer_pullup(tmp, -1);
	} else
		section_bytes(m, it->sec, &p, &len);
	if (it->partial) {
		/* RFC 3501 6.4.5: only the origin is echoed; an origin past
		 * the end gives an empty string. */
		evbuffer_add_printf(out, "<%u>", it->origin);
		if (it->origin >= len)
			len = 0;
		else {
			p += it->origin;
			len -= it->origin;
			if (len > it->count)
				len = it->count;
		}
	}
	evbuffer_add(out, " ", 1);
	if (tmp != NULL) {
		evbuffer_add_printf(out, "{%zu}\r\n", len);
		evbuffer_add(out, p, len);
		evbuffer_free(tmp);
	} else
		write_literal(out, p, len);
}

static void
write_item(struct evbuffer *out, const struct fetch_item *it,
    const struct message *m, uint8_t flags)
{
	char	buf[MAILBOX_FLAGS_STRLEN];

	switch (it->att) {
	case FA_FLAGS:
		mailbox_format_flags(flags, buf, sizeof(buf));
		evbuffer_add_printf(out, "FLAGS (%s)", buf);
		break;
	case FA_UID:
		evbuffer_add_printf(out, "UID %u", m->uid);
		break;
	case FA_INTERNALDATE:
		mailbox_format_internaldate(m->internaldate, buf, sizeof(buf));
		evbuffer_add_printf(out, "INTERNALDATE \"%s\"", buf);
		break;
	case FA_RFC822_SIZE:
		evbuffer_add_printf(out, "RFC822.SIZE %zu", m->size);
		break;
	case FA_ENVELOPE:
		evbuffer_add_printf(out, "ENVELOPE %s", m->envelope);
		break;
	case FA_BODY:
	case FA_BODYSTRUCTURE:
		/* RFC 3501 7.4.2 body-type-text, without extension data. */
		evbuffer_add_printf(out, "%s (\"TEXT\" \"PLAIN\" (\"CHARSET\" "
		    "\"us-ascii\") NIL NIL \"7BIT\" %zu %u)",
		    it->att == FA_BODY ? "BODY" : "BODYSTRUCTURE",
		    m->size - m->header_size, m->body_lines);
		break;
	case FA_RFC822:
		evbuffer_add(out, "RFC822 ", 7);
		write_literal(out, m->text, m->size);
		break;
	case FA_RFC822_HEADER:
		evbuffer_add(out, "RFC822.HEADER ", 14);
		write_literal(out, m->text, m->header_size);
		break;
	case FA_RFC822_TEXT:
		evbuffer_add(out, "RFC822.TEXT ", 12);
		write_literal(out, m->text + m->header_size,
		    m->size - m->header_size);
		break;
	case FA_SECTION:
		write_section(out, it, m);
		break;
	}
}

void
fetch_write(struct evbuffer *out, const struct fetch_request *req,
    const struct message *m, uint32_t seq, uint8_t flags, int uid_first,
    int flags_changed)
{
	struct fetch_item	extra;
	size_t			i;
	int			sep = 0;

	evbuffer_add_printf(out, "* %u FETCH (", seq);
	memset(&extra, 0, sizeof(extra));
	if (uid_first && !req->has_uid) {
		extra.att = FA_UID;
		write_item(out, &extra, m, flags);
		sep = 1;
	}
	for (i = 0; i < req->n; i++, sep = 1) {
		if (sep)
			evbuffer_add(out, " ", 1);
		write_item(out, &req->items[i], m, flags);
	}
	if (flags_changed && !req->has_flags) {
		extra.att = FA_FLAGS;
		evbuffer_add(out, " ", 1);
		write_item(out, &extra, m, flags);
	}
	evbuffer_add(out, ")\r\n", 3);
}
