#!/usr/bin/env python3
"""soak.py: fake-imapd and loadgen for a long run at 80% of the port
capacity, in a private network namespace; both programs' resident memory
and open descriptors sampled each second, into soak.csv and soak.png, and
a verdict: flat, or growing.

usage: bench/soak.py [--build DIR] [--duration S] [--fraction F] [--out DIR]

Capacity is the namespace's ephemeral ports over TIME_WAIT (60 s on Linux):
28232 / 60 = 470.5/s, so 376/s at 0.8, with tcp_tw_reuse off in the
namespace so that TIME_WAIT holds its ports (about 22,600 at 0.8).  The first TIME_WAIT of the run is
the warm-up (the TIME_WAIT population and loadgen's tables grow to their
steady size); "flat" then compares the last minute with the minute after
the warm-up.  Runs as root; changes nothing outside its namespace.
"""
import argparse
import os
import select
import subprocess
import sys
import tempfile
import time

TIME_WAIT_S = 60          # Linux's, fixed (TCP_TIMEWAIT_LEN)
GROWTH_MAX = 0.05         # 5% more RSS at the end than after the warm-up
FDS_SLACK = 16            # descriptors: sessions in flight come and go


def die(msg):
    sys.exit("soak.py: " + msg)


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default="build", help="meson build folder")
    p.add_argument("--duration", type=int, default=600,
                   help="seconds of load (600; at least %d)"
                   % (3 * TIME_WAIT_S))
    p.add_argument("--fraction", type=float, default=0.8,
                   help="of the port capacity (0.8)")
    p.add_argument("--out", help="folder for soak.csv, soak.png and the "
                   "programs' files (default: a new one under /tmp)")
    a = p.parse_args()
    if a.duration < 3 * TIME_WAIT_S:
        die("--duration: at least %d s (warm-up, then two minutes to "
            "compare), not %d" % (3 * TIME_WAIT_S, a.duration))
    if not 0 < a.fraction <= 1:
        die("--fraction: a number in (0, 1], not %g" % a.fraction)
    return a


def sample(pid):
    """(resident KiB, open descriptors) of a running process, or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        return rss, len(os.listdir("/proc/%d/fd" % pid))
    except (OSError, StopIteration):
        return None


def start_imapd(build, out):
    r, w = os.pipe()
    proc = subprocess.Popen([os.path.join(build, "fake-imapd/fake-imapd"),
                             "--listen", "127.0.0.1:1143", "--ready-fd",
                             str(w)], pass_fds=(w,),
                            stdout=open(os.path.join(out, "imapd.out"), "w"),
                            stderr=subprocess.STDOUT)
    os.close(w)
    ready, _, _ = select.select([r], [], [], 10)
    line = os.read(r, 256) if ready else b""
    os.close(r)
    if not line.startswith(b"ready"):
        proc.kill()
        die("fake-imapd did not get ready (see %s/imapd.out)" % out)
    return proc


def port_count():
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        lo, hi = map(int, f.read().split())
    return hi - lo + 1


def soak(a, out):
    rate = a.fraction * port_count() / TIME_WAIT_S
    imapd = start_imapd(a.build, out)
    lg = subprocess.Popen(
        [os.path.join(a.build, "loadgen/loadgen"), "--rate", "%.1f" % rate,
         "--duration", "%ds" % a.duration, "--csv",
         os.path.join(out, "loadgen.csv"), "--summary-csv",
         os.path.join(out, "summary.csv"), "127.0.0.1:1143"],
        stdout=open(os.path.join(out, "loadgen.out"), "w"),
        stderr=subprocess.STDOUT)
    rows = []
    start = time.monotonic()
    deadline = start + a.duration + 30     # loadgen's drain, and margin
    try:
        while lg.poll() is None and time.monotonic() < deadline:
            i, g = sample(imapd.pid), sample(lg.pid)
            if i and g:
                rows.append((time.monotonic() - start,) + i + g)
            select.select([], [], [], 1.0)     # once a second
    finally:
        if lg.poll() is None:
            lg.kill()
        lg.wait()
        imapd.terminate()
        imapd.wait(10)
    with open(os.path.join(out, "soak.csv"), "w") as f:
        f.write("elapsed_s,imapd_rss_kib,imapd_fds,loadgen_rss_kib,"
                "loadgen_fds\n")
        for r in rows:
            f.write("%.1f,%d,%d,%d,%d\n" % r)
    return rate, rows, lg.returncode


def window(rows, lo, hi):
    return [r for r in rows if lo <= r[0] < hi]


def verdict(rows, duration):
    """Per program: RSS and fds after the warm-up and at the end."""
    early = window(rows, TIME_WAIT_S, 2 * TIME_WAIT_S)
    late = window(rows, duration - TIME_WAIT_S, duration)
    if not early or not late:
        die("too few samples (%d)" % len(rows))
    flat = True
    for name, rss, fds in (("fake-imapd", 1, 2), ("loadgen", 3, 4)):
        r0, r1 = max(r[rss] for r in early), max(r[rss] for r in late)
        f0, f1 = max(r[fds] for r in early), max(r[fds] for r in late)
        grew = r1 > r0 * (1 + GROWTH_MAX) or f1 > f0 + FDS_SLACK
        flat &= not grew
        print("%-10s rss_kib %6d -> %6d (%+.1f%%)  fds %5d -> %5d  %s"
              % (name, r0, r1, 100.0 * (r1 - r0) / r0, f0, f1,
                 "GROWING" if grew else "flat"))
    return flat


def plot(out):
    script = """set terminal pngcairo size 960,600
set output 'soak.png'
set datafile separator ','
set key outside right top
set multiplot layout 2,1 title 'soak: both programs, sampled each second'
set ylabel 'resident memory (KiB)'
set yrange [0:*]
plot 'soak.csv' using 1:2 skip 1 with lines title 'fake-imapd', \\
     '' using 1:4 skip 1 with lines title 'loadgen'
set xlabel 'elapsed (s)'
set ylabel 'open descriptors'
plot 'soak.csv' using 1:3 skip 1 with lines title 'fake-imapd', \\
     '' using 1:5 skip 1 with lines title 'loadgen'
unset multiplot
"""
    with open(os.path.join(out, "soak.gp"), "w") as f:
        f.write(script)
    if subprocess.run(["gnuplot", "soak.gp"], cwd=out).returncode != 0:
        print("soak.py: gnuplot failed; soak.csv holds the samples",
              file=sys.stderr)


def main():
    a = parse()
    a.build = os.path.abspath(a.build)
    if os.environ.get("EPHEMERA_SOAK_INSIDE") != "1":
        if os.geteuid() != 0:
            die("needs root (unshare -n)")
        env = dict(os.environ, EPHEMERA_SOAK_INSIDE="1",
                   EPHEMERA_SOAK_HOST_NETNS=os.readlink("/proc/self/ns/net"))
        os.execvpe("unshare", ["unshare", "-n", sys.executable,
                               os.path.abspath(__file__)] + sys.argv[1:] +
                   ["--build", a.build], env)
    if os.readlink("/proc/self/ns/net") == \
            os.environ.get("EPHEMERA_SOAK_HOST_NETNS"):
        die("still in the host's network namespace; refusing")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    # Loopback's default (2) would recycle TIME_WAIT ports after 1 s: the
    # ports would never fill to the fraction asked for.
    with open("/proc/sys/net/ipv4/tcp_tw_reuse", "w") as f:
        f.write("0")
    out = os.path.abspath(a.out) if a.out else \
        tempfile.mkdtemp(prefix="ephemera-soak-")
    os.makedirs(out, exist_ok=True)
    rate, rows, rc = soak(a, out)
    with open(os.path.join(out, "loadgen.out")) as f:
        print(f.read().strip())
    print("soak: %.1f/s (%.0f%% of %d ports / %d s) for %d s, %d samples, "
          "loadgen exit %d; %s/" % (rate, 100 * a.fraction, port_count(),
                                     TIME_WAIT_S, a.duration, len(rows), rc,
                                     out))
    flat = verdict(rows, a.duration)
    plot(out)
    print("soak: %s" % ("flat" if flat else "GROWING"))
    sys.exit(0 if flat and rc == 0 else 1)


if __name__ == "__main__":
    main()
