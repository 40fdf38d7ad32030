/* words.c: a word to its enum value. */
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
