/* lineio.c: bounded line splitting on top of struct evbuffer. */
#include <string.h>

#include <event2/buffer.h>

#include "lineio.h"

enum line_status
line_take(struct evbuffer *in, size_t max, char *out, size_t outsz,
    size_t *outlen)
{
	struct evbuffer_ptr	 end;
	size_t			 eol_len = 0, len;

	end = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_CRLF);
	if (end.pos < 0) {
		/* No end yet: more than max bytes can never become a line. */
		if (evbuffer_get_length(in) > max + 1)
			return LINE_TOOLONG;
		return LINE_MORE;
	}
	len = (size_t)end.pos;
	if (len > max || len >= outsz)
		return LINE_TOOLONG;
	evbuffer_remove(in, out, len);
	evbuffer_drain(in, eol_len);
	out[len] = '\0';
	*outlen = len;
	return LINE_OK;
}
