/* listener.h: the listening sockets and what happens on accept. */
#ifndef FAKE_IMAPD_LISTENER_H
#define FAKE_IMAPD_LISTENER_H

struct endpoint;
struct event_base;
struct evbuffer;

/*
 * Bind and listen on `ep`, for TLS from the first byte when `tls`.
 * Returns 0, or -1 with errno set and *call
 * naming the system call that failed ("bind"), for the caller to report
 * with the address the user typed.
 */
int	listener_add(struct event_base *, const struct endpoint *ep, int tls,
	    const char **call);

/* Append " ADDR:PORT" for every plaintext listener, as actually bound,
 * then " tls:ADDR:PORT" for every TLS one. */
void	listener_format_bound(struct evbuffer *);

/* --overload backlog: stop accepting (the kernel's queue holds the
 * newcomers) and start again; an EMFILE pause respects it. */
void	listener_set_accepting(int on);

/* Stop listening: close every listening socket. */
void	listener_free_all(void);

#endif
