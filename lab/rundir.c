/* rundir.c: the folders a run's results go to. */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "rundir.h"

int
rundir_mkdir_p(const char *path)
{
	char	buf[PATH_MAX], *p;

	if ((size_t)snprintf(buf, sizeof(buf), "%s", path) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return (mkdir(buf, 0755) == -1 && errno != EEXIST) ? -1 : 0;
}

/* <parent>/<stamp>, or -2, -3, ... when runs start within one second. */
static int
make_stamped(const char *parent, char *dir, size_t dirsz)
{
	char	stamp[32];
	time_t	now = time(NULL);
	int	i;

	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
	for (i = 1; i < 100; i++) {
		if ((size_t)snprintf(dir, dirsz, i == 1 ? "%s/%s" : "%s/%s-%d",
		    parent, stamp, i) >= dirsz) {
			log_warnx("%s: path too long", parent);
			return -1;
		}
		if (mkdir(dir, 0755) == 0)
			return 0;
		if (errno != EEXIST) {
			log_warn("%s", dir);
			return -1;
		}
	}
	log_warnx("%s: too many runs this second", parent);
	return -1;
}

int
rundir_make(const char *root, const char *name, char *shown, size_t shownsz,
    char *dir, size_t dirsz)
{
	char	parent[PATH_MAX], link[PATH_MAX + 16], abs[PATH_MAX];

	if ((size_t)snprintf(parent, sizeof(parent), "%s/%s", root, name) >=
	    sizeof(parent)) {
		log_warnx("%s: path too long", root);
		return -1;
	}
	if (rundir_mkdir_p(parent) == -1) {
		log_warn("%s", parent);
		return -1;
	}
	if (make_stamped(parent, shown, shownsz) == -1)
		return -1;
	snprintf(link, sizeof(link), "%s/latest", parent);
	unlink(link);
	if (symlink(strrchr(shown, '/') + 1, link) == -1)
		log_warn("%s", link);
	if (realpath(shown, abs) == NULL) {
		log_warn("%s", shown);
		return -1;
	}
	if ((size_t)snprintf(dir, dirsz, "%s", abs) >= dirsz) {
		log_warnx("%s: path too long", abs);
		return -1;
	}
	return 0;
}

int
rundir_copy_file(const char *from, const char *to)
{
	char	 buf[8192];
	size_t	 n;
	FILE	*in, *out;
	int	 rc = 0;

	if ((in = fopen(from, "r")) == NULL)
		return -1;
	if ((out = fopen(to, "w")) == NULL) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (ferror(in))
		rc = -1;
	fclose(in);
	if (fclose(out) != 0)
		rc = -1;
	return rc;
}
