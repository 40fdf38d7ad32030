/* mailbox.h: the synthetic mailboxes and their deterministic messages. */
#ifndef FAKE_IMAPD_MAILBOX_H
#define FAKE_IMAPD_MAILBOX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* --messages: the upper bound keeps start-up memory near 30 MB. */
#define MAILBOX_MESSAGES_MAX	10000
#define MAILBOX_DELIMITER	'/'
/* Longest mailbox name LIST patterns are matched against. */
#define MAILBOX_NAME_MAX	255

/* RFC 3501 2.3.2 system flags, as bits; \Recent is session-only. */
enum {
	FLAG_SEEN =	0x01,
	FLAG_ANSWERED =	0x02,
	FLAG_FLAGGED =	0x04,
	FLAG_DELETED =	0x08,
	FLAG_DRAFT =	0x10,
	FLAG_RECENT =	0x20,
};

struct message {
	uint32_t	 uid;
	uint8_t		 flags;		/* as every session first sees them */
	time_t		 internaldate;
	char		*text;		/* RFC 5322 bytes, CRLF lines */
	size_t		 size;		/* RFC822.SIZE: strlen(text) */
	size_t		 header_size;	/* up to and including the blank line */
	unsigned	 body_lines;
	char		*envelope;	/* RFC 3501 7.4.2 ENVELOPE, ready to send */
};

struct mailbox {
	const char	*name;
	uint32_t	 uidvalidity;
	uint32_t	 exists;
	struct message	*msgs;		/* msgs[0] is sequence number 1 */
	int		 children;	/* has a child mailbox: \HasChildren */
};

/* Make every mailbox, each with `messages` messages (Drafts stays empty).
 * Returns 0, or -1 when out of memory. */
int	mailbox_setup(unsigned messages);
void	mailbox_free_all(void);
/* Serve INBOX from an mbox file instead (see mbox.h).  0, or -1 with err
 * filled. */
int	mailbox_load_inbox(const char *path, char *err, size_t errsz);

size_t			 mailbox_count(void);
const struct mailbox	*mailbox_at(size_t);
/* RFC 3501 5.1: INBOX in any case; other names exactly.  NULL: no such. */
const struct mailbox	*mailbox_find(const char *name);
uint32_t		 mailbox_uidnext(const struct mailbox *);
uint32_t		 mailbox_count_flag(const struct mailbox *, uint8_t flag,
			    int set);

/*
 * A session's view of its selected mailbox: flags start as the mailbox's
 * and change for this session only (\Seen set by FETCH BODY[]).
 */
struct mailbox_view {
	const struct mailbox	*mb;
	uint8_t			*flags;		/* flags[seq - 1] */
	int			 readonly;	/* EXAMINE */
};

struct mailbox_view	*mailbox_view_open(const struct mailbox *, int readonly);
void			 mailbox_view_free(struct mailbox_view *);
/* Sequence number of the first message without \Seen; 0 when none. */
uint32_t		 mailbox_view_first_unseen(const struct mailbox_view *);

/* "\\Seen \\Recent": the flags as FETCH and FLAGS show them. */
#define MAILBOX_FLAGS_STRLEN	64
void	mailbox_format_flags(uint8_t flags, char *buf, size_t bufsz);

/* "01-Jan-2026 00:00:30 +0000" (RFC 3501 date-time, without quotes). */
void	mailbox_format_internaldate(time_t, char *buf, size_t bufsz);

/*
 * RFC 3501 6.3.8 LIST patterns: "*" matches anything, "%" anything but
 * the hierarchy delimiter.  Returns 1 when `name` matches `pattern`.
 */
int	mailbox_match(const char *pattern, const char *name);

#endif
