/* mailbox.c: the mailbox of each request: round-robin for exact tests,
 * uniform, or Zipf-skewed as real mail traffic is (a few busy mailboxes,
 * a long tail), drawn from splitmix64 seeded with --seed. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mailbox.h"
#include "rng.h"

/* Keeps the mailbox draws apart from the Poisson gaps of the same seed. */
#define MAILBOX_STREAM	0x6d61696c626f7865ull	/* "mailboxe" */

const char *
mailbox_skew_parse(const char *s, struct mailbox_skew *sk)
{
	const char	*expected = "uniform, round-robin or zipf:S with "
			    "0 < S <= 10, such as zipf:1.1";
	char		*end;
	double		 v;

	memset(sk, 0, sizeof(*sk));
	if (strcmp(s, "uniform") == 0) {
		sk->kind = SKEW_UNIFORM;
		return NULL;
	}
	if (strcmp(s, "round-robin") == 0) {
		sk->kind = SKEW_ROUND_ROBIN;
		return NULL;
	}
	if (strncmp(s, "zipf:", 5) != 0 || strspn(s + 5, "0123456789.") == 0 ||
	    strspn(s + 5, "0123456789.") != strlen(s + 5))
		return expected;
	v = strtod(s + 5, &end);
	if (*end != '\0' || !isfinite(v) || v <= 0 || v > ZIPF_S_MAX)
		return expected;
	sk->kind = SKEW_ZIPF;
	sk->s = v;
	return NULL;
}

void
mailbox_skew_format(const struct mailbox_skew *sk, char *buf, size_t sz)
{
	switch (sk->kind) {
	case SKEW_UNIFORM:
		snprintf(buf, sz, "uniform");
		break;
	case SKEW_ROUND_ROBIN:
		snprintf(buf, sz, "round-robin");
		break;
	case SKEW_ZIPF:
		snprintf(buf, sz, "zipf:%g", sk->s);
		break;
	}
}

/* P(mailbox <= k) for k = 0 .. n-1, summed from the small terms up. */
static double *
zipf_cdf(uint64_t n, double s)
{
	double		*cdf, sum = 0;
	uint64_t	 k;

	if ((cdf = calloc(n, sizeof(*cdf))) == NULL)
		fatal("calloc");
	for (k = 0; k < n; k++) {
		sum += pow((double)(k + 1), -s);
		cdf[k] = sum;
	}
	for (k = 0; k < n; k++)
		cdf[k] /= sum;
	cdf[n - 1] = 1;	/* no draw may fall past the last mailbox */
	return cdf;
}

void
mailbox_picker_init(struct mailbox_picker *p, const struct mailbox_skew *sk,
    uint64_t n, uint64_t seed)
{
	memset(p, 0, sizeof(*p));
	p->skew = *sk;
	p->n = n;
	p->rng = seed ^ MAILBOX_STREAM;
	if (sk->kind == SKEW_ZIPF)
		p->cdf = zipf_cdf(n, sk->s);
}

/* The first k with cdf[k] > u. */
static uint64_t
zipf_pick(const struct mailbox_picker *p, double u)
{
	uint64_t	lo = 0, hi = p->n - 1, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

uint64_t
mailbox_pick(struct mailbox_picker *p, uint64_t i)
{
	switch (p->skew.kind) {
	case SKEW_ROUND_ROBIN:
		return i % p->n;
	case SKEW_ZIPF:
		return zipf_pick(p, rng_unit(&p->rng));
	case SKEW_UNIFORM:
	default:
		/* Multiply-high: a bias below n / 2^64, nothing to see. */
		return (uint64_t)(((unsigned __int128)rng_next(&p->rng) *
		    p->n) >> 64);
	}
}

void
mailbox_picker_free(struct mailbox_picker *p)
{
	free(p->cdf);
	p->cdf = NULL;
}
