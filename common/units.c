/* units.c: strict number parsing with unit suffixes; no silent garbage. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdefs.h"
#include "units.h"

/* A finite, non-negative decimal number at the start of s; *end is set. */
static int
leading_number(const char *s, double *v, char **end)
{
	size_t	digits = strspn(s, "0123456789.");

	/* Plain decimals only: strtod would also take hex, inf, nan, 1e3. */
	if (digits == 0 || strchr(s, '.') != strrchr(s, '.'))
		return -1;
	errno = 0;
	*v = strtod(s, end);
	if (*end != s + digits || errno != 0 || !isfinite(*v))
		return -1;
	return 0;
}

/*
 * A decimal times its unit, as a whole number.  Binary floating point
 * cannot hold most decimals exactly, so 0.0157 s is 15699.999999999998 us:
 * a product within its own rounding error (two ulps: one from the decimal,
 * one from the product) of a whole number is that number.  A real
 * fraction (1.5us) is still refused.
 */
static int
whole_number(double r, double *out)
{
	double	n = round(r);

	if (fabs(r - n) > 2 * DBL_EPSILON * fmax(1.0, fabs(r)))
		return -1;
	*out = n;
	return 0;
}

const char *
parse_duration_us(const char *s, uint64_t *us)
{
	static const struct {
		const char	*suffix;
		double		 scale;
	} units[] = {
		{ "us", 1 }, { "ms", 1e3 }, { "s", 1e6 }, { "", 1e6 },
		{ "m", 60e6 }, { "h", 3600e6 },
	};
	const char	*expected = "a duration such as 500ms, 2s or 1m";
	char		*end;
	double		 v, r;
	size_t		 i;

	if (leading_number(s, &v, &end) == -1)
		return expected;
	for (i = 0; i < nitems(units); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (whole_number(v * units[i].scale, &r) == -1 || r > 1e15)
			return expected;
		*us = (uint64_t)r;
		return NULL;
	}
	return expected;
}

/* k and M multiply; nothing else may follow the number. */
static int
apply_suffix(const char *end, double *v)
{
	if (strcmp(end, "k") == 0 || strcmp(end, "K") == 0)
		*v *= 1e3;
	else if (strcmp(end, "M") == 0)
		*v *= 1e6;
	else if (*end != '\0')
		return -1;
	return 0;
}

const char *
parse_count(const char *s, uint64_t max, uint64_t *out)
{
	static char	 expected[80];
	char		*end;
	double		 v;

	snprintf(expected, sizeof(expected),
	    "a whole number up to %llu, such as 100 or 2k",
	    (unsigned long long)max);
	if (leading_number(s, &v, &end) == -1 || apply_suffix(end, &v) == -1 ||
	    whole_number(v, &v) == -1)
		return expected;
	/* (double)UINT64_MAX rounds up to 2^64, which fits no uint64_t. */
	if (v < 0 || v >= 18446744073709551616.0 ||
	    v > (double)max)
		return expected;
	*out = (uint64_t)v;
	return NULL;
}

const char *
parse_rate(const char *s, double *out)
{
	const char	*expected = "a positive number up to 1000M, such as 200, 12.5 or 2k";
	char		*end;
	double		 v;

	if (leading_number(s, &v, &end) == -1 || apply_suffix(end, &v) == -1)
		return expected;
	if (v <= 0 || v > 1e9)
		return expected;
	*out = v;
	return NULL;
}

static int
parse_port(const char *s, const char **end, unsigned *port)
{
	unsigned long	v = 0;
	const char	*p = s;

	while (*p >= '0' && *p <= '9' && p - s < 6)
		v = v * 10 + (unsigned long)(*p++ - '0');
	if (p == s || v < 1 || v > 65535)
		return -1;
	*port = (unsigned)v;
	*end = p;
	return 0;
}

const char *
parse_port_range(const char *s, unsigned *lo, unsigned *hi)
{
	const char	*expected = "a port range LO-HI with 1 <= LO <= HI <= 65535";
	const char	*p;

	if (parse_port(s, &p, lo) == -1 || *p != '-')
		return expected;
	if (parse_port(p + 1, &p, hi) == -1 || *p != '\0' || *lo > *hi)
		return expected;
	return NULL;
}

void
format_duration(uint64_t us, char *buf, unsigned bufsz)
{
	if (us % 3600000000ULL == 0 && us >= 3600000000ULL)
		snprintf(buf, bufsz, "%lluh", (unsigned long long)(us / 3600000000ULL));
	else if (us % 1000000 == 0)
		snprintf(buf, bufsz, "%llus", (unsigned long long)(us / 1000000));
	else if (us % 1000 == 0)
		snprintf(buf, bufsz, "%llums", (unsigned long long)(us / 1000));
	else
		snprintf(buf, bufsz, "%lluus", (unsigned long long)us);
}
