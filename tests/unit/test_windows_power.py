"""The Windows suspend/resume hook, run on Linux over a stand-in powrprof.dll.

What is real here: the ctypes structure and callback thunk Windows would be given (the
stand-in calls back through them, from a thread that is not Qt's), the queued hand-over
to the Qt thread, and the watcher's reaction. What is not: Windows itself.
"""

from __future__ import annotations

import ctypes
import logging
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.platform.sleep_watcher import SleepWatcher
from app.platform.windows_power import (
    DEVICE_NOTIFY_CALLBACK,
    PBT_APMRESUMEAUTOMATIC,
    PBT_APMRESUMESUSPEND,
    PBT_APMSUSPEND,
    DeviceNotifySubscribeParameters,
    PowerFunctions,
    WindowsSleepHook,
    decode_power_event,
    load_powrprof,
)
from tests.fakes import FakeClock

PBT_APMPOWERSTATUSCHANGE = 0xA  # the battery changed: not ours
PBT_POWERSETTINGCHANGE = 0x8013
ERROR_ACCESS_DENIED = 5
HANDLE = 0x5EED
REPO = Path(__file__).resolve().parents[2]


class FakePowrProf:
    """Stands in for powrprof.dll's two calls: keeps what Windows would keep."""

    def __init__(self, error: int = 0) -> None:
        self.error = error
        self.flags: int | None = None
        self.params: DeviceNotifySubscribeParameters | None = None
        self.unregistered: list[int | None] = []

    def register(self, flags, recipient, handle_out) -> int:
        self.flags = flags
        if self.error:
            return self.error
        self.params = recipient.contents
        handle_out.contents.value = HANDLE
        return 0

    def unregister(self, handle) -> int:
        self.unregistered.append(handle.value)
        return 0

    def functions(self) -> PowerFunctions:
        return PowerFunctions(self.register, self.unregister)

    def post(self, event_type: int) -> int:
        """What Windows does on a power event: call the registered C function pointer."""
        assert self.params is not None
        return int(self.params.Callback(self.params.Context, event_type, None))

    def post_from_another_thread(self, event_type: int) -> threading.Thread:
        thread = threading.Thread(target=self.post, args=(event_type,), name="power-callback")
        thread.start()
        return thread


def hooked_watcher(powrprof: FakePowrProf, hook: WindowsSleepHook | None = None,
                   **hook_options) -> SleepWatcher:
    clock = FakeClock(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    hook = hook or WindowsSleepHook(powrprof.functions(), **hook_options)
    watcher = SleepWatcher(clock, os_hook=hook)
    hook.setParent(watcher)
    watcher.start()
    return watcher


@pytest.mark.parametrize(("event_type", "meaning"), [
    (PBT_APMSUSPEND, True),
    (PBT_APMRESUMEAUTOMATIC, False),
    (PBT_APMRESUMESUSPEND, False),
    (PBT_APMPOWERSTATUSCHANGE, None),
    (PBT_POWERSETTINGCHANGE, None),
    (0, None),
])
def test_power_events_decode_as_logind_would_say_them(event_type, meaning):
    assert decode_power_event(event_type) is meaning


def test_registers_a_callback_and_the_structure_windows_expects(qapp):
    powrprof = FakePowrProf()
    watcher = hooked_watcher(powrprof)
    assert watcher.hooked
    assert powrprof.flags == DEVICE_NOTIFY_CALLBACK
    assert powrprof.params is not None and powrprof.params.Context is None
    # Two pointers, the callback first: the layout of DEVICE_NOTIFY_SUBSCRIBE_PARAMETERS.
    assert ctypes.sizeof(DeviceNotifySubscribeParameters) == 2 * ctypes.sizeof(ctypes.c_void_p)
    assert DeviceNotifySubscribeParameters.Callback.offset == 0
    watcher.stop()


def test_sleep_and_wake_from_a_system_thread_reach_the_qt_thread(qapp, qtbot):
    powrprof = FakePowrProf()
    watcher = hooked_watcher(powrprof, suspend_grace=30.0)
    qt_thread = threading.current_thread()
    seen: list[tuple[str, threading.Thread]] = []
    watcher.about_to_sleep.connect(lambda: seen.append(("sleep", threading.current_thread())))
    watcher.resumed.connect(lambda: seen.append(("wake", threading.current_thread())))

    with qtbot.waitSignal(watcher.about_to_sleep, timeout=5000):
        suspending = powrprof.post_from_another_thread(PBT_APMSUSPEND)
    sleeping = [watcher.sleeping]
    suspending.join(timeout=5)
    assert not suspending.is_alive()

    with qtbot.waitSignal(watcher.resumed, timeout=5000):
        powrprof.post_from_another_thread(PBT_APMRESUMEAUTOMATIC).join(timeout=5)
    sleeping.append(watcher.sleeping)
    assert sleeping == [True, False]
    assert seen == [("sleep", qt_thread), ("wake", qt_thread)]
    watcher.stop()


def test_the_suspend_callback_returns_only_once_the_app_is_ready(qapp, qtbot):
    powrprof = FakePowrProf()
    hook = WindowsSleepHook(powrprof.functions(), suspend_grace=30.0)
    watcher = hooked_watcher(powrprof, hook)
    returned = threading.Event()
    # Direct: runs where the hook speaks, which must be the Qt thread.
    spoken_on: list[threading.Thread] = []
    hook.prepare_for_sleep.connect(
        lambda _going: spoken_on.append(threading.current_thread()),
        Qt.ConnectionType.DirectConnection)
    callback_was_waiting: list[bool] = []
    watcher.about_to_sleep.connect(lambda: callback_was_waiting.append(not returned.is_set()))

    def windows_suspends() -> None:
        powrprof.post(PBT_APMSUSPEND)
        returned.set()

    thread = threading.Thread(target=windows_suspends)
    with qtbot.waitSignal(watcher.about_to_sleep, timeout=5000):
        thread.start()
    thread.join(timeout=5)
    assert returned.is_set()
    assert callback_was_waiting == [True]
    assert spoken_on == [threading.current_thread()]
    watcher.stop()


def test_other_power_events_are_ignored(qapp, qtbot):
    powrprof = FakePowrProf()
    watcher = hooked_watcher(powrprof)
    events: list[str] = []
    watcher.about_to_sleep.connect(lambda: events.append("sleep"))
    watcher.resumed.connect(lambda: events.append("wake"))
    assert powrprof.post(PBT_APMPOWERSTATUSCHANGE) == 0
    with qtbot.waitSignal(watcher.resumed, timeout=5000):
        powrprof.post_from_another_thread(PBT_APMRESUMESUSPEND)  # a marker behind it
    assert events == ["wake"]
    watcher.stop()


def test_stop_unregisters_the_handle_and_a_new_start_registers_again(qapp):
    powrprof = FakePowrProf()
    watcher = hooked_watcher(powrprof)
    watcher.stop()
    assert powrprof.unregistered == [HANDLE]
    hooked = [watcher.hooked]
    watcher.stop()
    assert powrprof.unregistered == [HANDLE]  # once only
    watcher.start()
    hooked.append(watcher.hooked)
    assert hooked == [False, True]
    watcher.stop()
    assert powrprof.unregistered == [HANDLE, HANDLE]


def test_a_refused_registration_leaves_the_heartbeat_alone(qapp, caplog):
    powrprof = FakePowrProf(error=ERROR_ACCESS_DENIED)
    with caplog.at_level(logging.INFO, logger="app.platform"):
        watcher = hooked_watcher(powrprof)
    assert not watcher.hooked
    assert watcher._heartbeat.isActive()
    lines = [record.getMessage() for record in caplog.records]
    assert lines == ["PowerRegisterSuspendResumeNotification failed with Windows error 5: "
                     "no wake-up signal; the once-a-minute checks stand in"]
    watcher.stop()
    assert powrprof.unregistered == []  # nothing to unregister


def test_without_powrprof_the_hook_says_so_and_does_not_raise(qapp):
    with pytest.raises(OSError, match=r"powrprof\.dll"):
        load_powrprof()
    problem = WindowsSleepHook().start()  # the real loader, on this Linux machine
    assert problem is not None and problem.startswith("no suspend/resume callback")


def test_the_platform_bridges_stay_off_the_linux_import_path():
    code = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from app.platform.sleep_watcher import SleepWatcher\n"
        "from tests.fakes import FakeClock\n"
        "app = QCoreApplication([])\n"
        "w = SleepWatcher(FakeClock(datetime(2026, 3, 2, tzinfo=UTC)))\n"
        "w.start(); w.stop()\n"
        "loaded = [m for m in ('app.platform.windows_power', 'app.platform.macos_power',"
        " 'rubicon') if m in sys.modules]\n"
        "print(loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"
