/* drain.h: before a run, wait (bounded) until the network namespace's
 * TIME_WAIT count falls below a threshold, instead of a fixed sleep. */
#ifndef LOADGEN_DRAIN_H
#define LOADGEN_DRAIN_H

#include <stdint.h>

struct event_base;

/* Poll /proc/net/sockstat until its tw count is below `below`, then call
 * ready(); after `timeout_us` without that, log and exit 1. */
void	drain_start(struct event_base *, uint64_t below, uint64_t timeout_us,
	    void (*ready)(void));
/* Stop waiting (a signal came); returns 1 if a drain was in progress. */
int	drain_cancel(void);

#endif
