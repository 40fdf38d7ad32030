"""e2e_wire.py: fake-imapd's exact bytes on a raw socket (RFC 3501)."""
import socket
import unittest

from harness import FakeImapd, recv_until, tcp_states, wait_for

GREETING = (b"* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UNSELECT SASL-IR AUTH=PLAIN]"
            b" fake-imapd ready\r\n")


class Wire(unittest.TestCase):
    def setUp(self):
        self.srv = FakeImapd()
        self.addCleanup(self.srv.__exit__)
        self.s = self.srv.connect()
        self.addCleanup(self.s.close)
        self.assertEqual(recv_until(self.s, b"\r\n"), GREETING)

    def ask(self, line, until):
        self.s.sendall(line)
        return recv_until(self.s, until)

    def test_session_bytes(self):
        self.assertEqual(self.ask(b"a1 CAPABILITY\r\n", b"a1 OK CAPABILITY completed\r\n"),
                         b"* CAPABILITY IMAP4rev1 LITERAL+ IDLE UNSELECT SASL-IR AUTH=PLAIN\r\n"
                         b"a1 OK CAPABILITY completed\r\n")
        self.assertEqual(self.ask(b"a2 NOOP\r\n", b"\r\n"), b"a2 OK NOOP completed\r\n")
        self.assertEqual(self.ask(b'a3 LOGIN bob "pass word"\r\n', b"\r\n"),
                         b"a3 OK LOGIN completed\r\n")
        self.assertEqual(self.ask(b"a4 LOGIN bob x\r\n", b"\r\n"),
                         b"a4 BAD LOGIN not allowed in this state\r\n")
        self.assertEqual(self.ask(b"a5 FROB\r\n", b"\r\n"), b"a5 BAD unknown command\r\n")
        self.assertEqual(self.ask(b"a6 LOGOUT\r\n", b"a6 OK LOGOUT completed\r\n"),
                         b"* BYE fake-imapd logging out\r\na6 OK LOGOUT completed\r\n")

    def test_malformed_lines(self):
        self.assertEqual(self.ask(b"\r\n", b"\r\n"), b"* BAD empty line\r\n")
        self.assertEqual(self.ask(b"+ NOOP\r\n", b"\r\n"), b"* BAD malformed tag\r\n")
        self.assertEqual(self.ask(b"a1 \r\n", b"\r\n"),
                         b"a1 BAD missing or malformed command\r\n")
        self.assertEqual(self.ask(b"a2 LOGIN onlyuser\r\n", b"\r\n"),
                         b"a2 BAD LOGIN expects a user name and a password\r\n")
        # A literal gets its continuation; a user name alone is still bad.
        self.assertEqual(self.ask(b"a3 LOGIN {3}\r\n", b"\r\n"),
                         b"+ Ready for literal data\r\n")
        self.assertEqual(self.ask(b"bob\r\n", b"\r\n"),
                         b"a3 BAD LOGIN expects a user name and a password\r\n")

    def test_pipelined_commands_answer_in_order(self):
        self.assertEqual(self.ask(b"a1 NOOP\r\na2 NOOP\r\na3 NOOP\r\n", b"a3 OK NOOP completed\r\n"),
                         b"a1 OK NOOP completed\r\na2 OK NOOP completed\r\na3 OK NOOP completed\r\n")

    def test_overlong_line_gets_bye_and_close(self):
        self.s.sendall(b"a1 NOOP " + b"x" * 9000 + b"\r\n")
        self.assertEqual(recv_until(self.s, b"never"), b"* BYE line too long\r\n")

    def test_client_closes_first_after_logout(self):
        """Default --logout-close client: the server waits for our FIN, so
        the TIME_WAIT is ours (KB 319502's case)."""
        self.ask(b"a1 LOGOUT\r\n", b"a1 OK LOGOUT completed\r\n")
        self.s.shutdown(socket.SHUT_WR)
        self.assertEqual(self.s.recv(1), b"")  # the server's FIN answers ours
        me = self.s.getsockname()[1]
        self.s.close()
        # Had the server closed first we would be in LAST_ACK or gone.
        self.assertEqual(tcp_states(me, self.srv.addr[1]), ["TIME_WAIT"])
        wait_for(lambda: tcp_states(self.srv.addr[1], me) == [],
                 what="server socket gone")
        code, out, _ = self.srv.stop()
        self.assertEqual(code, 0)
        self.assertIn("accepted=1 closed_by_client=1 closed_by_server=0", out)


class ServerCloses(unittest.TestCase):
    def test_server_closes_after_logout(self):
        with FakeImapd("--logout-close", "server") as srv:
            s = srv.connect()
            recv_until(s, b"\r\n")
            s.sendall(b"a1 LOGOUT\r\n")
            # Everything, then EOF, without us closing anything.
            self.assertEqual(recv_until(s, b"never"),
                             b"* BYE fake-imapd logging out\r\na1 OK LOGOUT completed\r\n")
            me = s.getsockname()[1]
            s.close()
            # The TIME_WAIT is the server's: its port towards ours.
            wait_for(lambda: tcp_states(srv.addr[1], me) == ["TIME_WAIT"],
                     what="server-side TIME_WAIT")
            self.assertNotIn("TIME_WAIT", tcp_states(me, srv.addr[1]))
            code, out, _ = srv.stop()
            self.assertEqual(code, 0)
            self.assertIn("accepted=1 closed_by_client=0 closed_by_server=1", out)


class ServerNeverCloses(unittest.TestCase):
    def test_client_port_waits_in_fin_wait_2(self):
        """--logout-close never: our FIN is acknowledged, theirs never comes,
        so our port sits in FIN_WAIT_2 (a FIN_WAIT_2 exhaustion's cause)."""
        with FakeImapd("--logout-close", "never", "--logout-timeout", "1m") as srv:
            s = srv.connect()
            recv_until(s, b"\r\n")
            s.sendall(b"a1 LOGOUT\r\n")
            recv_until(s, b"a1 OK LOGOUT completed\r\n")
            s.shutdown(socket.SHUT_WR)
            me = s.getsockname()[1]
            wait_for(lambda: tcp_states(me, srv.addr[1]) == ["FIN_WAIT2"],
                     what="client FIN_WAIT2")
            self.assertEqual(tcp_states(srv.addr[1], me), ["CLOSE_WAIT"])
            code, out, _ = srv.stop()   # shutdown closes it at last
            self.assertEqual(code, 0)
            self.assertEqual(s.recv(1), b"")
            s.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
