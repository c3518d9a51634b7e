"""One running app per person and data folder: a second launch hands its command over.

The first instance listens on a local socket (a Unix socket, or a named pipe on Windows)
named from the user and the data folder, so two portable copies with different folders
stay independent. A second launch connects, sends one line ("show", "start me-space")
and exits 0. A socket file left by a crash is found stale (nobody answers) and removed.

QtNetwork (and its enums) costs a noticeable part of the start-up, so on Unix a launch
that finds no socket file does not load it: nobody can be listening. The first instance
starts listening after its window has painted.
"""

from __future__ import annotations

import getpass
import logging
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QDir, QObject, Signal

from app import APP_SLUG
from app.platform.paths import AppPaths

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

TIMEOUT_MS: Final = 2000
ACK: Final = b"ok\n"
SHOW: Final = "show"
#: A second `--tray` launch (a login while the app already runs): nothing to change.
TRAY: Final = "tray"


def instance_name(paths: AppPaths) -> str:
    """A socket name for this user and data folder (short: Unix sockets allow ~100 bytes)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        user = "user"
    # A checksum, not a secure hash: it only keeps two data folders apart, and zlib is
    # already loaded where hashlib would cost OpenSSL's start-up on every launch.
    digest = zlib.crc32(f"{user}\0{paths.data_dir}".encode())
    return f"{APP_SLUG}-{digest:08x}"


def nobody_listens(name: str, platform: str = sys.platform) -> bool:
    """True only when no instance can be listening: on Unix, its socket file is absent.

    Windows' named pipes cannot be looked for without connecting, so there it says False.
    """
    if platform == "win32":
        return False
    return not (Path(QDir.tempPath()) / name).exists()


def hand_over(name: str, command: str, timeout_ms: int = TIMEOUT_MS) -> bool:
    """Send `command` to a running instance; True when it took it."""
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(command.encode("utf-8") + b"\n")
    socket.flush()
    answered = b""
    while ACK not in answered and socket.waitForReadyRead(timeout_ms):
        answered += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return ACK in answered


def try_hand_over(name: str, command: str, timeout_ms: int = TIMEOUT_MS) -> bool:
    """`hand_over`, without loading QtNetwork where no instance can be listening."""
    return not nobody_listens(name) and hand_over(name, command, timeout_ms)


class SingleInstance(QObject):
    """The listening side; emits `command_received(text)` for each line a launch sends."""

    command_received = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server: QLocalServer | None = None  # made by listen(): QtNetwork loads then

    @property
    def listening(self) -> bool:
        """Whether this instance holds the name now."""
        return self._server is not None and self._server.isListening()

    def listen(self) -> bool:
        """Listen, removing a stale socket first; False if another instance holds the name.

        Probe first: with socket options set, Qt binds a temporary path and renames it over
        the name, which would silently take the name from a live instance.
        """
        from PySide6.QtNetwork import QLocalServer, QLocalSocket

        if self.listening:
            return True
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(300):
            probe.disconnectFromServer()
            return False
        if QLocalServer.removeServer(self.name):  # a crash left the socket file behind
            log.debug("cleared any stale instance socket %s", self.name)
        if self._server is None:
            self._server = QLocalServer(self)
            self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            self._server.newConnection.connect(self._on_connection)
        if self._server.listen(self.name):
            return True
        log.warning("single instance: cannot listen on %s: %s", self.name,
                    self._server.errorString())
        return False

    def close(self) -> None:
        """Stop listening (at quit)."""
        if self._server is not None:
            self._server.close()

    def _on_connection(self) -> None:
        server = self._server
        assert server is not None  # only its own signal calls this
        while server.hasPendingConnections():
            socket = server.nextPendingConnection()
            buffer = bytearray()

            def read(socket: QLocalSocket = socket, buffer: bytearray = buffer) -> None:
                buffer.extend(bytes(socket.readAll().data()))
                if b"\n" not in buffer:
                    return
                line = bytes(buffer).split(b"\n", 1)[0].decode("utf-8", "replace").strip()
                socket.write(ACK)
                socket.flush()
                socket.disconnectFromServer()
                if line:
                    self.command_received.emit(line)

            socket.readyRead.connect(read)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                read()
