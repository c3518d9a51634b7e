"""The player, driven by keyboard and buttons on a fake clock: no test waits for real time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QWidget

from app.core.practice_loader import load_library
from app.core.session import SessionRecord, SessionState
from app.ui.player_view import PlayerView, countdown_text
from app.ui.qt_scheduler import QtScheduler
from tests.fakes import FakeClock, FakeScheduler


@pytest.fixture
def practices(practices_dir):
    return {p.id: p for p in load_library(practices_dir).practices}


@pytest.fixture
def make_player(qtbot, practices):
    def make(practice_id: str):
        clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        scheduler = FakeScheduler(clock)
        view = PlayerView(practices[practice_id], clock, scheduler)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view)
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow)
        view.toggle_button.setFocus()
        return view, scheduler

    return make


def state(view):
    """Read afresh each time (a helper, so mypy does not narrow the property)."""
    return view.session.state


def press(qtbot, view, key):
    target = view.focusWidget() or view
    qtbot.keyClick(target, key)


def test_first_step_is_shown_ready_to_start(make_player):
    view, _ = make_player("me-space")
    assert view.title_label.text() == "Arrive"
    assert view.step_label.text() == "Step 1 of 3"
    assert view.countdown_label.text() == "01:00"
    assert view.next_label.text() == "Next: Ask yourself the question"
    assert view.toggle_button.text() == "Start"
    assert not view.next_speaker_button.isVisible()
    assert not view.participants_spin.isVisible(), "Me Space is not a group practice"
    assert view.progress.accessibleName() and "%" in view.progress.format()
    assert view.title_label.font().pointSizeF() > view.font().pointSizeF() * 2


def test_keyboard_start_pause_next_back(make_player, qtbot):
    view, scheduler = make_player("me-space")
    press(qtbot, view, Qt.Key.Key_Space)
    assert state(view) is SessionState.RUNNING
    assert view.toggle_button.text() == "Pause"

    scheduler.advance(15)
    view.refresh()
    assert view.countdown_label.text() == "00:45"
    press(qtbot, view, Qt.Key.Key_Space)
    assert state(view) is SessionState.PAUSED
    assert view.toggle_button.text() == "Resume"
    scheduler.advance(100)  # paused: nothing moves
    view.refresh()
    assert view.countdown_label.text() == "00:45"

    press(qtbot, view, Qt.Key.Key_Right)
    assert view.step_label.text() == "Step 2 of 3"
    assert view.title_label.text() == "Ask yourself the question"
    assert state(view) is SessionState.PAUSED, "next keeps a pause"
    press(qtbot, view, Qt.Key.Key_Left)
    assert view.step_label.text() == "Step 1 of 3"
    press(qtbot, view, Qt.Key.Key_Space)
    assert view.toggle_button.text() == "Pause"


def test_whole_practice_then_commitment_is_saved_once(make_player, qtbot):
    view, scheduler = make_player("me-space")
    records: list[SessionRecord] = []
    closed = []
    view.finished.connect(records.append)
    view.closed.connect(lambda: closed.append(True))
    press(qtbot, view, Qt.Key.Key_Space)
    scheduler.advance(240)
    view.refresh()
    assert view.step_label.text() == "Step 3 of 3"
    assert view.next_label.text() == "Last step"
    scheduler.advance(60)
    qtbot.waitUntil(lambda: view.is_closing)
    assert view.well_done_label.text() == "Well done"
    assert view.closing_prompt_label.text() == view.practice.closing_prompt

    qtbot.keyClicks(view.commitment_edit, "Take my full lunch break")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    view.save_and_close()  # a second save does nothing
    assert len(records) == 1
    record = records[0]
    assert record.completed is True
    assert record.commitment == "Take my full lunch break"
    assert record.active_seconds == pytest.approx(300)
    assert closed == [True]


def test_escape_ends_early(make_player, qtbot):
    view, scheduler = make_player("me-space")
    records: list[SessionRecord] = []
    view.finished.connect(records.append)
    press(qtbot, view, Qt.Key.Key_Space)
    scheduler.advance(70)
    press(qtbot, view, Qt.Key.Key_Escape)
    assert view.is_closing
    press(qtbot, view, Qt.Key.Key_Escape)  # no longer bound once the practice has ended
    view.save_button.click()
    assert len(records) == 1
    assert records[0].completed is False
    assert records[0].commitment is None
    assert records[0].steps_completed == 1


def test_escape_before_start_just_closes(make_player, qtbot):
    view, _ = make_player("me-space")
    with qtbot.waitSignal(view.closed, timeout=100):
        press(qtbot, view, Qt.Key.Key_Escape)
    assert state(view) is SessionState.READY


def test_round_step_shows_speakers_and_next_speaker(make_player, qtbot):
    view, scheduler = make_player("pause-space")
    assert view.participants_spin.isVisible()
    view.participants_spin.setValue(8)
    assert view.session.participants == 8
    view.toggle_running()
    for _ in range(4):  # Welcome, Ground yourself, Listening pairs, Appreciation
        view.next()
    assert view.title_label.text() == "Check-out"
    assert view.next_speaker_button.isVisible()
    assert view.turn_label.text() == "Speaker 1 of 8 · 0:10 left"
    scheduler.advance(3)
    view.refresh()
    assert view.turn_label.text() == "Speaker 1 of 8 · 0:07 left"
    qtbot.mouseClick(view.next_speaker_button, Qt.MouseButton.LeftButton)
    assert view.turn_label.text() == "Speaker 2 of 8 · 0:10 left"
    scheduler.advance(10)  # the turn ends by itself through the scheduler
    view.refresh()
    assert view.turn_label.text().startswith("Speaker 3 of 8")


def test_pairs_step_shows_turns(make_player):
    view, _ = make_player("pause-space")
    view.toggle_running()
    view.next()
    view.next()
    assert view.title_label.text() == "Listening pairs"
    assert view.turn_label.text() == "Turn 1 of 2 · 2:00 left"
    view.next_speaker_button.click()
    assert view.turn_label.text().startswith("Turn 2 of 2")


def test_facilitator_notes_toggle(make_player, qtbot):
    view, _ = make_player("pause-space")
    assert view.notes_button.isChecked() and view.notes_panel.isVisible()
    assert "confidentiality" in view.notes_label.text()
    qtbot.mouseClick(view.notes_button, Qt.MouseButton.LeftButton)
    assert not view.notes_panel.isVisible()
    qtbot.mouseClick(view.notes_button, Qt.MouseButton.LeftButton)
    assert view.notes_panel.isVisible()


def test_solo_practice_hides_notes_until_asked(make_player):
    view, _ = make_player("me-space")
    assert view.notes_button.isVisible() and not view.notes_panel.isVisible()
    view.notes_button.click()
    assert view.notes_panel.isVisible()
    assert view.notes_label.text() == "No facilitator notes for this step."


def _unnamed_controls(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if not widget.isWindow() and widget.focusProxy() is not None:
            continue
        named = widget.accessibleName() or (
            isinstance(widget, QAbstractButton) and widget.text()
        )
        if not named:
            missing.append(f"{type(widget).__name__} {widget.objectName()}")
    return missing


def test_every_control_has_a_name(make_player):
    view, _ = make_player("pause-space")
    assert _unnamed_controls(view) == []
    view.toggle_running()
    for _ in range(4):
        view.next()
    assert _unnamed_controls(view) == []
    view.end()
    assert view.is_closing
    assert _unnamed_controls(view) == []


def test_space_on_a_focused_button_presses_that_button(make_player, qtbot):
    view, _ = make_player("pause-space")
    view.notes_button.setFocus()
    press(qtbot, view, Qt.Key.Key_Space)
    assert not view.notes_button.isChecked()
    assert state(view) is SessionState.READY


def test_large_type_follows_the_text_size(make_player):
    view, _ = make_player("me-space")
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    view.setFont(font)
    assert view.title_label.font().pointSizeF() == pytest.approx(font.pointSizeF() * 2.2)
    assert view.prompt_label.font().pointSizeF() == pytest.approx(font.pointSizeF() * 1.6)


def test_runs_on_the_real_clock_and_qt_scheduler(qtbot, practices):
    from app.core.clock import SystemClock

    scheduler = QtScheduler()
    view = PlayerView(practices["me-space"], SystemClock(), scheduler)
    qtbot.addWidget(view)
    view.toggle_running()
    assert scheduler.pending == 1, "the session arms one timer for the end of the step"
    view.toggle_running()
    assert scheduler.pending == 0, "pausing cancels it"
    view.end()
    assert view.is_closing


def test_countdown_format():
    assert countdown_text(300) == "05:00"
    assert countdown_text(0.2) == "00:01"
    assert countdown_text(0) == "00:00"


def test_qt_scheduler_fires_and_cancels(qtbot):
    scheduler = QtScheduler()
    fired: list[str] = []
    scheduler.call_later(0.01, lambda: fired.append("kept"))
    cancelled = scheduler.call_later(0.01, lambda: fired.append("cancelled"))
    cancelled.cancel()
    cancelled.cancel()  # idempotent
    qtbot.waitUntil(lambda: fired == ["kept"], timeout=1000)
    qtbot.wait(50)
    assert fired == ["kept"]
    assert scheduler.pending == 0


def test_qt_scheduler_cancel_after_firing_is_harmless(qtbot):
    scheduler = QtScheduler()
    fired: list[int] = []
    handle = scheduler.call_later(0, lambda: fired.append(1))
    qtbot.waitUntil(lambda: fired == [1], timeout=1000)
    handle.cancel()
    assert not handle.active
    scheduler.call_later(10, lambda: fired.append(2))
    scheduler.cancel_all()
    assert scheduler.pending == 0
