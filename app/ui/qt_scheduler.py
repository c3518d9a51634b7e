"""The Qt side of the core Scheduler protocol: single-shot QTimers on the GUI event loop.

The session only asks for "call this in N seconds"; tests pass a FakeScheduler instead,
so nothing in the core or the player has to know about QTimer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer

# QTimer takes a signed 32-bit millisecond interval (about 24.8 days); clamp rather than
# overflow. A session deadline is never near this, and firing early is safe: the session
# re-arms from its clock.
_MAX_MS = 2**31 - 1


class QtTimerHandle:
    """One pending callback; `cancel` is idempotent and harmless after it has fired."""

    def __init__(self, owner: QtScheduler, milliseconds: int, callback: Callable[[], None]) -> None:
        self._owner = owner
        self._callback = callback
        self._done = False
        self._timer: QTimer | None = QTimer()
        self._timer.setSingleShot(True)
        # Precise, because a coarse timer may be 5% late: 15 s on a 5-minute step.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._fire)
        self._timer.start(milliseconds)

    @property
    def active(self) -> bool:
        """True until the callback has run or the handle was cancelled."""
        return not self._done

    def cancel(self) -> None:
        """Stop the callback from running; harmless if it already ran."""
        self._release()

    def _fire(self) -> None:
        if self._done:  # a timeout already queued when cancel ran
            return
        callback = self._callback
        self._release()
        callback()

    def _release(self) -> None:
        """Stop the timer and let Qt delete it once any signal in flight has returned."""
        if self._done:
            return
        self._done = True
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.stop()
            timer.deleteLater()  # never delete a QTimer inside its own timeout signal
        self._owner._forget(self)


class QtScheduler:
    """Scheduler for the GUI thread; create and use it on that thread only.

    Handles are kept here until they fire or are cancelled, so a caller that drops the
    handle (or keeps only a token, as Session does) cannot let Python collect a live timer.
    """

    def __init__(self) -> None:
        self._live: set[QtTimerHandle] = set()

    def call_later(self, seconds: float, callback: Callable[[], None]) -> QtTimerHandle:
        """Run callback once after about `seconds` (negative means as soon as possible)."""
        milliseconds = min(_MAX_MS, max(0, round(seconds * 1000)))
        handle = QtTimerHandle(self, milliseconds, callback)
        self._live.add(handle)
        return handle

    @property
    def pending(self) -> int:
        """How many callbacks are still waiting to run."""
        return len(self._live)

    def cancel_all(self) -> None:
        """Cancel everything pending, e.g. when the window that used it closes."""
        for handle in list(self._live):
            handle.cancel()

    def _forget(self, handle: QtTimerHandle) -> None:
        self._live.discard(handle)
