"""The macOS sleep hook, run on Linux over fake notification centers.

What is real here: which notification goes to which center and which handler, the
signals that reach the watcher, the observers removed at stop, and the real loader
failing cleanly where rubicon-objc and AppKit are absent. What is not: Cocoa itself.
"""

from __future__ import annotations

import logging
import sys
import types
from datetime import UTC, datetime
from typing import Any

from app.platform.macos_power import (
    CLOCK_CHANGED,
    DID_WAKE,
    WILL_SLEEP,
    Centers,
    MacSleepHook,
)
from app.platform.sleep_watcher import SleepWatcher
from tests.fakes import FakeClock


class FakeCenter:
    """An NSNotificationCenter that posts when the test says so, on the calling thread."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.observers: dict[object, tuple[str, Any]] = {}
        self.forgotten: list[object] = []

    def observe(self, name, handler) -> object:
        token = object()
        self.observers[token] = (name, handler)
        return token

    def forget(self, token) -> None:
        self.forgotten.append(token)
        del self.observers[token]

    def post(self, name: str) -> None:
        for observed, handler in list(self.observers.values()):
            if observed == name:
                handler()

    def names(self) -> list[str]:
        return sorted(name for name, _handler in self.observers.values())


class Rig:
    def __init__(self) -> None:
        self.workspace = FakeCenter("workspace")
        self.default = FakeCenter("default")
        self.clock = FakeClock(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
        self.hook = MacSleepHook(lambda: Centers(self.workspace, self.default))
        self.watcher = SleepWatcher(self.clock, os_hook=self.hook)
        self.hook.setParent(self.watcher)
        self.events: list[str] = []
        self.watcher.about_to_sleep.connect(lambda: self.events.append("sleep"))
        self.watcher.resumed.connect(lambda: self.events.append("wake"))
        self.watcher.clock_changed.connect(lambda jump: self.events.append(f"clock {jump:+.0f}"))
        self.watcher.start()


def test_each_notification_is_observed_on_its_own_center(qapp):
    rig = Rig()
    assert rig.watcher.hooked
    # Sleep and wake are posted on NSWorkspace's center only; clock changes on the default.
    assert rig.workspace.names() == sorted([WILL_SLEEP, DID_WAKE])
    assert rig.default.names() == [CLOCK_CHANGED]
    rig.watcher.stop()


def test_sleep_and_wake_are_handled_while_the_poster_waits(qapp):
    rig = Rig()
    rig.workspace.post(WILL_SLEEP)
    assert rig.events == ["sleep"]  # already handled: macOS waits for the observer
    sleeping = [rig.watcher.sleeping]
    rig.clock.jump_wall(3 * 3600)  # the sleep: the wall clock moves on, the monotonic does not
    rig.workspace.post(DID_WAKE)
    assert rig.events == ["sleep", "wake"]
    sleeping.append(rig.watcher.sleeping)
    assert sleeping == [True, False]
    assert rig.watcher.check_clock() == 0.0  # the gap was the sleep, already handled
    rig.watcher.stop()


def test_an_announced_clock_change_is_checked_at_once(qapp):
    rig = Rig()
    rig.clock.jump_wall(-3600)
    rig.default.post(CLOCK_CHANGED)
    assert rig.events == ["clock -3600"]
    rig.default.post(CLOCK_CHANGED)  # nothing moved since
    assert rig.events == ["clock -3600"]
    rig.watcher.stop()


def test_names_posted_on_the_wrong_center_do_nothing(qapp):
    rig = Rig()
    rig.default.post(WILL_SLEEP)
    rig.workspace.post(CLOCK_CHANGED)
    assert rig.events == []
    rig.watcher.stop()


def test_stop_removes_every_observer_and_start_adds_them_again(qapp):
    rig = Rig()
    tokens = list(rig.workspace.observers) + list(rig.default.observers)
    rig.watcher.stop()
    assert rig.workspace.forgotten + rig.default.forgotten == tokens
    assert rig.workspace.observers == {} and rig.default.observers == {}
    rig.workspace.post(WILL_SLEEP)
    assert rig.events == []
    rig.watcher.start()
    rig.workspace.post(WILL_SLEEP)
    assert rig.events == ["sleep"]  # once: no observer or connection left over
    rig.watcher.stop()


def test_a_failing_center_leaves_no_observer_behind(qapp, caplog):
    class RefusingCenter(FakeCenter):
        def observe(self, name, handler) -> object:
            raise ValueError("no such notification")

    workspace, default = FakeCenter("workspace"), RefusingCenter("default")  # third fails
    hook = MacSleepHook(lambda: Centers(workspace, default))
    watcher = SleepWatcher(FakeClock(datetime(2026, 3, 2, tzinfo=UTC)), os_hook=hook)
    with caplog.at_level(logging.INFO, logger="app.platform"):
        watcher.start()
    assert not watcher.hooked
    assert watcher._heartbeat.isActive()
    assert workspace.observers == {}
    assert [r.getMessage() for r in caplog.records] == [
        "no NSWorkspace sleep notifications (ValueError: no such notification): "
        "no wake-up signal; the once-a-minute checks stand in"]
    watcher.stop()


def test_without_rubicon_the_real_loader_fails_cleanly(qapp, caplog):
    watcher = SleepWatcher(FakeClock(datetime(2026, 3, 2, tzinfo=UTC)), os_hook=MacSleepHook())
    with caplog.at_level(logging.INFO, logger="app.platform"):
        watcher.start()
    assert not watcher.hooked
    assert watcher._heartbeat.isActive()
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith("no NSWorkspace sleep notifications (")
    watcher.stop()


class FakeObjC:
    """Just enough of rubicon-objc for cocoa_centers: classes, constants, blocks."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        fake = self

        class Block:
            def __init__(self, func, restype, *argtypes) -> None:
                self.func, self.restype, self.argtypes = func, restype, argtypes

        class Center:
            def __init__(self, label: str) -> None:
                self.label = label

            def addObserverForName_object_queue_usingBlock_(self, name, obj, queue, block):
                fake.calls.append((self.label, name, obj, queue, block))
                return f"observer {len(fake.calls)}"

            def removeObserver_(self, observer) -> None:
                fake.calls.append((self.label, "removed", observer))

        class Workspace:
            notificationCenter = Center("workspace")  # a property: no call

        classes = {
            "NSWorkspace": type("NSWorkspaceClass", (), {"sharedWorkspace": Workspace()}),
            # A method on this one: cocoa_centers calls it.
            "NSNotificationCenter": type(
                "NSNotificationCenterClass", (),
                {"defaultCenter": staticmethod(lambda: Center("default"))}),
        }
        self.objc = types.ModuleType("rubicon.objc")
        self.objc.__dict__.update(Block=Block, ObjCClass=lambda name: classes[name](),
                                  objc_const=lambda library, name: f"{library}:{name}")
        self.runtime = types.ModuleType("rubicon.objc.runtime")
        self.runtime.__dict__.update(objc_id="objc_id", load_library=lambda name: name)

    def install(self, monkeypatch) -> None:
        monkeypatch.setitem(sys.modules, "rubicon", types.ModuleType("rubicon"))
        monkeypatch.setitem(sys.modules, "rubicon.objc", self.objc)
        monkeypatch.setitem(sys.modules, "rubicon.objc.runtime", self.runtime)


def test_cocoa_centers_register_block_observers_with_no_queue(qapp, monkeypatch):
    objc = FakeObjC()
    objc.install(monkeypatch)
    hook = MacSleepHook()  # the real loader, over the fake bridge
    got: list[bool] = []
    hook.prepare_for_sleep.connect(got.append)
    assert hook.start() is None
    names = [(center, name) for center, name, *_rest in objc.calls]
    assert names == [("workspace", f"AppKit:{WILL_SLEEP}"), ("workspace", f"AppKit:{DID_WAKE}"),
                     ("default", f"Foundation:{CLOCK_CHANGED}")]
    for _center, _name, obj, queue, block in objc.calls:
        assert obj is None and queue is None  # any sender; run on the posting thread
        assert (block.restype, block.argtypes) == (None, ("objc_id",))  # void (^)(id)
    objc.calls[0][4].func("an NSNotification")
    objc.calls[1][4].func("an NSNotification")
    assert got == [True, False]
    hook.stop()
    assert objc.calls[3:] == [("workspace", "removed", "observer 1"),
                              ("workspace", "removed", "observer 2"),
                              ("default", "removed", "observer 3")]
