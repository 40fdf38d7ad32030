/* stage.h: where in a session a failure happened, shared by the session's
 * state table and the failures-by-stage columns (CSV.md, Stages). */
#ifndef LOADGEN_STAGE_H
#define LOADGEN_STAGE_H

/*
 * In the order of the failed_* columns; that order is the files' and
 * predates most stages, so it is not the session's order (STARTTLS and
 * the handshake come before the login on the wire, after it here).
 */
enum stage {
	STAGE_SOCKET,
	STAGE_BIND,
	STAGE_CONNECT,
	STAGE_GREETING,
	STAGE_LOGIN,
	STAGE_LOGOUT,
	STAGE_CLOSE,
	STAGE_SELECT,
	STAGE_IDLE,
	STAGE_STARTTLS,
	STAGE_AUTHENTICATE,
	STAGE_EXAMINE,
	STAGE_FETCH,
	STAGE_NOOP,
	STAGE_TLS,
	STAGE_SO_ERROR,	/* the TCP handshake after EINPROGRESS */
	STAGE_MAX
};

/* "socket", ..., "so_error": the name logs and the CSV files use. */
const char	*stage_name(enum stage);

#endif
