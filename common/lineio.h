/* lineio.h: take bounded CRLF lines out of a libevent input buffer. */
#ifndef EPHEMERA_LINEIO_H
#define EPHEMERA_LINEIO_H

#include <stddef.h>

struct evbuffer;

enum line_status {
	LINE_OK,	/* a whole line was removed from the buffer */
	LINE_MORE,	/* no line end yet, and still under the limit */
	LINE_TOOLONG,	/* the line is (or will be) longer than the limit */
};

/*
 * Remove one line from `in` and copy it, without its line end, into `out`
 * (NUL-terminated; `outsz` must exceed `max`).  A line ends in CRLF; a bare
 * LF is accepted too, as real servers and clients are lenient there.
 * `max` bounds the line without its end.  Callers also cap the buffer with
 * a read high-watermark, so a peer can make us neither hold nor scan an
 * unbounded line; it must be at least max + 2, or a line of max + 1 bytes
 * without its end would wait for ever.  On LINE_TOOLONG nothing is removed.
 * The line may hold NUL bytes (outlen counts them); callers that treat it
 * as a C string must check for them.
 */
enum line_status line_take(struct evbuffer *in, size_t max, char *out,
	    size_t outsz, size_t *outlen);

#endif
