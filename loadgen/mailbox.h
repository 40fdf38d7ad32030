/* mailbox.h: which mailbox each request is for (--mailboxes,
 * --mailbox-skew): round-robin, uniform or Zipf, reproducible by --seed. */
#ifndef LOADGEN_MAILBOX_H
#define LOADGEN_MAILBOX_H

#include <stddef.h>
#include <stdint.h>

/* Bounds the cache's table (24 bytes a mailbox) and the Zipf table
 * (8 bytes a mailbox). */
#define MAILBOXES_MAX	1000000
#define ZIPF_S_MAX	10.0
#define MAILBOX_SKEW_STRLEN	64

enum mailbox_skew_kind {
	SKEW_UNIFORM,		/* each mailbox 1/N */
	SKEW_ZIPF,		/* mailbox k (from 0) ~ 1/(k+1)^s */
	SKEW_ROUND_ROBIN,	/* request i is for mailbox i mod N */
};

struct mailbox_skew {
	enum mailbox_skew_kind	kind;
	double			s;	/* the Zipf exponent */
};

/* "uniform", "zipf:S" (0 < S <= 10), "round-robin"; NULL on success,
 * else what was expected. */
const char	*mailbox_skew_parse(const char *, struct mailbox_skew *);
/* The canonical text: "uniform", "zipf:1.2", "round-robin". */
void		 mailbox_skew_format(const struct mailbox_skew *, char *, size_t);

struct mailbox_picker {
	struct mailbox_skew	 skew;
	uint64_t		 n;
	uint64_t		 rng;
	double			*cdf;	/* Zipf: P(mailbox <= k), cdf[n-1] = 1 */
};

/* 1 <= n <= MAILBOXES_MAX; the same seed gives the same sequence. */
void		mailbox_picker_init(struct mailbox_picker *,
		    const struct mailbox_skew *, uint64_t n, uint64_t seed);
/* The mailbox (0 .. n-1) of request `i` (requests count from 0). */
uint64_t	mailbox_pick(struct mailbox_picker *, uint64_t i);
void		mailbox_picker_free(struct mailbox_picker *);

#endif
