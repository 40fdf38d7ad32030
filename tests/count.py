"""count.py: read meson's testlog.json and print 'N passed, N failed',
counting the test cases inside each test program where it says how many
(Check: 'Checks: N, Failures: F, Errors: E'; unittest: 'Ran N tests')."""
import json
import re
import sys


def cases(test):
    out = (test.get("stdout") or "") + (test.get("stderr") or "")
    ok = test["result"] in ("OK", "EXPECTEDFAIL")
    m = re.search(r"Checks: (\d+), Failures: (\d+), Errors: (\d+)", out)
    if m:
        n, f, e = map(int, m.groups())
        return n - f - e, f + e + (0 if ok or f + e else 1)
    m = re.search(r"^Ran (\d+) tests?", out, re.M)
    if m:
        n = int(m.group(1))
        m = re.search(r"^FAILED \((.*)\)", out, re.M)
        bad = sum(int(x) for x in re.findall(r"(?:failures|errors)=(\d+)",
                                             m.group(1))) if m else 0
        if not ok and bad == 0:
            bad = 1  # the program failed around its tests
        return n - bad, bad
    return (1, 0) if ok else (0, 1)


def main(path):
    passed = failed = 0
    with open(path) as f:
        for line in f:
            if line.strip():
                p, q = cases(json.loads(line))
                passed += max(p, 0)
                failed += q
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
