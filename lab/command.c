/* command.c: a server the lab knows only by its command line: started
 * like the others, ready when it greets, stopped with its whole process
 * group.  It writes no server.csv; the report says so. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cmdline.h"
#include "command.h"
#include "ready.h"
#include "run.h"

#define COMMAND_READY_MS	10000

/* "127.0.0.1:1143" -> "127.0.0.1" and "1143"; "[::1]:1143" -> "::1". */
static void
split_listen(const char *listen, char *addr, size_t addrsz, char *port,
    size_t portsz)
{
	const char	*colon = strrchr(listen, ':');
	size_t		 len = (size_t)(colon - listen);

	if (listen[0] == '[') {
		listen++;
		len -= 2;
	}
	snprintf(addr, addrsz, "%.*s", (int)len, listen);
	snprintf(port, portsz, "%s", colon + 1);
}

/* The words joined for env.txt, a word with spaces in double quotes. */
static void
join(char *const words[], char *buf, size_t bufsz)
{
	size_t	n = 0;
	int	i;

	buf[0] = '\0';
	for (i = 0; words[i] != NULL && n < bufsz; i++)
		n += (size_t)snprintf(buf + n, bufsz - n,
		    strpbrk(words[i], " \t") != NULL ? "%s\"%s\"" : "%s%s",
		    i > 0 ? " " : "", words[i]);
}

int
command_start(const struct scenario *sc, const char *dir, const char *bindir,
    struct proc *p, char *shown, size_t shownsz, char *err, size_t errsz)
{
	struct cmdline_vals	 v;
	char			 addr[ENDPOINT_STRLEN], port[8];
	char			 buf[SCENARIO_COMMAND_MAX + 4 * LAB_PATH_MAX];
	char			*words[CMDLINE_MAX_WORDS + 1];
	char			 out[LAB_PATH_MAX], log[LAB_PATH_MAX], why[256];
	char			 absdir[PATH_MAX], absbin[PATH_MAX];
	const char		*bad;

	/* {dir} and {bindir} are absolute even when --results or --bindir
	 * are not: the server may change its working directory, or hand the
	 * path on.  A --bindir that does not exist stays as given; only a
	 * command that uses it can fail, and says so. */
	if (realpath(dir, absdir) == NULL) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (realpath(bindir, absbin) == NULL)
		snprintf(absbin, sizeof(absbin), "%s", bindir);
	split_listen(sc->listen[0], addr, sizeof(addr), port, sizeof(port));
	v.addr = addr;
	v.port = port;
	v.dir = absdir;
	v.bindir = absbin;
	if (cmdline_split(sc->command, &v, buf, sizeof(buf), words,
	    CMDLINE_MAX_WORDS, &bad) == -1) {
		snprintf(err, errsz, "[server] command: %s", bad);
		return -1;
	}
	join(words, shown, shownsz);
	snprintf(out, sizeof(out), "%s/server.out", dir);
	snprintf(log, sizeof(log), "%s/server.log", dir);
	if (proc_start(p, "server command", words, out, log, -1, err,
	    errsz) == -1)
		return -1;
	if (ready_wait_greeting(sc->listen[0], p, COMMAND_READY_MS, why,
	    sizeof(why)) == -1) {
		snprintf(err, errsz, "[server] command: %s (see %s)", why, log);
		return -1;
	}
	return 0;
}
