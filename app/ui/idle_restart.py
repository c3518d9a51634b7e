"""Give the memory back after the window has been used: restart into the tray when idle.

Once built, the window keeps about 15 MiB of the process for good (Qt's and Python's heaps
do not shrink when it is closed, nor do the library pages its painting touched; only a new
process starts lean). So when the window has been closed to the tray for a few seconds and
nothing is under way, the app starts a copy of itself with --tray, waits until the copy
answers on the single-instance socket, and quits. A few seconds: a window closed by
mistake and opened at once costs no restart, the tray icon's hand-over comes with the
close rather than unasked for later, and the window opened from the copy comes back where
it was left (app/ui/window_state.py). While a reminder's notification may still be up (a
quarter of an hour from when it was shown), this process stays: its buttons reach it.
The reminders stop and save their state first, so nothing fires twice and nothing is lost;
if the copy does not answer in time, this process takes everything back and carries on.
If the window is opened again while the copy is taking over, the copy is asked to show
its own window, so nobody's window vanishes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Final

from PySide6.QtCore import QObject, QProcess, QTimer

from app.platform.single_instance import SHOW, TRAY, SingleInstance, try_hand_over

log = logging.getLogger(__name__)

#: Closed to the tray this long (and idle) before the app restarts lean.
RESTART_AFTER_SECONDS: Final = 3
#: After a reminder was shown, this long from then: its notification may still be up.
AFTER_REMINDER_SECONDS: Final = 15 * 60
#: How long the copy has to answer before this process carries on instead.
COPY_DEADLINE_SECONDS: Final = 30.0
COPY_CHECK_MS: Final = 200


class IdleRestart(QObject):
    """Arm when the window goes to the tray, disarm when it comes back; restart when due."""

    def __init__(
        self,
        command: Callable[[], Sequence[str]],
        instance: SingleInstance,
        *,
        is_idle: Callable[[], bool],
        pause: Callable[[], None],
        resume: Callable[[], None],
        quit: Callable[[], None],
        after_seconds: float = RESTART_AFTER_SECONDS,
        after_reminder_seconds: float = AFTER_REMINDER_SECONDS,
        copy_deadline_seconds: float = COPY_DEADLINE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        """`command`: the copy's argv (made when needed); `pause`/`resume`: the reminders.

        `monotonic` tells how long ago a reminder was shown (a fake one in tests).
        """
        super().__init__(parent)
        self._monotonic = monotonic
        self._reminder_at: float | None = None
        self._command = command
        self._instance = instance
        self._is_idle = is_idle
        self._pause = pause
        self._resume = resume
        self._quit = quit
        self._due = QTimer(self)
        self._due.setSingleShot(True)
        self._after_ms = int(after_seconds * 1000)
        self._after_reminder_ms = max(self._after_ms, int(after_reminder_seconds * 1000))
        self._due.setInterval(self._after_ms)
        self._due.timeout.connect(self.restart_if_idle)
        self._copy_check = QTimer(self)
        self._copy_check.setInterval(COPY_CHECK_MS)
        self._copy_check.timeout.connect(self._check_copy)
        self._checks_per_copy = max(1, int(copy_deadline_seconds * 1000 / COPY_CHECK_MS))
        self._deadline_seconds = copy_deadline_seconds
        self._checks_left = 0
        self.copy_pid: int | None = None

    @property
    def armed(self) -> bool:
        """Whether a restart is counting down."""
        return self._due.isActive()

    def arm(self) -> None:
        """The window went to the tray: count down (again), longer while a reminder is up."""
        self._count_down(self._delay_ms())

    def disarm(self) -> None:
        """The window is back: no restart."""
        self._due.stop()

    def reminder_shown(self) -> None:
        """A reminder's notification is up: its buttons reach this process, so stay a while."""
        self._reminder_at = self._monotonic()
        if self._due.isActive():
            self._count_down(self._delay_ms())

    def _delay_ms(self) -> int:
        """The short delay, or what is left of the longer one since the last reminder."""
        if self._reminder_at is None:
            return self._after_ms
        since_ms = int((self._monotonic() - self._reminder_at) * 1000)
        return max(self._after_ms, self._after_reminder_ms - since_ms)

    def _count_down(self, ms: int) -> None:
        self._due.setInterval(ms)
        self._due.start()

    def restart_if_idle(self) -> bool:
        """Restart now if nothing is under way; otherwise count down again. True: started."""
        if self._copy_check.isActive():
            return True
        if not self._is_idle():
            log.debug("idle restart: something is under way; trying again later")
            self._count_down(self._delay_ms())
            return False
        argv = list(self._command())
        log.info("the window has been closed a while: restarting lean in the tray")
        self._pause()
        self._instance.close()
        started, pid = QProcess.startDetached(argv[0], argv[1:])
        if not started:
            self._take_back(f"could not start {argv[0]}")
            return False
        self.copy_pid = pid
        self._checks_left = self._checks_per_copy
        self._copy_check.start()
        return True

    def _check_copy(self) -> None:
        # Opened again meanwhile: the copy, which now holds the tray, shows its window.
        command = TRAY if self._is_idle() else SHOW
        if try_hand_over(self._instance.name, command, timeout_ms=COPY_CHECK_MS // 2):
            self._copy_check.stop()
            log.info("the lean copy (pid %s) has taken over; this one quits", self.copy_pid)
            self._quit()
            return
        self._checks_left -= 1
        if self._checks_left <= 0:
            self._copy_check.stop()
            self._take_back(f"the copy (pid {self.copy_pid}) did not answer within "
                            f"{self._deadline_seconds:.0f} s")

    def _take_back(self, reason: str) -> None:
        if not self._instance.listen():  # the copy came up after all and holds the name
            log.info("idle restart: the copy answered late (%s); this one quits", reason)
            self._quit()
            return
        log.warning("idle restart abandoned: %s; carrying on in this process", reason)
        self._resume()
