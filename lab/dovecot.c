/* dovecot.c: run Debian's Dovecot as the target, with a configuration of
 * our own in a temporary folder, so that a scenario can show what a real,
 * RFC-conforming IMAP server does to the client's ports. */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cdefs.h"
#include "dovecot.h"
#include "ready.h"
#include "run.h"
#include "textfile.h"

#define DOVECOT_BIN		"dovecot"
#define DOVECOT_READY_MS	20000
#define NOBODY			65534
#define WARM_MAX		64	/* process_min_avail at most */

/* Unix socket paths must stay under 108 bytes: the runtime files live in a
 * short temporary folder, not in the results folder. */
static char	tmpdir[64];

/*
 * Dovecot's configuration.  Every path in it is absolute: Dovecot's
 * processes do not run in the lab's working directory, so a relative
 * log_path (under the default --results results) could not be opened, and
 * the log process's failing restarts slowed every session.
 *
 * Tuned for throughput as Dovecot 2.3's documentation describes it, so that
 * a scenario's verdict does not hang on how fast the machine forks:
 * LoginProcess.txt's "high-performance mode" (long-running imap-login
 * processes that each serve many connections: service_count = 0, with
 * process_min_avail at least the number of CPU cores and vsz_limit raised)
 * and PerformanceTuning.txt's "reduce forks by reusing existing processes"
 * for imap (service_count raised from 1; warm ones kept by
 * process_min_avail).  Every user is uid NOBODY, so a reused imap process
 * never needs another uid.  The auth service's client_limit covers what
 * doveconf counts for a reused imap service (its process_limit plus the
 * login services'), so Dovecot logs no warning about it.
 */
static const char *const conf_fmt =
    "protocols = imap\n"
    "listen = %s\n"
    "base_dir = %s/run\n"
    "state_dir = %s/state\n"
    "log_path = %s/server.log\n"
    "ssl = no\n"
    "disable_plaintext_auth = no\n"
    "auth_mechanisms = plain\n"
    "mail_location = maildir:%s/mail/%%u\n"
    "first_valid_uid = 1\n"
    "mail_max_userip_connections = 100000\n"
    "passdb {\n  driver = passwd-file\n"
    "  args = scheme=PLAIN username_format=%%u %s/users\n}\n"
    "userdb {\n  driver = static\n"
    "  args = uid=%d gid=%d home=%s/home/%%u\n}\n"
    "service imap-login {\n  inet_listener imap {\n    port = %u\n  }\n"
    "  inet_listener imaps {\n    port = 0\n  }\n"
    "  service_count = 0\n"
    "  client_limit = 1000\n"
    "  process_min_avail = %ld\n"
    "  vsz_limit = 1G\n}\n"
    "service imap {\n"
    "  service_count = 1000\n"
    "  process_min_avail = %ld\n}\n"
    "service auth {\n  client_limit = 4096\n}\n";

/* Warm processes: the number of CPUs online, as the documentation says. */
static long
warm_processes(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > WARM_MAX ? WARM_MAX : n;
}

static int
make_dirs(char *err, size_t errsz)
{
	static const char *const subs[] = { "run", "state", "mail", "home" };
	char	path[128];
	size_t	i;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ephemera-dovecot-XXXXXX");
	if (mkdtemp(tmpdir) == NULL || chmod(tmpdir, 0755) == -1) {
		snprintf(err, errsz, "mkdtemp %s: %s", tmpdir, strerror(errno));
		tmpdir[0] = '\0';
		return -1;
	}
	for (i = 0; i < nitems(subs); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, subs[i]);
		/* mail and home are written by imap processes running as
		 * nobody; the configuration says so. */
		if (mkdir(path, 0755) == -1 || (i >= 2 && chmod(path, 0777) == -1)) {
			snprintf(err, errsz, "mkdir %s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The configuration, in the temporary folder where Dovecot reads it and,
 * for the record, as dir/dovecot.conf. */
static int
write_config(const struct scenario *sc, const char *dir, char *err,
    size_t errsz)
{
	struct endpoint	 ep;
	char		 path[LAB_PATH_MAX], addr[64], absdir[PATH_MAX], *colon;
	char		 conf[2048 + PATH_MAX];

	/* The lab's results root may be relative (--results results). */
	if (realpath(dir, absdir) == NULL) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	endpoint_parse(sc->listen[0], 0, &ep);
	snprintf(addr, sizeof(addr), "%s", sc->listen[0]);
	if ((colon = strrchr(addr, ':')) != NULL)
		*colon = '\0';
	snprintf(path, sizeof(path), "%s/users", tmpdir);
	if (text_write(path, "user:{PLAIN}password\n", err, errsz) == -1)
		return -1;
	if ((size_t)snprintf(conf, sizeof(conf), conf_fmt, addr, tmpdir,
	    tmpdir, absdir, tmpdir, tmpdir, NOBODY, NOBODY, tmpdir,
	    endpoint_port(&ep), warm_processes(), warm_processes()) >=
	    sizeof(conf)) {
		snprintf(err, errsz, "dovecot configuration too long");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/dovecot.conf", tmpdir);
	if (text_write(path, conf, err, errsz) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/dovecot.conf", dir);
	return text_write(path, conf, err, errsz);
}

int
dovecot_start(const struct scenario *sc, const char *dir, struct proc *p,
    char *err, size_t errsz)
{
	char	 conf[128], out[LAB_PATH_MAX], log[LAB_PATH_MAX];
	char	*argv[] = { DOVECOT_BIN, "-F", "-c", conf, NULL };
	char	 why[256];

	if (make_dirs(err, errsz) == -1 ||
	    write_config(sc, dir, err, errsz) == -1)
		return -1;
	snprintf(conf, sizeof(conf), "%s/dovecot.conf", tmpdir);
	snprintf(out, sizeof(out), "%s/server.out", dir);
	snprintf(log, sizeof(log), "%s/server.err", dir);
	if (proc_start_in(p, "dovecot", argv, NULL, out, log, -1, err,
	    errsz) == -1)
		return -1;
	/* Dovecot has no readiness pipe: its greeting says it is up. */
	if (ready_wait_greeting(sc->listen[0], p, DOVECOT_READY_MS, why,
	    sizeof(why)) == -1) {
		snprintf(err, errsz, "%s (see %s/server.log; is dovecot-imapd "
		    "installed?)", why, dir);
		return -1;
	}
	return 0;
}

static int
remove_entry(const char *path, const struct stat *st UNUSED, int flag UNUSED,
    struct FTW *ftw UNUSED)
{
	return remove(path);
}

void
dovecot_cleanup(void)
{
	if (tmpdir[0] == '\0')
		return;
	/* Depth first, never following links: only what we made. */
	if (nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == -1)
		fprintf(stderr, "ephemera: could not remove %s: %s\n", tmpdir,
		    strerror(errno));
	tmpdir[0] = '\0';
}
