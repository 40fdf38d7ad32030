/* fetch.h: FETCH data items, parsed and answered (RFC 3501 6.4.5, 7.4.2). */
#ifndef FAKE_IMAPD_FETCH_H
#define FAKE_IMAPD_FETCH_H

#include <stddef.h>
#include <stdint.h>

struct args;
struct evbuffer;
struct message;

#define FETCH_ITEMS_MAX		32
#define FETCH_FIELDS_STRLEN	256	/* "SUBJECT DATE ..." of one item */

enum fetch_att {
	FA_FLAGS,
	FA_UID,
	FA_INTERNALDATE,
	FA_RFC822_SIZE,
	FA_ENVELOPE,
	FA_BODY,		/* BODY without a section: the structure */
	FA_BODYSTRUCTURE,
	FA_RFC822,		/* = BODY[], named RFC822 */
	FA_RFC822_HEADER,	/* = BODY.PEEK[HEADER] */
	FA_RFC822_TEXT,		/* = BODY[TEXT] */
	FA_SECTION,		/* BODY[...] and BODY.PEEK[...] */
};

enum fetch_section {
	SEC_ALL,		/* [] */
	SEC_HEADER,
	SEC_HEADER_FIELDS,
	SEC_HEADER_FIELDS_NOT,
	SEC_TEXT,
	SEC_PART1,		/* [1]: a single-part message's body */
};

struct fetch_item {
	enum fetch_att		att;
	enum fetch_section	sec;
	int			peek;
	int			partial;	/* <origin.count> given */
	uint32_t		origin, count;
	char			fields[FETCH_FIELDS_STRLEN];	/* upper case */
};

struct fetch_request {
	struct fetch_item	items[FETCH_ITEMS_MAX];
	size_t			n;
	int			sets_seen;	/* some item sets \Seen */
	int			has_flags;
	int			has_uid;
};

/*
 * Parse the data items of FETCH (after the sequence set and its SP) up
 * to the end of the arguments: a macro (ALL, FAST, FULL), one item, or a
 * parenthesized list.  Returns 0, or -1 with *err saying what is wrong.
 */
int	fetch_parse(struct args *, struct fetch_request *, const char **err);

/*
 * Append "* seq FETCH (...)" for one message.  `flags` are its flags now
 * (after any \Seen this fetch set); `uid_first`: UID FETCH, which always
 * reports the UID (RFC 3501 6.4.8); `flags_changed`: report FLAGS even if
 * not asked (RFC 3501 6.4.5 on \Seen).
 */
void	fetch_write(struct evbuffer *, const struct fetch_request *,
	    const struct message *, uint32_t seq, uint8_t flags,
	    int uid_first, int flags_changed);

#endif
