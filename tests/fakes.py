"""Fakes for unit tests of the core: a frozen clock and a scheduler driven by hand.

The Safe Eyes pattern: tests move time with `advance`, which runs every callback that
falls due in order, so whole sessions and a year of reminders run instantly.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


class FakeClock:
    """A clock that moves only when told to.

    `monotonic` and the wall clock advance together with `advance`; `jump_wall` moves the
    wall clock alone (a clock change); `suspend` moves the wall clock and, as on Linux,
    leaves the monotonic clock where it was.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._wall = start
        self._mono = 1000.0

    def now(self) -> datetime:
        return self._wall.astimezone(self._wall.tzinfo)

    def monotonic(self) -> float:
        return self._mono

    def _add_real_seconds(self, seconds: float) -> None:
        # Add elapsed time in UTC: local-zone arithmetic would skip the repeated autumn hour.
        self._wall = (self._wall.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(
            self._wall.tzinfo
        )

    def tick(self, seconds: float) -> None:
        """Move both clocks without running any scheduled callbacks."""
        self._add_real_seconds(seconds)
        self._mono += seconds

    def jump_wall(self, seconds: float) -> None:
        """A clock change: the wall clock jumps, the monotonic clock does not."""
        self._add_real_seconds(seconds)

    def set_wall(self, when: datetime) -> None:
        self._wall = when


@dataclass(order=True)
class _Pending:
    due: float
    order: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class FakeScheduler:
    """A Scheduler whose callbacks run only when a test calls `advance`."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self._queue: list[_Pending] = []
        self._counter = itertools.count()

    def call_later(self, seconds: float, callback: Callable[[], None]) -> _Pending:
        due = self.clock.monotonic() + max(0.0, seconds)
        pending = _Pending(due, next(self._counter), callback)
        heapq.heappush(self._queue, pending)
        return pending

    @property
    def pending(self) -> list[_Pending]:
        return sorted(p for p in self._queue if not p.cancelled)

    def advance(self, seconds: float) -> None:
        """Move time forward, running each callback at its own due time."""
        end = self.clock.monotonic() + seconds
        while self._queue:
            head = self._queue[0]
            if head.cancelled:
                heapq.heappop(self._queue)
                continue
            if head.due > end:
                break
            heapq.heappop(self._queue)
            self.clock.tick(max(0.0, head.due - self.clock.monotonic()))  # overdue: run now
            head.callback()
        self.clock.tick(max(0.0, end - self.clock.monotonic()))

    def run_next(self) -> bool:
        """Jump to the next pending callback and run it; False when none is pending."""
        live = self.pending
        if not live:
            return False
        self.advance(live[0].due - self.clock.monotonic())
        return True
