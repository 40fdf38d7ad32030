"""e2e_accept.py: out of descriptors, fake-imapd pauses accepting
for a second (tmux server_accept), says so once, and greets the waiting
connections once descriptors are free again."""
import os
import resource
import subprocess
import unittest

from imapd_client import FAKE_IMAPD, Client, read_line

NOFILE = 32


class Starved(object):
    """fake-imapd under RLIMIT_NOFILE = NOFILE (soft and hard, so that its
    own raise to the hard limit changes nothing)."""

    def __init__(self):
        rfd, wfd = os.pipe()
        os.set_inheritable(wfd, True)

        def limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))

        self.proc = subprocess.Popen(
            [FAKE_IMAPD, "--listen", "127.0.0.1:0", "--ready-fd", str(wfd)],
            pass_fds=(wfd,), preexec_fn=limit, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.close(wfd)
        try:
            words = read_line(rfd, 10).split()
        finally:
            os.close(rfd)
        host, port = words[1].rsplit(":", 1)
        self.addr = (host, int(port))

    def connect(self):
        import socket
        return socket.create_connection(self.addr, timeout=10)

    def stop(self):
        self.proc.terminate()
        out, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, out.decode(), err.decode()


class Emfile(unittest.TestCase):
    def test_pause_and_resume(self):
        srv = Starved()
        self.addCleanup(lambda: srv.proc.poll() is None and srv.stop())
        greeted = []
        waiting = None
        for _ in range(NOFILE + 8):
            c = Client.__new__(Client)
            c.s, c.buf = srv.connect(), b""
            if c.silent_for(0.5):
                waiting = c  # accepted by the kernel, not by the server
                break
            self.assertTrue(c.line().startswith(b"* OK "))
            greeted.append(c)
        self.assertIsNotNone(waiting, "never ran out of descriptors")
        self.assertLess(len(greeted), NOFILE)
        # Free a few descriptors: within the 1 s pause (and a margin) the
        # waiting connection is accepted and greeted.
        for c in greeted[:4]:
            c.close()
        waiting.s.settimeout(5)
        self.assertTrue(waiting.line().startswith(b"* OK [CAPABILITY "))
        for c in greeted[4:] + [waiting]:
            c.close()
        code, out, err = srv.stop()
        self.assertEqual(code, 0)
        self.assertEqual(err.count("pausing 1s: Too many open files"), 1, err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
