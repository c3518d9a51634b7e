"""One running app per person and data folder: a second launch hands its command over.

The first instance listens on a local socket (a Unix socket, or a named pipe on Windows)
named from the user and the data folder, so two portable copies with different folders
stay independent. A second launch connects, sends one line ("show", "start me-space")
and exits 0. A socket file left by a crash is found stale (nobody answers) and removed.

On Unix the channel is Python's own socket module in Qt's event loop (unix_socket_channel):
QtNetwork would cost about 3 MiB for the life of the app. Windows' named pipes need
QtNetwork (local_pipe_channel), loaded only there. On Unix a launch that finds no socket
file knows at once that nobody listens. The first instance starts listening after its
window has painted.
"""

from __future__ import annotations

import os
import sys
import zlib
from typing import Final, Protocol

from PySide6.QtCore import QObject, Signal

from app import APP_SLUG
from app.platform.paths import AppPaths
from app.platform.unix_socket_channel import UnixSocketServer, send_line, socket_path

TIMEOUT_MS: Final = 2000
SHOW: Final = "show"
#: A second `--tray` launch (a login while the app already runs): nothing to change.
TRAY: Final = "tray"


def instance_name(paths: AppPaths) -> str:
    """A socket name for this user and data folder (short: Unix sockets allow ~100 bytes)."""
    user = _user_key()
    # A checksum, not a secure hash: it only keeps two data folders apart, and zlib is
    # already loaded where hashlib would cost OpenSSL's start-up on every launch.
    digest = zlib.crc32(f"{user}\0{paths.data_dir}".encode())
    return f"{APP_SLUG}-{digest:08x}"


def _user_key() -> str:
    """Who is running the app: the user id on Unix (getpass costs termios and pwd there)."""
    if sys.platform == "win32":
        import getpass

        try:
            return getpass.getuser()
        except (KeyError, OSError):  # no user name in the environment
            return "user"
    return str(os.getuid())


def nobody_listens(name: str, platform: str = sys.platform) -> bool:
    """True only when no instance can be listening: on Unix, its socket file is absent.

    Windows' named pipes cannot be looked for without connecting, so there it says False.
    """
    if platform == "win32":
        return False
    return not socket_path(name).exists()


def hand_over(name: str, command: str, timeout_ms: int = TIMEOUT_MS,
              platform: str = sys.platform) -> bool:
    """Send `command` to a running instance; True when it took it."""
    if platform == "win32":
        from app.platform.local_pipe_channel import send_line as send_by_pipe

        return send_by_pipe(name, command, timeout_ms)
    return send_line(name, command, timeout_ms)


def try_hand_over(name: str, command: str, timeout_ms: int = TIMEOUT_MS,
                  platform: str = sys.platform) -> bool:
    """`hand_over`, without connecting where no instance can be listening."""
    return (not nobody_listens(name, platform)
            and hand_over(name, command, timeout_ms, platform))


class _Server(Protocol):
    """What a channel's listening side offers (unix_socket_channel, local_pipe_channel)."""

    @property
    def listening(self) -> bool: ...

    def listen(self) -> bool: ...

    def close(self) -> None: ...


class SingleInstance(QObject):
    """The listening side; emits `command_received(text)` for each line a launch sends.

    `platform` picks the channel (sys.platform's value; tests pass "win32" to run the
    named-pipe channel, which Qt also offers on Unix).
    """

    command_received = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None, *,
                 platform: str = sys.platform) -> None:
        super().__init__(parent)
        self.name = name
        self._platform = platform
        self._server: _Server | None = None  # made by listen(): QtNetwork loads then on Windows

    @property
    def listening(self) -> bool:
        """Whether this instance holds the name now."""
        return self._server is not None and self._server.listening

    def listen(self) -> bool:
        """Listen, removing a stale socket first; False if another instance holds the name."""
        if self._server is None:
            self._server = self._make_server()
        return self._server.listen()

    def close(self) -> None:
        """Stop listening (at quit, or to let a lean copy take the name)."""
        if self._server is not None:
            self._server.close()

    def _make_server(self) -> _Server:
        if self._platform == "win32":
            from app.platform.local_pipe_channel import LocalPipeServer

            return LocalPipeServer(self.name, self.command_received.emit, self)
        return UnixSocketServer(self.name, self.command_received.emit, self)
