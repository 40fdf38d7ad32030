/* plancmd.h: `ephemera plan`: the capacity calculator, no traffic:
 * options, the table, CSV, JSON and --emit-scenario. */
#ifndef EPHEMERA_PLANCMD_H
#define EPHEMERA_PLANCMD_H

/* The command, from its own argv ("plan", ...); exit 0, or 2 on bad
 * input (one line naming the options), 1 when a file cannot be written. */
int	cmd_plan(int argc, char **argv);

#endif
