/* words.c: a word to its enum value, and the names nearest a typo. */
#include <stdio.h>
#include <string.h>

#include "words.h"

int
word_index(const char *const *names, size_t n, const char *word)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], word) == 0)
			return (int)i;
	return -1;
}

#define NEAREST_MAX	3
#define WORD_MAX	64

/* Levenshtein distance, one row at a time; words longer than WORD_MAX
 * count as far from everything. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t	row[WORD_MAX + 1], la = strlen(a), lb = strlen(b), i, j;
	size_t	diag, up, best;

	if (la > WORD_MAX || lb > WORD_MAX)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* A typo away: a few edits for its length, or the start of the name. */
static int
near(const char *word, const char *name, size_t d)
{
	size_t	lw = strlen(word), ln = strlen(name);

	if (lw > 0 && strncmp(name, word, lw) == 0)
		return 1;
	return d != (size_t)-1 && 3 * d <= (lw > ln ? lw : ln);
}

void
word_nearest(const char *word, const char *const *names, size_t n, char *out,
    size_t outsz)
{
	size_t	best[NEAREST_MAX], dist[NEAREST_MAX], d, i, k, m = 0;
	size_t	len = 0;

	for (i = 0; i < n; i++) {
		if (names[i] == NULL)
			continue;
		d = edit_distance(word, names[i]);
		if (!near(word, names[i], d))
			continue;
		/* Insert into the sorted few, dropping the farthest. */
		for (k = m; k > 0 && dist[k - 1] > d; k--)
			if (k < NEAREST_MAX) {
				best[k] = best[k - 1];
				dist[k] = dist[k - 1];
			}
		if (k < NEAREST_MAX) {
			best[k] = i;
			dist[k] = d;
			if (m < NEAREST_MAX)
				m++;
		}
	}
	if (outsz > 0)
		out[0] = '\0';
	for (k = 0; k < m && len < outsz; k++)
		len += (size_t)snprintf(out + len, outsz - len, "%s%s",
		    k ? ", " : "", names[best[k]]);
}
