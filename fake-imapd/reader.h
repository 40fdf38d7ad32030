/* reader.h: cut client input into whole commands: lines and literals. */
#ifndef FAKE_IMAPD_READER_H
#define FAKE_IMAPD_READER_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;

/* RFC 3501 leaves line lengths to the server: 8 KiB before login keeps a
 * stranger's cost low, 64 KiB after fits any sane FETCH or SEARCH. */
#define READER_LINE_MAX_UNAUTH	8192
#define READER_LINE_MAX_AUTH	65536
/* One literal, and one whole command (its lines plus its literals). */
#define READER_LITERAL_MAX	65536
#define READER_COMMAND_MAX	(256 * 1024)
/* A refused {N+} literal is skipped up to this size; a larger one closes
 * the connection rather than read that much for nothing. */
#define READER_SKIP_MAX		(16 * 1024 * 1024)

/* Where in the input we are (an explicit state machine, as sessions). */
enum reader_state {
	READER_LINE,		/* expecting a line of a command */
	READER_LITERAL,		/* reading the bytes of an accepted literal */
	READER_SKIP_LITERAL,	/* discarding a refused {N+} literal */
	READER_SKIP_LINE,	/* discarding the rest of a refused command */
};

enum reader_result {
	READ_MORE,		/* nothing complete yet */
	READ_COMMAND,		/* *out holds a whole command */
	READ_CONTINUE,		/* a {N} literal awaits "+" (RFC 3501 7.5) */
	READ_TOO_BIG,		/* literal or command over its cap; *out holds
				 * the command's first line, for its tag; its
				 * literal bytes, if any come, are skipped */
	READ_LINE_TOO_LONG,	/* a line over its cap: nothing to resync on */
	READ_HUGE,		/* a {N+} literal too large even to skip */
};

struct reader {
	enum reader_state	 state;
	size_t			 line_max;	/* set by the owner per state */
	uint64_t		 left;		/* LITERAL and SKIP_LITERAL */
	struct evbuffer		*cmd;		/* a command that has literals */
	int			 cmd_done;	/* drain cmd on the next call */
};

void	reader_init(struct reader *);
void	reader_free(struct reader *);

/*
 * Take what `in` holds towards the next command.  On READ_COMMAND and
 * READ_TOO_BIG, *out (NUL-terminated; *outlen excludes the NUL) stays
 * valid until the next call.  Literals keep their wire form inside the
 * command: "{3}\r\nabc" (see args.h).
 */
enum reader_result reader_next(struct reader *, struct evbuffer *in,
	    const char **out, size_t *outlen);

/*
 * Whether `line` (len bytes, no CRLF) ends in a literal announcement
 * "{N}" or "{N+}" (RFC 3501 7.5, RFC 7888): 1 with *n and *nonsync set,
 * 0 when not, -1 when the number is malformed or over 2^32-1.
 */
int	reader_literal(const char *line, size_t len, uint64_t *n,
	    int *nonsync);

#endif
