/* command.h: any IMAP server as a scenario's server, by its command line. */
#ifndef EPHEMERA_COMMAND_H
#define EPHEMERA_COMMAND_H

#include <stddef.h>

#include "scenario.h"
#include "spawn.h"

/*
 * Start [server] command, its placeholders replaced ({addr} and {port}
 * from listen, {dir} the results folder, {bindir} where fake-imapd was
 * found), in the current (private) namespace, output to dir/server.out
 * and dir/server.log; wait, bounded, for its IMAP greeting on listen.
 * The command line as run goes to `shown`.  On error returns -1 with a
 * message in err.
 */
int	command_start(const struct scenario *sc, const char *dir,
	    const char *bindir, struct proc *p, char *shown, size_t shownsz,
	    char *err, size_t errsz);

#endif
