/* tls.c: the client side of TLS for loadgen: one SSL_CTX, certificate
 * and name checks when asked for, libevent's OpenSSL bufferevents. */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "addr.h"
#include "log.h"
#include "tls.h"

static struct {
	SSL_CTX		*ctx;
	int		 verify;
	const char	*servername;
} tls;

/* OpenSSL's reason for the oldest queued error; the queue is emptied. */
static const char *
tls_reason(unsigned long e)
{
	const char	*r;

	ERR_clear_error();
	if (e == 0 || (r = ERR_reason_error_string(e)) == NULL)
		return "unknown OpenSSL error";
	return r;
}

int
tls_init(const char *ca_file, const char *servername, char *err,
    size_t errsz)
{
	FILE	*fp;

	if ((tls.ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		snprintf(err, errsz, "TLS: %s", tls_reason(ERR_peek_error()));
		return -1;
	}
	/* A bare FIN ends the stream as a close_notify would: servers that
	 * never send one are common, and the FIN is what we measure. */
	SSL_CTX_set_options(tls.ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	/* Thousands of connections wait between steps: idle ones give
	 * their buffers back. */
	SSL_CTX_set_mode(tls.ctx, SSL_MODE_RELEASE_BUFFERS);
	tls.servername = servername;
	if (ca_file == NULL) {
		SSL_CTX_set_verify(tls.ctx, SSL_VERIFY_NONE, NULL);
		return 0;
	}
	/* OpenSSL says only "system lib" for a missing file: ask first. */
	if ((fp = fopen(ca_file, "r")) == NULL) {
		snprintf(err, errsz, "--tls-ca: expected a readable PEM file of "
		    "CA certificates, got '%s': %s", ca_file, strerror(errno));
		return -1;
	}
	fclose(fp);
	if (SSL_CTX_load_verify_locations(tls.ctx, ca_file, NULL) != 1) {
		snprintf(err, errsz, "--tls-ca: expected a PEM file of CA "
		    "certificates, got '%s': %s", ca_file,
		    tls_reason(ERR_peek_error()));
		return -1;
	}
	SSL_CTX_set_verify(tls.ctx, SSL_VERIFY_PEER, NULL);
	tls.verify = 1;
	return 0;
}

/* The name the certificate must carry: --tls-servername, else the
 * target's address as an IP SAN (RFC 6125 has no SNI for addresses). */
static int
tls_name(SSL *ssl, const struct endpoint *ep)
{
	char	ip[INET6_ADDRSTRLEN];
	const void *a;

	if (tls.servername != NULL) {
		if (SSL_set_tlsext_host_name(ssl, tls.servername) != 1)
			return -1;
		return tls.verify ? (SSL_set1_host(ssl, tls.servername) == 1 ?
		    0 : -1) : 0;
	}
	if (!tls.verify)
		return 0;
	if (ep->ss.ss_family == AF_INET)
		a = &((const struct sockaddr_in *)&ep->ss)->sin_addr;
	else
		a = &((const struct sockaddr_in6 *)&ep->ss)->sin6_addr;
	if (inet_ntop(ep->ss.ss_family, a, ip, sizeof(ip)) == NULL)
		return -1;
	return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ip) == 1 ?
	    0 : -1;
}

struct bufferevent *
tls_connect(struct event_base *base, int fd, const struct endpoint *ep)
{
	struct bufferevent	*bev;
	SSL			*ssl;
	int			 one = 1;

	/* TLS 1.3 has the client write twice in a row (its Finished, then
	 * the first command): with Nagle the second waits for the server's
	 * delayed ACK, 40 ms a session. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1)
		log_warn("TCP_NODELAY");
	if ((ssl = SSL_new(tls.ctx)) == NULL)
		fatalx("SSL_new: %s", tls_reason(ERR_peek_error()));
	if (tls_name(ssl, ep) == -1)
		fatalx("TLS server name: %s", tls_reason(ERR_peek_error()));
	/* Without BEV_OPT_CLOSE_ON_FREE: conn.c closes the fd itself, at
	 * once, and tls_bev_free frees the SSL. */
	if ((bev = bufferevent_openssl_socket_new(base, fd, ssl,
	    BUFFEREVENT_SSL_CONNECTING, 0)) == NULL)
		fatalx("bufferevent_openssl_socket_new");
	/* SSL_OP_IGNORE_UNEXPECTED_EOF, for libevent too. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

const char *
tls_error(struct bufferevent *bev)
{
	static char	 buf[256];
	SSL		*ssl = bufferevent_openssl_get_ssl(bev);
	unsigned long	 e;
	const char	*reason = NULL;
	int		 any = 0;
	long		 v;

	/* libevent keeps SSL_get_error's value (SSL_ERROR_SSL: 1, no text)
	 * beside OpenSSL's queue: the first with a text is OpenSSL's
	 * reason.  All are taken, so none is left for a later session. */
	while ((e = bufferevent_get_openssl_error(bev)) != 0) {
		any = 1;
		if (reason == NULL)
			reason = ERR_reason_error_string(e);
	}
	ERR_clear_error();
	if (ssl != NULL && tls.verify &&
	    (v = SSL_get_verify_result(ssl)) != X509_V_OK) {
		snprintf(buf, sizeof(buf), "certificate: %s",
		    X509_verify_cert_error_string(v));
		return buf;
	}
	if (!any)
		return "handshake failed (connection closed or reset)";
	return reason != NULL ? reason : "unknown OpenSSL error";
}

int
tls_close_notify(struct bufferevent *bev)
{
	SSL	*ssl = bufferevent_openssl_get_ssl(bev);

	/* 0: ours sent, the peer's not read yet (we wait for its FIN
	 * instead); -1: the socket would block or is gone. */
	if (ssl == NULL || SSL_shutdown(ssl) < 0) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

void
tls_bev_free(struct bufferevent *bev)
{
	SSL	*ssl = bufferevent_openssl_get_ssl(bev);

	/* libevent frees the SSL only with BEV_OPT_CLOSE_ON_FREE, which
	 * would also close the fd later than we want. */
	bufferevent_free(bev);
	SSL_free(ssl);
}

void
tls_free(void)
{
	SSL_CTX_free(tls.ctx);
	tls.ctx = NULL;
}
