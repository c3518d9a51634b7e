"""Clock and Scheduler protocols, and the system clock.

Time enters the core only through these, so tests move a fake clock instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Protocol


class Clock(Protocol):
    """What the core asks about time."""

    def now(self) -> datetime:
        """Aware wall-clock time in the local zone (for calendars and reminders)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps (for countdowns)."""
        ...


class Cancellable(Protocol):
    """A handle to a pending callback."""

    def cancel(self) -> None:
        """Stop the callback from running; harmless if it already ran."""
        ...


class Scheduler(Protocol):
    """Runs a callback later; the Qt adapter implements it with a QTimer."""

    def call_later(self, seconds: float, callback: Callable[[], None]) -> Cancellable:
        """Run callback once after about `seconds`."""
        ...


class SystemClock:
    """The real clock: local wall time and the monotonic counter."""

    def __init__(self, zone: tzinfo | None = None) -> None:
        self._zone = zone

    def now(self) -> datetime:
        """Aware local time (or in the zone given at construction)."""
        if self._zone is None:
            return datetime.now().astimezone()
        return datetime.now(self._zone)

    def monotonic(self) -> float:
        """time.monotonic(), which ignores wall-clock changes."""
        return time.monotonic()
