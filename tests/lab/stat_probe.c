/* stat_probe.c: lab/statistics.c on samples from stdin, for the SciPy
 * comparison (e2e_statistics.py).  Each input line "NX NY x... y...";
 * each output line "U P LO HI" (the bootstrap with 10000 resamples,
 * seed 1). */
#include <stdio.h>

#include "statistics.h"

int
main(void)
{
	static double	x[STAT_MAX_N], y[STAT_MAX_N];
	double		u, p, lo, hi;
	int		nx, ny, i;

	while (scanf("%d %d", &nx, &ny) == 2) {
		if (nx < 1 || ny < 1 || nx > STAT_MAX_N || ny > STAT_MAX_N)
			return 2;
		for (i = 0; i < nx; i++)
			if (scanf("%lf", &x[i]) != 1)
				return 2;
		for (i = 0; i < ny; i++)
			if (scanf("%lf", &y[i]) != 1)
				return 2;
		p = stat_mann_whitney(x, nx, y, ny, &u);
		stat_bootstrap_change(x, nx, y, ny, 10000, 1, &lo, &hi);
		printf("%.17g %.17g %.17g %.17g\n", u, p, lo, hi);
	}
	return 0;
}
