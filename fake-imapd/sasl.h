/* sasl.h: SASL PLAIN (RFC 4616) in base64 (RFC 4648), for AUTHENTICATE. */
#ifndef FAKE_IMAPD_SASL_H
#define FAKE_IMAPD_SASL_H

#include <stddef.h>

/* Decode standard base64 with padding; whitespace is not allowed.
 * Returns the decoded length, or -1 when malformed or over outsz. */
long	sasl_base64_decode(const char *in, size_t inlen, char *out,
	    size_t outsz);

/* message = [authzid] NUL authcid NUL passwd, each without NUL. */
struct sasl_plain {
	const char	*authzid, *authcid, *passwd;
	size_t		 authzid_len, authcid_len, passwd_len;
};

/* Split a decoded PLAIN message (pointers into msg).  0, or -1. */
int	sasl_plain_parse(const char *msg, size_t len, struct sasl_plain *);

#endif
