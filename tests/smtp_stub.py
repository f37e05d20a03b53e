"""A minimal SMTP server on loopback for tests: it can answer the end of a message late, and never answer QUIT."""

import socket
import threading
import time


class SlowSMTPServer:
    def __init__(self, *, data_reply_delay: float = 0.0, answer_quit: bool = True, hang_after_data: bool = False,
                 delay_every: int = 1):
        """``data_reply_delay`` applies to every ``delay_every``-th message taken (all of them by default)."""
        self.data_reply_delay, self.answer_quit, self.hang_after_data = data_reply_delay, answer_quit, hang_after_data
        self.delay_every = delay_every
        self.lock = threading.Lock()
        self.messages: list[bytes] = []
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        file = conn.makefile("rb")
        conn.sendall(b"220 stub ESMTP\r\n")
        try:
            while line := file.readline():
                command = line.strip().upper()
                if command.startswith((b"EHLO", b"HELO")):
                    conn.sendall(b"250 stub\r\n")
                elif command.startswith((b"MAIL", b"RCPT", b"RSET", b"NOOP")):
                    conn.sendall(b"250 ok\r\n")
                elif command == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    body = b""
                    while (chunk := file.readline()) not in (b".\r\n", b""):
                        body += chunk
                    with self.lock:
                        self.messages.append(body)  # taken: from here on, a resend would be a duplicate
                        taken = len(self.messages)
                    if self.hang_after_data:
                        time.sleep(3600)
                    if taken % self.delay_every == 0:
                        time.sleep(self.data_reply_delay)
                    conn.sendall(b"250 queued\r\n")
                elif command == b"QUIT":
                    if self.answer_quit:
                        conn.sendall(b"221 bye\r\n")
                    else:
                        time.sleep(3600)
                    return
        except OSError:
            return
        finally:
            conn.close()

    def close(self):
        self.server.close()
