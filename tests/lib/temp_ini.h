/* temp_ini.h: scenario text into a fresh temporary .ini file, for tests. */
#ifndef EPHEMERA_TEMP_INI_H
#define EPHEMERA_TEMP_INI_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

/* Write `text` to a new /tmp/ephemera-test-XXXXXX.ini; its name in path.
 * The caller unlinks it. */
static inline void
temp_ini(char *path, size_t pathsz, const char *text)
{
	int	fd;

	snprintf(path, pathsz, "/tmp/ephemera-test-XXXXXX.ini");
	fd = mkstemps(path, 4);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

#endif
