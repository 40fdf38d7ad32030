"""count.py: read meson's testlog.json and print 'N passed, N failed,
N skipped', counting the test cases inside each test program where it says
how many (Check: 'Checks: N, Failures: F, Errors: E'; unittest: 'Ran N
tests' and its closing OK/FAILED line)."""
import json
import re
import sys


def check_cases(out, ok):
    m = re.search(r"Checks: (\d+), Failures: (\d+), Errors: (\d+)", out)
    if not m:
        return None
    n, f, e = map(int, m.groups())
    if not ok and f + e == 0:
        e = 1  # the program failed around its checks
    return n - f - e, f + e, 0


def unittest_cases(out, ok):
    m = re.search(r"^Ran (\d+) tests?", out, re.M)
    if not m:
        return None
    n = int(m.group(1))
    m = re.search(r"^(?:OK|FAILED) \((.*)\)", out, re.M)
    counts = dict((k, int(v)) for k, v in
                  re.findall(r"(\w+)=(\d+)", m.group(1))) if m else {}
    bad = counts.get("failures", 0) + counts.get("errors", 0) + \
        counts.get("unexpected_successes", 0)
    skipped = counts.get("skipped", 0)
    if not ok and bad == 0:
        bad = 1  # the program failed around its tests
    return n - bad - skipped, bad, skipped


def cases(test):
    out = (test.get("stdout") or "") + (test.get("stderr") or "")
    ok = test["result"] in ("OK", "EXPECTEDFAIL")
    if test["result"] == "SKIP":
        return 0, 0, 1
    return check_cases(out, ok) or unittest_cases(out, ok) or \
        ((1, 0, 0) if ok else (0, 1, 0))


def main(path):
    passed = failed = skipped = 0
    with open(path) as f:
        for line in f:
            if line.strip():
                p, q, s = cases(json.loads(line))
                passed += max(p, 0)
                failed += q
                skipped += s
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
