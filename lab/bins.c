/* bins.c: where fake-imapd and loadgen are. */
#include <libgen.h>
#include <stdio.h>
#include <unistd.h>

#include "bins.h"
#include "log.h"

/* The folder ephemera runs from. */
static void
self_dir(char *dir, size_t dirsz)
{
	char	self[PATH_MAX];
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		fatal("readlink /proc/self/exe");
	self[n] = '\0';
	snprintf(dir, dirsz, "%s", dirname(self));
}

/* A program beside ephemera: in the build tree, <build>/lab/ephemera
 * beside <build>/<sub>/<name>, or installed, all in one bin folder. */
static void
beside_self(const char *sub, const char *name, char *path, size_t pathsz)
{
	char	dir[PATH_MAX];

	self_dir(dir, sizeof(dir));
	snprintf(path, pathsz, "%s/../%s/%s", dir, sub, name);
	if (access(path, X_OK) != 0)
		snprintf(path, pathsz, "%s/%s", dir, name);
}

void
lab_bins_find(const char *bindir, struct lab_bins *b)
{
	char	self[LAB_PATH_MAX];

	if (bindir != NULL) {
		snprintf(b->fake_imapd, sizeof(b->fake_imapd), "%s/fake-imapd",
		    bindir);
		snprintf(b->loadgen, sizeof(b->loadgen), "%s/loadgen",
		    bindir);
		/* A folder of the server's own (a CI job's build of it):
		 * loadgen is then ephemera's. */
		if (access(b->loadgen, X_OK) != 0)
			beside_self("loadgen", "loadgen", b->loadgen,
			    sizeof(b->loadgen));
	} else {
		beside_self("fake-imapd", "fake-imapd", b->fake_imapd,
		    sizeof(b->fake_imapd));
		beside_self("loadgen", "loadgen", b->loadgen,
		    sizeof(b->loadgen));
	}
	snprintf(self, sizeof(self), "%s", b->fake_imapd);
	snprintf(b->bindir, sizeof(b->bindir), "%s", dirname(self));
}
