/* fuzz_parsers.c: libFuzzer target: the parsers for what people type,
 * from any bytes: durations, counts, rates, port ranges, arrival
 * schedules and step lists, and what is done with a value once parsed
 * (formatting it back, integrating and walking a schedule).  The first
 * byte picks the parser (its letter in `parsers`, else modulo), the rest
 * is the text.
 * Build: CC=clang meson setup b && ninja -C b common/fuzz-parsers
 * Run:   b/common/fuzz-parsers -max_total_time=60 -timeout=2 \
 *            common/fuzz-corpus
 * A broken promise aborts: a duration or a step list that does not read
 * back from its own canonical text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrivals.h"
#include "cdefs.h"
#include "steps.h"
#include "units.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Longer than any option or scenario value (inih's line is 200). */
#define FUZZ_TEXT_MAX	4096
/* Arrivals walked per schedule: enough to cross a few steps. */
#define FUZZ_ARRIVALS	64

static void
broken(const char *what, const char *text)
{
	fprintf(stderr, "fuzz-parsers: %s: '%s'\n", what, text);
	abort();
}

static void
fuzz_duration(const char *s)
{
	uint64_t	us, back;
	char		buf[32];

	if (parse_duration_us(s, &us) != NULL)
		return;
	format_duration(us, buf, sizeof(buf));
	if (parse_duration_us(buf, &back) != NULL || back != us)
		broken("duration does not read back", s);
}

static void
fuzz_count(const char *s)
{
	uint64_t	n;

	if (parse_count(s, UINT64_MAX, &n) == NULL &&
	    parse_count(s, 1000, &n) == NULL && n > 1000)
		broken("count over its maximum", s);
}

static void
fuzz_rate(const char *s)
{
	double	r;

	if (parse_rate(s, &r) == NULL && !(r > 0))
		broken("rate not positive", s);
}

static void
fuzz_port_range(const char *s)
{
	unsigned	lo, hi;

	if (parse_port_range(s, &lo, &hi) == NULL &&
	    (lo < 1 || lo > hi || hi > 65535))
		broken("port range out of bounds", s);
}

static void
fuzz_schedule(const char *s)
{
	struct arrival_spec	sp;
	struct arrivals		a;
	char			buf[ARRIVAL_SPEC_STRLEN];
	int			i;

	if (arrival_parse(s, &sp) != NULL)
		return;
	arrival_format(&sp, buf, sizeof(buf));
	(void)arrival_expected(&sp, 0);
	(void)arrival_expected(&sp, 60 * 1000000ULL);
	(void)arrival_expected(&sp, UINT64_MAX);
	arrivals_init(&a, &sp, 1);
	for (i = 0; i < FUZZ_ARRIVALS && a.due_us != UINT64_MAX; i++)
		arrivals_next(&a);
}

static void
fuzz_steps(const char *s)
{
	struct step_list	l, back;
	char			buf[STEPS_MAX * 96];

	if (steps_parse(s, &l) != NULL)
		return;
	steps_format(&l, buf, sizeof(buf));
	if (steps_parse(buf, &back) != NULL || back.n != l.n)
		broken("step list does not read back", s);
	for (size_t i = 0; i < l.n; i++)
		if (back.step[i].kind != l.step[i].kind ||
		    back.step[i].n != l.step[i].n ||
		    back.step[i].us != l.step[i].us ||
		    strcmp(back.step[i].mailbox, l.step[i].mailbox) != 0)
			broken("step list reads back different", s);
}

static const struct {
	char	  letter;
	void	(*fn)(const char *);
} parsers[] = {
	{ 'd', fuzz_duration },
	{ 'c', fuzz_count },
	{ 'r', fuzz_rate },
	{ 'p', fuzz_port_range },
	{ 'a', fuzz_schedule },
	{ 's', fuzz_steps },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	text[FUZZ_TEXT_MAX + 1];
	size_t		i, k;

	if (size == 0 || size - 1 > FUZZ_TEXT_MAX)
		return 0;
	k = data[0] % nitems(parsers);
	for (i = 0; i < nitems(parsers); i++)
		if (parsers[i].letter == (char)data[0])
			k = i;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	parsers[k].fn(text);
	return 0;
}
