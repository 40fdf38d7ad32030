/* csv.c: RFC 4180 quoting and splitting. */
#include <inttypes.h>
#include <string.h>

#include "csv.h"

void
csv_init(struct csv_writer *w, FILE *fp)
{
	w->fp = fp;
	w->nfields = 0;
}

static void
csv_sep(struct csv_writer *w)
{
	if (w->nfields++ > 0)
		fputc(',', w->fp);
}

void
csv_str(struct csv_writer *w, const char *s)
{
	csv_sep(w);
	/* RFC 4180 2.6: fields with comma, quote or line break are quoted. */
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, w->fp);
		return;
	}
	fputc('"', w->fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', w->fp);	/* 2.7: a quote is doubled */
		fputc(*s, w->fp);
	}
	fputc('"', w->fp);
}

void
csv_u64(struct csv_writer *w, uint64_t v)
{
	csv_sep(w);
	fprintf(w->fp, "%" PRIu64, v);
}

void
csv_i64(struct csv_writer *w, int64_t v)
{
	csv_sep(w);
	fprintf(w->fp, "%" PRId64, v);
}

void
csv_double(struct csv_writer *w, double v, int decimals)
{
	csv_sep(w);
	fprintf(w->fp, "%.*f", decimals, v);
}

void
csv_empty(struct csv_writer *w)
{
	csv_sep(w);
}

void
csv_fields(struct csv_writer *w, const char *text, int n)
{
	if (n <= 0)
		return;
	csv_sep(w);
	fputs(text, w->fp);
	w->nfields += n - 1;
}

int
csv_end_row(struct csv_writer *w)
{
	fputs("\r\n", w->fp);
	w->nfields = 0;
	if (fflush(w->fp) != 0 || ferror(w->fp))
		return -1;
	return 0;
}

int
csv_split(const char *line, char *buf, size_t bufsz, const char **fields,
    int max)
{
	const char	*p = line;
	size_t		 n = 0;
	int		 nf = 0, quoted;

	for (;;) {
		if (nf == max)
			return -1;
		fields[nf++] = buf + n;
		quoted = (*p == '"');
		if (quoted)
			p++;
		for (;; p++) {
			if (quoted && *p == '"' && p[1] == '"')
				p++;		/* doubled quote: one quote */
			else if (quoted && *p == '"') {
				quoted = 0;
				p++;
				break;
			} else if (quoted && *p == '\0')
				return -1;	/* unterminated quote */
			else if (!quoted && (*p == ',' || *p == '\0' ||
			    *p == '\r' || *p == '\n'))
				break;
			if (n + 1 >= bufsz)
				return -1;
			buf[n++] = *p;
		}
		if (quoted || (*p != ',' && *p != '\0' && *p != '\r' &&
		    *p != '\n'))
			return -1;	/* text after a closing quote */
		buf[n++] = '\0';
		if (*p != ',')
			return nf;
		p++;
		if (n >= bufsz)
			return -1;
	}
}

int
csv_index(const char **fields, int n, const char *name)
{
	int	i;

	for (i = 0; i < n; i++)
		if (strcmp(fields[i], name) == 0)
			return i;
	return -1;
}
