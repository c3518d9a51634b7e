"""Tell the reminders when the machine sleeps and wakes, and when the wall clock jumps.

Two sources, as Workrave does it: the OS signal, and a heartbeat that compares the wall
clock with the monotonic clock (a jump nobody announced: a manual clock change, an NTP
step, or a suspend the OS hook missed; Linux's monotonic clock stops while suspended).

* Linux: logind's PrepareForSleep(bool) on the system bus (true: going to sleep,
  false: awake again), through QtDBus. No system bus: the heartbeat alone, said once in
  the log.
* Windows would use WM_POWERBROADCAST (PBT_APMSUSPEND / PBT_APMRESUMEAUTOMATIC) and
  WM_TIMECHANGE through a QAbstractNativeEventFilter; macOS would use NSWorkspace's
  willSleep/didWake notifications. Neither is wired yet: there the heartbeat alone
  notices a wake or a clock change within a minute, which the reminder engine needs.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import SLOT, QObject, Qt, QTimer, Signal, Slot

from app.core.clock import Clock

if TYPE_CHECKING:  # QtDBus loads a library: only when the watcher starts, after first paint
    from PySide6.QtDBus import QDBusConnection

log = logging.getLogger(__name__)

LOGIND_SERVICE: Final = "org.freedesktop.login1"
LOGIND_PATH: Final = "/org/freedesktop/login1"
LOGIND_INTERFACE: Final = "org.freedesktop.login1.Manager"
HEARTBEAT_SECONDS: Final = 60
#: Wall and monotonic clocks may drift a little between two heartbeats; more is a jump.
JUMP_TOLERANCE_SECONDS: Final = 10.0


class SleepWatcher(QObject):
    """Emits `about_to_sleep`, `resumed`, and `clock_changed(seconds the wall clock moved)`."""

    about_to_sleep = Signal()
    resumed = Signal()
    clock_changed = Signal(float)

    def __init__(
        self,
        clock: Clock,
        *,
        bus: QDBusConnection | None = None,
        heartbeat_seconds: int = HEARTBEAT_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        """Watch logind on `bus` (the system bus unless given; a test passes a private one)."""
        super().__init__(parent)
        self._clock = clock
        self._wall = clock.now().timestamp()
        self._mono = clock.monotonic()
        self.hooked = False
        self.sleeping = False
        self._heartbeat = QTimer(self)
        self._heartbeat.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._heartbeat.setInterval(heartbeat_seconds * 1000)
        self._heartbeat.timeout.connect(self.check_clock)
        self._bus = bus
        self._tried_hook = False
        if bus is not None:
            self.hook()

    def hook(self) -> bool:
        """Listen for logind's PrepareForSleep (once); False where there is no such bus."""
        if self._tried_hook:
            return self.hooked
        self._tried_hook = True
        if sys.platform.startswith("linux") or self._bus is not None:
            from PySide6.QtDBus import QDBusConnection

            bus = self._bus if self._bus is not None else QDBusConnection.systemBus()
            self.hooked = self._hook_logind(bus)
        if not self.hooked:
            log.info("no logind on a system D-Bus: wake-ups are noticed by the clock check only")
        return self.hooked

    def start(self) -> None:
        """Hook logind and start the heartbeat."""
        self.hook()
        self.reset_baseline()
        self._heartbeat.start()

    def stop(self) -> None:
        """Stop the heartbeat (the D-Bus hook stays; it costs nothing)."""
        self._heartbeat.stop()

    def reset_baseline(self) -> None:
        """Take the clocks as they are now as the reference for the next check."""
        self._wall = self._clock.now().timestamp()
        self._mono = self._clock.monotonic()

    @Slot()
    def check_clock(self) -> float:
        """Compare wall and monotonic time since the last check; returns the jump (0: none)."""
        wall, mono = self._clock.now().timestamp(), self._clock.monotonic()
        jump = (wall - self._wall) - (mono - self._mono)
        self._wall, self._mono = wall, mono
        if abs(jump) <= JUMP_TOLERANCE_SECONDS or self.sleeping:
            return 0.0
        log.info("the wall clock moved %+.0f s against the monotonic clock", jump)
        self.clock_changed.emit(jump)
        return jump

    def _hook_logind(self, bus: QDBusConnection) -> bool:
        if not bus.isConnected():
            return False
        # PySide6 wants the SLOT() string here, though its stubs say bytes.
        return bool(bus.connect(LOGIND_SERVICE, LOGIND_PATH, LOGIND_INTERFACE,  # type: ignore[call-overload]
                                "PrepareForSleep", self, SLOT("on_prepare_for_sleep(bool)")))

    @Slot(bool)
    def on_prepare_for_sleep(self, going_to_sleep: bool) -> None:
        """The logind signal: true before suspend, false after waking."""
        if going_to_sleep:
            self.sleeping = True
            log.info("the machine is going to sleep")
            self.about_to_sleep.emit()
            return
        self.sleeping = False
        self.reset_baseline()  # the gap is the sleep, already being handled
        log.info("the machine woke up")
        self.resumed.emit()
