/* listener.c: listening sockets, accept, and pausing when out of fds. */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "addr.h"
#include "listener.h"
#include "log.h"
#include "session.h"

#define LISTEN_BACKLOG		4096
#define LISTEN_FLAGS		(LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | \
				    LEV_OPT_CLOSE_ON_EXEC)

struct listener {
	struct evconnlistener	*evl;
	struct event		*resume;	/* after an EMFILE pause */
	struct sockaddr_storage	 bound;
	char			 name[ENDPOINT_STRLEN];
	int			 tls;		/* --tls-listen */
	TAILQ_ENTRY(listener)	 entry;
};

static TAILQ_HEAD(, listener)	listeners = TAILQ_HEAD_INITIALIZER(listeners);

/* Out of descriptors has been reported; say it once, not every second. */
static int			fd_shortage_logged;

/* Cleared while --max-connections is reached in backlog mode. */
static int			accepting = 1;

static void
listener_accept_cb(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen UNUSED, void *arg)
{
	struct listener	*l = arg;

	session_new(evconnlistener_get_base(evl), fd, sa, l->tls);
}

static void
listener_resume_cb(evutil_socket_t fd UNUSED, short what UNUSED, void *arg)
{
	struct listener	*l = arg;

	if (!accepting)
		return;		/* listener_set_accepting(1) resumes it */
	log_debug("listener addr=%s event=resume", l->name);
	evconnlistener_enable(l->evl);
}

/*
 * libevent already retries EAGAIN, EINTR and ECONNABORTED itself.  Out of
 * descriptors, the pending connection would wake us again at once: pause
 * for a second instead of spinning (tmux server_accept).
 */
static void
listener_error_cb(struct evconnlistener *evl, void *arg)
{
	static const struct timeval	 retry = { 1, 0 };
	struct listener			*l = arg;
	int				 err = EVUTIL_SOCKET_ERROR();

	if (err == EMFILE || err == ENFILE) {
		evconnlistener_disable(evl);
		evtimer_add(l->resume, &retry);
	}
	errno = err;
	if (err != EMFILE && err != ENFILE)
		log_warn("accept on %s", l->name);
	else if (!fd_shortage_logged) {
		log_warn("accept on %s, pausing 1s", l->name);
		fd_shortage_logged = 1;
	} else
		log_debug("listener addr=%s event=pause", l->name);
}

/* A bound, not yet listening, non-blocking socket; -1 with *call set. */
static int
listener_socket(const struct endpoint *ep, const char **call)
{
	int	fd, on = 1;

	*call = "socket";
	fd = socket(ep->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	*call = "setsockopt";
	if (evutil_make_listen_socket_reuseable(fd) == -1)
		goto fail;
	/* Only the address asked for: [::]:1143 must not also take IPv4. */
	if (ep->ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto fail;
	*call = "bind";
	if (bind(fd, (const struct sockaddr *)&ep->ss, ep->len) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* Remember where we really are: port 0 becomes the kernel's choice. */
static int
listener_record_bound(struct listener *l, int fd)
{
	socklen_t	len = sizeof(l->bound);

	if (getsockname(fd, (struct sockaddr *)&l->bound, &len) == -1)
		return -1;
	endpoint_format((struct sockaddr *)&l->bound, l->name,
	    sizeof(l->name));
	return 0;
}

int
listener_add(struct event_base *base, const struct endpoint *ep, int tls,
    const char **call)
{
	struct listener	*l;
	int		 fd, saved;

	if ((fd = listener_socket(ep, call)) == -1)
		return -1;
	*call = "calloc";
	if ((l = calloc(1, sizeof(*l))) == NULL)
		goto fail;
	l->tls = tls;
	*call = "evtimer_new";
	if ((l->resume = evtimer_new(base, listener_resume_cb, l)) == NULL)
		goto fail;
	*call = "getsockname";
	if (listener_record_bound(l, fd) == -1)
		goto fail;
	*call = "listen";
	l->evl = evconnlistener_new(base, listener_accept_cb, l, LISTEN_FLAGS,
	    LISTEN_BACKLOG, fd);
	if (l->evl == NULL)
		goto fail;
	evconnlistener_set_error_cb(l->evl, listener_error_cb);
	TAILQ_INSERT_TAIL(&listeners, l, entry);
	log_debug("listener addr=%s event=listen tls=%s", l->name,
	    tls ? "yes" : "no");
	return 0;
fail:
	saved = errno;
	close(fd);
	if (l != NULL && l->resume != NULL)
		event_free(l->resume);
	free(l);
	errno = saved;
	return -1;
}

void
listener_format_bound(struct evbuffer *out)
{
	struct listener	*l;

	/* Plaintext first, as before TLS existed: readers take the first. */
	TAILQ_FOREACH(l, &listeners, entry)
		if (!l->tls)
			evbuffer_add_printf(out, " %s", l->name);
	TAILQ_FOREACH(l, &listeners, entry)
		if (l->tls)
			evbuffer_add_printf(out, " tls:%s", l->name);
}

void
listener_set_accepting(int on)
{
	struct listener	*l;

	if (accepting == on)
		return;
	accepting = on;
	TAILQ_FOREACH(l, &listeners, entry) {
		log_debug("listener addr=%s event=%s", l->name, on ? "resume" :
		    "pause-limit");
		if (on && !evtimer_pending(l->resume, NULL))
			evconnlistener_enable(l->evl);
		else if (!on)
			evconnlistener_disable(l->evl);
	}
}

void
listener_free_all(void)
{
	struct listener	*l;

	while ((l = TAILQ_FIRST(&listeners)) != NULL) {
		TAILQ_REMOVE(&listeners, l, entry);
		event_free(l->resume);
		evconnlistener_free(l->evl);
		free(l);
	}
}
