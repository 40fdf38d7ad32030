/* imapd.h: fake-imapd's configuration, filled by main.c, read by the rest. */
#ifndef FAKE_IMAPD_IMAPD_H
#define FAKE_IMAPD_IMAPD_H

#include <sys/time.h>

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* Who sends the first FIN after LOGOUT, and so who keeps the TIME_WAIT. */
enum logout_close {
	LOGOUT_CLOSE_CLIENT,	/* wait for the client's FIN (KB 319502) */
	LOGOUT_CLOSE_SERVER,	/* close once the replies are flushed */
	LOGOUT_CLOSE_RESET,	/* the same, abortively: RST, no TIME_WAIT */
	LOGOUT_CLOSE_NEVER,	/* not even after the client's FIN: its port
				 * waits in FIN_WAIT_2 (until --logout-timeout) */
};

/* --overload: what a connection over --max-connections meets. */
enum overload {
	OVERLOAD_BYE,		/* accept, "* BYE [UNAVAILABLE]", close */
	OVERLOAD_BACKLOG,	/* stop accepting: the kernel queues them */
};

/* An injected latency: base plus a uniform random extra up to jitter. */
struct delay {
	uint64_t	base_us;
	uint64_t	jitter_us;
};

struct listen_spec {
	const char		*text;	/* as typed, for error messages */
	struct endpoint		 ep;
	int			 tls;	/* --tls-listen: TLS from the start */
};

struct config {
	struct listen_spec	*listen;
	size_t			 nlisten;
	enum logout_close	 logout_close;
	struct timeval		 logout_timeout;
	int			 ready_fd;	/* -1: none */
	int			 debug;
	int			 preauth;	/* greet with PREAUTH */
	const char		*tls_cert;	/* NULL: no TLS, no STARTTLS */
	const char		*tls_key;
	int			 login_disabled; /* no LOGIN before TLS */
	unsigned		 messages;	/* per synthetic mailbox */
	const char		*mbox_path;	/* NULL: INBOX is synthetic */
	const char		*csv_path;	/* NULL: no CSV */
	const char		*users_path;	/* NULL: any user */
	struct timeval		 autologout_unauth;
	struct timeval		 autologout;
	uint64_t		 max_connections;	/* 0: no limit */
	uint64_t		 max_userip_connections; /* 0: no limit */
	enum overload		 overload;
	uint64_t		 close_after_commands;	/* 0: never */
	uint64_t		 max_lifetime_us;	/* 0: none */
	struct delay		 greeting_delay;
	struct delay		 command_delay;
	double			 drop_fraction;
};

#endif
