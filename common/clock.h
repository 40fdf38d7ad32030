/* clock.h: CLOCK_MONOTONIC in microseconds, for deadlines and elapsed
 * times that wall-clock steps must not move, and microseconds as the
 * struct timeval that libevent's timers take. */
#ifndef EPHEMERA_CLOCK_H
#define EPHEMERA_CLOCK_H

#include <sys/time.h>

#include <stdint.h>

uint64_t	mono_us(void);
struct timeval	us_to_timeval(uint64_t us);

#endif
