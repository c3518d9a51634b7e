"""Quit cleanly on SIGTERM and SIGINT (a logout, `kill`, Ctrl+C in a terminal).

Python runs its signal handlers only between bytecodes, and Qt's event loop runs in C++,
so a handler alone would wait for the next Python call, which in the tray may be never.
The signal module writes the signal number to a socket (set_wakeup_fd); Qt watches that
socket and quits the loop, so aboutToQuit runs and the reminder state is saved.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

log = logging.getLogger(__name__)

QUIT_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class QuitOnSignal(QObject):
    """Calls `quit` when the process gets SIGTERM or SIGINT; `close()` undoes it."""

    def __init__(self, quit: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._quit = quit
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        self._previous = {sig: signal.signal(sig, self._note) for sig in QUIT_SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_signal)

    @staticmethod
    def _note(signum: int, frame: object) -> None:
        """The Python-level handler: nothing to do; the wake-up byte carries the news."""

    def _on_signal(self) -> None:
        try:
            numbers = self._reader.recv(64)
        except BlockingIOError:
            return
        for number in numbers:
            if number in QUIT_SIGNALS:
                log.info("quitting on %s", signal.Signals(number).name)
                self._quit()
                return

    def close(self) -> None:
        """Give the signals back to whoever had them."""
        self._notifier.setEnabled(False)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()


def quit_on_signals(quit: Callable[[], None], parent: QObject | None = None) -> QuitOnSignal | None:
    """Install the clean quit where it works (not on Windows: no such signals reach a GUI)."""
    if sys.platform == "win32":
        return None
    return QuitOnSignal(quit, parent)
