/* clock.c: the one monotonic clock of the three programs. */
#include <time.h>

#include "clock.h"
#include "log.h"

uint64_t
mono_us(void)
{
	struct timespec	ts;

	/* Only EINVAL (an unknown clock) can fail it, and Linux has this one. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

struct timeval
us_to_timeval(uint64_t us)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	return tv;
}
