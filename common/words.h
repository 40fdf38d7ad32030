/* words.h: a word to its enum value, for options and scenario keys whose
 * values are a few fixed words.  The names are an array indexed by the
 * enum, so the value's name and the word a user types are one string. */
#ifndef EPHEMERA_WORDS_H
#define EPHEMERA_WORDS_H

#include <stddef.h>

#include "cdefs.h"

/* The index of word in names[0..n-1], or -1 when it is none of them. */
int	word_index(const char *const *names, size_t n, const char *word);
/* The same over an array: WORD_INDEX(close_names, "rst"). */
#define WORD_INDEX(names, word)	word_index((names), nitems(names), (word))

/*
 * For "unknown name" errors: the names closest to `word` by edit distance
 * (at most 3, and only those a typo away: distance at most a third of the
 * longer word, or a prefix), comma-separated into out; "" when none is.
 */
void	word_nearest(const char *word, const char *const *names, size_t n,
	    char *out, size_t outsz);

#endif
