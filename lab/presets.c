/* presets.c: the preset table of `ephemera plan`, each number with the
 * document it comes from (README, "Capacity planning"). */
#include <stddef.h>
#include <string.h>

#include "cdefs.h"
#include "presets.h"

/*
 * Linux's conntrack keeps a TCP mapping in TIME_WAIT for
 * nf_conntrack_tcp_timeout_time_wait, 120 s by default
 * (Documentation/networking/nf_conntrack-sysctl.rst), whichever side
 * closed first: a NAT holds its port after the client's own is free.
 * The cloud gateways do not publish theirs; their docs speak of ports
 * held for a while after close, so the presets take Linux's figure.
 */
#define CONNTRACK_TIME_WAIT_S	120

const struct preset presets[] = {
	/* KB 319502 and KB 196271: anonymous ports 1024-5000 (MaxUserPort
	 * 5000), TcpTimedWaitDelay 240 s. */
	{ "windows2000", PRESET_OS, "Windows 2000 defaults",
	    "Microsoft KB 319502 (MaxUserPort 5000, TcpTimedWaitDelay 240)",
	    1024, 5000, 240, 0, 0, 0 },
	/* KB 929851: Vista and Server 2008 on use the IANA dynamic range
	 * 49152-65535.  TcpTimedWaitDelay: 240 s (2 x an MSL of 120 s) in
	 * Windows 2000's reference; Windows Server 2003's TechNet page gives
	 * 0x78 (120 s) in its table and "4 minutes" in its text.  240 s is
	 * the stricter; --time-wait 120 gives the other. */
	{ "windows", PRESET_OS, "Windows Vista and later defaults",
	    "Microsoft KB 929851 (dynamic ports 49152-65535); "
	    "TcpTimedWaitDelay default 240 s",
	    49152, 65535, 240, 0, 0, 0 },
	/* ip-sysctl.rst: ip_local_port_range 32768 60999; include/net/tcp.h:
	 * TCP_TIMEWAIT_LEN (60*HZ), not a sysctl. */
	{ "linux", PRESET_OS, "Linux defaults",
	    "Linux ip-sysctl.rst (ip_local_port_range 32768 60999), "
	    "include/net/tcp.h TCP_TIMEWAIT_LEN 60 s",
	    32768, 60999, 60, 0, 0, 0 },
	/* FreeBSD sys/netinet/in.h: IPPORT_EPHEMERALFIRST 10000,
	 * IPPORT_EPHEMERALLAST 65535 (since 7.0; 49152 before);
	 * tcp(4): TIME_WAIT 2 x net.inet.tcp.msl, 30000 ms. */
	{ "freebsd", PRESET_OS, "FreeBSD defaults",
	    "FreeBSD sys/netinet/in.h IPPORT_EPHEMERALFIRST 10000..65535; "
	    "tcp(4) net.inet.tcp.msl 30000 ms, TIME_WAIT 2 x MSL",
	    10000, 65535, 60, 0, 0, 0 },
	/* XNU: net.inet.ip.portrange.first 49152, last 65535;
	 * net.inet.tcp.msl 15000 ms, TIME_WAIT 2 x MSL = 30 s. */
	{ "macos", PRESET_OS, "macOS defaults",
	    "XNU sysctl net.inet.ip.portrange.first 49152, "
	    "net.inet.tcp.msl 15000 ms, TIME_WAIT 2 x MSL",
	    49152, 65535, 30, 0, 0, 0 },
	/* learn.microsoft.com/azure/load-balancer/load-balancer-outbound-
	 * connections, "Default port allocation": SNAT ports per instance by
	 * backend pool size (preset_azure_lb_ports); a port is reused for
	 * different destinations. */
	{ "azure-lb", PRESET_NAT, "Azure Load Balancer, default SNAT",
	    "learn.microsoft.com/azure/load-balancer/"
	    "load-balancer-outbound-connections (default port allocation)",
	    0, 0, 0, 0, CONNTRACK_TIME_WAIT_S, 0 },
	/* learn.microsoft.com/azure/nat-gateway/nat-gateway-resource:
	 * 64,512 SNAT ports per public IP; 50,000 concurrent connections to
	 * the same destination endpoint: the tighter of the two. */
	{ "azure-nat", PRESET_NAT, "Azure NAT Gateway, one public IP",
	    "learn.microsoft.com/azure/nat-gateway/nat-gateway-resource "
	    "(64,512 ports per IP; 50,000 per destination)",
	    0, 0, 0, 50000, CONNTRACK_TIME_WAIT_S, 0 },
	/* docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html:
	 * up to 55,000 simultaneous connections to each unique destination
	 * per IP address. */
	{ "aws-nat", PRESET_NAT, "AWS NAT gateway, one IP address",
	    "docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html "
	    "(55,000 per unique destination)",
	    0, 0, 0, 55000, CONNTRACK_TIME_WAIT_S, 0 },
	/* cloud.google.com/nat/docs/ports-and-addresses: minimum ports per
	 * VM, 64 by default (static allocation), each reused per
	 * destination; the Compute API's RouterNat.tcpTimeWaitTimeoutSec
	 * keeps a closed connection's port 120 s by default. */
	{ "gcp-nat", PRESET_NAT, "GCP Cloud NAT, default minimum ports per VM",
	    "cloud.google.com/nat/docs/ports-and-addresses "
	    "(min ports per VM, default 64)",
	    0, 0, 0, 64, CONNTRACK_TIME_WAIT_S, 0 },
	/* A Linux router masquerading (nftables or iptables): without "to
	 * :LO-HI" a source port above 1023 is mapped into 1024-65535
	 * (nf_nat_core.c), per destination.  Since 6.5, nf_nat_core.c's
	 * nf_nat_used_tuple_harder lets a new SYN evict a mapping in
	 * TIME_WAIT; measured here on 6.18 (README, "Many hosts"). */
	{ "linux-nat", PRESET_NAT, "Linux masquerade, 6.5 and later",
	    "Linux net/netfilter/nf_nat_core.c (nf_nat_used_tuple_harder), "
	    "nf_conntrack-sysctl.rst (nf_conntrack_tcp_timeout_time_wait "
	    "120 s)",
	    0, 0, 0, 64512, CONNTRACK_TIME_WAIT_S, 1 },
};
const size_t npresets = nitems(presets);

const struct preset *
preset_find(const char *name)
{
	size_t	i;

	for (i = 0; i < npresets; i++)
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

unsigned
preset_azure_lb_ports(unsigned n)
{
	/* The documented table: pool size up to, ports per instance. */
	static const struct { unsigned upto, ports; } table[] = {
		{ 50, 1024 }, { 100, 512 }, { 200, 256 }, { 400, 128 },
		{ 800, 64 }, { 1000, 32 },
	};
	size_t	i;

	for (i = 0; i < nitems(table); i++)
		if (n >= 1 && n <= table[i].upto)
			return table[i].ports;
	return 0;
}

unsigned
preset_nat_ports(const struct preset *p, unsigned n)
{
	if (p->kind != PRESET_NAT)
		return 0;
	return p->nat_ports != 0 ? p->nat_ports : preset_azure_lb_ports(n);
}
