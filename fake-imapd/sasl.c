/* sasl.c: base64 decoding and the SASL PLAIN message. */
#include <string.h>

#include "sasl.h"

static int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long
sasl_base64_decode(const char *in, size_t inlen, char *out, size_t outsz)
{
	size_t		i, n = 0, pad;
	unsigned long	v;
	int		k, d;

	if (inlen % 4 != 0)
		return -1;
	for (i = 0; i < inlen; i += 4) {
		v = 0;
		pad = 0;
		for (k = 0; k < 4; k++) {
			/* "=" only at the end: "xx==" or "xxx=". */
			if (in[i + k] == '=' && i + 4 == inlen && k >= 2 &&
			    (k == 3 || in[i + 3] == '=')) {
				pad++;
				d = 0;
			} else if (pad > 0 || (d = b64_value(
			    (unsigned char)in[i + k])) == -1)
				return -1;
			v = v << 6 | (unsigned long)d;
		}
		if (n + 3 - pad > outsz)
			return -1;
		out[n++] = (char)(v >> 16);
		if (pad < 2)
			out[n++] = (char)(v >> 8 & 0xff);
		if (pad < 1)
			out[n++] = (char)(v & 0xff);
	}
	return (long)n;
}

int
sasl_plain_parse(const char *msg, size_t len, struct sasl_plain *p)
{
	const char	*nul1, *nul2;

	if ((nul1 = memchr(msg, '\0', len)) == NULL)
		return -1;
	nul2 = memchr(nul1 + 1, '\0', len - (size_t)(nul1 + 1 - msg));
	if (nul2 == NULL)
		return -1;
	p->authzid = msg;
	p->authzid_len = (size_t)(nul1 - msg);
	p->authcid = nul1 + 1;
	p->authcid_len = (size_t)(nul2 - p->authcid);
	p->passwd = nul2 + 1;
	p->passwd_len = len - (size_t)(p->passwd - msg);
	/* RFC 4616 2: authcid and passwd are not empty, and no part
	 * holds a NUL. */
	if (p->authcid_len == 0 || p->passwd_len == 0 ||
	    memchr(p->passwd, '\0', p->passwd_len) != NULL)
		return -1;
	return 0;
}
