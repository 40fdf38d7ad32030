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
	/* --shard I/N: this process runs arrivals I-1, I-1+N, I-1+2N... of
	 * the whole schedule (evenly spaced), or a Poisson stream of 1/N of
	 * its rate with a seed of its own; 0: not sharded. */
	unsigned		 shard_i, shard_n;
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
/* Make `sp` shard i of n (1 <= i <= n). */
void		 arrival_shard(struct arrival_spec *, unsigned i, unsigned n);
/* The seed shard i of n runs with: `seed` itself unsharded (n <= 1),
 * else splitmix64 of seed XOR (i << 32 | n), so shards' Poisson streams
 * are independent and together one stream of the whole rate. */
uint64_t	 arrival_shard_seed(uint64_t seed, unsigned i, unsigned n);
/* Shard i's part of a --count of the whole run: the arrivals k < count
 * with k mod n == i - 1, ceil((count - i + 1) / n); 0 when count < i. */
uint64_t	 arrival_shard_count(uint64_t count, unsigned i, unsigned n);
/* Expected arrivals in [0, t_us): the integral of the rate (a shard's
 * part of it when sharded). */
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
