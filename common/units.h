/* units.h: parse the numbers people type: 500ms, 2s, 2k, 20000-20099.
 * Each returns NULL on success or a phrase saying what was expected,
 * for the caller to print after the option name or file:line. */
#ifndef EPHEMERA_UNITS_H
#define EPHEMERA_UNITS_H

#include <stdint.h>

/* A duration: a number (may have a fraction) with an optional unit
 * us, ms, s, m or h; a bare number is seconds.  Result in microseconds. */
const char	*parse_duration_us(const char *s, uint64_t *us);

/* A count: a whole number with an optional k (1000) or M (10^6) suffix,
 * at most `max`. */
const char	*parse_count(const char *s, uint64_t max, uint64_t *out);

/* A rate or other positive real: a number with an optional k or M suffix. */
const char	*parse_rate(const char *s, double *out);

/* A port range "LO-HI", 1 <= LO <= HI <= 65535. */
const char	*parse_port_range(const char *s, unsigned *lo, unsigned *hi);

/* Format a duration in microseconds as the shortest exact form ("1500ms"). */
void		 format_duration(uint64_t us, char *buf, unsigned bufsz);

#endif
