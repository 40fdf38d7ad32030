"""e2e_report_page.py: a run of several scenarios writes one offline HTML
page: the table, each verdict with its reason, every plot, links to each
run's files. Read as HTML, then opened in headless Chromium (Debian's
chromium) inside a network namespace of its own, which has no network at
all: a screenshot, and every plot loaded."""
import html.parser
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest

from harness import EPHEMERA, SOURCE_ROOT, run

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCENARIOS = ["kb319502-quick", "command-server"]


class Page(html.parser.HTMLParser):
    """The page's table cells, images and links."""

    def __init__(self):
        super().__init__()
        self.rows, self.imgs, self.links, self.pre = [], [], [], []
        self.cell = None
        self.in_pre = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "img":
            self.imgs.append(a["src"])
        elif tag == "a" and not a["href"].startswith("#"):
            self.links.append(a["href"])
        elif tag == "pre":
            self.in_pre = True
            self.pre.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self.cell)
            self.cell = None
        elif tag == "pre":
            self.in_pre = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.in_pre:
            self.pre[-1] += data


def chromium(*args):
    """Headless Chromium in a private network namespace (no route to
    anything, loopback down), bounded."""
    argv = ["unshare", "-n", CHROMIUM, "--headless", "--no-sandbox",
            "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update",
            "--hide-scrollbars", "--user-data-dir=" + tempfile.mkdtemp(
                prefix="ephemera-chromium-")] + list(args)
    try:
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=120)
    finally:
        shutil.rmtree(argv[-len(args) - 1].split("=", 1)[1], True)


class ReportPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = tempfile.mkdtemp(prefix="ephemera-page-")
        cls.r = run([EPHEMERA, "--results", cls.d, "run"] +
                    [os.path.join(SOURCE_ROOT, "scenarios", n + ".ini")
                     for n in SCENARIOS], timeout=180)
        m = re.search(r"^  report: (\S+\.html)$", cls.r.stdout, re.M)
        cls.path = m.group(1) if m else None

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.d, True)

    def page(self):
        self.assertEqual(self.r.returncode, 0, self.r.stdout + self.r.stderr)
        self.assertIsNotNone(self.path, self.r.stdout)
        self.assertEqual(os.path.dirname(self.path), self.d)
        p = Page()
        with open(self.path) as f:
            p.feed(f.read())
        return p

    def test_table_matches_the_terminal(self):
        p = self.page()
        self.assertEqual(p.rows[0][0], "scenario")
        self.assertEqual(p.rows[0][-1], "verdict")
        terminal = [l.split() for l in self.r.stdout.splitlines()
                    if l.split() and l.split()[0] in SCENARIOS]
        self.assertEqual([r for r in p.rows[1:]], terminal)

    def test_plots_and_files_are_linked_relative_and_exist(self):
        p = self.page()
        self.assertEqual(len(p.imgs), len(SCENARIOS))
        for src in p.imgs + p.links:
            self.assertFalse(os.path.isabs(src), src)
            self.assertNotIn("://", src)
            self.assertTrue(os.path.isfile(os.path.join(self.d, src)), src)
        for name in SCENARIOS:
            for f in ("loadgen.csv", "summary.csv", "report.txt", "plot.svg"):
                self.assertTrue(any(l.startswith(name + "/") and
                                    l.endswith("/" + f) for l in p.links),
                                (name, f))
        # The notes beside the verdicts, as report.txt has them.
        self.assertTrue(any("note:" in t for t in p.pre), p.pre)

    def test_chromium_shows_the_table_and_every_plot(self):
        self.page()
        self.assertTrue(os.access(CHROMIUM, os.X_OK),
                        "chromium not installed: ./setup.sh test installs it")
        shot = os.path.join(self.d, "page.png")
        c = chromium("--window-size=1280,1600", "--screenshot=" + shot,
                     "file://" + self.path)
        with open(shot, "rb") as f:
            head = f.read(24)
        self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n", c.stderr)
        self.assertEqual(struct.unpack(">II", head[16:24]), (1280, 1600))
        # Every image decoded: the page as Chromium saw it, with a probe
        # of the test's own appended that writes what it found into the
        # DOM (the page itself has no script).
        probe = self.path[:-5] + "-probe.html"
        with open(self.path) as f, open(probe, "w") as g:
            g.write(f.read().replace(
                "</body>", "<script>window.onload = function () {"
                "var i = document.images, ok = 0, n;"
                "for (n = 0; n < i.length; n++)"
                " if (i[n].complete && i[n].naturalWidth > 0) ok++;"
                "document.body.setAttribute('data-loaded', ok + '/' +"
                " i.length);"
                "document.body.setAttribute('data-rows',"
                " document.querySelectorAll('tr').length);};"
                "</script></body>"))
        c = chromium("--virtual-time-budget=10000", "--dump-dom",
                     "file://" + probe)
        m = re.search(r'data-loaded="(\d+)/(\d+)"', c.stdout)
        self.assertIsNotNone(m, c.stdout[-2000:] + c.stderr[-2000:])
        self.assertEqual(m.group(1), m.group(2))
        self.assertEqual(int(m.group(2)), len(SCENARIOS))
        m = re.search(r'data-rows="(\d+)"', c.stdout)
        self.assertEqual(int(m.group(1)), 1 + len(SCENARIOS))


if __name__ == "__main__":
    unittest.main(verbosity=2)
