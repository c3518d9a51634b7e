"""The single-instance channel on Unix: a Unix socket in the temp folder, in Qt's event loop.

Python's socket module is loaded anyway once the app runs (the quit signals use a socket
pair), where Qt's QLocalServer would load QtNetwork and the Kerberos libraries it links,
about 3 MiB for the whole life of the app. It is imported where a socket is made, not
with this module: a launch that finds no socket file needs none, and the import costs
about 3.5 ms before the window can show. The socket file sits where QLocalServer puts it (Qt's temp
folder + the name), so this and QLocalSocket/QLocalServer (older versions) reach each
other. The server never blocks: sockets are non-blocking, each watched by a
QSocketNotifier, and a client that connects and says nothing only holds its own slot.
"""

from __future__ import annotations

import contextlib
import logging
import os
import posixpath
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeAlias

from PySide6.QtCore import QObject, QSocketNotifier

if TYPE_CHECKING:  # generic only to the type checker
    import socket

    _Release: TypeAlias = weakref.finalize[
        [socket.socket, Path, tuple[int, int]], "UnixSocketServer"]

log = logging.getLogger(__name__)

ACK: Final = b"ok\n"
#: A command is a word or two; anything longer than this without a newline is dropped.
MAX_LINE_BYTES: Final = 4096
#: How long `listen` waits for a live instance to take a connection.
PROBE_MS: Final = 300
#: Owner read/write only, as QLocalServer's UserAccessOption.
SOCKET_MODE: Final = 0o600


class LineTooLong(ValueError):
    """A client sent more than MAX_LINE_BYTES without a newline (already logged)."""


def gather_line(buffer: bytearray, chunk: bytes) -> str | None:
    """Add `chunk` to `buffer`; the first line, decoded and stripped, once it is whole.

    None while the newline has not come yet. Both channels frame their commands this way.
    """
    buffer.extend(chunk)
    if b"\n" not in buffer:
        if len(buffer) > MAX_LINE_BYTES:
            log.warning("single instance: dropped a client whose line ran past %d bytes",
                        MAX_LINE_BYTES)
            raise LineTooLong
        return None
    return bytes(buffer).split(b"\n", 1)[0].decode("utf-8", "replace").strip()


def temp_dir() -> str:
    """Qt's QDir.tempPath() on Unix: $TMPDIR if set and not empty, else /tmp; made clean.

    (On macOS, Qt asks the system when TMPDIR is unset; the desktop always sets it there.)
    """
    temp = os.environ.get("TMPDIR") or "/tmp"
    if not temp.startswith("/"):
        temp = posixpath.join(os.getcwd(), temp)
    path = posixpath.normpath(temp)
    # POSIX keeps exactly two leading slashes; Qt's cleanPath keeps one.
    return "/" + path.lstrip("/")


def socket_path(name: str) -> Path:
    """Where QLocalServer would put a socket called `name`."""
    return Path(temp_dir()) / name


def send_line(name: str, line: str, timeout_ms: int) -> bool:
    """Send one line to the server called `name`; True only when it acknowledged it."""
    import socket

    deadline = time.monotonic() + timeout_ms / 1000
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(timeout_ms / 1000)
            client.connect(str(socket_path(name)))
            client.sendall(line.encode("utf-8") + b"\n")
            answered = b""
            while ACK not in answered:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                client.settimeout(left)
                chunk = client.recv(64)
                if not chunk:  # closed without the acknowledgement
                    return False
                answered += chunk
            return True
    except OSError:  # no socket file, nobody listening, timed out, reset
        return False


def someone_answers(path: Path, timeout_ms: int = PROBE_MS) -> bool:
    """Whether a live server takes connections on `path` (a stale socket file refuses)."""
    import socket

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(timeout_ms / 1000)
            probe.connect(str(path))
            return True
    except OSError:
        return False


def _release(server: socket.socket, path: Path, identity: tuple[int, int]) -> None:
    """Close the listening socket; remove its file if it is still the one bound there.

    `identity` is the file's (st_dev, st_ino) at bind time: another instance's file, made
    after this one's was removed, is left alone.
    """
    server.close()
    with contextlib.suppress(OSError):  # already gone
        stat = os.lstat(path)
        if (stat.st_dev, stat.st_ino) == identity:
            path.unlink()


class _Connection(QObject):
    """One client: gathers its line as it arrives, then answers and hangs up."""

    def __init__(self, conn: socket.socket, on_line: Callable[[str], None],
                 on_done: Callable[[_Connection], None], parent: QObject) -> None:
        super().__init__(parent)
        self._conn = conn
        self._on_line = on_line
        self._on_done = on_done
        self._buffer = bytearray()
        self._notifier = QSocketNotifier(conn.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)

    def _read(self) -> None:
        try:
            chunk = self._conn.recv(MAX_LINE_BYTES)
        except BlockingIOError:  # woken without data: wait for the next
            return
        except OSError:
            self.close()
            return
        if not chunk:  # hung up before a whole line (a probe does this)
            self.close()
            return
        try:
            line = gather_line(self._buffer, chunk)
        except LineTooLong:
            self.close()
            return
        if line is None:
            return
        with contextlib.suppress(OSError):  # the client left: its command still counts
            self._conn.send(ACK)  # three bytes into an empty buffer: never blocks
        self.close()
        if line:
            self._on_line(line)

    def close(self) -> None:
        """Stop watching (before closing: a notifier must not outlive its socket)."""
        if self._conn.fileno() == -1:  # closed already
            return
        self._notifier.setEnabled(False)
        self._conn.close()
        self._on_done(self)
        self.deleteLater()


class UnixSocketServer(QObject):
    """Listens on `socket_path(name)`; calls `on_line(text)` for each line a client sends."""

    def __init__(self, name: str, on_line: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = socket_path(name)
        self._on_line = on_line
        self._socket: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None
        # Closes the socket and removes its file: at close(), or at exit (as QLocalServer's
        # destructor does), or when this object goes away unclosed.
        self._release: _Release | None = None
        self._connections: set[_Connection] = set()

    @property
    def listening(self) -> bool:
        """Whether this server holds the name now."""
        return self._socket is not None

    def listen(self) -> bool:
        """Listen, removing a stale socket file first; False if a live server holds it."""
        if self.listening:
            return True
        if someone_answers(self.path):
            return False
        try:
            self.path.unlink()  # a crash left it behind: nobody answered on it
            log.debug("removed the stale instance socket %s", self.path)
        except FileNotFoundError:
            pass
        except OSError as error:
            log.warning("single instance: cannot remove the stale socket %s: %s", self.path,
                        error.strerror or error)
            return False
        import socket

        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            server.bind(str(self.path))
            # Before listen() nobody can connect, so the mode is right before anyone can.
            os.chmod(self.path, SOCKET_MODE)
            stat = os.lstat(self.path)
            server.listen(8)
            server.setblocking(False)
        except OSError as error:
            server.close()
            log.warning("single instance: cannot listen on %s: %s", self.path,
                        error.strerror or error)
            return False
        self._socket = server
        self._release = weakref.finalize(self, _release, server, self.path,
                                         (stat.st_dev, stat.st_ino))
        self._notifier = QSocketNotifier(server.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._accept)
        return True

    def close(self) -> None:
        """Stop listening and remove the socket file, if it is still the one bound here."""
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        self._socket = None
        if self._release is not None:
            self._release()  # runs once: nothing after the first time
        for connection in list(self._connections):
            connection.close()

    def _accept(self) -> None:
        server = self._socket
        if server is None:
            return
        while True:
            try:
                conn, _ = server.accept()
            except BlockingIOError:
                return
            except OSError as error:  # out of descriptors: stop, as QLocalServer does
                log.warning("single instance: stopped listening on %s: %s", self.path,
                            error.strerror or error)
                self.close()
                return
            conn.setblocking(False)
            self._connections.add(_Connection(conn, self._on_line,
                                              self._connections.discard, self))
