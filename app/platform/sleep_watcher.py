"""Tell the reminders when the machine sleeps and wakes, and when the wall clock jumps.

Two sources, as Workrave does it: the OS signal, and a heartbeat that compares the wall
clock with the monotonic clock (a jump nobody announced: a manual clock change, an NTP
step, or a suspend the OS hook missed; Linux's and macOS's monotonic clocks stop while
suspended; Windows' (GetTickCount64 under Python 3.11) counts the sleep too, so there the
heartbeat notices clock changes only and the OS hook is what notices a wake).

* Linux: logind's PrepareForSleep(bool) on the system bus (true: going to sleep,
  false: awake again), through QtDBus. No system bus: the heartbeat alone, said once in
  the log.
* Windows: powrprof's suspend/resume callback (app/platform/windows_power.py; no window
  needed, which a tray app may not have). Clock changes: the heartbeat.
* macOS: NSWorkspace's will-sleep/did-wake notifications and the system clock-change
  notification, through rubicon-objc (app/platform/macos_power.py).

Each OS source is an `OsSleepHook` that speaks logind's language, prepare_for_sleep(bool),
so one slot handles them all; its code is imported only on its own platform. When one
cannot start, the log says why in one line and the heartbeat carries on alone.
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


class OsSleepHook(QObject):
    """One OS's sleep notifications, said as logind says them; lives on the Qt thread.

    `prepare_for_sleep(True)` before sleep, `prepare_for_sleep(False)` after waking;
    `clock_set` when the OS announces a wall-clock change. Emitted on the Qt thread where
    the OS allows it, so the watcher handles a going-to-sleep before the OS goes on.
    """

    prepare_for_sleep = Signal(bool)
    clock_set = Signal()

    def start(self) -> str | None:
        """Register with the OS: None when it worked, else why not (one line, for the log)."""
        return "no sleep notifications on this system"

    def stop(self) -> None:
        """Unregister (at quit); safe to call when `start` failed or was never called."""


def _platform_hook(parent: QObject) -> OsSleepHook | None:
    """The OS's own hook, where it has one besides logind; each is imported only on its OS."""
    if sys.platform == "win32":
        from app.platform.windows_power import WindowsSleepHook

        return WindowsSleepHook(parent=parent)
    elif sys.platform == "darwin":
        from app.platform.macos_power import MacSleepHook

        return MacSleepHook(parent=parent)
    else:
        return None


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
        os_hook: OsSleepHook | None = None,
        heartbeat_seconds: int = HEARTBEAT_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        """Watch logind on `bus` (the system bus unless given; a test passes a private one).

        `os_hook` replaces this platform's own hook (tests pass one over a fake OS).
        """
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
        self._os_hook = os_hook
        self._tried_hook = False
        if bus is not None:
            self.hook()

    def hook(self) -> bool:
        """Listen for the OS's sleep notifications (once); False where there are none."""
        if self._tried_hook:
            return self.hooked
        self._tried_hook = True
        problem = self._hook_os()
        if problem:
            log.info("%s: no wake-up signal; the once-a-minute checks stand in", problem)
        return self.hooked

    def _hook_os(self) -> str | None:
        if self._os_hook is None and self._bus is None:
            self._os_hook = _platform_hook(self)
        if self._os_hook is not None:
            return self._attach(self._os_hook)
        linux = sys.platform.startswith("linux")
        if not linux and self._bus is None:
            return f"no sleep notifications known on {sys.platform}"
        from PySide6.QtDBus import QDBusConnection

        bus = self._bus if self._bus is not None else QDBusConnection.systemBus()
        self.hooked = self._hook_logind(bus)
        return None if self.hooked else "no logind on a system D-Bus"

    def _attach(self, hook: OsSleepHook) -> str | None:
        # Connected before start: an event right after registering must not be lost.
        hook.prepare_for_sleep.connect(self.on_prepare_for_sleep)
        hook.clock_set.connect(self.check_clock)
        problem = hook.start()
        self._os_hook = hook
        self.hooked = problem is None
        return problem

    def start(self) -> None:
        """Hook the OS's notifications and start the heartbeat."""
        self.hook()
        self.reset_baseline()
        self._heartbeat.start()

    def stop(self) -> None:
        """Stop the heartbeat and unregister an OS hook (the D-Bus hook stays; it costs nothing).

        A later `start` registers the OS hook again.
        """
        self._heartbeat.stop()
        hook = self._os_hook
        if hook is not None and self.hooked:
            hook.stop()
            hook.prepare_for_sleep.disconnect(self.on_prepare_for_sleep)
            hook.clock_set.disconnect(self.check_clock)
            self.hooked = False
            self._tried_hook = False

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
