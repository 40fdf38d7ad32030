/* sock.h: socket options all three programs set the same way. */
#ifndef EPHEMERA_SOCK_H
#define EPHEMERA_SOCK_H

/* SO_LINGER {1, 0}: the next close(2) sends RST instead of FIN, so neither
 * side keeps TIME_WAIT.  A deliberate mode (--close rst, --logout-close
 * reset, readiness probes), never an accident.  -1 with errno on failure. */
int	sock_reset_on_close(int fd);

#endif
