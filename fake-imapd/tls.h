/* tls.h: the TLS seam: the process's one server SSL_CTX and bufferevents
 * that speak TLS on an accepted socket.  Only tls.c includes OpenSSL. */
#ifndef FAKE_IMAPD_TLS_H
#define FAKE_IMAPD_TLS_H

#include <stddef.h>

struct bufferevent;
struct event_base;

/*
 * Load the PEM certificate (chain) and key into the one SSL_CTX (TLS 1.2
 * and later).  Returns 0, or -1 with `err` naming the option, the file and
 * OpenSSL's reason.
 */
int	tls_setup(const char *cert, const char *key, char *err, size_t errsz);
/* Whether tls_setup succeeded: TLS listeners and STARTTLS may be used. */
int	tls_configured(void);
void	tls_free(void);

/*
 * A bufferevent that accepts a TLS handshake on the connected socket `fd`
 * and closes it when freed; its events: CONNECTED once the handshake is
 * done, EOF for the peer's close_notify or its bare FIN, ERROR otherwise.
 * NULL when out of memory.
 */
struct bufferevent *tls_accept(struct event_base *, int fd);

/* Our close_notify alert, written straight to the socket (best effort)
 * and corked: the caller's shutdown(SHUT_WR) sends it with the FIN. */
void	tls_close_notify(struct bufferevent *);

/* The negotiated protocol ("TLSv1.3"), for the log. */
const char *tls_version(struct bufferevent *);

/* The first OpenSSL error a TLS bufferevent met ("wrong version number"),
 * or NULL when its failure was not OpenSSL's. */
const char *tls_error(struct bufferevent *);

#endif
