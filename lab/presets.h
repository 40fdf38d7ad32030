/* presets.h: `ephemera plan --preset NAME`: the defaults of operating
 * systems and NAT gateways, each with its source (presets.c). */
#ifndef EPHEMERA_PRESETS_H
#define EPHEMERA_PRESETS_H

#include <stddef.h>

enum preset_kind {
	PRESET_OS,	/* a client's own ephemeral range and TIME_WAIT */
	PRESET_NAT,	/* a gateway's SNAT ports in front of the client */
};

struct preset {
	const char		*name;
	enum preset_kind	 kind;
	const char		*title;		/* one line for the table */
	const char		*source;	/* where the numbers come from */
	/* PRESET_OS: the range and TIME_WAIT */
	unsigned		 port_lo, port_hi;
	double			 time_wait_s;
	/* PRESET_NAT: its ports per pool (0: by --instances, Azure LB),
	 * how long a closed connection keeps its mapping, and whether a new
	 * SYN may take that mapping over (capacity.h) */
	unsigned		 nat_ports;
	double			 nat_hold_s;
	int			 nat_evicts;
};

extern const struct preset	presets[];
extern const size_t		npresets;

/* The preset called name, or NULL. */
const struct preset	*preset_find(const char *name);
/* Azure Load Balancer's default SNAT ports per instance for a backend
 * pool of n instances; 0 above 1000 (no default allocation). */
unsigned		 preset_azure_lb_ports(unsigned n);
/* The preset's NAT ports for n instances (n only for Azure LB). */
unsigned		 preset_nat_ports(const struct preset *, unsigned n);

#endif
