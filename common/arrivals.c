/* arrivals.c: arrival i is due when the integral of the rate reaches x_i:
 * x_i = i for evenly spaced arrivals, a sum of i+1 exponential(1) gaps for
 * Poisson ones (a non-homogeneous Poisson process by time change). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrivals.h"
#include "rng.h"
#include "units.h"

#define EXPECTED	"a schedule such as 200, const:200, poisson:200, " \
			"ramp:50-2000/60s or steps:100/10s,200/10s"

void
arrival_const(struct arrival_spec *sp, double rate)
{
	memset(sp, 0, sizeof(*sp));
	sp->shape = SHAPE_CONST;
	sp->rate = rate;
}

/* Copy s[0..len) into buf as a string: the parsers want one. */
static int
part(const char *s, size_t len, char *buf, size_t bufsz)
{
	if (len == 0 || len >= bufsz)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

/* A rate that may be 0 (ramp start, a pause step). */
static int
rate_or_zero(const char *s, size_t len, double *out)
{
	char	buf[64];

	if (part(s, len, buf, sizeof(buf)) == -1)
		return -1;
	if (strcmp(buf, "0") == 0) {
		*out = 0;
		return 0;
	}
	return parse_rate(buf, out) == NULL ? 0 : -1;
}

static int
duration_part(const char *s, size_t len, uint64_t *us)
{
	char	buf[64];

	if (part(s, len, buf, sizeof(buf)) == -1)
		return -1;
	return parse_duration_us(buf, us) == NULL && *us >= 1000 ? 0 : -1;
}

/* FROM-TO/DURATION */
static const char *
parse_ramp(const char *s, struct arrival_spec *sp)
{
	const char	*dash = strchr(s, '-'), *slash = strchr(s, '/');

	if (dash == NULL || slash == NULL || slash < dash ||
	    rate_or_zero(s, (size_t)(dash - s), &sp->from) == -1 ||
	    rate_or_zero(dash + 1, (size_t)(slash - dash - 1), &sp->to) == -1 ||
	    duration_part(slash + 1, strlen(slash + 1), &sp->ramp_us) == -1)
		return "ramp:FROM-TO/DURATION such as ramp:50-2000/60s";
	if (sp->to <= 0)
		return "a ramp ending at a rate above 0";
	sp->shape = SHAPE_RAMP;
	return NULL;
}

/* RATE/DURATION[,RATE/DURATION...] */
static const char *
parse_steps(const char *s, struct arrival_spec *sp)
{
	const char	*expected = "steps:RATE/DURATION,... such as "
			    "steps:100/10s,200/10s";
	const char	*p = s, *comma, *slash;
	int		 k = 0;

	for (;;) {
		if (k == ARRIVAL_STEPS_MAX)
			return "at most 64 steps";
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		slash = memchr(p, '/', (size_t)(comma - p));
		if (slash == NULL ||
		    rate_or_zero(p, (size_t)(slash - p), &sp->step_rate[k]) ==
		    -1 || duration_part(slash + 1, (size_t)(comma - slash - 1),
		    &sp->step_us[k]) == -1)
			return expected;
		k++;
		if (*comma == '\0')
			break;
		p = comma + 1;
	}
	if (sp->step_rate[k - 1] <= 0)
		return "a last step with a rate above 0";
	sp->nsteps = k;
	sp->shape = SHAPE_STEPS;
	return NULL;
}

static const char *
parse_shape(const char *s, struct arrival_spec *sp)
{
	if (strncmp(s, "const:", 6) == 0) {
		sp->shape = SHAPE_CONST;
		return parse_rate(s + 6, &sp->rate) == NULL ? NULL : EXPECTED;
	}
	if (strncmp(s, "ramp:", 5) == 0)
		return parse_ramp(s + 5, sp);
	if (strncmp(s, "steps:", 6) == 0)
		return parse_steps(s + 6, sp);
	sp->shape = SHAPE_CONST;
	return parse_rate(s, &sp->rate) == NULL ? NULL : EXPECTED;
}

const char *
arrival_parse(const char *s, struct arrival_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	if (strncmp(s, "poisson:", 8) == 0) {
		sp->poisson = 1;
		s += 8;
	}
	return parse_shape(s, sp);
}

void
arrival_format(const struct arrival_spec *sp, char *buf, size_t sz)
{
	char	d[32];
	size_t	n;
	int	k;

	n = (size_t)snprintf(buf, sz, "%s", sp->poisson ? "poisson:" : "");
	switch (sp->shape) {
	case SHAPE_CONST:
		snprintf(buf + n, sz - n, "const:%g", sp->rate);
		break;
	case SHAPE_RAMP:
		format_duration(sp->ramp_us, d, sizeof(d));
		snprintf(buf + n, sz - n, "ramp:%g-%g/%s", sp->from, sp->to, d);
		break;
	case SHAPE_STEPS:
		n += (size_t)snprintf(buf + n, sz - n, "steps:");
		for (k = 0; k < sp->nsteps && n < sz; k++) {
			format_duration(sp->step_us[k], d, sizeof(d));
			n += (size_t)snprintf(buf + n, sz - n, "%s%g/%s",
			    k > 0 ? "," : "", sp->step_rate[k], d);
		}
		break;
	}
}

static double
ramp_expected(const struct arrival_spec *sp, double t)
{
	double	T = (double)sp->ramp_us / 1e6;

	if (t <= T)
		return sp->from * t + (sp->to - sp->from) * t * t / (2 * T);
	return (sp->from + sp->to) * T / 2 + sp->to * (t - T);
}

static double
steps_expected(const struct arrival_spec *sp, double t)
{
	double	x = 0, start = 0, len;
	int	k;

	for (k = 0; k < sp->nsteps; k++) {
		len = (double)sp->step_us[k] / 1e6;
		if (k == sp->nsteps - 1 || t < start + len)
			return x + sp->step_rate[k] * (t - start);
		x += sp->step_rate[k] * len;
		start += len;
	}
	return x;
}

void
arrival_shard(struct arrival_spec *sp, unsigned i, unsigned n)
{
	sp->shard_i = i;
	sp->shard_n = n;
}

uint64_t
arrival_shard_seed(uint64_t seed, unsigned i, unsigned n)
{
	uint64_t	state;

	if (n <= 1)
		return seed;
	state = seed ^ ((uint64_t)i << 32 | n);
	return rng_next(&state);
}

uint64_t
arrival_shard_count(uint64_t count, unsigned i, unsigned n)
{
	if (n <= 1)
		return count;
	if (count < i)
		return 0;
	return (count - i) / n + 1;
}

/* The part of the whole schedule a shard runs: 1/N. */
static double
shard_share(const struct arrival_spec *sp)
{
	return sp->shard_n > 1 ? 1.0 / sp->shard_n : 1.0;
}

double
arrival_expected(const struct arrival_spec *sp, uint64_t t_us)
{
	double	t = (double)t_us / 1e6;

	switch (sp->shape) {
	case SHAPE_RAMP:
		return ramp_expected(sp, t) * shard_share(sp);
	case SHAPE_STEPS:
		return steps_expected(sp, t) * shard_share(sp);
	default:
		return sp->rate * t * shard_share(sp);
	}
}

/* The time (s) at which the ramp's integral reaches x. */
static double
ramp_time(const struct arrival_spec *sp, double x)
{
	double	T = (double)sp->ramp_us / 1e6;
	double	xT = (sp->from + sp->to) * T / 2;
	double	a = (sp->to - sp->from) / (2 * T), b = sp->from;

	if (x >= xT)
		return T + (x - xT) / sp->to;
	if (x <= 0)
		return 0;
	if (a == 0)
		return x / b;
	/* Root of a t^2 + b t - x = 0, in the form that does not cancel. */
	return 2 * x / (b + sqrt(b * b + 4 * a * x));
}

/* The time (s) at which the steps' integral reaches x; `seg` remembers
 * the segment, since x only grows. */
static double
steps_time(const struct arrival_spec *sp, int *seg, double x)
{
	double	base = 0, start = 0, len;
	int	k;

	for (k = 0; k < sp->nsteps; k++) {
		len = (double)sp->step_us[k] / 1e6;
		if (k == sp->nsteps - 1 ||
		    (k >= *seg && x < base + sp->step_rate[k] * len)) {
			*seg = k;
			return start + (x - base) / sp->step_rate[k];
		}
		base += sp->step_rate[k] * len;
		start += len;
	}
	return start;
}

/* A due time from microseconds: past what uint64_t holds (5.8e5 years),
 * never.  A cast of a larger double would be undefined (found by
 * fuzz-parsers: const:.000000000002, arrival 37). */
static uint64_t
due_us(double us)
{
	if (!(us < 1.8e19))
		return UINT64_MAX;
	return (uint64_t)us;
}

static uint64_t
to_us(double t)
{
	return due_us(t * 1e6);
}

static void
arrivals_place(struct arrivals *a)
{
	const struct arrival_spec	*sp = a->spec;

	switch (sp->shape) {
	case SHAPE_CONST:
		/* Evenly spaced: i * 1e6 / rate, as in loadgen's first cut,
		 * computed from i, never accumulated, so it does not drift. */
		if (sp->poisson)
			a->due_us = to_us(a->x / sp->rate);
		else
			a->due_us = due_us(a->x * 1e6 / sp->rate);
		break;
	case SHAPE_RAMP:
		a->due_us = to_us(ramp_time(sp, a->x));
		break;
	case SHAPE_STEPS:
		a->due_us = to_us(steps_time(sp, &a->seg, a->x));
		break;
	}
}

/* An exponential(1) gap; u in (0, 1] so the log is finite. */
static double
exp_gap(uint64_t *state)
{
	double	u = (double)((rng_next(state) >> 11) + 1) / 9007199254740992.0;

	return -log(u);
}

/*
 * x stays in the whole schedule's expected-count space.  Evenly spaced,
 * shard I of N takes the whole run's arrivals I-1, I-1+N, ... (computed
 * from i, exact), so N shards interleave into the whole run.  Poisson, a
 * gap of N exponential(1) is a rate of 1/N: independent shards superpose
 * into one Poisson stream of the whole rate.
 */
static unsigned
shard_stride(const struct arrival_spec *sp)
{
	return sp->shard_n > 1 ? sp->shard_n : 1;
}

static double
even_x(const struct arrival_spec *sp, uint64_t i)
{
	unsigned	phase = sp->shard_n > 1 ? sp->shard_i - 1 : 0;

	return (double)(i * shard_stride(sp) + phase);
}

void
arrivals_init(struct arrivals *a, const struct arrival_spec *sp,
    uint64_t seed)
{
	memset(a, 0, sizeof(*a));
	a->spec = sp;
	a->rng = arrival_shard_seed(seed, sp->shard_i, sp->shard_n);
	a->x = sp->poisson ? shard_stride(sp) * exp_gap(&a->rng) :
	    even_x(sp, 0);
	arrivals_place(a);
}

void
arrivals_next(struct arrivals *a)
{
	const struct arrival_spec	*sp = a->spec;

	a->i++;
	a->x = sp->poisson ? a->x + shard_stride(sp) * exp_gap(&a->rng) :
	    even_x(sp, a->i);
	arrivals_place(a);
}
