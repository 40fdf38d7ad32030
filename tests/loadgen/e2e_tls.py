"""e2e_tls.py: loadgen over TLS (--tls, the starttls step, --tls-ca,
--tls-servername) against fake-imapd's TLS listener and STARTTLS, in a
private network namespace, with throwaway certificates made at test time.
What matters most is the close: with --close client our close_notify and
our FIN go first, the server's FIN is awaited, and the port ends in
TIME_WAIT on the client, never reset."""
import os
import tempfile
import unittest

from harness import LOADGEN, read_csv, run
from nsrun import IMAP_LINES, SERVE_ON_1145, run_in_netns
from tlscert import make_self_signed

PLAIN = "127.0.0.1:1143"
TLS = "127.0.0.1:1993"
ODD = "127.0.0.1:1145"
TW_OFF = {"net.ipv4.tcp_tw_reuse": "0"}
N = 20

# Answers STARTTLS with its OK and, in the same write, a line that no
# client asked for: bytes before the handshake (RFC 3501 6.2.1).
PIPELINED_AFTER_STARTTLS = IMAP_LINES + r"""
def serve(c):
    c.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
    for tag, line in lines(c):
        c.sendall(tag + b" OK begin TLS now\r\n* 1 EXISTS\r\n")
""" + SERVE_ON_1145

# Accepts and never says a word: a handshake that never ends.
SILENT = r"""
import socket, threading
held = []
def accept(l):
    while True:
        c, _ = l.accept()
        held.append(c)
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 1145))
l.listen(128)
threading.Thread(target=accept, args=(l,), daemon=True).start()
"""

# A TLS server whose LOGOUT reply, close_notify and FIN travel in one
# segment: the socket is corked, the reply and the close_notify (a
# non-blocking SSL_shutdown that does not wait for ours) queue up, and
# shutdown() adds the FIN.  Then it reads until our FIN.
TLS_FIN_WITH_REPLY = IMAP_LINES + r"""
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(%r, %r)
def serve(c):
    s = ctx.wrap_socket(c, server_side=True)
    s.sendall(b"* OK ready\r\n")
    for tag, line in lines(s):
        if b" LOGOUT" not in line.upper():
            s.sendall(tag + b" OK done\r\n")
            continue
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
        s.sendall(b"* BYE bye\r\n" + tag + b" OK LOGOUT\r\n")
        s.setblocking(False)
        try:
            s.unwrap()
        except ssl.SSLWantReadError:
            pass
        s.shutdown(socket.SHUT_WR)
        s.setblocking(True)
        while s.recv(4096):
            pass
        s.close()
        return
""" + SERVE_ON_1145


def server_count(out, key):
    for word in out.split():
        if word.startswith(key + "="):
            return int(word.split("=", 1)[1])
    raise AssertionError("no %s= in %r" % (key, out))


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = tempfile.mkdtemp(prefix="loadgen-tls-")
        os.mkdir(os.path.join(cls.d, "good"))
        os.mkdir(os.path.join(cls.d, "other"))
        cls.cert, cls.key = make_self_signed(os.path.join(cls.d, "good"))
        # Another self-signed certificate: the wrong CA for the server.
        cls.other, _ = make_self_signed(os.path.join(cls.d, "other"))

    def tls_run(self, args, server_args=(), target=TLS, before=None):
        d = tempfile.mkdtemp(prefix="loadgen-tls-")
        csv, summary = os.path.join(d, "l.csv"), os.path.join(d, "s.csv")
        lat = os.path.join(d, "lat.csv")
        self.imapd_csv = os.path.join(d, "imapd.csv")
        r = run_in_netns(["--rate", "200", "--csv", csv, "--summary-csv",
                          summary, "--latency-csv", lat] + list(args) +
                         [target],
                         servers=[["--listen", PLAIN, "--tls-listen", TLS,
                                   "--tls-cert", self.cert, "--tls-key",
                                   self.key, "--csv", self.imapd_csv] +
                                  list(server_args)],
                         sysctls=TW_OFF, before=before)
        self.assertEqual(r["rc"], 0, r["stderr"])
        self.r = r
        self.server_out = r["servers"][0][1]
        self.latency = {x["latency"]: x for x in read_csv(lat)}
        return read_csv(csv), read_csv(summary)[0]

    def commands(self, name):
        return sum(int(r["cmd_" + name]) for r in read_csv(self.imapd_csv))

    def assertClientTimeWait(self, rows, s, n):
        """Our FIN went first and was answered: n ports in TIME_WAIT on
        the client, none on the server, no RST either way."""
        self.assertEqual(int(s["time_wait_client_end"]), n)
        self.assertEqual(int(s["time_wait_server_end"]), 0)
        self.assertEqual(int(s["fin_wait2_client_end"]), 0)
        self.assertEqual(int(s["abort_on_close"]), 0)
        self.assertEqual(int(s["abort_on_data"]), 0)
        self.assertEqual(server_count(self.server_out, "closed_by_client"), n)
        self.assertEqual(server_count(self.server_out, "closed_by_reset"), 0)

    def test_implicit_tls_verified_client_closes_first(self):
        rows, s = self.tls_run(["--count", str(N), "--tls", "--tls-ca",
                                self.cert])
        self.assertEqual(int(s["completed"]), N, self.r["stderr"])
        self.assertEqual(int(s["failed"]), 0)
        self.assertEqual(int(s["tls_handshakes"]), N)
        self.assertEqual(int(s["tls_failed"]), 0)
        self.assertEqual(sum(int(x["tls_handshakes"]) for x in rows), N)
        self.assertNotEqual(s["tls_p50_ms"], "")
        self.assertEqual(int(self.latency["tls"]["count"]), N)
        self.assertEqual(server_count(self.server_out, "tls_handshakes_ok"), N)
        self.assertEqual(self.commands("login"), N)
        self.assertEqual(self.commands("select"), N)
        self.assertEqual(self.commands("logout"), N)
        self.assertIn(" --tls --tls-ca ", s["options"])
        self.assertIn("tls_handshakes=%d tls_failed=0" % N, self.r["stdout"])
        self.assertClientTimeWait(rows, s, N)

    def test_starttls_step_verified(self):
        rows, s = self.tls_run(["--count", str(N), "--steps",
                                "starttls,login,select,logout", "--tls-ca",
                                self.cert], target=PLAIN)
        self.assertEqual(int(s["completed"]), N, self.r["stderr"])
        self.assertEqual(int(s["tls_handshakes"]), N)
        self.assertEqual(self.commands("starttls"), N)
        self.assertEqual(self.commands("login"), N)
        self.assertEqual(server_count(self.server_out, "tls_handshakes_ok"), N)
        self.assertEqual(s["steps"], "starttls,login,select=INBOX,logout")
        self.assertClientTimeWait(rows, s, N)

    def test_starttls_then_authenticate_without_initial_response(self):
        """After STARTTLS the greeting's capabilities are forgotten (RFC
        3501 6.2.1): AUTHENTICATE waits for "+", which fake-imapd also
        accepts."""
        rows, s = self.tls_run(["--count", "5", "--steps",
                                "starttls,authenticate,select,logout",
                                "--tls-servername", "localhost", "--tls-ca",
                                self.cert], target=PLAIN)
        self.assertEqual(int(s["completed"]), 5, self.r["stderr"])
        self.assertEqual(self.commands("authenticate"), 5)

    def test_wrong_ca_is_class_tls(self):
        rows, s = self.tls_run(["--count", "5", "--tls", "--tls-ca",
                                self.other])
        self.assertEqual(int(s["completed"]), 0)
        self.assertEqual(int(s["tls"]), 5)
        self.assertEqual(int(s["failed"]), 5)
        self.assertEqual(int(s["tls_failed"]), 5)
        self.assertEqual(s["first_failure_stage"], "tls")
        self.assertEqual(s["first_failure_class"], "tls")
        self.assertEqual(sum(int(x["failed_tls"]) for x in rows), 5)
        self.assertEqual(sum(int(x["tls"]) for x in rows), 5)

    def test_wrong_ca_after_starttls_fails_at_starttls(self):
        rows, s = self.tls_run(["--count", "5", "--steps",
                                "starttls,login,logout", "--tls-ca",
                                self.other], target=PLAIN)
        self.assertEqual(int(s["tls"]), 5)
        self.assertEqual(s["first_failure_stage"], "starttls")
        self.assertEqual(sum(int(x["failed_starttls"]) for x in rows), 5)

    def test_wrong_name_is_class_tls(self):
        rows, s = self.tls_run(["--count", "5", "--tls", "--tls-ca",
                                self.cert, "--tls-servername",
                                "wrong.example"])
        self.assertEqual(int(s["tls"]), 5)
        self.assertEqual(s["first_failure_stage"], "tls")

    def test_without_ca_any_certificate_is_accepted(self):
        rows, s = self.tls_run(["--count", "5", "--tls", "--tls-servername",
                                "wrong.example"])
        self.assertEqual(int(s["completed"]), 5)

    def test_plaintext_server_on_the_tls_port(self):
        """--tls against a plain listener: its greeting is no TLS record;
        class tls at once, not a hang until --timeout."""
        rows, s = self.tls_run(["--count", "5", "--tls", "--timeout", "30s",
                                "--debug"], target=PLAIN)
        self.assertEqual(int(s["tls"]), 5)
        self.assertEqual(s["first_failure_stage"], "tls")
        self.assertLess(float(s["elapsed_s"]), 30)  # no --timeout waited
        # OpenSSL's own reason, not libevent's bare error code.
        self.assertEqual(self.r["stderr"].count(
            "tls failed: wrong version number"), 5, self.r["stderr"])

    def test_silent_server_times_out_in_the_handshake(self):
        rows, s = self.tls_run(["--count", "3", "--tls", "--timeout",
                                "300ms"], target=ODD, before=SILENT)
        self.assertEqual(int(s["etimedout"]), 3)
        self.assertEqual(s["first_failure_stage"], "tls")
        # Ended by the 300 ms --timeout, not the default 10 s.
        self.assertLess(float(s["elapsed_s"]), 10)

    def test_bytes_after_starttls_ok_are_protocol(self):
        rows, s = self.tls_run(["--count", "3", "--steps",
                                "starttls,login,logout"], target=ODD,
                               before=PIPELINED_AFTER_STARTTLS)
        self.assertEqual(int(s["protocol"]), 3)
        self.assertEqual(s["first_failure_stage"], "starttls")
        self.assertEqual(int(s["tls_handshakes"]), 0)

    def test_server_closes_first_over_tls(self):
        rows, s = self.tls_run(["--count", str(N), "--tls", "--close",
                                "server"], ["--logout-close", "server"])
        self.assertEqual(int(s["completed"]), N, self.r["stderr"])
        self.assertEqual(int(s["time_wait_client_end"]), 0)
        self.assertEqual(int(s["time_wait_server_end"]), N)
        self.assertEqual(int(s["abort_on_close"]), 0)
        self.assertEqual(server_count(self.server_out, "closed_by_server"), N)

    def test_server_fin_first_over_tls_is_counted(self):
        """--close client, but the server's close_notify and FIN came with
        its LOGOUT reply: the TCP state at the end says the server closed
        first, and the TIME_WAIT is the server's."""
        rows, s = self.tls_run(["--count", "5", "--tls", "--tls-ca",
                                self.cert, "--steps", "login,logout"],
                               target=ODD, before=TLS_FIN_WITH_REPLY %
                               (self.cert, self.key))
        self.assertEqual(int(s["completed"]), 5, self.r["stderr"])
        self.assertIn(" server_closed_first=5", self.r["stdout"])
        self.assertEqual(int(s["time_wait_client_end"]), 0)
        self.assertEqual(int(s["time_wait_server_end"]), 5)
        self.assertEqual(int(s["abort_on_close"]), 0)
        self.assertEqual(int(s["abort_on_data"]), 0)

    def test_client_fin_first_over_tls_is_not_counted(self):
        # fake-imapd waits for our FIN (--logout-close client).
        rows, s = self.tls_run(["--count", "5", "--tls"])
        self.assertEqual(int(s["completed"]), 5, self.r["stderr"])
        self.assertNotIn("server_closed_first", self.r["stdout"])

    def test_rst_over_tls(self):
        rows, s = self.tls_run(["--count", str(N), "--tls", "--close", "rst"])
        self.assertEqual(int(s["completed"]), N)
        self.assertEqual(int(s["abort_on_data"]), N)
        self.assertEqual(int(s["time_wait_client_end"]), 0)
        self.assertEqual(int(s["time_wait_server_end"]), 0)

    def test_mailbox_cache_over_tls(self):
        """A request every 200 ms per mailbox, well after the first
        connection's greeting (about 45 ms over TLS: fake-imapd's
        greeting waits on Nagle), so each mailbox has one connection."""
        rows, s = self.tls_run(["--rate", "10", "--duration", "2s",
                                "--mailboxes", "2", "--cache-ttl", "1h",
                                "--mailbox-skew", "round-robin", "--tls"])
        self.assertEqual(int(s["requests_done"]), 20)
        self.assertEqual(int(s["opened"]), 2)
        self.assertEqual(int(s["tls_handshakes"]), 2)
        self.assertEqual(self.commands("select"), 20)
        self.assertClientTimeWait(rows, s, 2)


class BadTlsOptions(unittest.TestCase):
    def refused(self, args, expected):
        p = run([LOADGEN] + args + ["--count", "1", PLAIN])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(expected, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)

    def test_missing_ca_file(self):
        self.refused(["--tls", "--tls-ca", "/nonexistent/ca.pem"],
                     "--tls-ca: expected a readable PEM file")

    def test_ca_file_not_pem(self):
        path = os.path.join(tempfile.mkdtemp(prefix="loadgen-tls-"), "x")
        with open(path, "w") as f:
            f.write("not a certificate\n")
        self.refused(["--tls", "--tls-ca", path],
                     "--tls-ca: expected a PEM file of CA certificates")

    def test_tls_and_starttls(self):
        self.refused(["--tls", "--steps", "starttls,login,logout"],
                     "--tls: expected either --tls or a starttls step")

    def test_ca_without_tls(self):
        self.refused(["--tls-ca", "/etc/hosts"],
                     "--tls-ca: expected --tls or a starttls step too")

    def test_bad_servername(self):
        self.refused(["--tls", "--tls-servername", "a b"],
                     "--tls-servername: expected a host name")

    def test_help_says_no_verification_without_ca(self):
        p = run([LOADGEN, "--help"])
        self.assertIn("WITHOUT --tls-ca THE", p.stdout)
        self.assertIn("SERVER IS NOT VERIFIED", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
