/* framing.h: IMAP responses out of a session's input, one first line at a
 * time, literals and the lines they continue skipped. */
#ifndef LOADGEN_FRAMING_H
#define LOADGEN_FRAMING_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;

/* Longest response line we accept, without its CRLF. */
#define FRAMING_LINE_MAX	65536

/* Where a connection's input stands between reads; zeroed to start. */
struct framing {
	int		cont;		/* the next line continues a response
					 * after a literal */
	uint64_t	literal;	/* literal bytes still to skip */
};

enum framing_status {
	FRAMING_LINE,		/* a response's first line is in `line` */
	FRAMING_MORE,		/* nothing whole yet */
	FRAMING_TOOLONG,	/* a line over FRAMING_LINE_MAX */
	FRAMING_LITERAL_TOOLONG,	/* a literal no IMAP server sends */
	FRAMING_NUL,		/* a NUL in a line: not IMAP (RFC 3501 9) */
};

/* The next response's first line from `in` into `line` (NUL-terminated,
 * `linesz` over FRAMING_LINE_MAX), its length in *len. */
enum framing_status framing_next(struct framing *, struct evbuffer *in,
		    char *line, size_t linesz, size_t *len);

#endif
