/* gates.c: --threshold EXPR, judged on the summary row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "csv.h"
#include "gates.h"
#include "log.h"
#include "threshold.h"
#include "words.h"

/* More than the summary will ever have (columns.c's COLUMNS_MAX). */
#define NAMES_MAX	256

void
gates_check(const struct threshold *t, int n)
{
	const char	*names[NAMES_MAX];
	char		 err[512];
	int		 i, nnames;

	nnames = columns_names(CSV_SUMMARY, names, NAMES_MAX);
	for (i = 0; i < n; i++)
		if (threshold_known(&t[i], names, (size_t)nnames, err,
		    sizeof(err)) == -1)
			usage_error("--threshold %s: %s (loadgen "
			    "--list-columns lists the summary's)", t[i].text,
			    err);
}

/* The summary row as the CSV has it, split into fields; the text behind
 * them is *bufp's to free. */
static int
summary_fields(const struct figures *f, const char **fields, int max,
    char **bufp)
{
	struct csv_writer	 w;
	char			*row = NULL, *buf;
	size_t			 len = 0;
	FILE			*fp;
	int			 n;

	if ((fp = open_memstream(&row, &len)) == NULL)
		fatal("open_memstream");
	csv_init(&w, fp);
	columns_row(&w, CSV_SUMMARY, f);
	if (fclose(fp) != 0)
		fatal("open_memstream");
	if ((buf = malloc(len + 1)) == NULL)
		fatal("malloc");
	n = csv_split(row, buf, len + 1, fields, max);
	free(row);
	*bufp = buf;
	return n;
}

int
gates_judge(const struct threshold *t, int n, const struct figures *f,
    FILE *fp)
{
	const char		*names[NAMES_MAX], *fields[NAMES_MAX];
	char			*buf;
	enum threshold_result	 r;
	double			 v;
	int			 i, k, nnames, nfields, breached = 0;

	if (n == 0)
		return 0;
	nnames = columns_names(CSV_SUMMARY, names, NAMES_MAX);
	nfields = summary_fields(f, fields, NAMES_MAX, &buf);
	if (nfields != nnames)
		fatalx("summary: %d fields for %d columns", nfields, nnames);
	for (i = 0; i < n; i++) {
		k = word_index(names, (size_t)nnames, t[i].name);
		r = threshold_eval(&t[i], fields[k], &v);
		fprintf(fp, "threshold %s: %s %s\n", t[i].text,
		    r == TH_NO_VALUE ? "no value" : fields[k],
		    threshold_result_name(r));
		breached += (r != TH_MET);
	}
	fflush(fp);
	free(buf);
	return breached;
}
