/* mailbox.c: synthetic mailboxes whose messages are the same bytes every run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "cdefs.h"
#include "mailbox.h"
#include "mbox.h"

/* 2026-01-01 00:00:00 UTC: every date is fixed, so every byte is. */
#define MAILBOX_EPOCH		1767225600

/*
 * How each mailbox numbers and flags its messages.  INBOX: UIDs 1..N, the
 * first half \Seen, the last quarter \Recent (RFC 3501 NEW: recent and
 * unseen).  Archive leaves UID gaps so UID and sequence numbers differ.
 */
struct mailbox_spec {
	const char	*name;
	uint32_t	 uidvalidity;
	uint32_t	 first_uid;
	uint32_t	 uid_step;
	int		 empty;
	int		 all_seen;
	int		 children;
};

static const struct mailbox_spec specs[] = {
	{ "INBOX",		1767225601, 1,   1, 0, 0, 0 },
	{ "Archive",		1767225602, 100, 3, 0, 1, 1 },
	{ "Archive/2025",	1767225603, 1,   1, 0, 1, 0 },
	{ "Sent",		1767225604, 1,   1, 0, 1, 0 },
	{ "Drafts",		1767225605, 1,   1, 1, 1, 0 },
};
#define NSPECS	(nitems(specs))

static struct mailbox	mailboxes[NSPECS];

size_t
mailbox_count(void)
{
	return NSPECS;
}

const struct mailbox *
mailbox_at(size_t i)
{
	return i < NSPECS ? &mailboxes[i] : NULL;
}

const struct mailbox *
mailbox_find(const char *name)
{
	size_t	i;

	if (strcasecmp(name, "INBOX") == 0)
		return &mailboxes[0];
	for (i = 1; i < NSPECS; i++)
		if (strcmp(mailboxes[i].name, name) == 0)
			return &mailboxes[i];
	return NULL;
}

uint32_t
mailbox_uidnext(const struct mailbox *mb)
{
	const struct mailbox_spec	*sp = &specs[mb - mailboxes];

	if (mb->exists == 0)
		return sp->first_uid;
	return mb->msgs[mb->exists - 1].uid + 1;
}

uint32_t
mailbox_count_flag(const struct mailbox *mb, uint8_t flag, int set)
{
	uint32_t	i, n = 0;

	for (i = 0; i < mb->exists; i++)
		if (((mb->msgs[i].flags & flag) != 0) == (set != 0))
			n++;
	return n;
}

void
mailbox_format_flags(uint8_t flags, char *buf, size_t bufsz)
{
	static const struct {
		uint8_t		 bit;
		const char	*name;
	} names[] = {
		{ FLAG_ANSWERED, "\\Answered" }, { FLAG_FLAGGED, "\\Flagged" },
		{ FLAG_DELETED, "\\Deleted" }, { FLAG_SEEN, "\\Seen" },
		{ FLAG_DRAFT, "\\Draft" }, { FLAG_RECENT, "\\Recent" },
	};
	size_t	i, n = 0;
	int	r;

	buf[0] = '\0';
	for (i = 0; i < nitems(names); i++) {
		if ((flags & names[i].bit) == 0)
			continue;
		r = snprintf(buf + n, bufsz - n, "%s%s", n > 0 ? " " : "",
		    names[i].name);
		if (r < 0 || (size_t)r >= bufsz - n)
			return;		/* callers give room for all six */
		n += (size_t)r;
	}
}

void
mailbox_format_internaldate(time_t t, char *buf, size_t bufsz)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, bufsz, "%d-%b-%Y %H:%M:%S +0000", &tm);
}

/*
 * Row by row from the end of the pattern: next[j] says whether the rest
 * of the pattern after position i matches name + j.  O(pattern x name)
 * time: the obvious recursion is exponential in the wildcards, and a
 * client chooses the pattern (found by fuzz_session.c).
 */
int
mailbox_match(const char *pattern, const char *name)
{
	unsigned char	 a[MAILBOX_NAME_MAX + 1], b[MAILBOX_NAME_MAX + 1];
	unsigned char	*next = a, *cur = b, *t;
	size_t		 i, j, m = strlen(pattern), n = strlen(name);

	if (n > MAILBOX_NAME_MAX)
		return 0;
	for (j = 0; j <= n; j++)
		next[j] = j == n;
	for (i = m; i-- > 0;) {
		for (j = n + 1; j-- > 0;) {
			if (pattern[i] == '*')
				cur[j] = next[j] || (j < n && cur[j + 1]);
			else if (pattern[i] == '%')
				cur[j] = next[j] || (j < n &&
				    name[j] != MAILBOX_DELIMITER && cur[j + 1]);
			else
				cur[j] = j < n && pattern[i] == name[j] &&
				    next[j + 1];
		}
		t = next;
		next = cur;
		cur = t;
	}
	return next[0];
}

struct mailbox_view *
mailbox_view_open(const struct mailbox *mb, int readonly)
{
	struct mailbox_view	*v;
	uint32_t		 i;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	if (mb->exists > 0 &&
	    (v->flags = malloc(mb->exists)) == NULL) {
		free(v);
		return NULL;
	}
	for (i = 0; i < mb->exists; i++)
		v->flags[i] = mb->msgs[i].flags;
	v->mb = mb;
	v->readonly = readonly;
	return v;
}

void
mailbox_view_free(struct mailbox_view *v)
{
	if (v == NULL)
		return;
	free(v->flags);
	free(v);
}

uint32_t
mailbox_view_first_unseen(const struct mailbox_view *v)
{
	uint32_t	i;

	for (i = 0; i < v->mb->exists; i++)
		if ((v->flags[i] & FLAG_SEEN) == 0)
			return i + 1;
	return 0;
}

static uint8_t
initial_flags(const struct mailbox_spec *sp, uint32_t i, uint32_t n)
{
	if (sp->all_seen)
		return FLAG_SEEN;
	if (i <= n / 2)
		return FLAG_SEEN;
	if (i > n - n / 4)
		return FLAG_RECENT;
	return 0;
}

/* The evbuffer's bytes as a new NUL-terminated string. */
static char *
take_string(struct evbuffer *b, size_t *len)
{
	char	*s;

	*len = evbuffer_get_length(b);
	if ((s = malloc(*len + 1)) == NULL)
		return NULL;
	evbuffer_remove(b, s, *len);
	s[*len] = '\0';
	return s;
}

/* RFC 5322 headers and a short text body; the body's length varies with
 * the message number so that sizes and partial fetches differ. */
static int
make_text(struct message *msg, const struct mailbox_spec *sp, uint32_t i,
    struct evbuffer *b)
{
	char		date[64];
	struct tm	tm;
	time_t		t = MAILBOX_EPOCH + (time_t)(i - 1) * 60;
	unsigned	k;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	evbuffer_add_printf(b, "Date: %s\r\n"
	    "From: Sender %u <sender%u@example.org>\r\n"
	    "To: User <user@example.com>\r\n"
	    "Subject: Message %u in %s\r\n"
	    "Message-ID: <%u.%u@fake-imapd.example>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n"
	    "\r\n", date, i, i, i, sp->name, i, sp->uidvalidity);
	msg->header_size = evbuffer_get_length(b);
	msg->body_lines = i % 7 + 1;
	for (k = 1; k <= msg->body_lines; k++)
		evbuffer_add_printf(b, "Line %u of message %u in %s.\r\n", k,
		    i, sp->name);
	msg->internaldate = t + 30;	/* delivered half a minute later */
	if ((msg->text = take_string(b, &msg->size)) == NULL)
		return -1;
	/* RFC 3501 7.4.2: date subject from sender reply-to to cc bcc
	 * in-reply-to message-id; sender and reply-to default to from. */
	evbuffer_add_printf(b, "(\"%s\" \"Message %u in %s\" "
	    "((\"Sender %u\" NIL \"sender%u\" \"example.org\")) "
	    "((\"Sender %u\" NIL \"sender%u\" \"example.org\")) "
	    "((\"Sender %u\" NIL \"sender%u\" \"example.org\")) "
	    "((\"User\" NIL \"user\" \"example.com\")) NIL NIL NIL "
	    "\"<%u.%u@fake-imapd.example>\")", date, i, sp->name, i, i, i, i,
	    i, i, i, sp->uidvalidity);
	if ((msg->envelope = take_string(b, &(size_t){ 0 })) == NULL)
		return -1;
	return 0;
}

static int
make_mailbox(struct mailbox *mb, const struct mailbox_spec *sp,
    unsigned messages, struct evbuffer *b)
{
	uint32_t	i, n = sp->empty ? 0 : messages;

	mb->name = sp->name;
	mb->uidvalidity = sp->uidvalidity;
	mb->children = sp->children;
	if (n == 0)
		return 0;
	if ((mb->msgs = calloc(n, sizeof(*mb->msgs))) == NULL)
		return -1;
	for (i = 1; i <= n; i++) {
		mb->msgs[i - 1].uid = sp->first_uid + (i - 1) * sp->uid_step;
		mb->msgs[i - 1].flags = initial_flags(sp, i, n);
		mb->exists = i;
		if (make_text(&mb->msgs[i - 1], sp, i, b) == -1)
			return -1;
	}
	return 0;
}

int
mailbox_setup(unsigned messages)
{
	struct evbuffer	*b;
	size_t		 i;
	int		 r = 0;

	if (messages > MAILBOX_MESSAGES_MAX || (b = evbuffer_new()) == NULL)
		return -1;
	for (i = 0; i < NSPECS && r == 0; i++)
		r = make_mailbox(&mailboxes[i], &specs[i], messages, b);
	evbuffer_free(b);
	return r;
}

int
mailbox_load_inbox(const char *path, char *err, size_t errsz)
{
	return mbox_load(path, &mailboxes[0], err, errsz);
}

void
mailbox_free_all(void)
{
	uint32_t	j;
	size_t		i;

	for (i = 0; i < NSPECS; i++) {
		for (j = 0; j < mailboxes[i].exists; j++) {
			free(mailboxes[i].msgs[j].text);
			free(mailboxes[i].msgs[j].envelope);
		}
		free(mailboxes[i].msgs);
		memset(&mailboxes[i], 0, sizeof(mailboxes[i]));
	}
}
