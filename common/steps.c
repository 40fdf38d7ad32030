/* steps.c: the session step list of steps.h, parsed and checked once so
 * that loadgen and ephemera refuse the same lists with the same words. */
#include <stdio.h>
#include <string.h>

#include "cdefs.h"
#include "steps.h"
#include "units.h"

#define EXPECTED	"a comma-separated list of starttls, login, " \
			"authenticate, select[=MAILBOX], examine[=MAILBOX], " \
			"fetch=N, noop, idle=DURATION, logout"

/* Which words take an argument: none, optional or required. */
enum arg { ARG_NONE, ARG_OPTIONAL, ARG_REQUIRED };

static const struct {
	const char	*name;
	enum arg	 arg;
} kinds[] = {
	[STEP_STARTTLS] =	{ "starttls",		ARG_NONE },
	[STEP_LOGIN] =		{ "login",		ARG_NONE },
	[STEP_AUTHENTICATE] =	{ "authenticate",	ARG_NONE },
	[STEP_SELECT] =		{ "select",		ARG_OPTIONAL },
	[STEP_EXAMINE] =	{ "examine",		ARG_OPTIONAL },
	[STEP_FETCH] =		{ "fetch",		ARG_REQUIRED },
	[STEP_NOOP] =		{ "noop",		ARG_NONE },
	[STEP_IDLE] =		{ "idle",		ARG_REQUIRED },
	[STEP_LOGOUT] =		{ "logout",		ARG_NONE },
};
#define NKINDS	(nitems(kinds))

const char *
step_name(enum step_kind k)
{
	return (size_t)k < NKINDS ? kinds[k].name : "?";
}

int
steps_have(const struct step_list *l, enum step_kind k)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->step[i].kind == k)
			return 1;
	return 0;
}

/* A mailbox name loadgen can send as an atom or a plain quoted string:
 * printable ASCII without space, quotes, backslash or comma. */
static int
mailbox_ok(const char *s)
{
	if (*s == '\0' || strlen(s) >= STEP_MAILBOX_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s > '~' || strchr("\"\\,", *s) != NULL)
			return 0;
	return 1;
}

/* The argument after '=' of one step. */
static const char *
parse_arg(struct step *st, const char *arg)
{
	switch (st->kind) {
	case STEP_SELECT:
	case STEP_EXAMINE:
		if (arg == NULL)
			arg = "INBOX";
		if (!mailbox_ok(arg))
			return "a mailbox name of at most 63 printable "
			    "characters without space, quote, backslash or "
			    "comma, such as select=INBOX";
		strcpy(st->mailbox, arg);
		return NULL;
	case STEP_FETCH:
		if (parse_count(arg, STEP_FETCH_MAX, &st->n) != NULL ||
		    st->n == 0)
			return "fetch=N with N messages, 1 to 100000";
		return NULL;
	case STEP_IDLE:
		if (parse_duration_us(arg, &st->us) != NULL || st->us == 0 ||
		    st->us > STEP_IDLE_MAX_US)
			return "idle=DURATION above 0 and at most 1h, such "
			    "as idle=2s";
		return NULL;
	default:
		return NULL;
	}
}

/* One word, "name" or "name=arg", of `len` bytes. */
static const char *
parse_word(const char *w, size_t len, struct step *st)
{
	char		 buf[128], *arg;
	size_t		 k;

	if (len == 0 || len >= sizeof(buf))
		return EXPECTED;
	memcpy(buf, w, len);
	buf[len] = '\0';
	if ((arg = strchr(buf, '=')) != NULL)
		*arg++ = '\0';
	for (k = 0; k < NKINDS; k++)
		if (strcmp(buf, kinds[k].name) == 0)
			break;
	if (k == NKINDS)
		return EXPECTED;
	memset(st, 0, sizeof(*st));
	st->kind = (enum step_kind)k;
	if (arg != NULL && kinds[k].arg == ARG_NONE)
		return EXPECTED;
	if (arg == NULL && kinds[k].arg == ARG_REQUIRED)
		return st->kind == STEP_FETCH ? "fetch=N, such as fetch=5" :
		    "idle=DURATION, such as idle=2s";
	return parse_arg(st, arg);
}

/* The protocol's order (RFC 3501 3), one step at a time. */
struct order {
	int	tls, authed, selected, loggedout;
};

static const char *
check_order(struct order *o, const struct step *st)
{
	if (o->loggedout)
		return "logout as the last step only";
	switch (st->kind) {
	case STEP_STARTTLS:
		if (o->tls || o->authed)
			return "starttls once, before login or authenticate";
		o->tls = 1;
		break;
	case STEP_LOGIN:
	case STEP_AUTHENTICATE:
		if (o->authed)
			return "one login or authenticate";
		o->authed = 1;
		break;
	case STEP_SELECT:
	case STEP_EXAMINE:
	case STEP_IDLE:
		if (!o->authed)
			return "login or authenticate before select, examine "
			    "and idle";
		if (st->kind != STEP_IDLE)
			o->selected = 1;
		break;
	case STEP_FETCH:
		if (!o->selected)
			return "select or examine before fetch";
		break;
	case STEP_NOOP:
		break;
	case STEP_LOGOUT:
		o->loggedout = 1;
		break;
	}
	return NULL;
}

const char *
steps_parse(const char *text, struct step_list *l)
{
	struct order	 o = { 0, 0, 0, 0 };
	const char	*p = text, *comma, *why;
	size_t		 len;

	memset(l, 0, sizeof(*l));
	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (l->n == STEPS_MAX)
			return "at most 32 steps";
		if ((why = parse_word(p, len, &l->step[l->n])) != NULL ||
		    (why = check_order(&o, &l->step[l->n])) != NULL)
			return why;
		l->n++;
		if (comma == NULL)
			return NULL;
		p = comma + 1;
	}
}

void
steps_format(const struct step_list *l, char *buf, size_t len)
{
	size_t	 used = 0;
	char	 arg[80];

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < l->n && used < len; i++) {
		const struct step *st = &l->step[i];

		arg[0] = '\0';
		if (st->kind == STEP_SELECT || st->kind == STEP_EXAMINE)
			snprintf(arg, sizeof(arg), "=%s", st->mailbox);
		else if (st->kind == STEP_FETCH)
			snprintf(arg, sizeof(arg), "=%llu",
			    (unsigned long long)st->n);
		else if (st->kind == STEP_IDLE) {
			arg[0] = '=';
			format_duration(st->us, arg + 1, sizeof(arg) - 1);
		}
		used += (size_t)snprintf(buf + used, len - used, "%s%s%s",
		    i > 0 ? "," : "", step_name(st->kind), arg);
	}
}
