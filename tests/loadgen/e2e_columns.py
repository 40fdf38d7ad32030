"""e2e_columns.py: loadgen/CSV.md's column tables against loadgen's own
(`loadgen --list-columns`), both ways: every column of a file is
documented, in order, with its unit, and every documented column exists."""
import os
import re
import subprocess
import unittest

from harness import LOADGEN

CSV_MD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                      "loadgen", "CSV.md")

# CSV.md's section of each file.
SECTIONS = {
    "interval": "## Per-interval file",
    "summary": "## Summary file",
    "latency": "## Latency file",
}


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def doc_columns(text, heading):
    """[(name, unit)] of the first `| column | unit | ...` table after
    `heading`, each name written out (no `...`, no `*`)."""
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    start = next(i for i, l in enumerate(lines)
                 if l.startswith("|") and cells(l)[:2] == ["column", "unit"])
    columns = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        first, unit = cells(line)[:2]
        if "..." in first or "*" in first:
            raise AssertionError("%s: write every column's name: %s"
                                 % (heading, first))
        columns += [(n, unit) for n in re.findall(r"`([^`]+)`", first)]
    return columns


def program_columns():
    """{file: [(name, unit)]} as loadgen writes them."""
    out = subprocess.run([LOADGEN, "--list-columns"], capture_output=True,
                         text=True, timeout=20, check=True).stdout
    files = {}
    for line in out.splitlines():
        f, name, unit = line.split("\t")
        files.setdefault(f, []).append((name, unit))
    return files


class Columns(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(CSV_MD, encoding="utf-8") as f:
            cls.text = f.read()
        cls.program = program_columns()

    def test_files(self):
        self.assertEqual(sorted(self.program), sorted(SECTIONS))

    def check(self, file):
        doc = doc_columns(self.text, SECTIONS[file])
        prog = self.program[file]
        doc_names = [n for n, _ in doc]
        prog_names = [n for n, _ in prog]
        self.assertEqual(len(set(doc_names)), len(doc_names),
                         "%s: a column documented twice" % file)
        self.assertEqual([n for n in prog_names if n not in doc_names], [],
                         "%s: columns CSV.md does not document" % file)
        self.assertEqual([n for n in doc_names if n not in prog_names], [],
                         "%s: documented columns loadgen does not write"
                         % file)
        self.assertEqual(doc_names, prog_names, "%s: column order" % file)
        self.assertEqual(doc, prog, "%s: units" % file)

    def test_interval(self):
        self.check("interval")

    def test_summary(self):
        self.check("summary")
        m = re.search(r"The summary has (\d+) columns", self.text)
        self.assertEqual(int(m.group(1)), len(self.program["summary"]))

    def test_latency(self):
        self.check("latency")

    def test_help_names_the_option(self):
        out = subprocess.run([LOADGEN, "--help"], capture_output=True,
                             text=True, timeout=20).stdout
        self.assertIn("--list-columns", out)


if __name__ == "__main__":
    unittest.main()
