/* sock.c: socket options shared by the programs. */
#include <sys/socket.h>

#include "sock.h"

int
sock_reset_on_close(int fd)
{
	struct linger	lg = { .l_onoff = 1, .l_linger = 0 };

	return setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}
