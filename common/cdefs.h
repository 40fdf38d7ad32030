/* cdefs.h: compiler attributes and the few macros used across the
 * project. */
#ifndef EPHEMERA_CDEFS_H
#define EPHEMERA_CDEFS_H

/* printf-style checking of a format argument and its values. */
#define PRINTF_LIKE(f, a)	__attribute__((format(printf, f, a)))
/* A parameter a callback signature imposes but this callback ignores. */
#define UNUSED			__attribute__((unused))
/* The number of elements of an array (not of a pointer), as BSD's
 * <sys/param.h> names it. */
#define nitems(a)		(sizeof(a) / sizeof((a)[0]))

#endif
