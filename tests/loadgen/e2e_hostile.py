"""e2e_hostile.py: loadgen against servers written to break it.

Each server (a small Python one, in the private network namespace of the
run) misbehaves in one way. Every session then ends in a classified
failure at the stage it reached, the run ends on its own (the --timeout
of each step, never a hang), and loadgen's peak resident memory stays
under PEAK_BOUND_KIB however much the server sends. Each case prints that
peak on stderr, the figures the README quotes.
"""
import os
import tempfile
import unittest

from harness import SLOW, assert_peak_rss, read_csv
from nsrun import IMAP_LINES, SERVE_ON_1145, run_in_netns

N = 3
TIMEOUT_S = 1
PEAK_BOUND_KIB = 32 * 1024

# MODE decides what the server on 127.0.0.1:1145 does:
#   endless-greeting: "* OK " then bytes without end, never a CRLF;
#   drip: the greeting one byte every 100 ms;
#   never-greet: accepts, reads, never writes;
#   nul-greeting: a greeting holding NULs, then silence;
#   stall: greets, then never answers;
#   reset: answers LOGIN with half a line, then an RST;
#   flood: greets, then 100 MB of untagged lines nobody asked for, then
#       silence;
#   literal-4g: answers LOGIN with a {4294967295} literal, sent without end.
# Writing stops when loadgen has closed (the OSError).
SERVER = IMAP_LINES + r"""
import socket, time
MODE = %r
GREETING = b"* OK hostile ready\r\n"
def without_end(c, chunk, pause=0.0):
    while True:
        c.sendall(chunk)
        if pause:
            time.sleep(pause)
def serve(c):
    try:
        if MODE == "endless-greeting":
            c.sendall(b"* OK ")
            without_end(c, b"x" * 65536)
        elif MODE == "drip":
            for b in GREETING * 100:
                c.sendall(bytes([b]))
                time.sleep(0.1)
        elif MODE == "never-greet":
            while c.recv(4096):
                pass
        elif MODE == "nul-greeting":
            c.sendall(b"* OK \0\0 ready\r\n")
            while c.recv(4096):
                pass
        elif MODE == "flood":
            c.sendall(GREETING)
            for _ in range(100 * 1024):
                c.sendall(b"* " + b"x" * 1020 + b"\r\n")
            while c.recv(4096):     # LOGIN read: a close without an RST
                pass
        else:
            c.sendall(GREETING)
            for tag, line in lines(c):
                if MODE == "reset":
                    c.sendall(tag + b" OK LOG")
                    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 b"\1\0\0\0\0\0\0\0")
                    c.close()
                    return
                if MODE == "literal-4g":
                    c.sendall(b"* 1 FETCH (BODY[] {4294967295}\r\n")
                    without_end(c, b"x" * 65536)
    except OSError:
        pass
""" + SERVE_ON_1145


class Hostile(unittest.TestCase):
    def against(self, mode, cls, stage):
        """N sessions against MODE's server: each failed as `cls` (or
        one of a tuple of classes) at `stage`; the run ended by itself,
        its memory bounded."""
        classes = cls if isinstance(cls, tuple) else (cls,)
        d = tempfile.mkdtemp(prefix="loadgen-hostile-")
        csv, summary = os.path.join(d, "l.csv"), os.path.join(d, "s.csv")
        r = run_in_netns(["--count", str(N), "--rate", "50", "--timeout",
                          "%ds" % TIMEOUT_S, "--csv", csv, "--summary-csv",
                          summary, "127.0.0.1:1145"],
                         before=SERVER % mode)
        err = r["stderr"]
        self.assertEqual(r["rc"], 0, err)
        s = read_csv(summary)[0]
        rows = read_csv(csv)
        self.assertEqual(int(s["started"]), N, err)
        self.assertEqual(int(s["failed"]), N, err)
        self.assertEqual(sum(int(s[c]) for c in classes), N, err)
        self.assertIn(s["first_failure_class"], classes)
        self.assertEqual(s["first_failure_stage"], stage)
        self.assertEqual(sum(int(x["failed_" + stage]) for x in rows), N)
        self.assertIn(" failed=%d " % N, r["stdout"])
        # Each session ended by its step's --timeout at the latest (a
        # bound on a hang: valgrind's slowdown stretches it).
        self.assertLess(float(s["elapsed_s"]), 10 * TIMEOUT_S * SLOW)
        assert_peak_rss(self, "%s: loadgen" % mode, r["loadgen_peak_kib"],
                        PEAK_BOUND_KIB)
        return s

    def test_endless_greeting_is_protocol(self):
        """Refused at loadgen's 64 KiB line cap, at once."""
        self.against("endless-greeting", "protocol", "greeting")

    def test_drip_fed_greeting_times_out(self):
        """A byte every 100 ms does not restart the step's --timeout."""
        self.against("drip", "etimedout", "greeting")

    def test_server_that_never_greets_times_out(self):
        self.against("never-greet", "etimedout", "greeting")

    def test_nul_in_the_greeting_is_protocol(self):
        self.against("nul-greeting", "protocol", "greeting")

    def test_stall_after_the_greeting_times_out(self):
        self.against("stall", "etimedout", "login")

    def test_reset_mid_reply_is_econnreset(self):
        s = self.against("reset", "econnreset", "login")
        self.assertEqual(s["first_failure_errno"], "ECONNRESET")

    def test_a_flood_nobody_asked_for_times_out(self):
        """Untagged lines are legal; 100 MB of them read and dropped as
        they come, until LOGIN's --timeout."""
        self.against("flood", "etimedout", "login")

    def test_a_4gib_literal_is_skipped_until_the_timeout(self):
        """{4294967295} is under loadgen's literal cap: its bytes are
        skipped as they come, never held.  A fast machine gets all 4 GiB
        through within the --timeout, and the endless bytes after it are
        then a line too long (protocol); a slower one is still skipping
        (etimedout).  Which one is the machine's speed, not loadgen's
        doing: either is the right classification."""
        self.against("literal-4g", ("etimedout", "protocol"), "login")


if __name__ == "__main__":
    unittest.main(verbosity=2)
