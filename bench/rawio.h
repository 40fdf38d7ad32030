/* rawio.h: what the raw-epoll benchmark peers share: bounded CRLF lines
 * in a fixed buffer, the readiness line, descriptor helpers. */
#ifndef EPHEMERA_RAWIO_H
#define EPHEMERA_RAWIO_H

#include <signal.h>
#include <stddef.h>

/* Set by SIGINT or SIGTERM: the event loops check it and stop. */
extern volatile sig_atomic_t	rawio_quit;

/* SIGINT and SIGTERM set rawio_quit (without SA_RESTART, so epoll_wait
 * returns), SIGPIPE is ignored. */
void		 rawio_signals(void);

/* Find the first CRLF-terminated line in buf[0..len).  Returns its length
 * without the CRLF (the line is NUL-terminated in place), or -1 when no
 * whole line is there yet. */
long		 rawio_line(char *buf, size_t len);

/* Drop the first `n` bytes of buf[0..*len). */
void		 rawio_consume(char *buf, size_t *len, size_t n);

/* The length of `word` when the line at `s` starts with it, case
 * insensitive and followed by a space or the end; else 0. */
size_t		 rawio_word(const char *s, const char *word);

/* --ready-fd N: a descriptor number that must be open. */
int		 rawio_parse_fd(const char *opt, const char *arg);

/* Write one line to fd and close it; fatal on error. */
void		 rawio_announce(int fd, const char *line);

/* Set O_NONBLOCK; -1 on error (errno set). */
int		 rawio_nonblock(int fd);

#endif
