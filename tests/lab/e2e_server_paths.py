"""e2e_server_paths.py: every path the lab hands a server is absolute, even
when ephemera runs with a relative --results (its default is `results`).
A relative log_path made Dovecot's log process fail ("Can't open log file",
"service(log): command startup failed, throttling"), which slowed every
session; a relative {dir} or {bindir} in a [server] command breaks a server
that changes its working directory. Each run is ephemera's own private
network namespace, started from a scratch working directory."""
import os
import re
import shutil
import tempfile
import unittest

from harness import EPHEMERA, SOURCE_ROOT, read_csv, run

COMMAND_SCENARIO = """\
[system]
port_range = 20000-20099

[server]
kind = command
command = {bindir}/fake-imapd --listen {addr}:{port} --logout-close client --csv {dir}/own.csv
listen = 127.0.0.1:1143
logout_close = client

[load]
rate = 20
duration = 1s
timeout = 5s

[expect]
outcome = holds
completed = 20
"""


class RelativeResults(unittest.TestCase):
    def setUp(self):
        self.cwd = tempfile.mkdtemp(prefix="ephemera-paths-")
        self.addCleanup(shutil.rmtree, self.cwd, True)

    def ephemera(self, *args):
        """ephemera run from the scratch folder with --results res; the
        run's folder, resolved, and the CompletedProcess."""
        here = os.getcwd()
        os.chdir(self.cwd)
        try:
            r = run([os.path.abspath(os.path.join(here, EPHEMERA))
                     if not os.path.isabs(EPHEMERA) else EPHEMERA,
                     "--results", "res"] + list(args), timeout=120)
        finally:
            os.chdir(here)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        m = re.search(r"^  results: (\S+)/$", r.stdout, re.M)
        self.assertIsNotNone(m, r.stdout)
        self.assertTrue(m.group(1).startswith("res/"), m.group(1))
        return os.path.realpath(os.path.join(self.cwd, m.group(1))), r

    def test_dovecot_log_path_is_absolute(self):
        scenario = os.path.abspath(os.path.join(
            SOURCE_ROOT, "scenarios", "dovecot-closes-first.ini"))
        d, r = self.ephemera("run", scenario)
        with open(os.path.join(d, "dovecot.conf")) as f:
            conf = f.read()
        paths = dict(re.findall(r"^(\w+_(?:path|dir)) = (.*)$", conf, re.M))
        self.assertEqual(set(paths), {"log_path", "base_dir", "state_dir"},
                         conf)
        for key, path in paths.items():
            self.assertTrue(os.path.isabs(path), (key, path))
        self.assertEqual(paths["log_path"], os.path.join(d, "server.log"))
        # Dovecot's log process opened it: every session is in it, and
        # nothing says it could not.
        with open(os.path.join(d, "server.log")) as f:
            log = f.read()
        with open(os.path.join(d, "server.err")) as f:
            err = f.read()
        for text in (log, err):
            self.assertNotIn("Can't open log file", text)
            self.assertNotIn("command startup failed", text)
        completed = int(read_csv(os.path.join(d, "summary.csv"))[0]["completed"])
        self.assertEqual(log.count("imap-login: Info: Login: user=<user>"),
                         completed)

    def test_command_placeholders_are_absolute(self):
        scenario = os.path.join(self.cwd, "command-paths.ini")
        with open(scenario, "w") as f:
            f.write(COMMAND_SCENARIO)
        d, r = self.ephemera("run", scenario)
        with open(os.path.join(d, "env.txt")) as f:
            env = dict(l.rstrip("\n").split("=", 1) for l in f)
        words = env["server_command"].split()
        self.assertTrue(os.path.isabs(words[0]), words)
        self.assertEqual(words[-1], os.path.join(d, "own.csv"))
        # The server wrote where {dir} pointed.
        self.assertGreater(os.path.getsize(os.path.join(d, "own.csv")), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
