/* threshold.c: gates on measured figures. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "threshold.h"
#include "words.h"

/* Longest first, so "<=" is not read as "<" then "=...". */
static const struct {
	const char		*word;
	enum threshold_op	 op;
} ops[] = {
	{ "<=", TH_LE }, { ">=", TH_GE }, { "==", TH_EQ }, { "!=", TH_NE },
	{ "<", TH_LT }, { ">", TH_GT },
};

static const char *
skip_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

const char *
threshold_parse(const char *expr, struct threshold *t)
{
	const char	*p = skip_space(expr), *start = p;
	char		*end;
	size_t		 i, len;

	memset(t, 0, sizeof(*t));
	while (islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
	    *p == '_')
		p++;
	if ((len = (size_t)(p - start)) == 0)
		return "NAME OP NUMBER, a column name first (failed==0)";
	if (len >= sizeof(t->name))
		return "a column name of at most 63 characters";
	memcpy(t->name, start, len);
	p = skip_space(p);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strncmp(p, ops[i].word, strlen(ops[i].word)) == 0)
			break;
	if (i == sizeof(ops) / sizeof(ops[0]))
		return *p == '=' ? "== after the name (= alone is not an "
		    "operator)" : "an operator after the name: <, <=, >, >=, "
		    "== or !=";
	t->op = ops[i].op;
	p = skip_space(p + strlen(ops[i].word));
	errno = 0;
	t->value = strtod(p, &end);
	if (end == p || errno != 0 || !isfinite(t->value))
		return "a number after the operator";
	if (*skip_space(end) != '\0')
		return "nothing after the number";
	snprintf(t->text, sizeof(t->text), "%s%s%.*s", t->name, ops[i].word,
	    (int)(end - p), p);
	return NULL;
}

int
threshold_known(const struct threshold *t, const char *const *names,
    size_t n, char *err, size_t errsz)
{
	char	near[256];

	if (word_index(names, n, t->name) != -1)
		return 0;
	word_nearest(t->name, names, n, near, sizeof(near));
	if (near[0] != '\0')
		snprintf(err, errsz, "unknown column '%s' (nearest: %s)",
		    t->name, near);
	else
		snprintf(err, errsz, "unknown column '%s'", t->name);
	return -1;
}

enum threshold_result
threshold_eval(const struct threshold *t, const char *field, double *v)
{
	char	*end;
	int	 met = 0;

	errno = 0;
	*v = strtod(field, &end);
	if (end == field || *end != '\0' || errno != 0 || !isfinite(*v))
		return TH_NO_VALUE;
	switch (t->op) {
	case TH_LT: met = *v < t->value; break;
	case TH_LE: met = *v <= t->value; break;
	case TH_GT: met = *v > t->value; break;
	case TH_GE: met = *v >= t->value; break;
	case TH_EQ: met = *v == t->value; break;
	case TH_NE: met = *v != t->value; break;
	}
	return met ? TH_MET : TH_BREACHED;
}

const char *
threshold_result_name(enum threshold_result r)
{
	static const char *const names[] = { "met", "BREACHED",
	    "BREACHED (no value)" };

	return names[r];
}
