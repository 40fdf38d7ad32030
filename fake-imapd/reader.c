/* reader.c: input framing: bounded lines, literals, and skipping refused ones. */
#include <string.h>

#include <event2/buffer.h>

#include "lineio.h"
#include "reader.h"

/* One line at a time is in flight across all sessions (one thread). */
static char	line[READER_LINE_MAX_AUTH + 1];

void
reader_init(struct reader *r)
{
	memset(r, 0, sizeof(*r));
	r->state = READER_LINE;
	r->line_max = READER_LINE_MAX_UNAUTH;
}

static void
reader_reset_cmd(struct reader *r)
{
	/* Freed, not kept: an idle session should cost as little as it can. */
	if (r->cmd != NULL)
		evbuffer_free(r->cmd);
	r->cmd = NULL;
	r->cmd_done = 0;
}

void
reader_free(struct reader *r)
{
	reader_reset_cmd(r);
}

int
reader_literal(const char *s, size_t len, uint64_t *n, int *nonsync)
{
	size_t		end, start;
	uint64_t	v = 0;

	*nonsync = 0;
	if (len < 3 || s[len - 1] != '}')
		return 0;
	end = len - 1;
	if (s[end - 1] == '+') {
		*nonsync = 1;
		end--;
	}
	for (start = end; start > 0 && s[start - 1] >= '0' &&
	    s[start - 1] <= '9'; start--)
		;
	if (start == 0 || s[start - 1] != '{' || start == end)
		return 0;
	/* number = 1*DIGIT, at most 2^32-1 (RFC 3501 9). */
	if (end - start > 10)
		return -1;
	for (; start < end; start++)
		v = v * 10 + (uint64_t)(s[start] - '0');
	if (v > UINT32_MAX)
		return -1;
	*n = v;
	return 1;
}

/* The command so far as a C string (literals may hold NULs: *len counts). */
static const char *
reader_cmd_string(struct reader *r, size_t *len)
{
	evbuffer_add(r->cmd, "", 1);
	*len = evbuffer_get_length(r->cmd) - 1;
	r->cmd_done = 1;
	return (const char *)evbuffer_pullup(r->cmd, -1);
}

/* A refused literal: give back the command's first line, for its tag. */
static enum reader_result
reader_refuse(struct reader *r, int lit, uint64_t n, int nonsync,
    size_t len, const char **out, size_t *outlen)
{
	char	*first, *cr;

	if (r->cmd == NULL) {
		*out = line;
		*outlen = len;
	} else {
		first = (char *)reader_cmd_string(r, outlen);
		if ((cr = memchr(first, '\r', *outlen)) != NULL)
			*cr = '\0';
		*out = first;
		*outlen = strlen(first);
	}
	r->state = READER_LINE;
	if (!nonsync)
		return READ_TOO_BIG;	/* the client waits for a "+" */
	if (lit == -1 || n > READER_SKIP_MAX)
		return READ_HUGE;
	/* RFC 7888 4: the client sends a {N+} literal anyway. */
	r->state = READER_SKIP_LITERAL;
	r->left = n;
	return READ_TOO_BIG;
}

/* Keep the line and wait for the literal it announces. */
static enum reader_result
reader_accept_literal(struct reader *r, uint64_t n, int nonsync, size_t len)
{
	if (r->cmd == NULL && (r->cmd = evbuffer_new()) == NULL)
		return READ_HUGE;
	if (evbuffer_add(r->cmd, line, len) == -1 ||
	    evbuffer_add(r->cmd, "\r\n", 2) == -1)
		return READ_HUGE;
	r->state = READER_LITERAL;
	r->left = n;
	return nonsync ? READ_MORE : READ_CONTINUE;
}

/* READER_SKIP_LINE: the rest of a refused command; it may go on with
 * more {N+} literals, which are skipped too. */
static enum reader_result
reader_skip_line(struct reader *r, size_t len)
{
	uint64_t	n = 0;
	int		lit, nonsync;

	lit = reader_literal(line, len, &n, &nonsync);
	r->state = READER_LINE;
	if (lit == 0 || !nonsync)
		return READ_MORE;	/* the refused command ends here */
	if (lit == -1 || n > READER_SKIP_MAX)
		return READ_HUGE;
	r->state = READER_SKIP_LITERAL;
	r->left = n;
	return READ_MORE;
}

static enum reader_result
reader_line(struct reader *r, struct evbuffer *in, const char **out,
    size_t *outlen, int *again)
{
	size_t		len, pending;
	uint64_t	n = 0;
	int		lit, nonsync;

	*again = 0;
	switch (line_take(in, r->line_max, line, sizeof(line), &len)) {
	case LINE_MORE:
		return READ_MORE;
	case LINE_TOOLONG:
		return READ_LINE_TOO_LONG;
	case LINE_OK:
		break;
	}
	*again = 1;
	if (r->state == READER_SKIP_LINE)
		return reader_skip_line(r, len);
	lit = reader_literal(line, len, &n, &nonsync);
	if (lit == 0 && r->cmd == NULL) {
		*out = line;
		*outlen = len;
		return READ_COMMAND;
	}
	if (lit == 0) {
		if (evbuffer_add(r->cmd, line, len) == -1)
			return READ_HUGE;
		*out = reader_cmd_string(r, outlen);
		return READ_COMMAND;
	}
	pending = (r->cmd ? evbuffer_get_length(r->cmd) : 0) + len + 2;
	if (lit == -1 || n > READER_LITERAL_MAX ||
	    pending + n > READER_COMMAND_MAX)
		return reader_refuse(r, lit, n, nonsync, len, out, outlen);
	return reader_accept_literal(r, n, nonsync, len);
}

/* Move (or drop) literal bytes; 0 while more are needed. */
static int
reader_literal_bytes(struct reader *r, struct evbuffer *in)
{
	size_t	k = evbuffer_get_length(in);

	if (k > r->left)
		k = (size_t)r->left;
	if (r->state == READER_LITERAL)
		evbuffer_remove_buffer(in, r->cmd, k);
	else
		evbuffer_drain(in, k);
	r->left -= k;
	if (r->left > 0)
		return 0;
	r->state = r->state == READER_LITERAL ? READER_LINE :
	    READER_SKIP_LINE;
	return 1;
}

enum reader_result
reader_next(struct reader *r, struct evbuffer *in, const char **out,
    size_t *outlen)
{
	enum reader_result	res;
	int			again;

	if (r->cmd_done)
		reader_reset_cmd(r);
	for (;;) {
		switch (r->state) {
		case READER_LITERAL:
		case READER_SKIP_LITERAL:
			if (!reader_literal_bytes(r, in))
				return READ_MORE;
			break;
		case READER_LINE:
		case READER_SKIP_LINE:
			res = reader_line(r, in, out, outlen, &again);
			if (res != READ_MORE || !again)
				return res;
			break;
		}
	}
}
