"""e2e_stats.py: the server's --csv (RFC 4180, one row per second,
flushed) and the summary line: counts and bytes match what the clients did."""
import os
import socket
import struct
import tempfile
import unittest

from imapd_client import Client, FakeImapd, read_csv, wait_for

COLUMNS = ["elapsed_s", "accepted", "active", "rejected_limit", "dropped", "rejected_userip", "closed_by_server",
           "closed_by_client", "closed_by_reset", "autologout", "commands", "cmd_capability",
           "cmd_noop", "cmd_logout", "cmd_login", "cmd_authenticate", "cmd_select", "cmd_examine", "cmd_list",
           "cmd_lsub", "cmd_status", "cmd_idle", "cmd_fetch", "cmd_search", "cmd_store",
           "cmd_uid"]


def total(rows, col):
    return sum(int(r[col]) for r in rows)


class Stats(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.csv = os.path.join(self.dir.name, "server.csv")

    def rows(self):
        try:
            return read_csv(self.csv)
        except AssertionError:
            return []  # only the header so far

    def test_counts_and_bytes_match_the_clients(self):
        sent = received = 0
        with FakeImapd("--csv", self.csv) as srv:
            # 1: a whole session; the client closes first after LOGOUT.
            c = Client(srv)
            received += len(c.greeting)
            for tag, cmd in (("a1", "LOGIN u p"), ("a2", "NOOP"), ("a3", "LOGOUT")):
                line = b"%s %s\r\n" % (tag.encode(), cmd.encode())
                sent += len(line)
                received += len(c.cmd(tag, cmd))
            c.s.shutdown(socket.SHUT_WR)
            self.assertTrue(c.closed_within(10))  # the server's FIN: it has counted us
            c.close()
            # 2: greeted, then the client's FIN.
            c = Client(srv)
            received += len(c.greeting)
            c.s.shutdown(socket.SHUT_WR)
            self.assertTrue(c.closed_within(10))
            c.close()
            # 3: greeted, then a reset (SO_LINGER 0).
            c = Client(srv)
            received += len(c.greeting)
            c.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()
            # Rows are flushed every second: the reset shows up on its own.
            wait_for(lambda: total(self.rows(), "closed_by_reset") == 1, timeout=60,
                     what="the reset in the CSV")
            code, out, _ = srv.stop()
        self.assertEqual(code, 0)
        rows = read_csv(self.csv)
        with open(self.csv, newline="") as f:
            header = f.readline().rstrip("\r\n").split(",")
        self.assertEqual(header[:len(COLUMNS)], COLUMNS)
        # Columns added later go last, so positional readers keep working.
        self.assertEqual(header[-4:], ["bytes_in", "bytes_out", "tls_handshakes_ok", "tls_handshakes_failed"])
        want = {"accepted": 3, "closed_by_client": 2, "closed_by_server": 0, "closed_by_reset": 1,
                "rejected_limit": 0, "dropped": 0, "commands": 3, "cmd_login": 1, "cmd_noop": 1,
                "cmd_logout": 1, "cmd_select": 0, "bytes_in": sent, "bytes_out": received}
        self.assertEqual({k: total(rows, k) for k in want}, want)
        self.assertEqual(rows[-1]["active"], "0")
        times = [float(r["elapsed_s"]) for r in rows]
        self.assertEqual(times, sorted(times))
        # The summary: the first three fields first, in this order.
        self.assertTrue(out.startswith("fake-imapd: accepted=3 closed_by_client=2 closed_by_server=0 "), out)
        fields = dict(kv.split("=") for kv in out.split()[1:])
        for k in ("closed_by_reset", "commands", "bytes_in", "bytes_out"):
            self.assertEqual(int(fields[k]), want[k], k)

    def test_unknown_and_malformed_commands_are_counted(self):
        with FakeImapd("--csv", self.csv) as srv:
            c = Client(srv)
            c.cmd("a1", "FROB")
            c.cmd("a2", "CAPABILITY")
            c.close()
            srv.stop()
        rows = read_csv(self.csv)
        self.assertEqual((total(rows, "commands"), total(rows, "cmd_other"), total(rows, "cmd_capability")),
                         (2, 1, 1))

    def test_unwritable_csv_is_an_error(self):
        from imapd_client import FAKE_IMAPD, run
        r = run([FAKE_IMAPD, "--csv", os.path.join(self.dir.name, "no", "such.csv")], timeout=20)
        self.assertEqual(r.returncode, 1)
        self.assertIn("--csv", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
