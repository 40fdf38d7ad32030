"""e2e_sides.py: TIME_WAIT and FIN_WAIT_2 split by side through
NETLINK_SOCK_DIAG, in a private network namespace where every socket is
the run's own: only the side that closes first holds TIME_WAIT."""
import os
import tempfile
import unittest

from harness import read_csv
from nsrun import IMAP_LINES, SERVE_ON_1145, run_in_netns

SERVER = "127.0.0.1:1143"
N = 20

# An IMAP server that answers LOGIN and LOGOUT and then never closes, not
# even after the client's FIN: the client's ports stay in FIN_WAIT_2.
NEVER_CLOSES = IMAP_LINES + r"""
held = []
def serve(c):
    held.append(c)
    c.sendall(b"* OK ready\r\n")
    for tag, line in lines(c):
        if b" LOGOUT" in line.upper():
            c.sendall(b"* BYE bye\r\n" + tag + b" OK LOGOUT\r\n")
        else:
            c.sendall(tag + b" OK done\r\n")
""" + SERVE_ON_1145


# An IMAP server whose LOGOUT reply and FIN travel in one segment: corked,
# the reply waits in the send queue, and shutdown() adds the FIN to it.
# The client finds the FIN already in when it reads the reply, every time.
FIN_WITH_REPLY = IMAP_LINES + r"""
import socket
def serve(c):
    c.sendall(b"* OK ready\r\n")
    for tag, line in lines(c):
        if b" LOGOUT" in line.upper():
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
            c.sendall(b"* BYE bye\r\n" + tag + b" OK LOGOUT\r\n")
            c.shutdown(socket.SHUT_WR)
        else:
            c.sendall(tag + b" OK done\r\n")
    c.close()
""" + SERVE_ON_1145


class Sides(unittest.TestCase):
    def run_loadgen(self, args, server_args, target=SERVER, before=None,
                    sysctls=None):
        d = tempfile.mkdtemp(prefix="loadgen-sides-")
        csv, summary = os.path.join(d, "l.csv"), os.path.join(d, "s.csv")
        r = run_in_netns(["--rate", "1000", "--csv", csv,
                          "--summary-csv", summary] + args + [target],
                         servers=[["--listen", SERVER] + server_args],
                         sysctls=sysctls or {"net.ipv4.tcp_tw_reuse": "0"},
                         before=before)
        self.assertEqual(r["rc"], 0, r["stderr"])
        return r, read_csv(csv), read_csv(summary)[0]

    def test_client_closes_first(self):
        r, rows, s = self.run_loadgen(["--count", str(N)], [])
        self.assertEqual(int(s["completed"]), N)
        last = rows[-1]
        self.assertEqual(int(last["time_wait_client"]), N)
        self.assertEqual(int(last["time_wait_server"]), 0)
        self.assertEqual(int(last["time_wait"]), N)
        self.assertEqual(int(s["time_wait_client_end"]), N)
        self.assertEqual(int(s["time_wait_server_end"]), 0)
        self.assertEqual(int(s["fin_wait2_client_end"]), 0)
        # A FIN, not an RST: no abort counted.
        self.assertEqual(int(s["abort_on_close"]), 0)
        self.assertEqual(int(s["abort_on_data"]), 0)
        self.assertEqual(sum(int(x["abort_on_close"]) for x in rows), 0)

    def test_server_closes_first(self):
        r, rows, s = self.run_loadgen(["--count", str(N), "--close", "server"],
                                      ["--logout-close", "server"])
        self.assertEqual(int(s["completed"]), N)
        self.assertEqual(int(rows[-1]["time_wait_client"]), 0)
        self.assertEqual(int(rows[-1]["time_wait_server"]), N)
        self.assertEqual(int(s["time_wait_client_end"]), 0)
        self.assertEqual(int(s["time_wait_server_end"]), N)

    def test_rst_leaves_no_time_wait(self):
        """--close rst: SO_LINGER {1,0} after the LOGOUT reply; no
        TIME_WAIT on either side, one TCPAbortOnData per session."""
        r, rows, s = self.run_loadgen(["--count", str(N), "--close", "rst"],
                                      [])
        self.assertEqual(int(s["completed"]), N)
        self.assertEqual(int(s["abort_on_data"]), N)
        self.assertEqual(int(s["abort_on_close"]), 0)
        self.assertEqual(int(s["time_wait_client_end"]), 0)
        self.assertEqual(int(s["time_wait_server_end"]), 0)
        self.assertEqual(int(rows[-1]["time_wait"]), 0)
        self.assertEqual(s["close"], "rst")
        self.assertIn("closed_by_reset=%d" % N, r["servers"][0][1])

    def test_no_logout_client_closes_after_login(self):
        r, rows, s = self.run_loadgen(["--count", str(N), "--steps",
                                       "login,logout", "--close",
                                       "no-logout"], [])
        self.assertEqual(int(s["completed"]), N)
        self.assertEqual(int(s["time_wait_client_end"]), N)
        self.assertEqual(int(s["time_wait_server_end"]), 0)
        # LOGIN only (no-logout drops the list's logout): one command
        # per session.
        self.assertIn("commands=%d " % N, r["servers"][0][1])
        self.assertEqual(s["login_p99_ms"] != "", True)

    def test_server_never_closes_leaves_fin_wait2(self):
        """The server ignores our FIN: our ports sit in FIN_WAIT_2, not
        TIME_WAIT, and the sessions still count as completed."""
        r, rows, s = self.run_loadgen(["--count", "5", "--timeout", "300ms"],
                                      [], target="127.0.0.1:1145",
                                      before=NEVER_CLOSES)
        self.assertEqual(int(s["completed"]), 5)
        self.assertIn("server_never_closed=5", r["stdout"])
        self.assertEqual(int(s["fin_wait2_client_end"]), 5)
        self.assertEqual(int(s["fin_wait2_server_end"]), 0)
        self.assertEqual(int(s["time_wait_client_end"]), 0)


    def test_server_fin_before_ours_is_counted(self):
        """--close client, but the server's FIN came with its LOGOUT
        reply: loadgen says so (server_closed_first), and the TIME_WAIT is
        the server's, not the client's."""
        r, rows, s = self.run_loadgen(["--count", "5", "--steps",
                                       "login,logout"], [],
                                      target="127.0.0.1:1145",
                                      before=FIN_WITH_REPLY)
        self.assertEqual(int(s["completed"]), 5, r["stderr"])
        self.assertIn(" server_closed_first=5", r["stdout"])
        self.assertEqual(int(s["time_wait_client_end"]), 0)
        self.assertEqual(int(s["time_wait_server_end"]), 5)
        self.assertEqual(int(s["abort_on_close"]), 0)


class Counters(unittest.TestCase):
    run_loadgen = Sides.run_loadgen

    def test_tw_overflow_past_max_tw_buckets(self):
        """tcp_max_tw_buckets=5: the kernel keeps 5 TIME_WAIT sockets and
        destroys the other 5 at once (TCPTimeWaitOverflow)."""
        r, rows, s = self.run_loadgen(
            ["--count", "10"], [],
            sysctls={"net.ipv4.tcp_tw_reuse": "0",
                     "net.ipv4.tcp_max_tw_buckets": "5"})
        self.assertEqual(int(s["completed"]), 10)
        self.assertEqual(int(s["tw_overflow"]), 5)
        self.assertEqual(sum(int(x["tw_overflow"]) for x in rows), 5)
        self.assertEqual(int(s["time_wait_client_end"]), 5)
        self.assertEqual(s["tcp_max_tw_buckets"], "5")

    def test_tw_recycled_with_tcp_tw_reuse(self):
        """10 ports, tcp_tw_reuse=1 after 1 ms. connect() tries the even
        ports first and takes a reusable TIME_WAIT one before looking at
        the odd ones: the 5 even ports carry all 30 connections, and
        connections 6 to 30 each recycle one (TWRecycled)."""
        r, rows, s = self.run_loadgen(
            ["--count", "30", "--rate", "100"], [],
            sysctls={"net.ipv4.ip_local_port_range": "20000 20009",
                     "net.ipv4.tcp_tw_reuse": "1",
                     "net.ipv4.tcp_tw_reuse_delay": "1"})
        self.assertEqual(int(s["completed"]), 30)
        self.assertEqual(int(s["tw_recycled"]), 25)
        self.assertEqual(int(s["time_wait_client_end"]), 5)
        self.assertEqual(s["tcp_tw_reuse"], "1")
        self.assertEqual(s["tcp_tw_reuse_delay_ms"], "1")


if __name__ == "__main__":
    unittest.main(verbosity=2)
