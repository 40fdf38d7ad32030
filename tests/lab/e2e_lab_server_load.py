"""e2e_lab_server_load.py: the lab's [server] kind = command (a server known
only by its command line: greeting readiness, placeholders, SIGTERM then
SIGKILL of its process group, "no server counters"), [load] steps (passed to
loadgen, or refused when loadgen lacks --steps) and env.txt's record of the
environment. Each run is ephemera's own private network namespace."""
import os
import shutil
import tempfile
import textwrap
import time
import unittest

from harness import EPHEMERA, FAKE_IMAPD, LOADGEN, read_csv, run

ENV_KEYS = ["kernel", "kernel_release", "kernel_version", "namespace",
            "net/ipv4/ip_local_port_range", "net/ipv4/tcp_tw_reuse",
            "ephemera_version", "loadgen_version", "fake_imapd_version",
            "libevent_version", "libevent_build_version", "openssl_version",
            "openssl_build_version", "inih_build_version",
            "libmnl_build_version", "gnuplot_version", "server_kind"]

# A minimal IMAP server in Python: greets, answers every tagged command OK
# (LOGOUT with BYE first, then waits for the client to close), IGNORES
# SIGTERM so that only the lab's SIGKILL can stop it, and writes its pid.
PY_SERVER = textwrap.dedent("""\
    import os, signal, socketserver, sys
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with open(os.path.join(sys.argv[3], "server.pid"), "w") as f:
        f.write(str(os.getpid()))
    class H(socketserver.StreamRequestHandler):
        def handle(self):
            self.wfile.write(b"* OK py-imapd ready\\r\\n")
            for line in self.rfile:
                tag, _, rest = line.decode().strip().partition(" ")
                if rest.upper().startswith("LOGOUT"):
                    self.wfile.write(b"* BYE\\r\\n" + tag.encode() + b" OK\\r\\n")
                else:
                    self.wfile.write(tag.encode() + b" OK done\\r\\n")
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    socketserver.ThreadingTCPServer((sys.argv[1], int(sys.argv[2])), H).serve_forever()
    """)


def read_env(d):
    env = {}
    with open(os.path.join(d, "env.txt")) as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition("=")
            assert sep, "env.txt line without '=': %r" % line
            env[key] = value
    return env


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose: it holds no socket.
    with open("/proc/%d/stat" % pid) as f:
        return f.read().split(")")[-1].split()[0] != "Z"


class LabRuns(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ephemera-lab-")
        self.results = os.path.join(self.dir, "results")

    def tearDown(self):
        shutil.rmtree(self.dir, True)

    def scenario(self, name, text):
        path = os.path.join(self.dir, name + ".ini")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def ephemera(self, path, timeout=60):
        return run([EPHEMERA, "--results", self.results, "run", path],
                   timeout=timeout)

    def latest(self, name):
        return os.path.join(self.results, name, "latest")

    def test_command_server_runs_and_is_killed(self):
        """A foreign server by command line: ready on its greeting, loaded,
        then SIGTERM, which it ignores, and SIGKILL within the bound."""
        script = os.path.join(self.dir, "py_imapd.py")
        with open(script, "w") as f:
            f.write(PY_SERVER)
        path = self.scenario("py", """\
            [system]
            port_range = 20000-20099
            [server]
            kind = command
            command = python3 "%s" {addr} {port} {dir}
            listen = 127.0.0.1:1143
            [load]
            rate = 20
            duration = 1s
            timeout = 5s
            [expect]
            outcome = holds
            completed = 20
            """ % script)
        start = time.monotonic()
        r = self.ephemera(path)
        took = time.monotonic() - start
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("no server counters", r.stdout)
        d = self.latest("py")
        self.assertFalse(os.path.exists(os.path.join(d, "server.csv")))
        with open(os.path.join(d, "report.txt")) as f:
            self.assertIn("no server counters", f.read())
        with open(os.path.join(d, "plot.gp")) as f:
            self.assertIn("no server counters", f.read())
        self.assertEqual(read_csv(os.path.join(d, "summary.csv"))[0]["completed"], "20")
        env = read_env(d)
        self.assertEqual(env["server_kind"], "command")
        # Placeholders replaced: {dir} is the run's own folder.
        run_dir = os.path.join(self.results, "py", os.readlink(d))
        self.assertEqual(env["server_command"], "python3 %s 127.0.0.1 1143 %s"
                         % (script, run_dir))
        with open(os.path.join(d, "server.pid")) as f:
            pid = int(f.read())
        self.assertFalse(pid_alive(pid), "the server outlived its run")
        # SIGKILL came after the 5 s grace, not the run's own limit.
        self.assertLess(took, 30)

    def test_env_records_every_version(self):
        path = self.scenario("quick", """\
            [system]
            port_range = 20000-20099
            [load]
            rate = 50
            duration = 1s
            timeout = 5s
            """)
        r = self.ephemera(path)
        self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)
        env = read_env(self.latest("quick"))
        for key in ENV_KEYS:
            self.assertTrue(env.get(key), "env.txt: %s missing or empty" % key)
            self.assertNotIn("unavailable", env[key], key)
        self.assertEqual(env["kernel_release"], os.uname().release)
        self.assertEqual(env["kernel_version"], os.uname().version)
        self.assertEqual(env["net/ipv4/ip_local_port_range"], "20000-20099")
        self.assertTrue(env["loadgen_version"].startswith("loadgen "))
        self.assertTrue(env["fake_imapd_version"].startswith("fake-imapd "))
        self.assertTrue(env["openssl_version"].startswith("OpenSSL "))
        self.assertEqual(env["server_kind"], "fake-imapd")
        self.assertNotIn("server_command", env)

    def refused_run(self, name, text, *words, timeout=60):
        r = self.ephemera(self.scenario(name, text), timeout=timeout)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for w in words:
            self.assertIn(w, r.stderr)
        return r

    def test_command_server_that_exits(self):
        self.refused_run("exits", """\
            [server]
            kind = command
            command = false
            [load]
            rate = 1
            duration = 1s
            """, "exited at start (exit 1)")

    def test_command_server_with_a_bad_greeting(self):
        self.refused_run("bye", """\
            [server]
            kind = command
            command = python3 -c "import socket; s = socket.create_server(('{addr}', {port})); c = s.accept()[0]; c.sendall(b'* BYE go away\\r\\n'); c.recv(1)"
            [load]
            rate = 1
            duration = 1s
            """, "greeted with '* BYE go away'", "expected '* OK' or '* PREAUTH'")

    def test_command_server_that_never_greets(self):
        """Bounded: 10 s for the greeting, then the server is stopped."""
        self.refused_run("silent", """\
            [server]
            kind = command
            command = sh -c "echo $$ > {dir}/server.pid; exec sleep 60"
            [load]
            rate = 1
            duration = 1s
            """, "no IMAP greeting from 127.0.0.1:1143 within 10000 ms")
        with open(os.path.join(self.latest("silent"), "server.pid")) as f:
            self.assertFalse(pid_alive(int(f.read())))

    STEPS_SCENARIO = """\
        [system]
        port_range = 20000-20099
        [load]
        rate = 20
        duration = 1s
        timeout = 5s
        steps = login,noop,logout
        [expect]
        outcome = holds
        completed = 20
        """

    def test_steps_reach_loadgen(self):
        """steps = login,noop,logout: three commands a session at the
        server (loadgen's default would be login,select,logout)."""
        self.assertIn("--steps", run([LOADGEN, "--help"]).stdout)
        r = self.ephemera(self.scenario("steps", self.STEPS_SCENARIO))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        d = self.latest("steps")
        server = read_csv(os.path.join(d, "server.csv"))
        self.assertEqual(sum(int(row["commands"]) for row in server), 3 * 20)
        summary = read_csv(os.path.join(d, "summary.csv"))[0]
        self.assertEqual(summary["steps"], "login,noop,logout")

    def test_steps_refused_by_an_older_loadgen(self):
        """A loadgen whose --help has no --steps: ephemera refuses the
        scenario instead of running loadgen's default session."""
        bindir = os.path.join(self.dir, "bin")
        os.mkdir(bindir)
        os.symlink(FAKE_IMAPD, os.path.join(bindir, "fake-imapd"))
        with open(os.path.join(bindir, "loadgen"), "w") as f:
            f.write("#!/bin/sh\necho 'usage: loadgen [--rate N] HOST:PORT'\n")
        os.chmod(os.path.join(bindir, "loadgen"), 0o755)
        r = run([EPHEMERA, "--results", self.results, "--bindir", bindir,
                 "run", self.scenario("steps", self.STEPS_SCENARIO)], timeout=60)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("loadgen in %s does not support --steps" % bindir,
                      r.stderr)

if __name__ == "__main__":
    unittest.main(verbosity=2)
