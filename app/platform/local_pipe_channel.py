"""The single-instance channel on Windows: a named pipe through QLocalServer/QLocalSocket.

Python has no non-blocking named pipes to hand to Qt's event loop, so Windows pays for
QtNetwork. Only single_instance imports this, and only there (it works on Unix too, with
a socket file, which is how the tests and an older version reach the Unix channel).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.platform.unix_socket_channel import (  # one protocol
    ACK,
    PROBE_MS,
    LineTooLong,
    gather_line,
)

log = logging.getLogger(__name__)


def send_line(name: str, line: str, timeout_ms: int) -> bool:
    """Send one line to the server called `name`; True only when it acknowledged it."""
    client = QLocalSocket()
    client.connectToServer(name)
    if not client.waitForConnected(timeout_ms):
        return False
    client.write(line.encode("utf-8") + b"\n")
    client.flush()
    answered = b""
    while ACK not in answered and client.waitForReadyRead(timeout_ms):
        answered += bytes(client.readAll().data())
    client.disconnectFromServer()
    return ACK in answered


class LocalPipeServer(QObject):
    """Listens on the pipe `name`; calls `on_line(text)` for each line a client sends."""

    def __init__(self, name: str, on_line: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._on_line = on_line
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)

    @property
    def listening(self) -> bool:
        """Whether this server holds the name now."""
        return self._server.isListening()

    def listen(self) -> bool:
        """Listen, removing a stale socket first; False if another instance holds the name.

        Probe first: with socket options set, Qt binds a temporary path and renames it over
        the name, which would silently take the name from a live instance.
        """
        if self.listening:
            return True
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(PROBE_MS):
            probe.disconnectFromServer()
            return False
        if QLocalServer.removeServer(self.name):  # a crash left the socket file behind
            log.debug("cleared any stale instance socket %s", self.name)
        if self._server.listen(self.name):
            return True
        log.warning("single instance: cannot listen on %s: %s", self.name,
                    self._server.errorString())
        return False

    def close(self) -> None:
        """Stop listening (at quit)."""
        self._server.close()

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            client = self._server.nextPendingConnection()
            buffer = bytearray()

            def read(client: QLocalSocket = client, buffer: bytearray = buffer) -> None:
                try:
                    line = gather_line(buffer, bytes(client.readAll().data()))
                except LineTooLong:
                    client.abort()
                    return
                if line is None:
                    return
                client.readyRead.disconnect(read)  # answered: whatever follows is ignored
                client.write(ACK)
                client.flush()
                client.disconnectFromServer()
                if line:
                    self._on_line(line)

            client.readyRead.connect(read)
            client.disconnected.connect(client.deleteLater)
            if client.bytesAvailable():
                read()
