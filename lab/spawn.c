/* spawn.c: fork/exec with redirected output, and bounded waiting on
 * children with sigtimedwait() instead of sleeps. */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "spawn.h"

#define LOG_ROOM	16384	/* bytes set aside for a program's stderr */

static pid_t	spawn_host;	/* holder whose namespaces children enter */

void
proc_in_host(pid_t holder)
{
	spawn_host = holder;
}

/* The child joins the simulated host's network and UTS namespaces (its
 * address, its sysctls, its hostname) before it execs. */
static int
enter_host(pid_t holder)
{
	static const struct { const char *ns; int type; } kinds[] = {
		{ "net", CLONE_NEWNET }, { "uts", CLONE_NEWUTS },
	};
	char	path[64];
	size_t	i;
	int	fd;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(path, sizeof(path), "/proc/%ld/ns/%s", (long)holder,
		    kinds[i].ns);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
		    setns(fd, kinds[i].type) == -1) {
			dprintf(STDERR_FILENO, "ephemera: enter host %s: %s\n",
			    path, strerror(errno));
			return -1;
		}
		close(fd);
	}
	return 0;
}

void
proc_block_signals(void)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

int
proc_die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
		return -1;
	/* The parent may have gone between fork and prctl. */
	return getppid() == parent ? 0 : -1;
}

static void
child_exec(char *const argv[], const char *cwd, int out_fd, int err_fd,
    int pass_fd, pid_t parent)
{
	sigset_t	empty;

	/* A lab killed outright must not leave a server running in its
	 * namespace for ever (keeping the namespace alive with it). */
	if (proc_die_with_parent(parent) == -1)
		_exit(128 + SIGTERM);
	sigemptyset(&empty);
	sigprocmask(SIG_SETMASK, &empty, NULL);
	setpgid(0, 0);
	if (dup2(out_fd, STDOUT_FILENO) == -1 ||
	    dup2(err_fd, STDERR_FILENO) == -1)
		_exit(127);
	/* dup2 clears close-on-exec on the copy; fd 3 is the only one kept. */
	if (pass_fd >= 0 && pass_fd != 3) {
		if (dup2(pass_fd, 3) == -1)
			_exit(127);
	} else if (pass_fd == 3)
		fcntl(3, F_SETFD, 0);
	if (spawn_host > 0 && enter_host(spawn_host) == -1)
		_exit(126);
	if (cwd != NULL && chdir(cwd) == -1) {
		dprintf(STDERR_FILENO, "ephemera: chdir %s: %s\n", cwd,
		    strerror(errno));
		_exit(126);
	}
	execvp(argv[0], argv);
	dprintf(STDERR_FILENO, "ephemera: exec %s: %s\n", argv[0],
	    strerror(errno));
	_exit(127);
}

int
proc_start(struct proc *p, const char *name, char *const argv[],
    const char *out_path, const char *err_path, int pass_fd, char *err,
    size_t errsz)
{
	return proc_start_in(p, name, argv, NULL, out_path, err_path, pass_fd,
	    err, errsz);
}

int
proc_start_in(struct proc *p, const char *name, char *const argv[],
    const char *cwd, const char *out_path, const char *err_path, int pass_fd,
    char *err, size_t errsz)
{
	pid_t	parent = getpid();
	int	out_fd, err_fd;

	p->name = name;
	p->pid = 0;
	p->status = 0;
	out_fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	err_fd = open(err_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (out_fd == -1 || err_fd == -1) {
		snprintf(err, errsz, "open %s: %s",
		    out_fd == -1 ? out_path : err_path, strerror(errno));
		goto fail;
	}
	/* Room for its last words, set aside before it runs (blocks past
	 * the end, the size left at 0): on a disk that fills up during the
	 * run, the message that says so must still find a place.  Where
	 * fallocate is missing or the disk is full already, no room. */
	(void)fallocate(err_fd, FALLOC_FL_KEEP_SIZE, 0, LOG_ROOM);
	if ((p->pid = fork()) == -1) {
		snprintf(err, errsz, "fork %s: %s", name, strerror(errno));
		p->pid = 0;
		goto fail;
	}
	if (p->pid == 0)
		child_exec(argv, cwd, out_fd, err_fd, pass_fd, parent);
	close(out_fd);
	close(err_fd);
	return 0;
fail:
	if (out_fd != -1)
		close(out_fd);
	if (err_fd != -1)
		close(err_fd);
	return -1;
}

static void
reap(struct proc *p)
{
	int	status;

	if (p->pid > 0 && waitpid(p->pid, &status, WNOHANG) == p->pid) {
		p->status = status;
		p->pid = 0;
	}
}

long
mono_ms(void)
{
	return (long)(mono_us() / 1000);
}

int
proc_take_interrupt(void)
{
	struct timespec	ts = { 0, 0 };
	sigset_t	set;
	int		sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sig = sigtimedwait(&set, NULL, &ts);
	return sig == SIGINT || sig == SIGTERM;
}

/* proc_wait's loop: 0 when p exited, -1 on timeout; a signal a caller
 * that ignores them (*interrupted already set) would lose goes into
 * *missed. */
static int
wait_loop(struct proc *p, long deadline, struct proc *others[], int nothers,
    int *interrupted, struct proc *on_signal, int *missed)
{
	struct timespec	ts;
	sigset_t	set;
	long		left;
	int		sig, i, ignoring = *interrupted;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	for (;;) {
		reap(p);
		for (i = 0; i < nothers; i++)
			reap(others[i]);
		if (p->pid == 0)
			return 0;
		if ((left = deadline - mono_ms()) <= 0)
			return -1;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000L;
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig != SIGINT && sig != SIGTERM)
			continue;
		if (ignoring)
			*missed = sig;
		else if (!*interrupted) {
			*interrupted = 1;
			if (on_signal != NULL && on_signal->pid > 0)
				kill(on_signal->pid, SIGTERM);
		}
	}
}

int
proc_wait(struct proc *p, int timeout_ms, struct proc *others[], int nothers,
    int *interrupted, struct proc *on_signal)
{
	int	rc, missed = 0;

	rc = wait_loop(p, mono_ms() + timeout_ms, others, nothers, interrupted,
	    on_signal, &missed);
	/* A wait that ignores interruptions (a --version, a readiness poll,
	 * a stop) must not swallow one: it stays pending, blocked, for the
	 * next wait that acts on it. */
	if (missed)
		kill(getpid(), missed);
	return rc;
}

void
proc_stop(struct proc *p, int grace_ms)
{
	int	ignored = 1;

	if (p->pid <= 0)
		return;
	kill(p->pid, SIGTERM);
	if (proc_wait(p, grace_ms, NULL, 0, &ignored, NULL) == 0)
		return;
	kill(p->pid, SIGKILL);
	if (waitpid(p->pid, &p->status, 0) == p->pid)
		p->pid = 0;
}

void
proc_stop_group(struct proc *p, int grace_ms)
{
	pid_t	group = p->pid;
	int	ignored = 1;

	if (p->pid <= 0)
		return;
	/* proc_start made the child a group leader: -pid is its group. */
	kill(-group, SIGTERM);
	if (proc_wait(p, grace_ms, NULL, 0, &ignored, NULL) == 0) {
		/* The leader is gone; anything it left behind goes too. */
		kill(-group, SIGKILL);
		return;
	}
	kill(-group, SIGKILL);
	if (waitpid(p->pid, &p->status, 0) == p->pid)
		p->pid = 0;
}

int
read_bounded(int fd, char *buf, size_t bufsz, long deadline, int line)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	size_t		n = 0;
	ssize_t		r;
	long		left;

	buf[0] = '\0';
	while (n + 1 < bufsz && (left = deadline - mono_ms()) > 0) {
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if ((r = read(fd, buf + n, bufsz - 1 - n)) <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if (line && strchr(buf, '\n') != NULL)
			return 1;
	}
	return 0;
}

int
proc_capture(char *const argv[], char *buf, size_t bufsz, int timeout_ms)
{
	struct proc	p = { .name = argv[0] };
	pid_t		parent = getpid();
	long		deadline = mono_ms() + timeout_ms, left;
	int		fds[2], ignored = 1;

	buf[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	if ((p.pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (p.pid == 0)
		child_exec(argv, NULL, fds[1], fds[1], -1, parent);
	close(fds[1]);
	read_bounded(fds[0], buf, bufsz, deadline, 0);
	close(fds[0]);
	left = deadline - mono_ms();
	if (proc_wait(&p, left > 0 ? (int)left : 0, NULL, 0, &ignored,
	    NULL) == -1) {
		proc_stop(&p, 1000);
		return -1;
	}
	return WIFEXITED(p.status) ? WEXITSTATUS(p.status) : -1;
}

int
proc_read_line(int fd, int timeout_ms, char *line, size_t linesz, char *err,
    size_t errsz)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	long		deadline = mono_ms() + timeout_ms, left;
	size_t		n = 0;
	ssize_t		r;

	while (n + 1 < linesz) {
		if ((left = deadline - mono_ms()) <= 0) {
			snprintf(err, errsz, "no answer within %d ms", timeout_ms);
			return -1;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;	/* EINTR or time out: loop checks */
		if ((r = read(fd, line + n, 1)) <= 0) {
			snprintf(err, errsz, "exited before it was ready");
			return -1;
		}
		if (line[n] == '\n') {
			line[n] = '\0';
			return 0;
		}
		n++;
	}
	snprintf(err, errsz, "readiness line too long");
	return -1;
}

void
proc_describe(const struct proc *p, char *buf, size_t bufsz)
{
	if (p->pid > 0)
		snprintf(buf, bufsz, "running");
	else if (WIFEXITED(p->status))
		snprintf(buf, bufsz, "exit %d", WEXITSTATUS(p->status));
	else if (WIFSIGNALED(p->status))
		snprintf(buf, bufsz, "signal %d", WTERMSIG(p->status));
	else
		snprintf(buf, bufsz, "status %d", p->status);
}
