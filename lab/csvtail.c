/* csvtail.c: whole rows of a CSV file that is still growing.  loadgen
 * flushes a row at a time, but a read may still land mid-row: such a row
 * is read again, whole, next time. */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "csvtail.h"

#define CSVTAIL_LINE	16384
#define CSVTAIL_FIELDS	512

void
csvtail_init(struct csvtail *t, const char *path, const char *const *names,
    int n)
{
	int	i;

	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "%s", path);
	t->ncols = n < CSVTAIL_COLUMNS ? n : CSVTAIL_COLUMNS;
	for (i = 0; i < t->ncols; i++) {
		t->names[i] = names[i];
		t->index[i] = -1;
	}
}

static void
csvtail_header(struct csvtail *t, const char **fields, int nf)
{
	int	i;

	for (i = 0; i < t->ncols; i++)
		t->index[i] = csv_index(fields, nf, t->names[i]);
	t->header = 1;
}

static void
csvtail_row(struct csvtail *t, const char **fields, int nf)
{
	double	v;
	int	i;

	for (i = 0; i < t->ncols; i++) {
		if (t->index[i] < 0 || t->index[i] >= nf ||
		    fields[t->index[i]][0] == '\0')
			continue;
		v = strtod(fields[t->index[i]], NULL);
		t->sum[i] += v;
		t->last[i] = v;
	}
	t->rows++;
}

int
csvtail_poll(struct csvtail *t)
{
	static char	 line[CSVTAIL_LINE], buf[CSVTAIL_LINE];
	const char	*fields[CSVTAIL_FIELDS];
	size_t		 len;
	int		 nf, got = 0;

	if (t->fp == NULL && (t->fp = fopen(t->path, "r")) == NULL)
		return 0;
	clearerr(t->fp);
	if (fseek(t->fp, t->offset, SEEK_SET) == -1)
		return 0;
	while (fgets(line, sizeof(line), t->fp) != NULL) {
		len = strlen(line);
		if (len == 0 || line[len - 1] != '\n')
			break;		/* not whole yet (or too long to follow) */
		t->offset += (long)len;
		if ((nf = csv_split(line, buf, sizeof(buf), fields,
		    CSVTAIL_FIELDS)) <= 0)
			continue;
		if (!t->header)
			csvtail_header(t, fields, nf);
		else {
			csvtail_row(t, fields, nf);
			got++;
		}
	}
	return got;
}

void
csvtail_close(struct csvtail *t)
{
	if (t->fp != NULL)
		fclose(t->fp);
	t->fp = NULL;
}
