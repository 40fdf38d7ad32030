"""terminal.py: run a program with its stderr on a pseudo-terminal and
collect what it drew there, bounded, for the progress-line tests."""
import os
import pty
import select
import subprocess
import time


def run_on_terminal(argv, timeout=30, stdout=False):
    """Returns (exit status, bytes written to the terminal), and with
    stdout=True what went to stdout (a pipe) as a third item."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the child closed it
                    break
                if not chunk:
                    break
                seen += chunk
            elif p.poll() is not None:
                break
        out, _ = p.communicate(timeout=20)
    finally:
        os.close(master)
        if p.poll() is None:
            p.kill()
            p.communicate()
    return (p.returncode, seen, out) if stdout else (p.returncode, seen)
