"""Windows suspend and resume for the sleep watcher, with no window of our own.

Why PowerRegisterSuspendResumeNotification (powrprof.dll, Windows 8+) with a callback and
not WM_POWERBROADCAST through a QAbstractNativeEventFilter: the broadcast goes to
top-level windows, and this app often has none that passes through Qt's native filters
(it may run in the tray for days before the main window is first built). The callback
needs no window, and a filter would put a Python call on every native message. Clock
changes (WM_TIMECHANGE) share that problem, so on Windows the watcher's minute heartbeat
notices them.

The callback runs on a system thread. It hands the event to the Qt thread through a
queued signal, and before a suspend it waits (at most `SUSPEND_GRACE_SECONDS`, inside the
two seconds Windows documents for PBT_APMSUSPEND) until the Qt thread has handled it, so
the reminder state is saved and the journal locked before the machine stops.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.platform.sleep_watcher import OsSleepHook

log = logging.getLogger(__name__)

DEVICE_NOTIFY_CALLBACK: Final = 2
PBT_APMSUSPEND: Final = 0x4
PBT_APMRESUMESUSPEND: Final = 0x7
PBT_APMRESUMEAUTOMATIC: Final = 0x12
ERROR_SUCCESS: Final = 0
SUSPEND_GRACE_SECONDS: Final = 1.5

# ULONG (CALLBACK *)(PVOID Context, ULONG Type, PVOID Setting). On 64-bit Windows
# WINFUNCTYPE and CFUNCTYPE are one convention; CFUNCTYPE elsewhere lets the tests call
# the real thunk through the real structure.
if sys.platform == "win32":
    _FUNCTYPE = ctypes.WINFUNCTYPE
else:
    _FUNCTYPE = ctypes.CFUNCTYPE
DeviceNotifyCallback = _FUNCTYPE(ctypes.c_uint32, ctypes.c_void_p, ctypes.c_uint32,
                                 ctypes.c_void_p)


class DeviceNotifySubscribeParameters(ctypes.Structure):
    """DEVICE_NOTIFY_SUBSCRIBE_PARAMETERS: the callback and its context pointer."""

    _fields_ = (("Callback", DeviceNotifyCallback), ("Context", ctypes.c_void_p))


@dataclass(frozen=True, slots=True)
class PowerFunctions:
    """powrprof.dll's two calls; tests pass stand-ins that take the same ctypes arguments.

    `register(flags, POINTER(params), POINTER(c_void_p handle)) -> error code`;
    `unregister(c_void_p handle) -> error code`.
    """

    register: Callable[..., int]
    unregister: Callable[..., int]


def load_powrprof() -> PowerFunctions:
    """The real calls, typed; OSError where there is no powrprof.dll (not Windows)."""
    if sys.platform == "win32":
        dll = ctypes.WinDLL("powrprof")
        register = dll.PowerRegisterSuspendResumeNotification
        register.argtypes = (ctypes.c_uint32, ctypes.POINTER(DeviceNotifySubscribeParameters),
                             ctypes.POINTER(ctypes.c_void_p))
        register.restype = ctypes.c_uint32
        unregister = dll.PowerUnregisterSuspendResumeNotification
        unregister.argtypes = (ctypes.c_void_p,)
        unregister.restype = ctypes.c_uint32
        return PowerFunctions(register, unregister)
    else:
        raise OSError("powrprof.dll is part of Windows")


def decode_power_event(event_type: int) -> bool | None:
    """As logind's PrepareForSleep: True before a suspend, False after a resume, else None.

    A wake may come twice (PBT_APMRESUMEAUTOMATIC, then PBT_APMRESUMESUSPEND once someone
    touches the machine); resuming twice is harmless, the reminders fire nothing twice.
    """
    if event_type == PBT_APMSUSPEND:
        return True
    if event_type in (PBT_APMRESUMEAUTOMATIC, PBT_APMRESUMESUSPEND):
        return False
    return None


class WindowsSleepHook(OsSleepHook):
    """Registers the suspend/resume callback and speaks for it on the Qt thread."""

    _arrived = Signal(bool)

    def __init__(
        self,
        functions: PowerFunctions | None = None,
        *,
        suspend_grace: float = SUSPEND_GRACE_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        """`functions`: powrprof's calls (loaded at `start` unless given)."""
        super().__init__(parent)
        self._functions = functions
        self._grace = suspend_grace
        self._handled = threading.Event()
        self._registered = False
        self._handle = ctypes.c_void_p()
        # Kept for the life of this object, even after unregistering: a callback still
        # returning through the thunk must find it there.
        self._callback: Any = None
        self._params: DeviceNotifySubscribeParameters | None = None
        self._arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def start(self) -> str | None:
        """Register the callback: None when it worked, else why not."""
        if self._registered:
            return None
        try:
            functions = self._functions if self._functions is not None else load_powrprof()
        except (OSError, AttributeError) as exc:
            return f"no suspend/resume callback from powrprof.dll ({exc})"
        callback = DeviceNotifyCallback(self._on_power_event)
        params = DeviceNotifySubscribeParameters(callback, None)
        handle = ctypes.c_void_p()
        error = functions.register(DEVICE_NOTIFY_CALLBACK, ctypes.pointer(params),
                                   ctypes.pointer(handle))
        if error != ERROR_SUCCESS:
            return f"PowerRegisterSuspendResumeNotification failed with Windows error {error}"
        self._functions, self._callback, self._params, self._handle = (
            functions, callback, params, handle)
        self._registered = True
        return None

    def stop(self) -> None:
        """Unregister the callback and free a callback thread still waiting."""
        if not self._registered or self._functions is None:
            return
        self._registered = False
        error = self._functions.unregister(self._handle)
        if error != ERROR_SUCCESS:
            log.warning("PowerUnregisterSuspendResumeNotification failed with Windows error %d",
                        error)
        self._handled.set()

    def _on_power_event(self, _context: int | None, event_type: int,
                        _setting: int | None) -> int:
        """The callback, on Windows' thread: hand over, and before a suspend wait a little."""
        going_to_sleep = decode_power_event(event_type)
        if going_to_sleep is None:
            return ERROR_SUCCESS
        if going_to_sleep:
            self._handled.clear()
        self._arrived.emit(going_to_sleep)
        if going_to_sleep and not self._handled.wait(self._grace):
            log.info("suspending before the app finished getting ready for sleep")
        return ERROR_SUCCESS

    @Slot(bool)
    def _deliver(self, going_to_sleep: bool) -> None:
        """On the Qt thread: tell the watcher, then release the waiting callback."""
        self.prepare_for_sleep.emit(going_to_sleep)
        self._handled.set()
