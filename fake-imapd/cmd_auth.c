/* cmd_auth.c: logging in: LOGIN and AUTHENTICATE PLAIN (RFC 3501 6.2). */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "args.h"
#include "commands.h"
#include "handlers.h"
#include "reader.h"
#include "sasl.h"
#include "session.h"
#include "users.h"

/* A SASL response line before login is at most READER_LINE_MAX_UNAUTH. */
#define SASL_MAX	(READER_LINE_MAX_UNAUTH / 4 * 3)

/* Credentials are good: log in, unless the per user+IP limit says no
 * (answered here, as Dovecot 2.4 does, with NO [LIMIT]). */
static int
login(struct session *s, const char *tag, const char *user, size_t ulen)
{
	switch (session_login(s, user, ulen)) {
	case SESSION_LOGIN_OK:
		return 1;
	case SESSION_LOGIN_LIMIT:
		session_reply(s, "%s NO [LIMIT] too many connections from this "
		    "user and address", tag);
		return 0;
	case SESSION_LOGIN_NOMEM:
		break;
	}
	session_reply(s, "%s NO [SERVERBUG] out of memory", tag);
	return 0;
}

/* RFC 3501 6.2.3: "LOGIN" SP userid SP password, both astrings (atom,
 * quoted string, or literal). */
static int
check_login(struct session *s, struct cmd *c, char *user, size_t *ulen,
    char *pass, size_t *plen)
{
	if (args_astring(&c->args, user, NAME_MAX_LEN, ulen) == -1 ||
	    args_sp(&c->args) == -1 ||
	    args_astring(&c->args, pass, NAME_MAX_LEN, plen) == -1 ||
	    !args_at_end(&c->args)) {
		session_bad(s, c->tag, "LOGIN expects a user name and a "
		    "password");
		return 0;
	}
	return 1;
}

/* RFC 3501 6.2.3 LOGINDISABLED (--login-disabled, before TLS): NO with
 * RFC 9051's PRIVACYREQUIRED, for LOGIN and AUTHENTICATE alike. */
static int
check_privacy(struct session *s, struct cmd *c)
{
	if (session_login_allowed(s))
		return 1;
	session_reply(s, "%s NO [PRIVACYREQUIRED] %s is disabled before "
	    "STARTTLS", c->tag, c->name);
	return 0;
}

void
cmd_login(struct session *s, struct cmd *c)
{
	static char	user[NAME_MAX_LEN], pass[NAME_MAX_LEN];
	size_t		ulen, plen;

	if (!check_privacy(s, c) ||
	    !check_login(s, c, user, &ulen, pass, &plen))
		return;
	/* RFC 5530 AUTHENTICATIONFAILED; which half was wrong is not said. */
	if (!users_check(user, ulen, pass, plen)) {
		session_reply(s, "%s NO [AUTHENTICATIONFAILED] Authentication "
		    "failed", c->tag);
		return;
	}
	if (login(s, c->tag, user, ulen))
		session_reply(s, "%s OK LOGIN completed", c->tag);
}

/*
 * RFC 4616 PLAIN, base64 (RFC 3501 6.2.2): check the credentials and log
 * in, or say why not.  "=" is an empty response (RFC 4959).
 */
static void
authenticate_plain(struct session *s, const char *tag, const char *b64,
    size_t len)
{
	static char		msg[SASL_MAX];
	struct sasl_plain	p;
	long			n = 0;

	if ((len != 1 || b64[0] != '=') &&
	    (n = sasl_base64_decode(b64, len, msg, sizeof(msg))) == -1) {
		session_bad(s, tag, "invalid base64 in the SASL response");
		return;
	}
	if (sasl_plain_parse(msg, (size_t)n, &p) == -1) {
		session_bad(s, tag, "malformed PLAIN response");
		return;
	}
	/* Acting for someone else is not offered (RFC 5530). */
	if (p.authzid_len > 0 && (p.authzid_len != p.authcid_len ||
	    memcmp(p.authzid, p.authcid, p.authcid_len) != 0)) {
		session_reply(s, "%s NO [AUTHORIZATIONFAILED] Authorization "
		    "failed", tag);
		return;
	}
	if (!users_check(p.authcid, p.authcid_len, p.passwd, p.passwd_len)) {
		session_reply(s, "%s NO [AUTHENTICATIONFAILED] Authentication "
		    "failed", tag);
		return;
	}
	if (login(s, tag, p.authcid, p.authcid_len))
		session_reply(s, "%s OK AUTHENTICATE completed", tag);
}

/* RFC 3501 6.2.2: AUTHENTICATE mechanism [SP initial-response]. */
void
cmd_authenticate(struct session *s, struct cmd *c)
{
	char	mech[32], ir[READER_LINE_MAX_UNAUTH];

	if (!check_privacy(s, c))
		return;
	if (args_atom(&c->args, mech, sizeof(mech)) == -1) {
		session_bad(s, c->tag, "AUTHENTICATE expects a mechanism");
		return;
	}
	if (strcasecmp(mech, "PLAIN") != 0) {
		session_reply(s, "%s NO unsupported authentication mechanism",
		    c->tag);
		return;
	}
	if (args_at_end(&c->args)) {
		/* No initial response: ask for it with an empty challenge. */
		session_reply(s, "+ ");
		session_authenticate(s, c->tag);
		return;
	}
	if (args_sp(&c->args) == -1 ||
	    args_atom(&c->args, ir, sizeof(ir)) == -1) {
		session_bad(s, c->tag, "AUTHENTICATE expects a mechanism and a "
		    "base64 response");
		return;
	}
	if (cmd_check_end(s, c))
		authenticate_plain(s, c->tag, ir, strlen(ir));
}

void
commands_continue(struct session *s, const char *tag, const char *line,
    size_t len)
{
	/* RFC 3501 6.2.2: "*" cancels, with BAD. */
	if (len == 1 && line[0] == '*') {
		session_bad(s, tag, "authentication cancelled");
		return;
	}
	authenticate_plain(s, tag, line, len);
}
