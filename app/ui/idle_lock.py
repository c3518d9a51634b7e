"""Lock the journal after a stretch with no keyboard or mouse input, or on demand.

An application-wide event filter only notes the time of the last input; a single pending
callback on the injected scheduler checks how long it has been and re-arms itself for the
remainder. So typing costs one clock read per event, never a timer restart, and tests drive
everything with a fake clock and scheduler instead of waiting.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtWidgets import QApplication

from app.core.clock import Cancellable, Clock, Scheduler

_INPUT_EVENTS: Final = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.InputMethod,
    }
)


class IdleLock(QObject):
    """Emits `lock_requested` after `minutes` without input while armed.

    `arm` when the journal opens, `disarm` when it locks. `lock_now` is the slot for the
    machine-sleep signal and the Lock button.
    """

    lock_requested = Signal()

    def __init__(
        self,
        clock: Clock,
        scheduler: Scheduler,
        minutes: float,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._scheduler = scheduler
        self._seconds = self._checked_seconds(minutes)
        self._last_input = clock.monotonic()
        self._pending: Cancellable | None = None
        self._filtering = False

    @staticmethod
    def _checked_seconds(minutes: float) -> float:
        if minutes <= 0:
            raise ValueError(f"journal lock minutes: expected more than 0, got {minutes!r}")
        return float(minutes) * 60.0

    @property
    def armed(self) -> bool:
        """True while the idle countdown runs."""
        return self._pending is not None

    @property
    def timeout_seconds(self) -> float:
        """Seconds of no input before locking."""
        return self._seconds

    def set_minutes(self, minutes: float) -> None:
        """Apply a changed setting; an armed countdown restarts from the last input."""
        self._seconds = self._checked_seconds(minutes)
        if self.armed:
            self._schedule(self._seconds - (self._clock.monotonic() - self._last_input))

    def arm(self) -> None:
        """Start watching input (the journal has just been opened)."""
        self._last_input = self._clock.monotonic()
        app = QApplication.instance()
        if app is not None and not self._filtering:
            app.installEventFilter(self)
            self._filtering = True
        self._schedule(self._seconds)

    def disarm(self) -> None:
        """Stop watching (the journal is locked or closed)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        app = QApplication.instance()
        if app is not None and self._filtering:
            app.removeEventFilter(self)
        self._filtering = False

    def note_input(self) -> None:
        """Count as activity (the event filter calls this; tests may too)."""
        self._last_input = self._clock.monotonic()

    @Slot()
    def lock_now(self) -> None:
        """Lock at once: the Lock button, a shortcut, or the machine going to sleep."""
        was_armed = self.armed
        self.disarm()
        if was_armed:
            self.lock_requested.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note input events; never consume them."""
        if event.type() in _INPUT_EVENTS:
            self._last_input = self._clock.monotonic()
        return False

    def _schedule(self, seconds: float) -> None:
        if self._pending is not None:
            self._pending.cancel()
        self._pending = self._scheduler.call_later(max(0.0, seconds), self._check)

    def _check(self) -> None:
        self._pending = None
        idle = self._clock.monotonic() - self._last_input
        if idle >= self._seconds:
            self._expire()
        else:
            self._schedule(self._seconds - idle)

    def _expire(self) -> None:
        self.disarm()
        self.lock_requested.emit()
