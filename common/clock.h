/* clock.h: CLOCK_MONOTONIC in microseconds, for deadlines and elapsed
 * times that wall-clock steps must not move. */
#ifndef EPHEMERA_CLOCK_H
#define EPHEMERA_CLOCK_H

#include <stdint.h>

uint64_t	mono_us(void);

#endif
