/* imapd.h: fake-imapd's configuration, filled by main.c, read by the rest. */
#ifndef FAKE_IMAPD_IMAPD_H
#define FAKE_IMAPD_IMAPD_H

#include <sys/time.h>

#include <stddef.h>

#include "addr.h"

/* Who sends the first FIN after LOGOUT, and so who keeps the TIME_WAIT. */
enum logout_close {
	LOGOUT_CLOSE_CLIENT,	/* wait for the client's FIN (KB 319502) */
	LOGOUT_CLOSE_SERVER,	/* close once the replies are flushed */
};

struct listen_spec {
	const char		*text;	/* as typed, for error messages */
	struct endpoint		 ep;
};

struct config {
	struct listen_spec	*listen;
	size_t			 nlisten;
	enum logout_close	 logout_close;
	struct timeval		 logout_timeout;
	int			 ready_fd;	/* -1: none */
	int			 debug;
};

#endif
