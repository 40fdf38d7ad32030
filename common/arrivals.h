/* arrivals.h: arrival-time generators for open-loop schedules: constant,
 * linear ramp and steps, each evenly spaced or Poisson with a seed. */
#ifndef LOADGEN_ARRIVALS_H
#define LOADGEN_ARRIVALS_H

#include <stddef.h>
#include <stdint.h>

#define ARRIVAL_STEPS_MAX	64
#define ARRIVAL_SPEC_STRLEN	1024

enum arrival_shape {
	SHAPE_CONST,	/* rate */
	SHAPE_RAMP,	/* from -> to over ramp_us, then `to` */
	SHAPE_STEPS,	/* rate[k] for len_us[k], the last rate holds after */
};

struct arrival_spec {
	enum arrival_shape	 shape;
	int			 poisson;	/* exponential gaps */
	double			 rate;
	double			 from, to;
	uint64_t		 ramp_us;
	int			 nsteps;
	double			 step_rate[ARRIVAL_STEPS_MAX];
	uint64_t		 step_us[ARRIVAL_STEPS_MAX];
};

/*
 * SPEC := [poisson:]SHAPE | poisson:RATE
 * SHAPE := const:RATE | ramp:FROM-TO/DURATION | steps:RATE/DURATION[,...]
 * "200" alone is const:200.  NULL on success, else what was expected.
 */
const char	*arrival_parse(const char *s, struct arrival_spec *);
void		 arrival_const(struct arrival_spec *, double rate);
/* The canonical text of a spec, for CSV and logs. */
void		 arrival_format(const struct arrival_spec *, char *, size_t);
/* Expected arrivals in [0, t_us): the integral of the rate. */
double		 arrival_expected(const struct arrival_spec *, uint64_t t_us);

/* A generator; a plain value, so copying it forks the sequence. */
struct arrivals {
	const struct arrival_spec	*spec;
	uint64_t			 rng;
	uint64_t			 i;	/* index of the next arrival */
	double				 x;	/* its position in expected-count space */
	uint64_t			 due_us;	/* its due time; UINT64_MAX: never */
	int				 seg;	/* steps: segment of x */
};

void		arrivals_init(struct arrivals *, const struct arrival_spec *,
		    uint64_t seed);
/* Move to the following arrival. */
void		arrivals_next(struct arrivals *);

#endif
