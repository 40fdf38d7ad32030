/* commands.c: the IMAP command of each step of the list (RFC 3501 6),
 * without its tag, made once before the run: LOGIN with its quoted
 * credentials, AUTHENTICATE PLAIN and its base64 response, SELECT of a
 * mailbox as an atom or a quoted string, FETCH 1:n. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "commands.h"
#include "imap.h"
#include "log.h"
#include "steps.h"

static char	*step_cmds[STEPS_MAX];
static char	*auth_ir_cmd;	/* AUTHENTICATE PLAIN with SASL-IR */
static char	*auth_response;	/* base64 PLAIN, CRLF */

/* Append s as an IMAP quoted string: \ and " take a backslash. */
static char *
quote(char *out, const char *s)
{
	*out++ = '"';
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			*out++ = '\\';
		*out++ = *s;
	}
	*out++ = '"';
	return out;
}

static char *
login_command(const char *user, const char *password)
{
	char	*buf, *p;
	size_t	 sz;

	sz = 2 * (strlen(user) + strlen(password)) + 16;
	if ((buf = malloc(sz)) == NULL)
		fatal("malloc");
	p = buf + snprintf(buf, sz, "LOGIN ");
	p = quote(p, user);
	*p++ = ' ';
	p = quote(p, password);
	*p = '\0';
	return buf;
}

/* RFC 4616: "\0user\0password" in base64 (RFC 4648). */
static char *
plain_response(const char *user, const char *password)
{
	size_t		 ulen = strlen(user), plen = strlen(password);
	size_t		 len = ulen + plen + 2;
	unsigned char	*msg;
	char		*out;

	if ((msg = malloc(len)) == NULL ||
	    (out = malloc(4 * (len / 3 + 1) + 3)) == NULL)
		fatal("malloc");
	msg[0] = '\0';
	memcpy(msg + 1, user, ulen);
	msg[ulen + 1] = '\0';
	memcpy(msg + ulen + 2, password, plen);
	EVP_EncodeBlock((unsigned char *)out, msg, (int)len);
	free(msg);
	return out;
}

/* A mailbox as an atom when it is one, else as a quoted string. */
static char *
mailbox_command(const char *verb, const char *mailbox)
{
	const char	*p;
	char		*cmd;
	int		 atom = 1;

	for (p = mailbox; *p != '\0'; p++)
		if (!imap_is_atom_char((unsigned char)*p))
			atom = 0;
	if (asprintf(&cmd, atom ? "%s %s" : "%s \"%s\"", verb, mailbox) == -1)
		fatal("asprintf");
	return cmd;
}

static char *
step_command(const struct step *st, const char *login)
{
	char	*cmd = NULL;

	switch (st->kind) {
	case STEP_STARTTLS:
		return strdup("STARTTLS");
	case STEP_LOGIN:
		return strdup(login);
	case STEP_AUTHENTICATE:
		return strdup("AUTHENTICATE PLAIN");
	case STEP_SELECT:
		return mailbox_command("SELECT", st->mailbox);
	case STEP_EXAMINE:
		return mailbox_command("EXAMINE", st->mailbox);
	case STEP_FETCH:
		if (asprintf(&cmd, "FETCH 1:%llu (FLAGS RFC822.SIZE "
		    "BODY.PEEK[])", (unsigned long long)st->n) == -1)
			cmd = NULL;
		return cmd;
	case STEP_NOOP:
		return strdup("NOOP");
	case STEP_IDLE:
		return strdup("IDLE");
	case STEP_LOGOUT:
		return strdup("LOGOUT");
	}
	return NULL;
}

void
commands_init(const struct step_list *l, const char *user,
    const char *password)
{
	char	*login, *plain;
	size_t	 i;

	login = login_command(user, password);
	plain = plain_response(user, password);
	for (i = 0; i < l->n; i++)
		if ((step_cmds[i] = step_command(&l->step[i], login)) == NULL)
			fatal("step command");
	if (steps_have(l, STEP_AUTHENTICATE)) {
		if (asprintf(&auth_ir_cmd, "AUTHENTICATE PLAIN %s", plain) == -1 ||
		    asprintf(&auth_response, "%s\r\n", plain) == -1)
			fatal("asprintf");
	}
	free(login);
	free(plain);
}


const char *
command_of(size_t i)
{
	return step_cmds[i];
}

const char *
command_auth_ir(void)
{
	return auth_ir_cmd;
}

const char *
command_auth_response(void)
{
	return auth_response;
}

void
commands_free(void)
{
	size_t	i;

	for (i = 0; i < STEPS_MAX; i++) {
		free(step_cmds[i]);
		step_cmds[i] = NULL;
	}
	free(auth_ir_cmd);
	free(auth_response);
	auth_ir_cmd = auth_response = NULL;
}
