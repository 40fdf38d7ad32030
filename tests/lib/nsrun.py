"""nsrun.py: run fake-imapd and loadgen inside a private network namespace.

The test calls run_in_netns(); that starts `unshare -n python3 nsrun.py`,
and this file's main() then runs INSIDE the new namespace: loopback up,
the requested sysctls (refused unless the namespace differs from the
caller's), servers started and waited for by their readiness line, loadgen
run to its end, servers stopped. The result comes back as JSON on stdout.
"""
import json
import os
import select
import subprocess
import sys
import tempfile
import time

from harness import LOADGEN, SLOW, start_fake_imapd, status_kib

HERE = os.path.dirname(os.path.abspath(__file__))


# The end of a `before` script that defines serve(c): every connection to
# 127.0.0.1:1145 is served by serve() in a thread of its own.
SERVE_ON_1145 = r"""
import socket, threading
def accept(l):
    while True:
        c, _ = l.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 1145))
l.listen(128)
threading.Thread(target=accept, args=(l,), daemon=True).start()
"""


# The start of a `before` script whose serve(c) reads IMAP commands:
# lines(sock) yields (tag, line) for each CRLF-terminated line, CRLF
# removed, until the peer closes.
IMAP_LINES = r"""
def lines(sock):
    buf = b""
    while True:
        data = sock.recv(4096)
        if not data:
            return
        buf += data
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1)
            yield line.split(b" ")[0], line
"""


def run_in_netns(loadgen_args, servers=(), sysctls=None, timeout=60,
                 after=None, before=None, others=()):
    """servers: list of fake-imapd argument lists (each with its --listen);
    loadgen_args: loadgen's arguments; before: python source run in the
    namespace before loadgen (it may start threads, such as a server that
    misbehaves on purpose); after: python source run after loadgen, its
    `result` returned as result["after"]; others: more loadgen argument
    lists, started just before loadgen, run alongside it and waited for
    (result["others"][i] = [rc, stderr]), as shards of one run.
    Returns the result dict: rc, stdout, stderr, loadgen_peak_kib,
    servers[i] = (rc, out)."""
    spec = {
        "parent_netns": os.stat("/proc/self/ns/net").st_ino,
        "sysctls": sysctls or {},
        "servers": [list(s) for s in servers],
        "loadgen": list(loadgen_args),
        "timeout": timeout,
        "after": after,
        "before": before,
        "others": [list(o) for o in others],
    }
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [HERE, env.get("PYTHONPATH", "")])
    p = subprocess.run(["unshare", "-n", sys.executable, __file__],
                       input=json.dumps(spec), capture_output=True, text=True,
                       timeout=timeout + 30, env=env)
    if p.returncode != 0:
        raise RuntimeError("nsrun failed (%d): %s" % (p.returncode, p.stderr))
    return json.loads(p.stdout)


def start_server(args):
    return start_fake_imapd(args, text=True)[0]


def run_loadgen(args, timeout):
    """loadgen to its end (bounded), its output, and its peak RSS sampled
    every 20 ms (getrusage's ru_maxrss would count the Python it was
    forked from, before its exec)."""
    with tempfile.TemporaryFile("w+") as out, \
            tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen([LOADGEN] + args, stdout=out, stderr=err,
                             text=True)
        deadline = time.monotonic() + timeout
        peak = 0
        while p.poll() is None:
            peak = status_kib(p.pid, "VmHWM") or peak
            if time.monotonic() > deadline:
                p.kill()
                p.wait()
                raise subprocess.TimeoutExpired(LOADGEN, timeout)
            select.select([], [], [], 0.02)
        out.seek(0)
        err.seek(0)
        return {"rc": p.returncode, "stdout": out.read(),
                "stderr": err.read(), "loadgen_peak_kib": peak}


def main():
    spec = json.load(sys.stdin)
    # Never write a sysctl in the caller's namespace.
    if os.stat("/proc/self/ns/net").st_ino == spec["parent_netns"]:
        sys.exit("nsrun: not in a private network namespace; refusing")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    for name, value in spec["sysctls"].items():
        with open("/proc/sys/" + name.replace(".", "/"), "w") as f:
            f.write(str(value))
    servers = [start_server(a) for a in spec["servers"]]
    if spec["before"]:
        exec(spec["before"], {})
    result = {}
    others = [subprocess.Popen([LOADGEN] + o, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
              for o in spec.get("others", [])]
    try:
        result.update(run_loadgen(spec["loadgen"], spec["timeout"]))
        if spec["after"]:
            scope = {}
            exec(spec["after"], scope)
            result["after"] = scope.get("result")
        result["others"] = []
        for o in others:
            _, err = o.communicate(timeout=spec["timeout"])
            result["others"].append([o.returncode, err])
    finally:
        for o in others:
            if o.poll() is None:
                o.kill()
                o.wait()
        result["servers"] = []
        for s in servers:
            s.terminate()
            out, _ = s.communicate(timeout=10 * SLOW)
            result["servers"].append([s.returncode, out])
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
