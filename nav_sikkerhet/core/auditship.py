"""Audit lines (CEF) shipped by syslog over TCP, with TLS where configured (RFC 5424 framing, RFC 6587 newline).

Policy when the receiver is down: **buffer, then fail**. Lines wait in memory, in order, and go out first when a
connection works again (tried at most once a second, so a dead receiver does not slow every request). When the
buffer is full, emitting raises AuditShippingError: the request that would display a citizen's data fails
instead of showing it unlogged. Every entry is also in the audit table (core.AuditLogEntry), which does not depend
on shipping.
"""

import contextlib
import datetime
import logging
import select
import socket
import ssl
import threading
import time
from collections import deque

# facility 13 ("log audit"), severity 6 (informational)
PRIORITY = 13 * 8 + 6
RECONNECT_INTERVAL = 1.0


class AuditShippingError(RuntimeError):
    """The syslog receiver has been down for longer than the buffer holds."""


class BufferedSyslogHandler(logging.Handler):
    def __init__(self, host: str, port: int, *, tls: bool = False, ca_file: str = "", buffer_lines: int = 10_000,
                 timeout: float = 2.0, app_name: str = "nav-sikkerhet"):
        super().__init__()
        self.address = (host, port)
        self.tls, self.ca_file, self.timeout, self.app_name = tls, ca_file, timeout, app_name
        self.capacity = buffer_lines
        self.pending: deque[bytes] = deque()
        self.sock: socket.socket | None = None
        self.next_attempt = 0.0
        self.hostname = socket.gethostname()
        self.ship_lock = threading.Lock()

    def frame(self, record: logging.LogRecord) -> bytes:
        stamp = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds")
        message = self.format(record).replace("\n", " ")
        return f"<{PRIORITY}>1 {stamp} {self.hostname} {self.app_name} - - - {message}\n".encode()

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=self.timeout)
        if self.tls:
            context = ssl.create_default_context(cafile=self.ca_file or None)
            sock = context.wrap_socket(sock, server_hostname=self.address[0])
        return sock

    def _drop_connection(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.close()
        self.sock = None
        self.next_attempt = time.monotonic() + RECONNECT_INTERVAL

    def ship(self, *, force: bool = False) -> None:
        """Send what is pending, oldest first; keep whatever could not be sent."""
        while self.pending:
            if self.sock is not None and select.select([self.sock], [], [], 0)[0]:
                # A syslog receiver never writes: readable means it closed the connection (restart), and a line
                # written now would be accepted by the kernel and lost.
                self._drop_connection()
                self.next_attempt = 0.0
            if self.sock is None:
                if not force and time.monotonic() < self.next_attempt:
                    return
                try:
                    self.sock = self._connect()
                except OSError:
                    self._drop_connection()
                    return
            try:
                self.sock.sendall(self.pending[0])
            except OSError:
                # The line may or may not have arrived; resending risks a duplicate, never a loss.
                self._drop_connection()
                return
            self.pending.popleft()

    def emit(self, record: logging.LogRecord) -> None:
        line = self.frame(record)
        with self.ship_lock:
            if len(self.pending) >= self.capacity:
                self.ship(force=True)
                if len(self.pending) >= self.capacity:
                    raise AuditShippingError(f"syslog receiver down, {len(self.pending)} audit lines waiting")
            self.pending.append(line)
            self.ship()

    def close(self) -> None:
        with self.ship_lock:
            self.ship(force=True)
            self._drop_connection()
        super().close()
