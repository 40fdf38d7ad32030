"""e2e_cli.py: bad command-line input gets one line naming the option and
what was expected, and exit status 2, from each of the three programs."""
import os
import tempfile
import unittest

from harness import EPHEMERA, FAKE_IMAPD, LOADGEN, run


class BadInput(unittest.TestCase):
    def refused(self, argv, *words):
        r = run(argv, timeout=20)
        self.assertEqual(r.returncode, 2, "%s: %r" % (argv, r.stderr))
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, "%s: %r" % (argv, r.stderr))
        for w in words:
            self.assertIn(w, lines[0])
        return lines[0]

    def test_fake_imapd(self):
        self.refused([FAKE_IMAPD, "--listen", "nowhere"], "--listen", "ADDR:PORT", "nowhere")
        self.refused([FAKE_IMAPD, "--logout-close", "maybe"], "--logout-close", "client", "server")
        self.refused([FAKE_IMAPD, "--logout-timeout", "soon"], "--logout-timeout", "duration")
        self.refused([FAKE_IMAPD, "--ready-fd", "x"], "--ready-fd")
        self.refused([FAKE_IMAPD, "--bogus"], "--bogus")
        self.refused([FAKE_IMAPD, "stray"], "stray")

    def test_loadgen(self):
        self.refused([LOADGEN, "--rate", "abc", "127.0.0.1:1143"], "--rate", "abc")
        self.refused([LOADGEN, "--rate", "0", "127.0.0.1:1143"], "--rate")
        self.refused([LOADGEN, "--duration", "2x", "127.0.0.1:1143"], "--duration", "2x")
        self.refused([LOADGEN, "--timeout", "-1", "127.0.0.1:1143"], "--timeout")
        self.refused([LOADGEN, "--bogus", "127.0.0.1:1143"], "--bogus")
        self.refused([LOADGEN, "not-an-endpoint"], "not-an-endpoint")
        self.refused([LOADGEN], "ADDR:PORT")
        self.refused([LOADGEN, "127.0.0.1:1", "127.0.0.1:2"], "one ADDR:PORT", "got 2")
        self.refused([LOADGEN, "--close", "never", "127.0.0.1:1143"], "--close", "client or server", "never")

    def test_ephemera(self):
        self.refused([EPHEMERA, "--bogus", "run"], "--bogus")
        self.refused([EPHEMERA], "run")
        self.refused([EPHEMERA, "frobnicate"], "frobnicate")
        self.refused([EPHEMERA, "--repeat", "0", "run"], "--repeat", "'0'")
        self.refused([EPHEMERA, "--repeat", "many", "run"], "--repeat", "many")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad.ini")
            with open(path, "w") as f:
                f.write("[load]\nrate = 10\nduration = forever\n")
            line = self.refused([EPHEMERA, "--results", d, "run", path])
            self.assertEqual(line, "ephemera: %s:3: duration: expected a duration "
                             "such as 500ms, 2s or 1m, got 'forever'" % path)
            self.assertEqual(os.listdir(d), ["bad.ini"])  # nothing was run

    def test_help_and_version_succeed(self):
        for prog in (FAKE_IMAPD, LOADGEN, EPHEMERA):
            r = run([prog, "--help"], timeout=20)
            self.assertEqual(r.returncode, 0, prog)
            self.assertIn("usage", r.stdout.lower())
            r = run([prog, "--version"], timeout=20)
            self.assertEqual(r.returncode, 0, prog)
            self.assertRegex(r.stdout, r"^\S+ \d+\.\d+\.\d+\n$")


if __name__ == "__main__":
    unittest.main(verbosity=2)
