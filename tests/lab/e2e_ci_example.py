"""e2e_ci_example.py: the README's "ephemera in your CI" as it is written:
the README shows examples/ci/'s files verbatim, and examples/ci/
ephemera-ci.sh, run as the CI jobs run it, does not flag an unchanged
server and flags one slowed by fake-imapd's --command-delay 200ms on
login_p99_ms, with exit 1 and a JUnit file that names it."""
import os
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

from harness import EPHEMERA, FAKE_IMAPD, SOURCE_ROOT, slowed_bindir

CI = os.path.join(SOURCE_ROOT, "examples", "ci")


def run_example(base_bindir, head_bindir, out):
    env = dict(os.environ, EPHEMERA=os.path.abspath(EPHEMERA))
    return subprocess.run([os.path.join(CI, "ephemera-ci.sh"), base_bindir,
                           head_bindir, out], cwd=SOURCE_ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def junit_failures(path):
    """{(classname, name): failure message or None} of every test case."""
    cases = {}
    for tc in ET.parse(path).getroot().iter("testcase"):
        f = tc.find("failure")
        cases[(tc.get("classname"), tc.get("name"))] = (
            None if f is None else f.get("message"))
    return cases


class CiExample(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="ephemera-ci-")
        self.addCleanup(shutil.rmtree, self.d, True)
        self.base = os.path.dirname(os.path.abspath(FAKE_IMAPD))

    def slowed_server(self):
        """A build folder whose fake-imapd answers every command 200 ms
        late: the head of a change that made the server slower.  200 ms,
        not 20: with the suite and a fuzzer beside it, one base repeat's
        login p99 reached 51 ms (a stall of the machine), and 20 ms was
        then not significant; a stall is rarely 200 ms."""
        return slowed_bindir(self.d, "200ms")

    def test_readme_shows_the_files_as_they_are(self):
        with open(os.path.join(SOURCE_ROOT, "README.md")) as f:
            readme = f.read()
        for name in ("ephemera-ci.sh", "github-actions.yml",
                     "gitlab-ci.yml"):
            with open(os.path.join(CI, name)) as f:
                self.assertIn(f.read(), readme, name)

    def test_unchanged_server_is_not_flagged(self):
        out = os.path.join(self.d, "out")
        r = run_example(self.base, self.base, out)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("0 regressions", r.stdout)
        cases = junit_failures(os.path.join(out, "junit.xml"))
        self.assertIn(("ephemera.server", "login_p99_ms"), cases)
        self.assertEqual([k for k, v in cases.items() if v], [])
        for name in ("base.json", "head.json", "compare.json",
                     "summary.md"):
            self.assertTrue(os.path.exists(os.path.join(out, name)), name)

    def test_slowed_server_is_flagged_on_login_p99(self):
        out = os.path.join(self.d, "out")
        r = run_example(self.base, self.slowed_server(), out)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"(?m)^regression: server login_p99_ms: ")
        cases = junit_failures(os.path.join(out, "junit.xml"))
        self.assertIsNotNone(cases[("ephemera.server", "login_p99_ms")])
        self.assertIn("login_p99_ms",
                      cases[("ephemera.server", "login_p99_ms")])
        with open(os.path.join(out, "summary.md")) as f:
            self.assertRegex(f.read(),
                             r"\| server \| login_p99_ms \|.*\*\*REGRESSION")


if __name__ == "__main__":
    unittest.main()
