/* dovecot.h: a real Dovecot as a scenario's server, instead of fake-imapd. */
#ifndef EPHEMERA_DOVECOT_H
#define EPHEMERA_DOVECOT_H

#include <stddef.h>

#include "scenario.h"
#include "spawn.h"

/*
 * Write a throwaway configuration (plain IMAP on the scenario's listen
 * address, one user "user" with password "password", mail in a temporary
 * folder) and start `dovecot -F` in the current (private) namespace.
 * Waits, bounded, until it accepts connections.  Its log goes to
 * dir/server.log (dir made absolute first: Dovecot is given no relative
 * path), and the configuration is kept as dir/dovecot.conf.  On error
 * returns -1 with a message in err.
 */
int	dovecot_start(const struct scenario *sc, const char *dir,
	    struct proc *p, char *err, size_t errsz);

/* Remove the temporary folder dovecot_start() made. */
void	dovecot_cleanup(void);

#endif
