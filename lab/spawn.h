/* spawn.h: start the programs of a run and wait for them, bounded. */
#ifndef EPHEMERA_SPAWN_H
#define EPHEMERA_SPAWN_H

#include <sys/types.h>

#include <stddef.h>

struct proc {
	const char	*name;		/* "fake-imapd", "loadgen" */
	pid_t		 pid;		/* 0 once reaped */
	int		 status;	/* from waitpid, once reaped */
};

/*
 * Fork and exec argv[0] with stdout and stderr appended to the given
 * files and, when pass_fd >= 0, that descriptor as fd 3.  The child runs
 * in its own process group so that a terminal's ^C reaches only the lab,
 * which then stops each program once, in order.  The caller must have
 * blocked SIGCHLD, SIGINT and SIGTERM (see proc_block_signals); the child
 * gets a clean mask.
 */
int	proc_start(struct proc *p, const char *name, char *const argv[],
	    const char *out_path, const char *err_path, int pass_fd,
	    char *err, size_t errsz);

/* Children started from now on run in the network and UTS namespaces
 * that process `holder` holds (a simulated host, hosts.h); 0: in the
 * caller's. */
void	proc_in_host(pid_t holder);

/* The same, in directory `cwd`; argv[0] without a slash is looked up in
 * PATH. */
int	proc_start_in(struct proc *p, const char *name, char *const argv[],
	    const char *cwd, const char *out_path, const char *err_path,
	    int pass_fd, char *err, size_t errsz);

/* Ask for SIGTERM when `parent` (the caller's parent, by pid) dies, so
 * that a lab killed outright stops what it started.  -1 when the parent
 * is already gone or prctl failed: the caller should then stop. */
int	proc_die_with_parent(pid_t parent);

/* Block the signals the lab waits for with sigtimedwait(). */
void	proc_block_signals(void);

/*
 * Wait until `p` exits or `timeout_ms` passes, reaping any child.  A
 * SIGINT or SIGTERM that arrives meanwhile sets *interrupted and, the
 * first time, is passed on to `on_signal` (may be NULL) as SIGTERM.
 * Returns 0 when p exited, -1 on timeout.
 */
int	proc_wait(struct proc *p, int timeout_ms, struct proc *others[],
	    int nothers, int *interrupted, struct proc *on_signal);

/* Whether a SIGINT or SIGTERM (blocked) is pending: taken, 1; else 0.
 * Between runs, where no proc_wait would see it until a run had begun
 * (a sweep's next point). */
int	proc_take_interrupt(void);

/* SIGTERM, wait up to grace_ms, then SIGKILL and reap. */
void	proc_stop(struct proc *p, int grace_ms);

/* SIGTERM to p's whole process group (a command line may have started
 * more than one process), wait up to grace_ms, then SIGKILL the group. */
void	proc_stop_group(struct proc *p, int grace_ms);

/*
 * Run argv (looked up in PATH when it has no slash) with stdout and
 * stderr into buf (NUL-terminated, cut at bufsz - 1), bounded by
 * timeout_ms.  Returns its exit status, or -1 when it could not run,
 * was killed or took too long.  Signals as for proc_start.
 */
/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
long	mono_ms(void);
/* Read fd into buf (always NUL-terminated) until EOF, a full buffer, the
 * mono_ms() `deadline` or, with `line`, a newline: 1 if it stopped at a
 * newline, else 0. */
int	read_bounded(int fd, char *buf, size_t bufsz, long deadline, int line);
int	proc_capture(char *const argv[], char *buf, size_t bufsz,
	    int timeout_ms);

/* Read one line from fd within timeout_ms (the child's readiness).
 * Returns -1 with a message when the fd closes or time runs out. */
int	proc_read_line(int fd, int timeout_ms, char *line, size_t linesz,
	    char *err, size_t errsz);

/* "exit 0", "signal 9" for reports. */
void	proc_describe(const struct proc *p, char *buf, size_t bufsz);

#endif
