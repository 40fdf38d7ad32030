"""e2e_close.py: who closes first after LOGOUT and how, seen in the
kernel's socket table: --logout-close reset sends an RST after the last
reply, so neither side keeps a TIME_WAIT."""
import socket
import unittest

from imapd_client import Client, FakeImapd, tcp_states, wait_for


class LogoutReset(unittest.TestCase):
    def test_reset_after_the_last_reply_leaves_no_time_wait(self):
        with FakeImapd("--logout-close", "reset") as srv:
            c = Client(srv)
            c.login()
            me = c.s.getsockname()[1]
            c.send(b"a1 LOGOUT\r\n")
            # Every byte of the replies arrives before the RST.
            self.assertEqual(c.until_tagged("a1"), b"* BYE fake-imapd logging out\r\na1 OK LOGOUT completed\r\n")
            try:
                self.assertEqual(c.s.recv(1), b"")
            except ConnectionResetError:
                pass
            wait_for(lambda: tcp_states(srv.addr[1], me) == [], what="server socket gone")
            c.close()
            self.assertEqual(tcp_states(me, srv.addr[1]), [])  # no TIME_WAIT here either
            code, out, _ = srv.stop()
            self.assertTrue(out.startswith("fake-imapd: accepted=1 closed_by_client=0 closed_by_server=1 "), out)

    def test_server_mode_keeps_the_time_wait_on_the_server(self):
        with FakeImapd("--logout-close", "server") as srv:
            c = Client(srv)
            me = c.s.getsockname()[1]
            c.send(b"a1 LOGOUT\r\n")
            self.assertEqual(c.rest(), b"* BYE fake-imapd logging out\r\na1 OK LOGOUT completed\r\n")
            c.close()
            wait_for(lambda: tcp_states(srv.addr[1], me) == ["TIME_WAIT"], what="server TIME_WAIT")

    def test_client_mode_waits_for_the_client(self):
        with FakeImapd("--logout-close", "client") as srv:
            c = Client(srv)
            c.send(b"a1 LOGOUT\r\n")
            c.until_tagged("a1")
            self.assertTrue(c.silent_for(0.2))  # no FIN from the server
            c.s.shutdown(socket.SHUT_WR)
            self.assertTrue(c.closed_within(10))
            c.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
