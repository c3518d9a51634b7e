"""macOS sleep, wake and clock changes for the sleep watcher, from Cocoa notifications.

NSWorkspace posts NSWorkspaceWillSleepNotification and NSWorkspaceDidWakeNotification
on its own notification center only (not the default one); NSSystemClockDidChangeNotification
comes on the process's default center. The observers are blocks registered with no queue,
so each runs on the thread that posts, while the poster waits. NSWorkspace posts on the
main thread, whose run loop Qt's Cocoa event dispatcher runs, so will-sleep is handled
before the poster goes on: Apple lets that observer delay the sleep (up to 30 s) while
the reminder state is saved and the journal locked. Should a notification come on another
thread, the hook's signal is queued to the watcher's thread like any cross-thread signal.

Why rubicon-objc and not PyObjC: this needs three observers, and rubicon-objc is a small
pure-Python ctypes bridge (BeeWare's, made to drive AppKit from Python) with no compiled
extension and no framework wrappers to import, where PyObjC's Cocoa wrappers are several
megabytes of extension modules and metadata. It is imported only when the watcher starts
on macOS, through `cocoa_centers`; tests give `MacSleepHook` fake centers instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol, cast

from PySide6.QtCore import QObject

from app.platform.sleep_watcher import OsSleepHook

log = logging.getLogger(__name__)

WILL_SLEEP: Final = "NSWorkspaceWillSleepNotification"
DID_WAKE: Final = "NSWorkspaceDidWakeNotification"
CLOCK_CHANGED: Final = "NSSystemClockDidChangeNotification"

Handler = Callable[[], None]


class NotificationCenter(Protocol):
    """The part of an NSNotificationCenter used here."""

    def observe(self, name: str, handler: Handler) -> object:
        """Call `handler()` on each notification called `name`; returns a token for `forget`."""
        ...

    def forget(self, token: object) -> None:
        """Remove the observer that `observe` returned `token` for."""
        ...


@dataclass(frozen=True, slots=True)
class Centers:
    """NSWorkspace's center (sleep, wake) and the default center (clock changes)."""

    workspace: NotificationCenter
    default: NotificationCenter


class MacSleepHook(OsSleepHook):
    """Observes will-sleep, did-wake and clock-changed, and says them as logind would."""

    def __init__(
        self,
        centers: Callable[[], Centers] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """`centers` opens the notification centers (`cocoa_centers` unless given)."""
        super().__init__(parent)
        self._open_centers = centers if centers is not None else cocoa_centers
        self._tokens: list[tuple[NotificationCenter, object]] = []

    def observations(self, centers: Centers) -> list[tuple[NotificationCenter, str, Handler]]:
        """Which center, which notification, which handler."""
        return [
            (centers.workspace, WILL_SLEEP, self._will_sleep),
            (centers.workspace, DID_WAKE, self._did_wake),
            (centers.default, CLOCK_CHANGED, self._clock_changed),
        ]

    def start(self) -> str | None:
        """Add the observers: None when it worked, else why not."""
        if self._tokens:
            return None
        try:
            centers = self._open_centers()
            for center, name, handler in self.observations(centers):
                self._tokens.append((center, center.observe(name, handler)))
        except Exception as exc:  # whatever the bridge does wrong, the heartbeat goes on
            self.stop()
            return f"no NSWorkspace sleep notifications ({type(exc).__name__}: {exc})"
        return None

    def stop(self) -> None:
        """Remove every observer added."""
        tokens, self._tokens = self._tokens, []
        for center, token in tokens:
            try:
                center.forget(token)
            except Exception as exc:  # at quit: say it, go on
                log.warning("could not remove a Cocoa notification observer: %s", exc)

    def _will_sleep(self) -> None:
        self.prepare_for_sleep.emit(True)

    def _did_wake(self) -> None:
        self.prepare_for_sleep.emit(False)

    def _clock_changed(self) -> None:
        self.clock_set.emit()


class _RubiconCenter:
    """An NSNotificationCenter through rubicon-objc, with block observers and no queue."""

    def __init__(self, center: Any, library: Any) -> None:
        self._center = center
        self._library = library  # the framework that defines the notification names

    def observe(self, name: str, handler: Handler) -> object:
        from rubicon.objc import Block, objc_const
        from rubicon.objc.runtime import objc_id

        # void (^)(NSNotification *): the notification itself is not needed.
        block = Block(lambda _note: handler(), None, objc_id)
        observer = self._center.addObserverForName_object_queue_usingBlock_(
            objc_const(self._library, name), None, None, block)
        return observer, block  # the block lives as long as its registration

    def forget(self, token: object) -> None:
        observer, _block = cast(tuple[Any, Any], token)
        self._center.removeObserver_(observer)


def _get(obj: Any, name: str) -> Any:
    """A zero-argument Objective-C getter, whether rubicon sees a property or a method."""
    value = getattr(obj, name)
    return value() if callable(value) else value


def cocoa_centers() -> Centers:
    """The real centers; imports rubicon-objc (ImportError where it is not installed)."""
    from rubicon.objc import ObjCClass
    from rubicon.objc.runtime import load_library

    appkit = load_library("AppKit")
    foundation = load_library("Foundation")
    workspace = _get(ObjCClass("NSWorkspace"), "sharedWorkspace")
    return Centers(
        workspace=_RubiconCenter(_get(workspace, "notificationCenter"), appkit),
        default=_RubiconCenter(_get(ObjCClass("NSNotificationCenter"), "defaultCenter"),
                               foundation),
    )
