/* progress.h: a one-line status on a terminal, redrawn every second. */
#ifndef LOADGEN_PROGRESS_H
#define LOADGEN_PROGRESS_H

struct event_base;

/* Start redrawing if stderr is a terminal; otherwise do nothing. */
void	progress_start(struct event_base *);
/* Stop and erase the line, so the summary starts on a clean one. */
void	progress_stop(void);

#endif
