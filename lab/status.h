/* status.h: on a terminal, one line that `ephemera run` redraws in place
 * while a scenario runs: which one, how far in lab and model time, what
 * loadgen has counted so far and how long is left.  Nothing at all when
 * stderr is not a terminal: files and pipes get only the table. */
#ifndef EPHEMERA_STATUS_H
#define EPHEMERA_STATUS_H

struct scenario;

struct status_run {
	int		 k, n;		/* scenario k of n, from 1 */
	const char	*name;
	double		 lab_s;		/* the run's length, lab seconds */
	double		 scale;		/* model seconds per lab second */
	double		 later_s;	/* lab seconds of the runs after it */
	const struct scenario *sc;	/* its loadgens' CSVs as they grow: */
	const char	*dir;		/* run_loadgen_csv() in this folder */
};

void	status_begin(const struct status_run *r);
/* Read loadgen's new rows and redraw; cheap enough to call every 100 ms. */
void	status_tick(void);
/* Erase the line, so the table row starts on a clean one. */
void	status_end(void);

#endif
