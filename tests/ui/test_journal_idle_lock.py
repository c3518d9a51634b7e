"""Idle lock on a fake clock: input postpones it, silence triggers it, sleep locks at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.ui.idle_lock import IdleLock
from tests.fakes import FakeClock, FakeScheduler
from tests.journal_support import T0
from tests.ui.journal_ui_support import make_view, set_up


@pytest.fixture
def idle(qtbot, qapp):
    clock = FakeClock(T0)
    scheduler = FakeScheduler(clock)
    lock = IdleLock(clock, scheduler, minutes=5)
    yield lock, clock, scheduler
    lock.disarm()


def test_locks_after_the_set_minutes_without_input(idle, qtbot):
    lock, _, scheduler = idle
    lock.arm()
    scheduler.advance(299)
    assert lock.armed
    with qtbot.waitSignal(lock.lock_requested, timeout=100):
        scheduler.advance(1)
    assert not lock.armed


def test_input_postpones_the_lock(idle, qtbot):
    lock, _, scheduler = idle
    lock.arm()
    scheduler.advance(200)
    lock.note_input()
    scheduler.advance(200)
    assert lock.armed, "only 200 s since the last input"
    with qtbot.waitSignal(lock.lock_requested, timeout=100):
        scheduler.advance(100)


def test_real_key_and_mouse_events_count_as_input(qtbot, tmp_path):
    view, _, scheduler = make_view(qtbot, tmp_path, minutes=1)
    set_up(view)
    assert view.idle.armed
    scheduler.advance(50)
    qtbot.keyClicks(view.editor.body, "still here")
    scheduler.advance(50)
    assert view.state == "open"
    qtbot.mouseClick(view.editor.title, Qt.MouseButton.LeftButton)
    scheduler.advance(59)
    assert view.state == "open"
    scheduler.advance(1)
    assert view.state == "locked"
    assert not view.repo.is_unlocked


def test_the_idle_lock_keeps_typing_as_a_draft(qtbot, tmp_path):
    view, _, scheduler = make_view(qtbot, tmp_path, minutes=1)
    set_up(view)
    view.editor.body.setPlainText("Half a thought")
    scheduler.advance(61)
    assert view.state == "locked"
    view.lock_page.passphrase.setText("a long walk by the river")
    assert view.lock_page.attempt()
    assert view.editor.body.toPlainText() == "Half a thought"


def test_lock_now_is_for_sleep_and_does_nothing_when_already_locked(idle, qtbot):
    lock, _, scheduler = idle
    with qtbot.assertNotEmitted(lock.lock_requested):
        lock.lock_now()
    lock.arm()
    with qtbot.waitSignal(lock.lock_requested, timeout=100):
        lock.lock_now()
    assert scheduler.pending == []


def test_changing_the_setting_applies_to_a_running_countdown(idle, qtbot):
    lock, _, scheduler = idle
    lock.arm()
    scheduler.advance(60)
    lock.set_minutes(2)
    with qtbot.waitSignal(lock.lock_requested, timeout=100):
        scheduler.advance(60)
    with pytest.raises(ValueError, match="journal lock minutes"):
        lock.set_minutes(0)


def test_typing_does_not_pile_up_timers(idle, qtbot):
    lock, _, scheduler = idle
    lock.arm()
    for _ in range(100):
        lock.note_input()
        scheduler.advance(1)
    assert len(scheduler.pending) == 1
