"""Audit lines over syslog/TCP to a receiver on loopback: none lost while it is briefly down."""

import logging
import socket
import threading
import time

import pytest

from nav_sikkerhet.core import auditship
from nav_sikkerhet.core.auditship import AuditShippingError, BufferedSyslogHandler


class Receiver:
    """A syslog receiver on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.lines: list[str] = []
        self.server = None
        self.threads = []

    def start(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen()
        self.running = True
        thread = threading.Thread(target=self._serve, args=(self.server,), daemon=True)
        thread.start()
        self.threads.append(thread)

    def _serve(self, server):
        server.settimeout(0.1)
        clients = []
        while self.running:
            try:
                conn, _ = server.accept()
                conn.settimeout(0.05)
                clients.append([conn, b""])
            except (TimeoutError, OSError):
                pass
            for client in clients:
                try:
                    data = client[0].recv(65536)
                except (TimeoutError, OSError):
                    continue
                client[1] += data
                *complete, client[1] = client[1].split(b"\n")
                self.lines += [line.decode() for line in complete]
        for conn, _ in clients:
            conn.close()
        server.close()

    def stop(self):
        self.running = False
        for thread in self.threads:
            thread.join(2)

    def wait_for(self, count, seconds=5.0):
        deadline = time.monotonic() + seconds
        while len(self.lines) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.lines


@pytest.fixture
def receiver():
    server = Receiver()
    server.start()
    yield server
    server.stop()


def record(message):
    return logging.LogRecord("nav_sikkerhet.audit", logging.INFO, __file__, 1, message, None, None)


def test_lines_arrive_in_order_as_rfc5424_syslog(receiver):
    handler = BufferedSyslogHandler("127.0.0.1", receiver.port, tls=False)
    for n in range(3):
        handler.emit(record(f"CEF:0|NAV|nav-sikkerhet|1.0|audit:access|Sporingslogg|INFO|msg=line {n}"))
    lines = receiver.wait_for(3)
    assert [line.rsplit("msg=", 1)[1] for line in lines] == ["line 0", "line 1", "line 2"]
    assert all(line.startswith("<110>1 ") and " nav-sikkerhet - - - CEF:0|" in line for line in lines)
    handler.close()


def test_no_line_is_lost_while_the_receiver_restarts(receiver, monkeypatch):
    monkeypatch.setattr(auditship, "RECONNECT_INTERVAL", 0.0)
    handler = BufferedSyslogHandler("127.0.0.1", receiver.port, tls=False)
    handler.emit(record("CEF:0|before"))
    receiver.wait_for(1)
    receiver.stop()
    for n in range(5):
        handler.emit(record(f"CEF:0|while down {n}"))  # buffered, the caller is not held up
    assert len(handler.pending) == 5
    receiver.start()
    handler.emit(record("CEF:0|after"))
    lines = receiver.wait_for(7)
    assert [line.split(" - - - ", 1)[1] for line in lines] == (
        ["CEF:0|before"] + [f"CEF:0|while down {n}" for n in range(5)] + ["CEF:0|after"]
    )
    assert not handler.pending
    handler.close()


def test_a_full_buffer_fails_the_caller_instead_of_dropping_lines(receiver):
    receiver.stop()
    handler = BufferedSyslogHandler("127.0.0.1", receiver.port, tls=False, buffer_lines=2)
    handler.emit(record("CEF:0|one"))
    handler.emit(record("CEF:0|two"))
    with pytest.raises(AuditShippingError):
        handler.emit(record("CEF:0|three"))
    assert len(handler.pending) == 2
    receiver.start()
    handler.close()  # ships what waits
    assert [line.split(" - - - ", 1)[1] for line in receiver.wait_for(2)] == ["CEF:0|one", "CEF:0|two"]


def test_settings_choose_syslog_when_a_host_is_set():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["audit"]
    if settings.AUDIT_SYSLOG_HOST:
        assert handler["()"].endswith("BufferedSyslogHandler")
    else:
        assert handler["class"] == "logging.StreamHandler" and handler["formatter"] == "cef"
