/* tls.h: TLS for loadgen's sessions: one SSL_CTX for the process, and
 * libevent's OpenSSL bufferevents on connected sockets. */
#ifndef LOADGEN_TLS_H
#define LOADGEN_TLS_H

#include <stddef.h>

struct bufferevent;
struct endpoint;
struct event_base;

/*
 * The context for every connection.  `ca_file`: verify the server's
 * chain against it and its name (`servername`, else the target's IP
 * address against the certificate's IP SANs); NULL: no verification at
 * all.  `servername` (or NULL) also goes out as SNI.  -1 with err set.
 */
int		 tls_init(const char *ca_file, const char *servername,
		    char *err, size_t errsz);
/* A bufferevent that starts the client handshake on connected `fd`
 * toward `ep`; the fd stays ours to close. */
struct bufferevent *tls_connect(struct event_base *, int fd,
		    const struct endpoint *ep);
/* Why the handshake or a read failed, for the log: OpenSSL's reason, or
 * the certificate verification's. */
const char	*tls_error(struct bufferevent *);
/* Send our close_notify (one SSL_shutdown); -1 if it could not go out. */
int		 tls_close_notify(struct bufferevent *);
/* Free the bufferevent and its SSL; the fd stays open. */
void		 tls_bev_free(struct bufferevent *);
void		 tls_free(void);

#endif
