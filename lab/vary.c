/* vary.c: --vary lists and ranges, checked by the scenario's own key
 * parsers, and the grid of their product. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vary.h"

/* A range's steps are exact to this fraction of a step: 0.1..0.3/0.1 is
 * three values, though 0.1 + 2 x 0.1 is not 0.3 in binary. */
#define STEP_SLACK	1e-9

/* A number and the unit after it ("60s": 60, "s"); -1 if none. */
static int
split_number(const char *s, double *num, char *unit, size_t unitsz)
{
	char	*end;
	size_t	 i;

	*num = strtod(s, &end);
	if (end == s || !isfinite(*num) || strlen(end) >= unitsz)
		return -1;
	for (i = 0; end[i] != '\0'; i++)
		if (!isalpha((unsigned char)end[i]))
			return -1;
	snprintf(unit, unitsz, "%s", end);
	return 0;
}

static int
add_value(struct vary *v, const char *value, char *err, size_t errsz)
{
	int	i;

	if (v->nvalues == VARY_MAX_VALUES) {
		snprintf(err, errsz, "at most %d values", VARY_MAX_VALUES);
		return -1;
	}
	if (value[0] == '\0' || strlen(value) >= VARY_VALUE_MAX) {
		snprintf(err, errsz, "a value of 1 to %d characters, got '%s'",
		    VARY_VALUE_MAX - 1, value);
		return -1;
	}
	for (i = 0; i < v->nvalues; i++)
		if (strcmp(v->values[i], value) == 0) {
			snprintf(err, errsz, "each value once, got '%s' twice",
			    value);
			return -1;
		}
	snprintf(v->values[v->nvalues++], VARY_VALUE_MAX, "%s", value);
	return 0;
}

int
vary_range(const char *spec, struct vary *v, char *err, size_t errsz)
{
	const char	*expected = "LO..HI/STEP, such as 60s..240s/60s";
	char		 lo_s[VARY_VALUE_MAX], *dots, *slash;
	char		 ulo[16], uhi[16], ustep[16], value[VARY_VALUE_MAX];
	double		 lo, hi, step, n;
	long		 i;

	if (strlen(spec) >= sizeof(lo_s)) {
		snprintf(err, errsz, "%s, got '%s'", expected, spec);
		return -1;
	}
	snprintf(lo_s, sizeof(lo_s), "%s", spec);
	if ((dots = strstr(lo_s, "..")) == NULL ||
	    (slash = strchr(dots, '/')) == NULL) {
		snprintf(err, errsz, "%s, got '%s'", expected, spec);
		return -1;
	}
	*dots = *slash = '\0';
	if (split_number(lo_s, &lo, ulo, sizeof(ulo)) == -1 ||
	    split_number(dots + 2, &hi, uhi, sizeof(uhi)) == -1 ||
	    split_number(slash + 1, &step, ustep, sizeof(ustep)) == -1) {
		snprintf(err, errsz, "%s, got '%s'", expected, spec);
		return -1;
	}
	if (strcmp(ulo, uhi) != 0 || (ustep[0] && strcmp(ustep, ulo) != 0)) {
		snprintf(err, errsz, "one unit on LO, HI and STEP, got '%s'",
		    spec);
		return -1;
	}
	if (step <= 0 || hi < lo) {
		snprintf(err, errsz, "LO <= HI and STEP > 0, got '%s'", spec);
		return -1;
	}
	n = floor((hi - lo) / step + STEP_SLACK) + 1;
	if (n > VARY_MAX_VALUES) {
		snprintf(err, errsz, "at most %d values, got %.0f from '%s'",
		    VARY_MAX_VALUES, n, spec);
		return -1;
	}
	for (i = 0; i < (long)n; i++) {
		snprintf(value, sizeof(value), "%.10g%s", lo + (double)i * step,
		    ulo);
		if (add_value(v, value, err, errsz) == -1)
			return -1;
	}
	return 0;
}

static int
split_list(const char *list, struct vary *v, char *err, size_t errsz)
{
	char	 copy[VARY_MAX_VALUES * VARY_VALUE_MAX], *p, *tok;

	if (strlen(list) >= sizeof(copy)) {
		snprintf(err, errsz, "a shorter list");
		return -1;
	}
	snprintf(copy, sizeof(copy), "%s", list);
	/* Values that hold commas themselves (steps, thresholds) are
	 * listed with ';' between them instead. */
	for (p = copy; (tok = strsep(&p, strchr(list, ';') != NULL ? ";" :
	    ",")) != NULL; )
		if (add_value(v, tok, err, errsz) == -1)
			return -1;
	return 0;
}

int
vary_parse(const char *arg, struct vary *v, char *err, size_t errsz)
{
	const char	*eq = strchr(arg, '='), *why;
	char		 key[64], e[256];
	int		 i;

	memset(v, 0, sizeof(*v));
	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof(key)) {
		snprintf(err, errsz, "--vary: expected KEY=V1,V2,..., "
		    "KEY=V1;V2;... or KEY=LO..HI/STEP, got '%s'", arg);
		return -1;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - arg), arg);
	if ((v->key = scenario_key_find(key, e, sizeof(e))) == -1) {
		snprintf(err, errsz, "--vary: %s", e);
		return -1;
	}
	scenario_key_name(v->key, v->name, sizeof(v->name));
	if ((strstr(eq + 1, "..") != NULL ? vary_range(eq + 1, v, e,
	    sizeof(e)) : split_list(eq + 1, v, e, sizeof(e))) == -1) {
		snprintf(err, errsz, "--vary %s: expected %s", v->name, e);
		return -1;
	}
	for (i = 0; i < v->nvalues; i++)
		if ((why = scenario_key_check(v->key, v->values[i])) != NULL) {
			snprintf(err, errsz, "--vary %s=%s: expected %s",
			    v->name, v->values[i], why);
			return -1;
		}
	return 0;
}

int
vary_points(const struct vary *vs, int n)
{
	int	i, points = 1;

	for (i = 0; i < n; i++)
		points *= vs[i].nvalues;
	return points;
}

void
vary_point(const struct vary *vs, int n, int p, struct scenario_set *set)
{
	int	i;

	/* The last key changes fastest. */
	for (i = n - 1; i >= 0; i--) {
		set[i].key = vs[i].key;
		snprintf(set[i].value, sizeof(set[i].value), "%s",
		    vs[i].values[p % vs[i].nvalues]);
		p /= vs[i].nvalues;
	}
}
