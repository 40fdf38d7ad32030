"""memcheck.py: end-to-end tests with every program they start under
valgrind memcheck, then one verdict over all of valgrind's logs.

    memcheck.py [--build DIR] [--logs DIR] [-j N] CASES...
    memcheck.py [--build DIR] [--logs DIR] [-j N] --all

CASES are e2e test files (relative to tests/ or to the current folder),
whole ("loadgen/e2e_tls.py") or some of their cases after a colon,
comma-separated, as unittest names them
("loadgen/e2e_tls.py:Tls.test_rst_over_tls,BadTlsOptions"); --all: every
e2e test file that starts one of the programs. -j: that many
files at once (default 1). --build: where the programs are when the
environment does not say (meson test does; default build).

FAKE_IMAPD, LOADGEN and EPHEMERA (the tests' environment, harness.py) are
replaced by scripts that exec valgrind on the real program, so the tests
run unchanged. ephemera's valgrind follows its children (--trace-children):
the fake-imapd and loadgen it starts, and the fork it supervises a run in,
are checked too; system programs (gnuplot, dovecot, ip) are not. Each
process writes vg.PID.log; a log whose ERROR SUMMARY is not 0 (a memory
error, or a leak: definitely, indirectly or possibly lost, less what
memcheck.supp suppresses, each with its reason) is a failure, and the test
prints it with the program's command line. Exit 0 only if every test passed
and every log is clean; 77 (meson's skip) without valgrind.
"""
import concurrent.futures
import getopt
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, TESTS)
from count import unittest_cases  # noqa: E402  (tests/count.py)
SUPPRESSIONS = os.path.join(HERE, "memcheck.supp")
# A test file's own bound, valgrind's slowdown included; meson's timeout
# for the whole list is the last resort.
FILE_TIMEOUT = 900

# The programs the wrappers stand for, and the other variables of meson's
# e2e environment (tests/meson.build), by their place in a build folder.
PROGRAMS = {"FAKE_IMAPD": "fake-imapd/fake-imapd",
            "LOADGEN": "loadgen/loadgen",
            "EPHEMERA": "lab/ephemera"}
OURS = ("fake-imapd", "loadgen", "ephemera")
HELPERS = {"RAWSERVER": "bench/rawserver", "RAWCLIENT": "bench/rawclient"}
# --all leaves out the e2e files that start none of the three programs:
# compare's statistics against SciPy's (a probe of lab/statistics.c) and
# the benchmark's reference client.
NOT_OURS = ("lab/e2e_statistics.py", "bench/e2e_rawclient.py")
# The longest first, so that -j runs the others beside it.
FIRST = "lab/e2e_scenarios.py"


def valgrind_argv(logdir, wrapdir):
    """valgrind's options for every program, and the children it follows.
    Not followed: programs in the system's folders, and the wrappers
    themselves (a test may hand one to ephemera as --bindir's fake-imapd:
    it starts a valgrind of its own)."""
    skip = ",".join(["/usr/*", "/bin/*", "/sbin/*", "/lib*", "/etc/*",
                     wrapdir + "/*"])
    return ["valgrind", "--tool=memcheck", "--trace-children=yes",
            "--trace-children-skip=" + skip,
            "--log-file=" + os.path.join(logdir, "vg.%p.log"),
            "--leak-check=full",
            "--show-leak-kinds=definite,indirect,possible",
            "--errors-for-leak-kinds=definite,indirect,possible",
            "--error-exitcode=99", "--num-callers=30",
            "--gen-suppressions=all", "--suppressions=" + SUPPRESSIONS]


def every_e2e_file():
    """--all's CASES, relative to tests/."""
    found = sorted(os.path.relpath(p, TESTS) for p in
                   glob.glob(os.path.join(TESTS, "*", "e2e_*.py")))
    return [FIRST] + [p for p in found
                      if p != FIRST and p not in NOT_OURS]


def test_env(build):
    """meson's e2e environment, for a run outside meson test."""
    env = dict(os.environ, EPHEMERA_VALGRIND="1")
    for var, path in list(PROGRAMS.items()) + list(HELPERS.items()):
        env.setdefault(var, os.path.abspath(os.path.join(build, path)))
    env.setdefault("EPHEMERA_SOURCE_ROOT", os.path.dirname(TESTS))
    env.setdefault("PYTHONPATH", os.path.join(TESTS, "lib"))
    return env


def write_wrappers(env, wrapdir, logdir):
    """One script per program, `exec valgrind ... PROGRAM "$@"`, put in the
    environment in the program's place. exec: the test's process is the
    program's, for its signals and its exit status."""
    vg = " ".join("'%s'" % a for a in valgrind_argv(logdir, wrapdir))
    for var in PROGRAMS:
        real = env[var]
        path = os.path.join(wrapdir, os.path.basename(real))
        with open(path, "w") as f:
            f.write("#!/bin/sh\nexec %s '%s' \"$@\"\n" % (vg, real))
        os.chmod(path, 0o755)
        env[var] = path


def run_cases(spec, env):
    """One test file (some of its cases), to its end; returns (ran,
    failed, skipped, its output)."""
    path, _, names = spec.partition(":")
    if not os.path.exists(path):
        path = os.path.join(TESTS, path)
    argv = [sys.executable, path] + \
        [n for n in names.split(",") if n]
    try:
        p = subprocess.run(argv, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           timeout=FILE_TIMEOUT)
        out, rc = p.stdout, p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode(errors="replace"), -1
        out += "\n%s: no end within %d s\n" % (spec, FILE_TIMEOUT)
    passed, failed, skipped = unittest_cases(out, rc == 0) or \
        ((1, 0, 0) if rc == 0 else (0, 1, 0))
    return passed + failed + skipped, failed, skipped, out


def read_log(path):
    """(command line, errors or None without a summary, text) of one log."""
    with open(path, errors="replace") as f:
        text = f.read()
    m = re.search(r"^==\d+== Command: (.*)$", text, re.M)
    command = m.group(1) if m else "?"
    m = re.search(r"^==\d+== ERROR SUMMARY: (\d+) errors", text, re.M)
    return command, int(m.group(1)) if m else None, text


def judge_logs(spec, logdir):
    """Prints a line per program checked and every log with findings;
    returns the number of processes with findings."""
    bad = 0
    checked = {}
    unfinished = others = 0
    for path in sorted(glob.glob(os.path.join(logdir, "vg.*.log"))):
        command, errors, text = read_log(path)
        prog = os.path.basename(command.split(" ")[0])
        if prog not in OURS:
            # A scenario's [server] command outside the system's folders
            # (a python3 of pyenv's): followed, but not ours to judge.
            others += 1
            continue
        if errors is None:
            # Killed outright (SIGKILL), or a fork that exec'd a program
            # not followed (gnuplot): nothing was left to check at its end;
            # any error on the way would still be in the log.
            unfinished += 1
            if not re.search(r"^==\d+== (Invalid|Conditional|Use of unini"
                             r"|Syscall param|Mismatched|Source and dest)",
                             text, re.M):
                continue
            errors = 1
        checked[prog] = checked.get(prog, 0) + 1
        if errors:
            bad += 1
            print("memcheck: %s: %s: %d errors in %s\n%s" % (
                spec, command, errors, path, text))
    print("memcheck: %s: %s; %d with no summary (killed, or exec'd a "
          "program not followed); %d other programs not judged" % (
              spec, ", ".join("%d %s" % (checked[p], p)
                              for p in sorted(checked)) or "no program",
              unfinished, others))
    return bad


def run_spec(work, logroot, i, spec, env):
    """One CASES argument with wrappers and a log folder of its own, so
    that a finding names the test file; returns run_cases' counts, the
    output and the log folder."""
    path = spec.partition(":")[0]
    logdir = os.path.join(logroot, "%02d-%s-%s" % (
        i, os.path.basename(os.path.dirname(path)), os.path.basename(path)))
    wrapdir = os.path.join(work, "bin%02d" % i)
    os.makedirs(logdir)
    os.makedirs(wrapdir)
    env = dict(env)
    write_wrappers(env, wrapdir, logdir)
    return run_cases(spec, env) + (logdir,)


def main(argv):
    try:
        opts, args = getopt.getopt(argv, "j:", ["all", "build=", "logs="])
    except getopt.GetoptError as e:
        sys.exit("memcheck.py: %s\n%s" % (e, __doc__))
    opts = dict(opts)
    build, logs = opts.get("--build", "build"), opts.get("--logs")
    jobs = int(opts.get("-j", "1"))
    if "--all" in opts:
        args = every_e2e_file()
    if not args:
        sys.exit(__doc__)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (./setup.sh test installs it)")
        return 77
    work = tempfile.mkdtemp(prefix="ephemera-memcheck-")
    try:
        logroot = logs or os.path.join(work, "logs")
        os.makedirs(logroot, exist_ok=True)
        env = test_env(build)
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(
                lambda a: run_spec(work, logroot, a[0], a[1], env),
                enumerate(args)))
        ran = failed = skipped = bad = 0
        for spec, (r, f, s, out, logdir) in zip(args, results):
            # Indented: the closing line below is the only one count.py
            # reads.
            print("== %s\n%s" % (spec, "".join(
                "  | " + line for line in out.splitlines(True))))
            ran, failed, skipped = ran + r, failed + f, skipped + s
            bad += judge_logs(spec, logdir)
        print("Ran %d tests" % (ran + bad))
        result = "OK" if failed + bad == 0 else "FAILED"
        print("%s (failures=%d, skipped=%d)" % (result, failed + bad,
                                               skipped))
        return 0 if failed + bad == 0 else 1
    finally:
        shutil.rmtree(work, True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
