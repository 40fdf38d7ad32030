/* mbox.c: split an mbox file into messages served like the synthetic ones. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>

#include "cdefs.h"
#include "mailbox.h"
#include "mbox.h"

/* When a "From " line carries no date we can read. */
#define MBOX_DEFAULT_DATE	1767225600

/* "From sender Thu Jan  1 00:00:00 2026": the date after the sender. */
static time_t
from_line_date(const char *line, size_t len)
{
	char		 buf[128];
	const char	*p;
	struct tm	 tm;

	if (len >= sizeof(buf))
		return MBOX_DEFAULT_DATE;
	memcpy(buf, line, len);
	buf[len] = '\0';
	if ((p = strchr(buf + 5, ' ')) == NULL)
		return MBOX_DEFAULT_DATE;
	memset(&tm, 0, sizeof(tm));
	p = strptime(p + 1, "%a %b %d %H:%M:%S %Y", &tm);
	if (p == NULL)
		return MBOX_DEFAULT_DATE;
	return timegm(&tm);
}

/* The unfolded value of header `name`, or NULL. */
static char *
header_value(const char *text, size_t header_size, const char *name)
{
	size_t		 nlen = strlen(name), n = 0;
	const char	*p = text, *end = text + header_size, *eol;
	char		*v = NULL;

	for (; p < end; p = eol + 2) {
		if ((eol = strstr(p, "\r\n")) == NULL || eol >= end)
			break;
		if (v != NULL && (*p == ' ' || *p == '\t')) {
			memcpy(v + n, p, (size_t)(eol - p));	/* folded */
			n += (size_t)(eol - p);
			continue;
		}
		if (v != NULL)
			break;
		if ((size_t)(eol - p) > nlen && p[nlen] == ':' &&
		    strncasecmp(p, name, nlen) == 0) {
			if ((v = malloc(header_size + 1)) == NULL)
				return NULL;
			p += nlen + 1;
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			memcpy(v, p, (size_t)(eol - p));
			n = (size_t)(eol - p);
		}
	}
	if (v != NULL)
		v[n] = '\0';
	return v;
}

/* An nstring: NIL, a quoted string, or a literal for what quoting
 * cannot carry (8-bit bytes). */
static void
add_nstring(struct evbuffer *b, const char *v)
{
	const char	*p;

	if (v == NULL) {
		evbuffer_add(b, "NIL", 3);
		return;
	}
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
			break;
	if (*p != '\0') {
		evbuffer_add_printf(b, "{%zu}\r\n%s", strlen(v), v);
		return;
	}
	evbuffer_add(b, "\"", 1);
	for (p = v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			evbuffer_add(b, "\\", 1);
		evbuffer_add(b, p, 1);
	}
	evbuffer_add(b, "\"", 1);
}

/* RFC 3501 7.4.2 with the addresses left NIL: parsing RFC 5322
 * addresses is more than a load target needs. */
static char *
make_envelope(const struct message *m)
{
	static const char	*fields[] = { "Date", "Subject", NULL, NULL,
	    NULL, NULL, NULL, NULL, "In-Reply-To", "Message-ID" };
	struct evbuffer		*b = evbuffer_new();
	char			*v, *s = NULL;
	size_t			 i, len;

	if (b == NULL)
		return NULL;
	evbuffer_add(b, "(", 1);
	for (i = 0; i < nitems(fields); i++) {
		if (i > 0)
			evbuffer_add(b, " ", 1);
		v = fields[i] == NULL ? NULL : header_value(m->text,
		    m->header_size, fields[i]);
		add_nstring(b, v);
		free(v);
	}
	evbuffer_add(b, ")", 1);
	len = evbuffer_get_length(b);
	if ((s = malloc(len + 1)) != NULL) {
		evbuffer_remove(b, s, len);
		s[len] = '\0';
	}
	evbuffer_free(b);
	return s;
}

/* RFC 4155 does not define flags; mutt and others keep them here. */
static uint8_t
status_flags(const struct message *m)
{
	char	*status = header_value(m->text, m->header_size, "Status");
	char	*x = header_value(m->text, m->header_size, "X-Status");
	uint8_t	 f = 0;

	if (status != NULL && strchr(status, 'R') != NULL)
		f |= FLAG_SEEN;
	if (x != NULL && strchr(x, 'A') != NULL)
		f |= FLAG_ANSWERED;
	if (x != NULL && strchr(x, 'F') != NULL)
		f |= FLAG_FLAGGED;
	free(status);
	free(x);
	return f;
}

/* The sizes, flags and envelope of a message whose text is in place. */
static int
finish_message(struct message *m, uint32_t uid)
{
	const char	*blank = strstr(m->text, "\r\n\r\n"), *p;

	m->uid = uid;
	m->header_size = blank != NULL ? (size_t)(blank - m->text) + 4 :
	    m->size;
	m->body_lines = 0;
	for (p = m->text + m->header_size; (p = strstr(p, "\r\n")) != NULL;
	    p += 2)
		m->body_lines++;
	m->flags = status_flags(m);
	return (m->envelope = make_envelope(m)) == NULL ? -1 : 0;
}

static int
is_from_line(const char *p, const char *end)
{
	return end - p >= 5 && memcmp(p, "From ", 5) == 0;
}

/* Append one line of a message (without its end), unescaped, with CRLF. */
static void
add_line(struct evbuffer *b, const char *p, size_t len)
{
	size_t	gt = 0;

	if (len > 0 && p[len - 1] == '\r')
		len--;
	while (gt < len && p[gt] == '>')
		gt++;
	/* mboxrd: ">From " and ">>From " lose one ">". */
	if (gt > 0 && len - gt >= 5 && memcmp(p + gt, "From ", 5) == 0) {
		p++;
		len--;
	}
	evbuffer_add(b, p, len);
	evbuffer_add(b, "\r\n", 2);
}

/* Close the message being built in b, if any. */
static int
end_message(struct mailbox *mb, struct evbuffer *b, time_t date,
    char *err, size_t errsz)
{
	struct message	*m;
	size_t		 len = evbuffer_get_length(b);

	if (mb->exists == MAILBOX_MESSAGES_MAX) {
		snprintf(err, errsz, "more than %d messages",
		    MAILBOX_MESSAGES_MAX);
		return -1;
	}
	m = &mb->msgs[mb->exists];
	if ((m->text = malloc(len + 1)) == NULL)
		goto nomem;
	evbuffer_remove(b, m->text, len);
	m->text[len] = '\0';
	m->size = len;
	m->internaldate = date;
	mb->exists++;
	if (finish_message(m, mb->exists) == -1)
		goto nomem;
	return 0;
nomem:
	snprintf(err, errsz, "out of memory");
	return -1;
}

static void
mbox_clear(struct mailbox *mb)
{
	uint32_t	i;

	for (i = 0; i < mb->exists; i++) {
		free(mb->msgs[i].text);
		free(mb->msgs[i].envelope);
	}
	free(mb->msgs);
	mb->msgs = NULL;
	mb->exists = 0;
}

/* The messages of `data`, line by line; the blank line before each
 * "From " separates and belongs to no message. */
static int
split(const char *data, size_t len, struct mailbox *mb, struct evbuffer *b,
    char *err, size_t errsz)
{
	const char	*p = data, *end = data + len, *eol;
	time_t		 date = MBOX_DEFAULT_DATE;
	int		 started = 0, blank = 0;

	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if (is_from_line(p, eol) && (!started || blank)) {
			if (started && end_message(mb, b, date, err, errsz))
				return -1;
			date = from_line_date(p, (size_t)(eol - p));
			started = 1;
			blank = 0;
			continue;
		}
		if (blank)
			add_line(b, "", 0);	/* not a separator after all */
		blank = eol - p == 0 || (eol - p == 1 && *p == '\r');
		if (!blank)
			add_line(b, p, (size_t)(eol - p));
	}
	return end_message(mb, b, date, err, errsz);
}

int
mbox_parse(const char *data, size_t len, struct mailbox *mb, char *err,
    size_t errsz)
{
	struct evbuffer	*b;
	struct message	*shrunk;
	int		 r;

	mbox_clear(mb);
	if (len < 5 || memcmp(data, "From ", 5) != 0) {
		snprintf(err, errsz, "not an mbox file: it does not start "
		    "with a \"From \" line");
		return -1;
	}
	mb->msgs = calloc(MAILBOX_MESSAGES_MAX, sizeof(*mb->msgs));
	if (mb->msgs == NULL || (b = evbuffer_new()) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	r = split(data, len, mb, b, err, errsz);
	evbuffer_free(b);
	if (r == -1) {
		mbox_clear(mb);
		return -1;
	}
	/* Give back the room of the messages that were not there. */
	if ((shrunk = reallocarray(mb->msgs, mb->exists, sizeof(*mb->msgs)))
	    != NULL)
		mb->msgs = shrunk;
	return 0;
}

int
mbox_load(const char *path, struct mailbox *mb, char *err, size_t errsz)
{
	char	 inner[256], *data;
	FILE	*fp;
	long	 size;
	int	 r = -1;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(fp, 0, SEEK_END) == -1 || (size = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1)
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
	else if (size > MBOX_FILE_MAX)
		snprintf(err, errsz, "%s: larger than %d MiB", path,
		    MBOX_FILE_MAX >> 20);
	else if ((data = malloc((size_t)size + 1)) == NULL)
		snprintf(err, errsz, "%s: out of memory", path);
	else {
		if (fread(data, 1, (size_t)size, fp) != (size_t)size)
			snprintf(err, errsz, "%s: read error", path);
		else if ((r = mbox_parse(data, (size_t)size, mb, inner,
		    sizeof(inner))) == -1)
			snprintf(err, errsz, "%s: %s", path, inner);
		free(data);
	}
	fclose(fp);
	return r;
}
