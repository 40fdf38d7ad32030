/* html.c: the offline report of a run of several scenarios.  Everything
 * it shows is already in the results folders (report.txt, plot.png, the
 * CSVs): the page only gathers them, with links relative to itself so that
 * the folder can be copied or archived whole. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "textfile.h"

#define HTML_MAX_FILES	64

static const char style[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;font-size:0.8em;display:block;"
    "overflow-x:auto;max-width:100%}"
    "th,td{border:1px solid #ccc;padding:0.2em 0.4em;text-align:right;"
    "white-space:nowrap}"
    "th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}"
    ".held{color:#1a7f37;font-weight:bold}"
    ".bad{color:#c62828;font-weight:bold}"
    "section{margin-top:2em;border-top:1px solid #ddd}"
    "img{max-width:100%;height:auto;border:1px solid #eee}"
    "pre{background:#f6f6f6;padding:0.5em;white-space:pre-wrap}";

/* A path for href and src: every byte outside a safe set is %-escaped. */
static void
html_url(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-._~/", *s) != NULL)
			fputc(*s, fp);
		else
			fprintf(fp, "%%%02X", (unsigned char)*s);
}

/* The run's folder as seen from the page's folder `base`. */
static const char *
relative(const char *base, const char *dir)
{
	size_t	n = strlen(base);

	if (n > 0 && strncmp(dir, base, n) == 0 && dir[n] == '/')
		return dir + n + 1;
	return dir;
}

static const char *
verdict_class(const char *verdict)
{
	return strcmp(verdict, "held") == 0 ? "held" : "bad";
}

static void
html_table(FILE *fp, const char *const *header, int ncols,
    const struct html_run *runs, int nruns)
{
	int	i, j;

	fputs("<table>\n<tr>", fp);
	for (j = 0; j < ncols; j++) {
		fputs("<th>", fp);
		text_put_escaped(fp, header[j]);
		fputs("</th>", fp);
	}
	fputs("</tr>\n", fp);
	for (i = 0; i < nruns; i++) {
		fputs("<tr>", fp);
		for (j = 0; j < ncols; j++) {
			fputs(j == ncols - 1 ? "<td class=\"" : "<td>", fp);
			if (j == ncols - 1)
				fprintf(fp, "%s\">",
				    verdict_class(runs[i].verdict));
			if (j == 0)
				fprintf(fp, "<a href=\"#run-%d\">", i);
			text_put_escaped(fp, runs[i].cells[j]);
			fputs(j == 0 ? "</a></td>" : "</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

static int
name_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Links to every file of the run's folder, in name order. */
static void
html_files(FILE *fp, const char *dir, const char *rel)
{
	char		*names[HTML_MAX_FILES];
	struct dirent	*de;
	DIR		*d;
	int		 n = 0, i;

	if ((d = opendir(dir)) == NULL) {
		fputs("<p>(folder not readable)</p>\n", fp);
		return;
	}
	while ((de = readdir(d)) != NULL && n < HTML_MAX_FILES)
		if (de->d_name[0] != '.' && (names[n] = strdup(de->d_name))
		    != NULL)
			n++;
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), name_order);
	fputs("<p>files:", fp);
	for (i = 0; i < n; i++) {
		fputs(" <a href=\"", fp);
		html_url(fp, rel);
		fputc('/', fp);
		html_url(fp, names[i]);
		fputs("\">", fp);
		text_put_escaped(fp, names[i]);
		fputs("</a>", fp);
		free(names[i]);
	}
	fputs("</p>\n", fp);
}

static void
html_run_section(FILE *fp, const char *base, const struct html_run *r, int i)
{
	const char	*rel = relative(base, r->dir);

	fprintf(fp, "<section id=\"run-%d\">\n<h2>", i);
	text_put_escaped(fp, r->name);
	fprintf(fp, ": <span class=\"%s\">", verdict_class(r->verdict));
	text_put_escaped(fp, r->verdict);
	fputs("</span></h2>\n", fp);
	if (r->why[0] != '\0' || r->notes[0] != '\0') {
		fputs("<pre>", fp);
		if (r->why[0] != '\0') {
			fputs("why: ", fp);
			text_put_escaped(fp, r->why);
			fputc('\n', fp);
		}
		text_put_escaped(fp, r->notes);
		fputs("</pre>\n", fp);
	}
	fputs("<p><img src=\"", fp);
	html_url(fp, rel);
	fputs("/plot.png\" alt=\"plot of ", fp);
	text_put_escaped(fp, r->name);
	fputs("\" width=\"1000\" height=\"600\"></p>\n", fp);
	html_files(fp, r->dir, rel);
	fputs("</section>\n", fp);
}

int
html_write(const char *path, const char *title, const char *const *header,
    int ncols, const struct html_run *runs, int nruns, char *err,
    size_t errsz)
{
	char		 base[4096], *slash, stamp[32];
	time_t		 now = time(NULL);
	FILE		*fp;
	int		 i;

	snprintf(base, sizeof(base), "%s", path);
	if ((slash = strrchr(base, '/')) != NULL)
		*slash = '\0';
	else
		base[0] = '\0';
	if ((fp = fopen(path, "w")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", fp);
	text_put_escaped(fp, title);
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
	text_put_escaped(fp, title);
	fprintf(fp, "</h1>\n<p>%s; %d run%s.</p>\n", stamp, nruns,
	    nruns == 1 ? "" : "s");
	html_table(fp, header, ncols, runs, nruns);
	for (i = 0; i < nruns; i++)
		html_run_section(fp, base, &runs[i], i);
	fputs("</body>\n</html>\n", fp);
	if (text_close(fp, path) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
