/* stage.c: the names of the stages a failure is reported at. */
#include "stage.h"

static const char *const stage_names[STAGE_MAX] = {
	[STAGE_SOCKET] = "socket",
	[STAGE_BIND] = "bind",
	[STAGE_CONNECT] = "connect",
	[STAGE_GREETING] = "greeting",
	[STAGE_LOGIN] = "login",
	[STAGE_LOGOUT] = "logout",
	[STAGE_CLOSE] = "close",
	[STAGE_SELECT] = "select",
	[STAGE_IDLE] = "idle",
	[STAGE_STARTTLS] = "starttls",
	[STAGE_AUTHENTICATE] = "authenticate",
	[STAGE_EXAMINE] = "examine",
	[STAGE_FETCH] = "fetch",
	[STAGE_NOOP] = "noop",
	[STAGE_TLS] = "tls",
	[STAGE_SO_ERROR] = "so_error",
};

const char *
stage_name(enum stage s)
{
	return stage_names[s];
}
