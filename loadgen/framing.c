/* framing.c: where an IMAP response begins in the input: literals ({N},
 * RFC 3501 4.3) may hold anything, CRLFs and tag-like lines included, so
 * their bytes and the lines that continue their response are skipped. */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include <event2/buffer.h>

#include "framing.h"
#include "lineio.h"
#include "log.h"

/* Literals in replies are skipped, never held; past this size a reply is
 * not IMAP (RFC 3501 4.3 sets no limit, real servers do). */
#define FRAMING_LITERAL_MAX	(1ULL << 40)

/*
 * A line ending in a literal's announcement, "{N}": N bytes follow, then
 * the rest of the same response.  1 and *n if so.
 */
static int
literal_at_end(const char *l, size_t len, uint64_t *n)
{
	size_t		i;
	uint64_t	v = 0;

	if (len < 3 || l[len - 1] != '}')
		return 0;
	for (i = len - 1; i > 0 && l[i - 1] >= '0' && l[i - 1] <= '9'; i--)
		;
	if (i == 0 || i == len - 1 || l[i - 1] != '{')
		return 0;
	/* Past 13 digits it is over FRAMING_LITERAL_MAX anyway. */
	if (len - 1 - i > 13) {
		*n = UINT64_MAX;
		return 1;
	}
	for (; i < len - 1; i++)
		v = v * 10 + (uint64_t)(l[i] - '0');
	*n = v;
	return 1;
}

/* Skip what is left of a literal; 1 while more is to come. */
static int
skip_literal(struct framing *f, struct evbuffer *in)
{
	size_t	have = evbuffer_get_length(in);
	size_t	n = have < f->literal ? have : (size_t)f->literal;

	if (n > 0 && evbuffer_drain(in, n) == -1)
		fatalx("evbuffer_drain");
	f->literal -= n;
	return f->literal > 0;
}

enum framing_status
framing_next(struct framing *f, struct evbuffer *in, char *line,
    size_t linesz, size_t *len)
{
	int	cont;

	for (;;) {
		if (f->literal > 0 && skip_literal(f, in))
			return FRAMING_MORE;
		switch (line_take(in, FRAMING_LINE_MAX, line, linesz, len)) {
		case LINE_MORE:
			return FRAMING_MORE;
		case LINE_TOOLONG:
			return FRAMING_TOOLONG;
		case LINE_OK:
			break;
		}
		/* TEXT-CHAR and CHAR8 exclude NUL; literals' bytes, skipped
		 * above, are never looked at. */
		if (memchr(line, '\0', *len) != NULL)
			return FRAMING_NUL;
		cont = f->cont;
		if ((f->cont = literal_at_end(line, *len, &f->literal)) &&
		    f->literal > FRAMING_LITERAL_MAX)
			return FRAMING_LITERAL_TOOLONG;
		/* The rest of a response after a literal is not a response:
		 * only first lines are. */
		if (!cont)
			return FRAMING_LINE;
	}
}
