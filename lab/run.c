/* run.c: one scenario in a private network namespace: sysctls, the
 * server, the load, and a bounded stop of everything that was started. */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include "arrivals.h"
#include "cdefs.h"
#include "command.h"
#include "config.h"
#include "dovecot.h"
#include "lab_config.h"
#include "kstat.h"
#include "merge.h"
#include "model.h"
#include "netns.h"
#include "run.h"
#include "spawn.h"
#include "status.h"
#include "textfile.h"
#include "topology.h"
#include "units.h"

#define READY_TIMEOUT_MS	10000
#define STOP_GRACE_MS		5000
#define VERSION_TIMEOUT_MS	5000
#define STATUS_TICK_MS		250	/* the status line's redraw period */
#define LOADGEN_EXIT_BREACHED	4	/* loadgen: a --threshold breached */
#define START_AHEAD_MS		500	/* shards start together this far on */

/* One loadgen of a run: where its files go and which shard it is. */
struct slot {
	char		 dir[LAB_PATH_MAX];	/* the run's folder, or its
						 * shard's under hosts/ */
	unsigned	 shard_i, shard_n;	/* 0: the one loadgen */
	pid_t		 host;			/* its host's holder, or 0 */
	struct proc	 proc;
};

/* Kernel settings a reader needs to interpret the numbers. */
static const char *const env_sysctls[] = {
	"net/ipv4/ip_local_port_range", "net/ipv4/tcp_tw_reuse",
	"net/ipv4/tcp_tw_reuse_delay", "net/ipv4/tcp_max_tw_buckets",
	"net/ipv4/tcp_fin_timeout", "net/ipv4/tcp_timestamps",
};

static int
set_sysctl(const char *name, unsigned value, char *err, size_t errsz)
{
	char	v[16];

	snprintf(v, sizeof(v), "%u", value);
	return netns_sysctl_write(name, v, err, errsz);
}

static int
set_sysctls(const struct lab_plan *plan, char *err, size_t errsz)
{
	char	range[32];

	snprintf(range, sizeof(range), "%u %u", plan->port_lo, plan->port_hi);
	if (netns_sysctl_write("net/ipv4/ip_local_port_range", range, err,
	    errsz) == -1 || set_sysctl("net/ipv4/tcp_tw_reuse",
	    (unsigned)plan->tw_reuse, err, errsz) == -1)
		return -1;
	if (plan->max_tw_buckets >= 0 && set_sysctl("net/ipv4/tcp_max_tw_buckets",
	    (unsigned)plan->max_tw_buckets, err, errsz) == -1)
		return -1;
	if (plan->fin_timeout_s >= 0 && set_sysctl("net/ipv4/tcp_fin_timeout",
	    (unsigned)plan->fin_timeout_s, err, errsz) == -1)
		return -1;
	if (plan->tw_reuse_delay_ms == 0)
		return 0;
	/* Reuse of a TIME_WAIT port needs TCP timestamps (RFC 7323 PAWS). */
	if (set_sysctl("net/ipv4/tcp_timestamps", 1, err, errsz) == -1)
		return -1;
	return set_sysctl("net/ipv4/tcp_tw_reuse_delay",
	    plan->tw_reuse_delay_ms, err, errsz);
}

/* The first line a program prints for `flag` (--version), or why not. */
static void
program_version(const char *prog, const char *flag, char *buf, size_t bufsz)
{
	char	*argv[] = { (char *)prog, (char *)flag, NULL };
	int	 rc;

	rc = proc_capture(argv, buf, bufsz, VERSION_TIMEOUT_MS);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (rc != 0 || buf[0] == '\0')
		snprintf(buf, bufsz, "(unavailable: %s %s %s)", prog, flag,
		    rc == -1 ? "did not run" : "failed");
}

static void
env_program(FILE *fp, const char *key, const char *prog, const char *flag)
{
	char	v[256];

	program_version(prog, flag, v, sizeof(v));
	fprintf(fp, "%s=%s\n", key, v);
}

/* Everything a reader needs to trust or redo the numbers: the kernel,
 * the namespace and its settings, and what every program was built
 * with and runs with.  inih and libmnl have no runtime version call:
 * theirs are the build's. */
static void
write_env(const struct scenario *sc, const struct lab_bins *bins,
    const char *dir, const char *mode)
{
	struct utsname	u;
	char		path[LAB_PATH_MAX], val[128];
	FILE		*fp;
	size_t		i;

	snprintf(path, sizeof(path), "%s/env.txt", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return;
	uname(&u);
	fprintf(fp, "kernel=%s %s %s\n", u.sysname, u.release, u.machine);
	fprintf(fp, "kernel_release=%s\nkernel_version=%s\n", u.release,
	    u.version);
	fprintf(fp, "namespace=%s\n", mode);
	for (i = 0; i < nitems(env_sysctls); i++) {
		if (kstat_sysctl_read(env_sysctls[i], val, sizeof(val)) == -1)
			snprintf(val, sizeof(val), "(unavailable)");
		fprintf(fp, "%s=%s\n", env_sysctls[i], val);
	}
	fprintf(fp, "ephemera_version=%s\n", EPHEMERA_VERSION);
	env_program(fp, "loadgen_version", bins->loadgen, "--version");
	env_program(fp, "fake_imapd_version", bins->fake_imapd, "--version");
	fprintf(fp, "libevent_version=%s\n", event_get_version());
	fprintf(fp, "libevent_build_version=%s\n", LIBEVENT_VERSION);
	fprintf(fp, "openssl_version=%s\n", OpenSSL_version(OPENSSL_VERSION));
	fprintf(fp, "openssl_build_version=%s\n", OPENSSL_VERSION_TEXT);
	fprintf(fp, "inih_build_version=%s\n", INIH_BUILD_VERSION);
	fprintf(fp, "libmnl_build_version=%s\n", LIBMNL_BUILD_VERSION);
	env_program(fp, "gnuplot_version", "gnuplot", "--version");
	fprintf(fp, "server_kind=%s\n", server_kind_name(sc->kind));
	if (sc->kind == SERVER_DOVECOT)
		env_program(fp, "dovecot_version", "dovecot", "--version");
	fclose(fp);
}

/* The command line as run; command_start() made it. */
static void
env_append(const char *dir, const char *key, const char *value)
{
	char	 path[LAB_PATH_MAX];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/env.txt", dir);
	if ((fp = fopen(path, "a")) == NULL)
		return;
	fprintf(fp, "%s=%s\n", key, value);
	fclose(fp);
}

/* A command line under construction; the strings are the caller's.
 * loadgen's longest: about 30 words, 2 per extra destination (7) and 2
 * per threshold (16). */
struct args {
	char	*v[96];
	int	 n;
};

static void
args_add(struct args *a, const char *s)
{
	if (a->n + 1 >= (int)(nitems(a->v)))
		abort();	/* a programming error: the lists are fixed */
	a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
}

static int
start_server(const struct scenario *sc, const char *dir,
    const struct lab_bins *bins, struct proc *srv, char *err, size_t errsz)
{
	char		out[LAB_PATH_MAX], log[LAB_PATH_MAX], line[256], why[128];
	char		csv[LAB_PATH_MAX], opts[512], *tok, *save = NULL;
	struct args	a = { .n = 0 };
	int		ready[2], rc, i;

	snprintf(csv, sizeof(csv), "%s/server.csv", dir);
	args_add(&a, bins->fake_imapd);
	args_add(&a, "--csv");
	args_add(&a, csv);
	for (i = 0; i < sc->nlisten; i++) {
		args_add(&a, "--listen");
		args_add(&a, sc->listen[i]);
	}
	args_add(&a, "--logout-close");
	args_add(&a, logout_close_name(sc->logout_close));
	args_add(&a, "--ready-fd");
	args_add(&a, "3");
	/* The scenario's own options last; fake-imapd itself refuses bad
	 * ones, and the run fails with its message in server.log. */
	snprintf(opts, sizeof(opts), "%s", sc->server_options);
	for (tok = strtok_r(opts, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save))
		args_add(&a, tok);
	snprintf(out, sizeof(out), "%s/server.out", dir);
	snprintf(log, sizeof(log), "%s/server.log", dir);
	if (pipe2(ready, O_CLOEXEC) == -1) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return -1;
	}
	rc = proc_start(srv, "fake-imapd", a.v, out, log, ready[1], err, errsz);
	close(ready[1]);
	if (rc == 0 && proc_read_line(ready[0], READY_TIMEOUT_MS, line,
	    sizeof(line), why, sizeof(why)) == -1) {
		snprintf(err, errsz, "fake-imapd %s (see %s)", why, log);
		rc = -1;
	}
	close(ready[0]);
	return rc;
}

/* A shard's options: its part, a common start, and the files merge
 * reads (merge.h's names). */
static void
shard_args(struct args *a, const struct slot *sl, double start_at,
    char bufs[4][LAB_PATH_MAX])
{
	snprintf(bufs[0], LAB_PATH_MAX, "%u/%u", sl->shard_i, sl->shard_n);
	snprintf(bufs[1], LAB_PATH_MAX, "%.3f", start_at);
	snprintf(bufs[2], LAB_PATH_MAX, "%s/%s", sl->dir, MERGE_HISTOGRAM);
	snprintf(bufs[3], LAB_PATH_MAX, "%s/%s", sl->dir, MERGE_META);
	args_add(a, "--shard");
	args_add(a, bufs[0]);
	args_add(a, "--start-at");
	args_add(a, bufs[1]);
	args_add(a, "--histogram-csv");
	args_add(a, bufs[2]);
	args_add(a, "--meta");
	args_add(a, bufs[3]);
}

static int
start_loadgen(const struct scenario *sc, const struct lab_plan *plan,
    struct slot *sl, double start_at, const struct lab_bins *bins, char *err,
    size_t errsz)
{
	char		out[LAB_PATH_MAX], log[LAB_PATH_MAX], csv[LAB_PATH_MAX];
	char		sum[LAB_PATH_MAX], rate[32], duration[32], timeout[32];
	char		interval[32], shard[4][LAB_PATH_MAX];
	char		mailboxes[32], ttl[32], schedule[ARRIVAL_SPEC_STRLEN];
	const char	*dir = sl->dir;
	struct args	a = { .n = 0 };
	int		i, rc;

	snprintf(out, sizeof(out), "%s/loadgen.out", dir);
	snprintf(log, sizeof(log), "%s/loadgen.log", dir);
	snprintf(csv, sizeof(csv), "%s/%s", dir, sl->shard_n > 0 ?
	    MERGE_INTERVAL : "loadgen.csv");
	snprintf(sum, sizeof(sum), "%s/summary.csv", dir);
	snprintf(rate, sizeof(rate), "%.6g", plan->rate);
	format_duration(plan->duration_us, duration, sizeof(duration));
	format_duration(plan->interval_us, interval, sizeof(interval));
	format_duration(sc->timeout_us, timeout, sizeof(timeout));
	args_add(&a, bins->loadgen);
	if (sc->has_schedule) {
		/* The schedule in lab time, in loadgen's own syntax. */
		arrival_format(&plan->schedule, schedule, sizeof(schedule));
		args_add(&a, "--schedule");
		args_add(&a, schedule);
	} else {
		args_add(&a, "--rate");
		args_add(&a, rate);
	}
	if (sc->steps[0] != '\0') {
		args_add(&a, "--steps");
		args_add(&a, sc->steps);
	}
	args_add(&a, "--duration");
	args_add(&a, duration);
	args_add(&a, "--interval");
	args_add(&a, interval);
	args_add(&a, "--timeout");
	args_add(&a, timeout);
	args_add(&a, "--csv");
	args_add(&a, csv);
	args_add(&a, "--summary-csv");
	args_add(&a, sum);
	args_add(&a, "--close");
	args_add(&a, close_mode_name(sc->close));
	if (sc->mailboxes > 0) {
		/* The article's MailboxCacheTTL, scaled like every duration. */
		snprintf(mailboxes, sizeof(mailboxes), "%llu",
		    (unsigned long long)sc->mailboxes);
		format_duration(plan->cache_ttl_us, ttl, sizeof(ttl));
		args_add(&a, "--mailboxes");
		args_add(&a, mailboxes);
		args_add(&a, "--cache-ttl");
		args_add(&a, ttl);
		args_add(&a, "--mailbox-skew");
		args_add(&a, sc->mailbox_skew);
	}
	for (i = 0; i < sc->nthresholds; i++) {
		args_add(&a, "--threshold");
		args_add(&a, sc->thresholds[i].text);
	}
	/* Several destinations: round-robin, each with the whole range. */
	for (i = 1; i < sc->nlisten; i++) {
		args_add(&a, "--target");
		args_add(&a, sc->listen[i]);
	}
	if (sl->shard_n > 0)
		shard_args(&a, sl, start_at, shard);
	args_add(&a, sc->listen[0]);
	proc_in_host(sl->host);
	rc = proc_start(&sl->proc, "loadgen", a.v, out, log, -1, err, errsz);
	proc_in_host(0);
	return rc;
}

/* How long loadgen may take: it stops by itself after the duration plus
 * a drain bounded by its step timeout. */
static int
loadgen_limit_ms(const struct scenario *sc, const struct lab_plan *plan)
{
	return (int)((plan->duration_us + 2 * sc->timeout_us) / 1000) + 10000;
}

/* The scenario's server, ready for connections. */
static int
start_any_server(const struct scenario *sc, const char *dir,
    const struct lab_bins *bins, struct proc *srv, char *err, size_t errsz)
{
	char	shown[SCENARIO_COMMAND_MAX + 4 * LAB_PATH_MAX];
	int	rc;

	switch (sc->kind) {
	case SERVER_DOVECOT:
		return dovecot_start(sc, dir, srv, err, errsz);
	case SERVER_COMMAND:
		shown[0] = '\0';
		rc = command_start(sc, dir, bins->bindir, srv, shown,
		    sizeof(shown), err, errsz);
		env_append(dir, "server_command", shown[0] != '\0' ? shown :
		    sc->command);
		return rc;
	default:
		return start_server(sc, dir, bins, srv, err, errsz);
	}
}

/* A command line's server may have started children of its own. */
static void
stop_server(const struct scenario *sc, struct proc *srv)
{
	if (sc->kind == SERVER_COMMAND)
		proc_stop_group(srv, STOP_GRACE_MS);
	else
		proc_stop(srv, STOP_GRACE_MS);
}

/* What a run holds while it goes: its hosts, the scenario as the hosts
 * see it (its listen addresses on the server host), its loadgens. */
struct fleet {
	struct topology	 topo;		/* hosts.n == 0: no simulated hosts */
	struct scenario	 sc;
	struct slot	 slot[SCENARIO_MAX_CLIENTS * SCENARIO_MAX_SHARDS];
	int		 nslots;
	int		 sharded;	/* loadgens run as shards, merged */
};

static int
host_sysctls(const void *plan, char *err, size_t errsz)
{
	return set_sysctls(plan, err, errsz);
}

static int
make_dir(const char *path, char *err, size_t errsz)
{
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errsz, "mkdir %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
run_sharded(const struct scenario *sc)
{
	return scenario_has_hosts(sc) || scenario_loadgens(sc) > 1;
}

int
run_loadgen_dir(const struct scenario *sc, const char *dir, unsigned i,
    int parent, char *buf, size_t bufsz)
{
	unsigned	c = i / sc->shards + 1, k = i % sc->shards + 1;
	int		n;

	if (!run_sharded(sc))
		n = snprintf(buf, bufsz, "%s", dir);
	else if (!scenario_has_hosts(sc))
		n = snprintf(buf, bufsz, parent ? "%s/shards" :
		    "%s/shards/shard%u", dir, i + 1);
	else if (sc->shards == 1 || parent)
		n = snprintf(buf, bufsz, "%s/hosts/client%u", dir, c);
	else
		n = snprintf(buf, bufsz, "%s/hosts/client%u/shard%u", dir, c, k);
	return n < 0 || (size_t)n >= bufsz ? -1 : 0;
}

int
run_loadgen_csv(const struct scenario *sc, const char *dir, unsigned i,
    char *buf, size_t bufsz)
{
	char	d[LAB_PATH_MAX];
	int	n;

	if (run_loadgen_dir(sc, dir, i, 0, d, sizeof(d)) == -1)
		return -1;
	n = snprintf(buf, bufsz, "%s/%s", d, run_sharded(sc) ?
	    MERGE_INTERVAL : "loadgen.csv");
	return n < 0 || (size_t)n >= bufsz ? -1 : 0;
}

/* Each loadgen's folder (run_loadgen_dir), made with its parents. */
static int
fleet_slots(struct fleet *f, const char *dir, char *err, size_t errsz)
{
	const struct scenario	*sc = &f->sc;
	unsigned		 i, n = scenario_loadgens(sc);
	char			 base[LAB_PATH_MAX];
	struct slot		*sl;

	f->sharded = run_sharded(sc);
	snprintf(base, sizeof(base), "%s/%s", dir, scenario_has_hosts(sc) ?
	    "hosts" : "shards");
	if (f->sharded && make_dir(base, err, errsz) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		sl = &f->slot[f->nslots++];
		if (f->sharded) {
			sl->shard_i = i + 1;
			sl->shard_n = n;
		}
		if (scenario_has_hosts(sc))
			sl->host = topology_client(&f->topo,
			    i / sc->shards);
		if (run_loadgen_dir(sc, dir, i, 1, base, sizeof(base)) == -1 ||
		    run_loadgen_dir(sc, dir, i, 0, sl->dir,
		    sizeof(sl->dir)) == -1) {
			snprintf(err, errsz, "%s: path too long", dir);
			return -1;
		}
		if (f->sharded && (make_dir(base, err, errsz) == -1 ||
		    make_dir(sl->dir, err, errsz) == -1))
			return -1;
	}
	return 0;
}

static int
fleet_start(struct fleet *f, const struct lab_plan *plan,
    const struct lab_bins *bins, char *err, size_t errsz)
{
	struct timespec	now;
	double		start_at;
	int		i;

	/* Shards take time zero together, once all have started. */
	clock_gettime(CLOCK_REALTIME, &now);
	start_at = (double)now.tv_sec + now.tv_nsec / 1e9 +
	    START_AHEAD_MS / 1e3;
	for (i = 0; i < f->nslots; i++)
		if (start_loadgen(&f->sc, plan, &f->slot[i], start_at, bins, err,
		    errsz) == -1)
			return -1;
	return 0;
}

static void
fleet_stop(struct fleet *f)
{
	int	i;

	for (i = 0; i < f->nslots; i++)
		proc_stop(&f->slot[i].proc, STOP_GRACE_MS);
}

/* Every loadgen finished within limit_ms; an interruption is passed on
 * to all of them.  -1 on time out. */
static int
fleet_wait(struct fleet *f, struct proc *srv, int limit_ms, int *interrupted)
{
	struct proc	*others[nitems(f->slot) + 1];
	long		 deadline = mono_ms() + limit_ms, left;
	int		 i, n = 0, was;

	others[n++] = srv;
	for (i = 0; i < f->nslots; i++)
		others[n++] = &f->slot[i].proc;
	for (i = 0; i < f->nslots; i++) {
		left = deadline - mono_ms();
		was = *interrupted;
		if (proc_wait(&f->slot[i].proc, left > 0 ? (int)left : 0,
		    others, n, interrupted, &f->slot[i].proc) == -1)
			return -1;
		if (!was && *interrupted)
			for (n = 0; n < f->nslots; n++)
				if (f->slot[n].proc.pid > 0)
					kill(f->slot[n].proc.pid, SIGTERM);
	}
	return 0;
}

/* Whether every loadgen ended as one should; else err says which. */
static int
fleet_check(const struct fleet *f, int interrupted, char *err, size_t errsz)
{
	const struct proc	*lg;
	char			 how[32], log[LAB_PATH_MAX], last[256];
	int			 i;

	for (i = 0; i < f->nslots; i++) {
		lg = &f->slot[i].proc;
		/* Our SIGTERM can land before loadgen has set its handlers
		 * (between fork and its event loop); that is the
		 * interruption, not a crash. */
		if (interrupted && WIFSIGNALED(lg->status) &&
		    WTERMSIG(lg->status) == SIGTERM)
			continue;
		/* 4: it ran and a threshold was breached; the judge says
		 * which. */
		if (WIFEXITED(lg->status) && (WEXITSTATUS(lg->status) == 0 ||
		    WEXITSTATUS(lg->status) == LOADGEN_EXIT_BREACHED))
			continue;
		proc_describe(lg, how, sizeof(how));
		snprintf(log, sizeof(log), "%s/loadgen.log", f->slot[i].dir);
		text_last_line(log, last, sizeof(last));
		snprintf(err, errsz, "loadgen failed (%s%s%s; see %s)", how,
		    last[0] ? ": " : "", last, log);
		return -1;
	}
	return 0;
}

/* The shards' files added into the run's own by `ephemera merge` (this
 * very program), so the report, the plot and compare read one run. */
static int
fleet_merge(const struct fleet *f, const char *dir, char *err, size_t errsz)
{
	struct proc	 m = { 0 };
	struct args	 a = { .n = 0 };
	char		 log[LAB_PATH_MAX], last[256], from[LAB_PATH_MAX];
	char		 to[LAB_PATH_MAX];
	int		 i, ignored = 1;

	args_add(&a, "/proc/self/exe");
	args_add(&a, "merge");
	for (i = 0; i < f->nslots; i++)
		args_add(&a, f->slot[i].dir);
	args_add(&a, "--out");
	args_add(&a, dir);
	snprintf(log, sizeof(log), "%s/merge.log", dir);
	if (proc_start(&m, "merge", a.v, log, log, -1, err, errsz) == -1)
		return -1;
	if (proc_wait(&m, READY_TIMEOUT_MS * 3, NULL, 0, &ignored, NULL) ==
	    -1) {
		proc_stop(&m, STOP_GRACE_MS);
		snprintf(err, errsz, "merge did not finish (see %s)", log);
		return -1;
	}
	if (!WIFEXITED(m.status) || WEXITSTATUS(m.status) != 0) {
		text_last_line(log, last, sizeof(last));
		snprintf(err, errsz, "merge of the shards failed: %s (see %s)",
		    last, log);
		return -1;
	}
	snprintf(from, sizeof(from), "%s/%s", dir, MERGE_INTERVAL);
	snprintf(to, sizeof(to), "%s/loadgen.csv", dir);
	if (rename(from, to) == -1) {
		snprintf(err, errsz, "rename %s: %s", from, strerror(errno));
		return -1;
	}
	return 0;
}

/* hosts.csv, from each loadgen's folder and host. */
static void
fleet_hosts_csv(const struct fleet *f, const char *dir)
{
	const char	*dirs[nitems(f->slot)];
	pid_t		 hosts[nitems(f->slot)];
	int		 i;

	for (i = 0; i < f->nslots; i++) {
		dirs[i] = f->slot[i].dir;
		hosts[i] = f->slot[i].host;
	}
	topology_write(&f->topo, dir, dirs, hosts, f->nslots);
}

/* The server started (in the server host, when there are hosts). */
static int
fleet_server(struct fleet *f, const char *dir, const struct lab_bins *bins,
    struct proc *srv, char *err, size_t errsz)
{
	int	rc;

	proc_in_host(topology_server(&f->topo));
	rc = start_any_server(&f->sc, dir, bins, srv, err, errsz);
	proc_in_host(0);
	return rc;
}

/* After the namespace: the hosts (if any) with their sysctls, or the
 * sysctls of the run's own namespace. */
static int
fleet_setup(struct fleet *f, const struct lab_plan *plan, const char *dir,
    char *err, size_t errsz)
{
	if (scenario_has_hosts(&f->sc)) {
		if (topology_build(&f->topo, &f->sc, host_sysctls, plan, err,
		    errsz) == -1)
			return -1;
	} else if (set_sysctls(plan, err, errsz) == -1)
		return -1;
	return fleet_slots(f, dir, err, errsz);
}

/* Everything between entering the namespace and the last child reaped. */
static enum run_status
supervise(const struct scenario *sc, const struct lab_plan *plan,
    const char *dir, const struct lab_bins *bins, char *err, size_t errsz)
{
	static struct fleet	 f;
	struct proc		 srv = { 0 };
	char			 mode[16], how[32];
	int			 interrupted = 0, limit_ms;
	enum run_status		 st = RUN_ERROR;

	memset(&f, 0, sizeof(f));
	f.sc = *sc;
	if (netns_enter(mode, sizeof(mode), err, errsz) == -1)
		return RUN_ERROR;
	if (fleet_setup(&f, plan, dir, err, errsz) == -1)
		goto out;
	write_env(sc, bins, dir, mode);
	if (fleet_server(&f, dir, bins, &srv, err, errsz) == -1 ||
	    fleet_start(&f, plan, bins, err, errsz) == -1)
		goto out;
	limit_ms = loadgen_limit_ms(sc, plan) + START_AHEAD_MS;
	if (fleet_wait(&f, &srv, limit_ms, &interrupted) == -1) {
		snprintf(err, errsz, "loadgen did not finish within %d ms",
		    limit_ms);
		goto out;
	}
	if (srv.pid == 0) {
		proc_describe(&srv, how, sizeof(how));
		snprintf(err, errsz, "%s stopped during the run (%s; see "
		    "%s/server.log)", srv.name, how, dir);
		goto out;
	}
	if (f.topo.hosts.n > 0)
		fleet_hosts_csv(&f, dir);
	if (fleet_check(&f, interrupted, err, errsz) == -1 ||
	    (f.sharded && fleet_merge(&f, dir, err, errsz) == -1))
		goto out;
	st = interrupted ? RUN_INTERRUPTED : RUN_DONE;
out:
	fleet_stop(&f);
	stop_server(sc, &srv);
	hosts_stop(&f.topo.hosts);
	return st;
}

/* Whether this loadgen has --steps: its --help lists every option. */
static int
loadgen_has_steps(const struct lab_bins *bins)
{
	char	 help[16384];
	char	*argv[] = { (char *)bins->loadgen, "--help", NULL };

	return proc_capture(argv, help, sizeof(help), VERSION_TIMEOUT_MS) == 0 &&
	    strstr(help, "--steps") != NULL;
}

/* The run's error into error.txt, best effort: the disk may be full. */
static void
save_error(const char *dir, const char *msg)
{
	char	path[LAB_PATH_MAX], text[600], ignored[64];

	snprintf(path, sizeof(path), "%s/error.txt", dir);
	snprintf(text, sizeof(text), "%s\n", msg);
	text_write(path, text, ignored, sizeof(ignored));
}

/* The supervisor's message, from the pipe it wrote before exiting (never
 * through a file: a full disk would swallow the very message that says
 * so). */
static void
read_error(int fd, char *err, size_t errsz)
{
	ssize_t	n;
	size_t	have = 0;

	while (have + 1 < errsz &&
	    (n = read(fd, err + have, errsz - 1 - have)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		have += (size_t)n;
	}
	err[have] = '\0';
	if (have == 0)
		snprintf(err, errsz, "run failed without a message");
}

/* Wait for the run, bounded, redrawing the terminal's status line (a
 * no-op off a terminal) between slices of the wait. */
static int
wait_supervisor(struct proc *sup, int limit_ms, int *interrupted)
{
	long	deadline = mono_ms() + limit_ms, left;

	while ((left = deadline - mono_ms()) > 0) {
		if (proc_wait(sup, left < STATUS_TICK_MS ? (int)left :
		    STATUS_TICK_MS, NULL, 0, interrupted, sup) == 0)
			return 0;
		status_tick();
	}
	return -1;
}

enum run_status
run_scenario(const struct scenario *sc, const struct plan *plan,
    const char *dir, const struct lab_bins *bins, char *err, size_t errsz)
{
	struct proc	sup = { .name = "run" };
	pid_t		parent;
	char		path[LAB_PATH_MAX];
	int		interrupted = 0, limit_ms, msg[2];
	ssize_t		sent;
	enum run_status	st;

	proc_block_signals();
	/* Refuse rather than run loadgen's default session and call it the
	 * scenario's. */
	if (sc->steps[0] != '\0' && !loadgen_has_steps(bins)) {
		snprintf(path, sizeof(path), "%s", bins->loadgen);
		snprintf(err, errsz, "loadgen in %s does not support --steps "
		    "(needed by [load] steps)", dirname(path));
		return RUN_ERROR;
	}
	fflush(NULL);
	parent = getpid();
	if (pipe2(msg, O_CLOEXEC) == -1) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return RUN_ERROR;
	}
	if ((sup.pid = fork()) == -1) {
		snprintf(err, errsz, "fork: %s", strerror(errno));
		close(msg[0]);
		close(msg[1]);
		return RUN_ERROR;
	}
	if (sup.pid == 0) {
		/* The namespace belongs to this child alone: the lab's own
		 * process never leaves the host's namespace.  Its SIGTERM
		 * (blocked) reaches proc_wait as an interruption when the
		 * lab is killed outright. */
		if (proc_die_with_parent(parent) == -1)
			_exit(RUN_INTERRUPTED);
		close(msg[0]);
		st = supervise(sc, &plan->lab, dir, bins, err, errsz);
		dovecot_cleanup();
		/* Whole or not at all (under PIPE_BUF); lost, the parent
		 * says it had no message. */
		if (st == RUN_ERROR)
			sent = write(msg[1], err, strlen(err));
		(void)sent;
		_exit(st);
	}
	close(msg[1]);
	/* The supervisor's own bound: loadgen's, plus stopping everything. */
	limit_ms = loadgen_limit_ms(sc, &plan->lab) + 3 * STOP_GRACE_MS + 5000;
	if (wait_supervisor(&sup, limit_ms, &interrupted) == -1) {
		proc_stop(&sup, STOP_GRACE_MS);
		snprintf(err, errsz, "run did not finish within %d ms", limit_ms);
		st = RUN_ERROR;
	} else if (!WIFEXITED(sup.status)) {
		snprintf(err, errsz, "run died (signal %d)", WTERMSIG(sup.status));
		st = RUN_ERROR;
	} else if ((st = (enum run_status)WEXITSTATUS(sup.status)) ==
	    RUN_ERROR)
		read_error(msg[0], err, errsz);
	else if (interrupted)
		st = RUN_INTERRUPTED;
	close(msg[0]);
	if (st == RUN_ERROR)
		save_error(dir, err);
	return st;
}
