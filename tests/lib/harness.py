"""harness.py: start the project's programs for end-to-end tests.

Paths come from the environment that meson test sets (FAKE_IMAPD, LOADGEN,
EPHEMERA, EPHEMERA_SOURCE_ROOT). Synchronisation is by readiness lines and
process exit, never by sleeping; every wait has a deadline.
"""
import csv
import glob
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

FAKE_IMAPD = os.environ.get("FAKE_IMAPD", "build/fake-imapd/fake-imapd")
LOADGEN = os.environ.get("LOADGEN", "build/loadgen/loadgen")
EPHEMERA = os.environ.get("EPHEMERA", "build/lab/ephemera")
SOURCE_ROOT = os.environ.get("EPHEMERA_SOURCE_ROOT", ".")
# A build with -Dsanitize=true (ASan, UBSan): tests/meson.build says so.
SANITIZED = os.environ.get("EPHEMERA_SANITIZE") == "1"
# The programs run under valgrind (tests/valgrind/memcheck.py): 20-50
# times slower, their memory valgrind's.
VALGRIND = os.environ.get("EPHEMERA_VALGRIND") == "1"
# Deadlines that only bound a hang, stretched for valgrind.
SLOW = 10 if VALGRIND else 1


def assert_peak_rss(test, what, kib, bound_kib):
    """Print a program's peak RSS and check it against its bound, except
    under ASan: its shadow memory and its quarantine of freed blocks (256
    MB) make the peak ASan's, not the program's (a 100 MB flood read and
    dropped peaks near 250 MB), so there the bound is the plain build's
    to check, and the line says it was not.  Likewise under valgrind."""
    checker = "ASan" if SANITIZED else "valgrind" if VALGRIND else None
    sys.stderr.write("%s peak RSS %d KiB%s\n" % (
        what, kib, " (bound not checked under %s)" % checker if checker
        else ""))
    if checker is None:
        test.assertLess(kib, bound_kib)


def read_line(fd, timeout):
    """One line from fd within timeout seconds, or raise."""
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no line within %ss (got %r)" % (timeout, data))
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 1)
            if not chunk:
                raise EOFError("closed before a full line (got %r)" % data)
            data += chunk
    return data.decode()


def start_fake_imapd(args, text=False):
    """fake-imapd with `args`, once its readiness line has come (bounded).
    Returns (process, the listening ADDR:PORT words of that line)."""
    rfd, wfd = os.pipe()
    proc = subprocess.Popen([FAKE_IMAPD, "--ready-fd", str(wfd)] + list(args),
                            pass_fds=(wfd,), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=text)
    os.close(wfd)
    try:
        line = read_line(rfd, 10 * SLOW)
    finally:
        os.close(rfd)
    words = line.split()
    assert words[0] == "ready", line
    return proc, words[1:]


class FakeImapd:
    """fake-imapd on 127.0.0.1 with a kernel-chosen port."""

    def __init__(self, *args):
        self.proc, addrs = start_fake_imapd(["--listen", "127.0.0.1:0"]
                                            + list(args))
        host, port = addrs[0].rsplit(":", 1)
        self.addr = (host, int(port))

    def connect(self):
        s = socket.create_connection(self.addr, timeout=10)
        return s

    def stop(self):
        """SIGTERM; returns (exit code, stdout, stderr)."""
        self.proc.terminate()
        out, err = self.proc.communicate(timeout=10 * SLOW)
        return self.proc.returncode, out.decode(), err.decode()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        """SIGTERM, as a server is stopped, so that it frees everything
        (valgrind checks that); SIGKILL only if it hangs."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.communicate(timeout=10 * SLOW)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.communicate()


def slowed_bindir(parent, delay="200ms"):
    """A build folder under parent whose fake-imapd answers every command
    `delay` late: the head of a change that made the server slower, for
    `--bindir` / `--head-bindir`.  Returns the folder."""
    d = os.path.join(parent, "head-bin")
    os.mkdir(d)
    path = os.path.join(d, "fake-imapd")
    with open(path, "w") as f:
        f.write('#!/bin/sh\nexec %s --command-delay %s "$@"\n'
                % (os.path.abspath(FAKE_IMAPD), delay))
    os.chmod(path, 0o755)
    return d


def recv_until(sock, suffix, limit=65536):
    """Bytes from sock until they end with suffix (or EOF), bounded."""
    data = b""
    while not data.endswith(suffix) and len(data) < limit:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def read_csv(path):
    """Rows of an RFC 4180 file as dicts; checks every row has the header's width."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows, "%s is empty" % path
    header = rows[0]
    for i, row in enumerate(rows[1:], 2):
        assert len(row) == len(header), "%s:%d: %d fields, header has %d" % (
            path, i, len(row), len(header))
    return [dict(zip(header, row)) for row in rows[1:]]


def run(argv, timeout=120):
    """Run argv; returns CompletedProcess with text output."""
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


TCP_STATES = {"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV",
              "04": "FIN_WAIT1", "05": "FIN_WAIT2", "06": "TIME_WAIT",
              "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK",
              "0A": "LISTEN", "0B": "CLOSING"}


def tcp_states(local_port, remote_port):
    """States of IPv4 TCP sockets (TIME_WAIT included) with these ports,
    from /proc/net/tcp of the current network namespace.  The kernel
    serves that file a page per read, so while other tests open and close
    connections a socket can be listed twice: one entry per address
    4-tuple, which no two sockets share."""
    found = {}
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            lport = int(fields[1].split(":")[1], 16)
            rport = int(fields[2].split(":")[1], 16)
            if lport == local_port and rport == remote_port:
                found[(fields[1], fields[2])] = \
                    TCP_STATES.get(fields[3], fields[3])
    return list(found.values())


def status_kib(pid, field):
    """A size field of /proc/PID/status (VmHWM, VmRSS) in KiB, or None
    once the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def wait_for(predicate, timeout=60.0, what="condition"):
    """Poll a condition the kernel settles asynchronously (a peer's socket
    state after our last packet), up to a deadline; returns its value.
    The deadline only bounds a hang: generous, so that a slow machine
    never fails a condition that comes late."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            assert value, "%s not reached within %ss" % (what, timeout)
            return value
        select.select([], [], [], 0.005)


NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def userns_for_nobody():
    """Whether nobody may make a user namespace here (not in a chroot, nor
    with kernel.unprivileged_userns_clone=0); root only can become nobody."""
    return os.geteuid() == 0 and run(NOBODY + ["unshare", "-Urn", "true"],
                                     timeout=20).returncode == 0


def run_as_nobody(test, scenario):
    """`ephemera run SCENARIO` as nobody, which makes the lab use a user
    namespace, from copies of the programs and the scenario in a folder
    nobody may use.  Asserts it ran in a user namespace and exited 0;
    returns the run's results folder."""
    d = tempfile.mkdtemp(prefix="ephemera-userns-")
    test.addCleanup(shutil.rmtree, d, True)
    os.chmod(d, 0o777)
    for prog in (EPHEMERA, FAKE_IMAPD, LOADGEN):
        shutil.copy(prog, d)
    path = shutil.copy(scenario, d)
    os.chmod(path, 0o644)
    r = run(NOBODY + [os.path.join(d, "ephemera"), "--bindir", d,
                      "--results", os.path.join(d, "res"), "run", path])
    test.assertEqual(r.returncode, 0, r.stdout + r.stderr)
    name = os.path.splitext(os.path.basename(path))[0]
    out = glob.glob(os.path.join(d, "res", name, "2*"))[0]
    with open(os.path.join(out, "env.txt")) as f:
        test.assertIn("namespace=userns\n", f.read())
    return out
