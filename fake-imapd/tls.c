/* tls.c: TLS for fake-imapd: the SSL_CTX from --tls-cert and --tls-key, and
 * libevent's OpenSSL bufferevents on accepted sockets. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include "log.h"
#include "tls.h"

static SSL_CTX	*ctx;

/* OpenSSL's reason for the oldest error queued, and an empty queue. */
static const char *
tls_reason(void)
{
	unsigned long	 e = ERR_peek_error();
	const char	*r;

	ERR_clear_error();
	if (e == 0 || (r = ERR_reason_error_string(e)) == NULL)
		return "unknown OpenSSL error";
	return r;
}

/* A file OpenSSL cannot open says only "system lib": ask the system
 * first, so a missing or unreadable file names errno's reason. */
static int
tls_check_file(const char *opt, const char *path, char *err, size_t errsz)
{
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s %s: %s", opt, path, strerror(errno));
		return -1;
	}
	fclose(fp);
	return 0;
}

static int
tls_load(const char *cert, const char *key, char *err, size_t errsz)
{
	if (tls_check_file("--tls-cert", cert, err, errsz) == -1 ||
	    tls_check_file("--tls-key", key, err, errsz) == -1)
		return -1;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		snprintf(err, errsz, "--tls-cert %s: %s", cert, tls_reason());
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		snprintf(err, errsz, "--tls-key %s: %s (expected the PEM "
		    "private key of --tls-cert %s)", key, tls_reason(), cert);
		return -1;
	}
	/* use_PrivateKey only warns about some mismatches: make sure. */
	if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errsz, "--tls-key %s: %s (does not match "
		    "--tls-cert %s)", key, tls_reason(), cert);
		return -1;
	}
	return 0;
}

int
tls_setup(const char *cert, const char *key, char *err, size_t errsz)
{
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		snprintf(err, errsz, "TLS: %s", tls_reason());
		return -1;
	}
	/*
	 * TLS 1.2 and later only.  A bare FIN is read as a close_notify
	 * (OpenSSL 3 would call it an error): many IMAP clients never send
	 * one, and their FIN is the very event this program counts.
	 * Idle connections give their buffers back: a load test holds
	 * thousands.
	 */
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		snprintf(err, errsz, "TLS 1.2: %s", tls_reason());
		tls_free();
		return -1;
	}
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (tls_load(cert, key, err, errsz) == -1) {
		tls_free();
		return -1;
	}
	return 0;
}

int
tls_configured(void)
{
	return ctx != NULL;
}

void
tls_free(void)
{
	SSL_CTX_free(ctx);
	ctx = NULL;
}

struct bufferevent *
tls_accept(struct event_base *base, int fd)
{
	struct bufferevent	*bev;
	SSL			*ssl;

	if ((ssl = SSL_new(ctx)) == NULL) {
		log_warnx("TLS: SSL_new: %s", tls_reason());
		return NULL;
	}
	/*
	 * TLS 1.3 sends session tickets after the handshake; with Nagle the
	 * greeting then waits for their ACK, which the client delays (40 ms
	 * on Linux): every TLS session would take 40 ms more than it does.
	 */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 },
	    sizeof(int)) == -1)
		log_warn("TLS: TCP_NODELAY");
	/* On failure libevent may have freed ssl and closed fd already
	 * (it only fails out of memory): neither is touched again. */
	bev = bufferevent_openssl_socket_new(base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	/* With SSL_OP_IGNORE_UNEXPECTED_EOF set, for libevent too. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

void
tls_close_notify(struct bufferevent *bev)
{
	SSL	*ssl = bufferevent_openssl_get_ssl(bev);

	/*
	 * Corked, the alert waits in the socket (up to 200 ms) for the FIN
	 * that the caller's shutdown() adds to it: one segment.  Sent alone,
	 * a client that closes on reading it (curl) could send its FIN
	 * before ours whenever we are descheduled in between, as on a busy
	 * machine, and the TIME_WAIT would be the client's.
	 */
	if (setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_CORK,
	    &(int){ 1 }, sizeof(int)) == -1)
		log_warn("TLS: TCP_CORK");
	/* 0: sent, the peer's not yet read; 1: both; -1: the socket would
	 * block or is gone, and the FIN that follows says enough. */
	if (ssl != NULL && SSL_shutdown(ssl) < 0)
		ERR_clear_error();
}

const char *
tls_version(struct bufferevent *bev)
{
	SSL	*ssl = bufferevent_openssl_get_ssl(bev);

	return ssl != NULL ? SSL_get_version(ssl) : "none";
}

const char *
tls_error(struct bufferevent *bev)
{
	unsigned long	 e;
	const char	*r, *reason = NULL;
	int		 any = 0;

	/*
	 * libevent keeps SSL_get_error's value (SSL_ERROR_SSL: 1, no text),
	 * then OpenSSL's queue, and hands them back newest first: the first
	 * with a text is OpenSSL's reason.  All are taken, so none is left
	 * for a later call.
	 */
	while ((e = bufferevent_get_openssl_error(bev)) != 0) {
		any = 1;
		if (reason == NULL && (r = ERR_reason_error_string(e)) != NULL)
			reason = r;
	}
	if (reason == NULL && any)
		reason = "unknown OpenSSL error";
	return reason;
}
