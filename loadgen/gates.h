/* gates.h: --threshold, gates on the summary's columns: checked against
 * the summary's layout before any traffic, judged on its row at the end. */
#ifndef LOADGEN_GATES_H
#define LOADGEN_GATES_H

#include <stdio.h>

struct figures;
struct threshold;

/* Each gate names a summary column, or it is bad input: one line naming
 * the --threshold, the column and the nearest valid names, exit 2.  After
 * the columns are laid out (stats_open). */
void	gates_check(const struct threshold *, int n);

/* One line per gate to fp, "threshold EXPR: VALUE met|BREACHED", judged
 * on the very fields the summary CSV has; returns how many were breached. */
int	gates_judge(const struct threshold *, int n, const struct figures *,
	    FILE *fp);

#endif
