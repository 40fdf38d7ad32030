/* cause.c: what held the client's ports when they ran out.  Little's law
 * holds for each: ports held = rate x (session time + TIME_WAIT), and the
 * larger of the two terms at the first failure is the one that ran them
 * out.  The counts come from loadgen's own row for that moment: its
 * sessions in flight and its sock_diag split of TIME_WAIT and FIN_WAIT_2
 * by side. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "cdefs.h"
#include "csv.h"

#define CAUSE_LINE_MAX		16384
#define CAUSE_MAX_FIELDS	512

/* The columns read, in this order; -1 when absent. */
static const char *const wanted[] = {
	"elapsed_s", "active", "time_wait_client", "time_wait",
	"fin_wait2_client",
};
enum { W_ELAPSED, W_ACTIVE, W_TW_CLIENT, W_TW, W_FW2_CLIENT };

static int64_t
number(const char **f, int nf, int i)
{
	if (i < 0 || i >= nf || f[i][0] == '\0')
		return -1;
	return strtoll(f[i], NULL, 10);
}

/* The first row whose interval ends at or after the first failure. */
static void
take_row(struct observed *o, const char **f, int nf, const int *idx)
{
	o->in_flight_at_fail = number(f, nf, idx[W_ACTIVE]);
	/* By side when loadgen could dump sockets; the namespace's total
	 * otherwise (the client's, where only the client closes first). */
	o->tw_client_at_fail = number(f, nf, idx[W_TW_CLIENT]);
	if (o->tw_client_at_fail < 0)
		o->tw_client_at_fail = number(f, nf, idx[W_TW]);
	o->fw2_client_at_fail = number(f, nf, idx[W_FW2_CLIENT]);
}

int
cause_read(const char *path, struct observed *o, char *err, size_t errsz)
{
	static char	 line[CAUSE_LINE_MAX], buf[CAUSE_LINE_MAX];
	const char	*f[CAUSE_MAX_FIELDS];
	int		 idx[nitems(wanted)], nf, header = 1;
	size_t		 i;
	FILE		*fp;

	o->in_flight_at_fail = o->tw_client_at_fail = -1;
	o->fw2_client_at_fail = -1;
	if (o->first_failure_s < 0)
		return 0;
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if ((nf = csv_split(line, buf, sizeof(buf), f,
		    CAUSE_MAX_FIELDS)) <= 0)
			continue;
		if (header) {
			for (i = 0; i < nitems(wanted); i++)
				idx[i] = csv_index(f, nf, wanted[i]);
			header = 0;
		} else if (idx[W_ELAPSED] >= 0 && idx[W_ELAPSED] < nf &&
		    strtod(f[idx[W_ELAPSED]], NULL) >= o->first_failure_s) {
			take_row(o, f, nf, idx);
			break;
		}
	}
	fclose(fp);
	return 0;
}

enum cause
cause_of(const struct observed *o)
{
	int64_t	fly = o->in_flight_at_fail, tw = o->tw_client_at_fail;
	int64_t	fw2 = o->fw2_client_at_fail;

	/* Only a port that ran out is this project's failure. */
	if (o->first_failure_s < 0 ||
	    (strcmp(o->first_failure_errno, "EADDRNOTAVAIL") != 0 &&
	    strcmp(o->first_failure_errno, "EADDRINUSE") != 0))
		return CAUSE_NONE;
	if (fly < 0 && tw < 0 && fw2 < 0)
		return CAUSE_NONE;
	/* A session that waits for a server that never closes is in flight
	 * with its socket in FIN_WAIT_2: that port is held by FIN_WAIT_2. */
	if (fw2 > 0)
		fly = fly > fw2 ? fly - fw2 : 0;
	if (fw2 > tw && fw2 > fly)
		return CAUSE_FIN_WAIT2;
	return fly > tw ? CAUSE_IN_FLIGHT : CAUSE_TIME_WAIT;
}

static void
count(FILE *fp, const char *what, int64_t n)
{
	if (n < 0)
		fprintf(fp, "%s unknown", what);
	else
		fprintf(fp, "%lld %s", (long long)n, what);
}

void
cause_explain(FILE *fp, const struct observed *o)
{
	enum cause	c = cause_of(o);

	if (c == CAUSE_NONE)
		return;
	fprintf(fp, "  ran out: %s (at the first failure: ", c ==
	    CAUSE_IN_FLIGHT ? "in flight, the server too slow for the rate" :
	    c == CAUSE_TIME_WAIT ? "TIME_WAIT, the client closed first" :
	    "FIN_WAIT_2, the server never closed");
	count(fp, "sessions in flight", o->in_flight_at_fail);
	fputs(", ", fp);
	count(fp, "of their sockets in FIN_WAIT_2", o->fw2_client_at_fail);
	fputs(", ", fp);
	count(fp, "more ports in TIME_WAIT", o->tw_client_at_fail);
	if (o->session_p50_ms >= 0)
		fprintf(fp, "; session time p50 %.1f ms", o->session_p50_ms);
	fputs(")\n", fp);
}
