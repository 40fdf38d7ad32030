"""histfile.py: loadgen's histogram file (--histogram-csv, layout 1) as
tests read it, and histogram.c's percentile rule, computed here on their
own to hold loadgen's and ephemera merge's figures to."""
import csv
import math


def histograms(path):
    """{(elapsed_s, latency): (n, min, max, {lo: (hi, count)})} of a
    histogram file, its layout line checked."""
    with open(path, newline="") as f:
        first = f.readline()
        assert first.startswith("# ephemera histogram layout 1:"), first
        rows = list(csv.DictReader(f))
    out = {}
    for r in rows:
        key = (r["elapsed_s"], r["latency"])
        if r["row"] == "range":
            out[key] = [int(r["count"]), int(r["lo_us"]), int(r["hi_us"]),
                        {}]
        else:
            out[key][3][int(r["lo_us"])] = (int(r["hi_us"]), int(r["count"]))
    return out


def pool(hs):
    """Histograms added: the pooled one."""
    n = sum(h[0] for h in hs)
    buckets = {}
    for h in hs:
        for lo, (hi, c) in h[3].items():
            buckets[lo] = (hi, buckets.get(lo, (hi, 0))[1] + c)
    return [n, min(h[1] for h in hs), max(h[2] for h in hs), buckets]


def percentile(h, p):
    """histogram.c's rule: the middle of the bucket holding the
    ceil(p/100 n)-th sample, clamped to [min, max]; rank n is the max."""
    n, lo_v, hi_v, buckets = h
    rank = min(max(math.ceil(p / 100.0 * n), 1), n)
    if rank == n:
        return hi_v
    seen = 0
    for lo in sorted(buckets):
        hi, c = buckets[lo]
        seen += c
        if seen >= rank:
            return min(max(lo + (hi - lo) // 2, lo_v), hi_v)
    raise AssertionError("rank beyond the buckets")


def ms(us):
    return "%.3f" % (us / 1e3)
