"""The Settings window, driven by keyboard: rules checked by the core, errors inline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, QSize
from PySide6.QtCore import Qt as QtNs
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QScrollArea,
    QScrollBar,
    QWidget,
)

from app.core.reminders import (
    ProtectedWindow,
    default_rules,
    rules_from_dict,
    rules_to_dict,
    system_timezone_name,
)
from app.core.settings import Appearance, Settings, Voice
from app.platform.autostart import autostart_for
from app.storage.settings_store import SettingsStore
from app.ui.settings_dialog import PAGES, SettingsDialog, describe_next_break, dialog_size
from tests.fakes import FakeClock

LONDON = ZoneInfo("Europe/London")
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
key = QtNs.Key


def london_settings(**changes) -> Settings:
    return replace(Settings(reminders={"timezone": "Europe/London"}), **changes)


@pytest.fixture
def make_dialog(qtbot):
    def make(settings: Settings | None = None, now: datetime = MONDAY_9AM) -> SettingsDialog:
        dialog = SettingsDialog(settings or london_settings(), clock=FakeClock(now))
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        return dialog
    return make


def press(qtbot, widget: QWidget, k: QtNs.Key, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(widget, k)


def tab(qtbot) -> Any:  # Any: `tab(qtbot) is row.end` must not narrow row.end
    qtbot.keyClick(QApplication.focusWidget(), key.Key_Tab)
    return QApplication.focusWidget()


def type_time(qtbot, text: str) -> None:
    """Typing into a time edit reached with Tab: hours, then minutes (the section moves on)."""
    qtbot.keyClicks(QApplication.focusWidget(), text)


def add_tea_break(qtbot, dialog: SettingsDialog, start: str, end: str):
    """Add a break by keyboard: name Tea, Tuesday and Thursday only, `start`–`end`."""
    dialog.add_window_button.setFocus(QtNs.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.add_window_button, key.Key_Space)
    row = dialog.window_rows[-1]
    assert QApplication.focusWidget() is row.name
    qtbot.keyClicks(row.name, "Tea")  # the default name is selected, so typing replaces it
    assert tab(qtbot) is row.enabled
    for day in range(7):
        assert tab(qtbot) is row.weekdays.boxes[day]
        if day in (0, 2, 4):  # untick Mon, Wed, Fri
            qtbot.keyClick(row.weekdays.boxes[day], key.Key_Space)
    assert tab(qtbot) is row.start
    type_time(qtbot, start)
    assert tab(qtbot) is row.end
    type_time(qtbot, end)
    return row


def apply_by_keyboard(qtbot, dialog: SettingsDialog) -> None:
    dialog.apply_button.setFocus(QtNs.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.apply_button, key.Key_Space)


def test_add_a_break_by_keyboard_and_apply_round_trips(qtbot, make_dialog):
    dialog = make_dialog()
    row = add_tea_break(qtbot, dialog, "1500", "1520")
    assert row.to_dict()["weekdays"] == [1, 3]
    with qtbot.waitSignal(dialog.settings_applied, timeout=2000) as blocker:
        apply_by_keyboard(qtbot, dialog)
    emitted = blocker.args[0]
    assert isinstance(emitted, Settings)
    rules = rules_from_dict(emitted.reminders)
    assert rules.windows == (
        default_rules("Europe/London").windows[0],
        ProtectedWindow(name="Tea", weekdays=frozenset({1, 3}), start=time(15), end=time(15, 20),
                        heads_up_minutes=10),
    )
    assert rules.timezone == "Europe/London"
    assert rules_to_dict(rules_from_dict(emitted.reminders)) == {
        **{k: v for k, v in emitted.reminders.items()}}
    assert dialog.problem.isHidden()
    assert dialog.isVisible(), "Apply keeps the window open"


def test_end_before_start_is_named_inline_and_nothing_is_emitted(qtbot, make_dialog):
    given = london_settings()
    dialog = make_dialog(given)
    row = add_tea_break(qtbot, dialog, "1500", "1400")
    with qtbot.assertNotEmitted(dialog.settings_applied):
        apply_by_keyboard(qtbot, dialog)
        qtbot.keyClick(dialog.ok_button, key.Key_Space)  # OK refuses too
    assert dialog.isVisible()
    assert not dialog.problem.isHidden()
    text = dialog.problem.text()
    assert text.startswith("Problem: break 2 “Tea”, end (windows[1].end):")
    assert text.endswith("expected a time after start 15:00, got 14:00")
    assert dialog.current_page() == "Breaks"
    assert dialog.nav.item(0).text() == "Breaks (fix)", "the page list says where, in words"
    assert QApplication.focusWidget() == row.end, "focus goes to the field to fix"
    assert dialog.settings == given, "the last good settings stay"
    assert "shown once the settings above are valid" in dialog.preview.text()

    # Fixing it clears the message as the person types, and Apply then emits.
    row.end.clearFocus()
    row.end.setFocus(QtNs.FocusReason.TabFocusReason)
    type_time(qtbot, "1530")
    assert dialog.problem.isHidden()
    assert dialog.nav.item(0).text() == "Breaks"
    with qtbot.waitSignal(dialog.settings_applied, timeout=2000):
        apply_by_keyboard(qtbot, dialog)


def test_unknown_time_zone_is_named_on_its_page(qtbot, make_dialog):
    dialog = make_dialog(Settings())
    dialog.nav.setFocus(QtNs.FocusReason.TabFocusReason)
    press(qtbot, dialog.nav, key.Key_Down, PAGES.index("Time zone"))
    assert dialog.current_page() == "Time zone"
    assert dialog.zone_system.isChecked() and not dialog.zone_name.isEnabled()
    dialog.zone_chosen.setFocus(QtNs.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.zone_chosen, key.Key_Space)
    assert dialog.zone_chosen.isChecked()
    assert tab(qtbot) is dialog.zone_name
    # Typed text opens the completer's popup, which the offscreen platform cannot grab
    # the keyboard for (a Qt warning); the edit text is set directly instead.
    dialog.zone_name.setEditText("Mars/Olympus")
    with qtbot.assertNotEmitted(dialog.settings_applied):
        apply_by_keyboard(qtbot, dialog)
    assert dialog.current_page() == "Time zone"
    assert "(timezone): expected an IANA time zone such as 'Europe/London', got " \
           "'Mars/Olympus'" in dialog.problem.text()
    assert dialog.nav.item(PAGES.index("Time zone")).text() == "Time zone (fix)"


def test_chosen_and_system_time_zones(qtbot, make_dialog):
    dialog = make_dialog(Settings())
    dialog.zone_chosen.setChecked(True)
    dialog.zone_name.setEditText("America/New_York")
    with qtbot.waitSignal(dialog.settings_applied, timeout=2000) as blocker:
        dialog.apply()
    assert blocker.args[0].reminders["timezone"] == "America/New_York"

    dialog.zone_system.setChecked(True)
    with qtbot.waitSignal(dialog.settings_applied, timeout=2000) as blocker:
        dialog.apply()
    assert "timezone" not in blocker.args[0].reminders, "no zone saved: follow the computer"
    assert rules_from_dict(blocker.args[0].reminders).timezone == system_timezone_name()


def test_preview_uses_the_injected_clock(qtbot, make_dialog):
    assert make_dialog().preview.text() == (
        "Next protected break: today, 12:00–13:00 (Europe/London).")
    during = make_dialog(now=datetime(2026, 3, 2, 12, 30, tzinfo=LONDON))
    assert during.preview.text() == "Protected break under way until 13:00 (Europe/London)."
    friday = make_dialog(now=datetime(2026, 3, 6, 17, 0, tzinfo=LONDON))
    assert friday.preview.text() == "Next protected break: Mon 9 Mar, 12:00–13:00 (Europe/London)."
    good_friday = make_dialog(now=datetime(2026, 4, 3, 9, 0, tzinfo=LONDON))
    assert "Tue 7 Apr" in good_friday.preview.text(), "Good Friday and Easter Monday skipped"
    good_friday.show_page("Bank holidays")
    good_friday.holidays_choice.setCurrentIndex(0)  # do not skip
    assert good_friday.preview.text() == (
        "Next protected break: today, 12:00–13:00 (Europe/London).")
    assert describe_next_break(None, MONDAY_9AM, LONDON) == (
        "Next protected break: none in the coming year.")


def test_next_journal_reminder_months_away_is_still_shown(qtbot, make_dialog):
    reminders = rules_to_dict(default_rules("Europe/London"))
    reminders["journal"].update(every_weeks=30, anchor="2026-01-02")
    dialog = make_dialog(london_settings(reminders=reminders))
    # 30 weeks from Fri 2 Jan, behind some 13 weeks' worth of lunch breaks and heads-ups.
    assert dialog.journal_next.text() == "Next journal reminder: Fri 31 Jul 2026 at 16:00."
    reminders["journal"]["enabled"] = False
    off = make_dialog(london_settings(reminders=reminders))
    assert off.journal_next.text() == "No journal reminder in the coming weeks."


def test_leave_range_by_keyboard_and_its_error(qtbot, make_dialog):
    dialog = make_dialog()
    dialog.show_page("Leave")
    dialog.add_leave_button.setFocus(QtNs.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.add_leave_button, key.Key_Space)
    row = dialog.leave_rows[0]
    assert row.to_dict() == {"start": "2026-03-02", "end": "2026-03-08"}
    assert "Mon 9 Mar" in dialog.preview.text(), "leave this week moves the next break on"
    row.end.setDate(row.start.date().addDays(-1))
    with qtbot.assertNotEmitted(dialog.settings_applied):
        dialog.apply()
    assert "(quiet_days[0].end): expected a date on or after start 2026-03-02" in \
        dialog.problem.text()
    assert dialog.problem.text().startswith("Problem: leave 1, last day")
    qtbot.keyClick(row.remove, key.Key_Space)
    assert dialog.leave_rows == [] and dialog.problem.isHidden()
    assert QApplication.focusWidget() is dialog.add_leave_button


def test_remove_a_break_by_keyboard(qtbot, make_dialog):
    dialog = make_dialog()
    first = dialog.window_rows[0]
    first.remove.setFocus(QtNs.FocusReason.TabFocusReason)
    qtbot.keyClick(first.remove, key.Key_Space)
    assert dialog.window_rows == []
    assert QApplication.focusWidget() is dialog.add_window_button
    assert dialog.preview.text() == "Next protected break: none in the coming year."
    with qtbot.waitSignal(dialog.settings_applied, timeout=2000) as blocker:
        dialog.apply()
    assert rules_from_dict(blocker.args[0].reminders).windows == ()


def test_other_pages_reach_the_emitted_settings(qtbot, make_dialog):
    dialog = make_dialog(london_settings(reminders={"timezone": "Europe/London",
                                                    "from_a_newer_version": 1}))
    dialog.bell_volume.setFocus(QtNs.FocusReason.TabFocusReason)
    press(qtbot, dialog.bell_volume, key.Key_Left, 6)  # 60 % - 6 x 5 %
    assert dialog.bell_volume_text.text() == "30 %"
    dialog.voice_own.setFocus(QtNs.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.voice_own, key.Key_Space)
    dialog.lock_minutes.setFocus(QtNs.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.lock_minutes, key.Key_A, QtNs.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.lock_minutes, "15")
    dialog.appearance.setFocus(QtNs.FocusReason.TabFocusReason)
    press(qtbot, dialog.appearance, key.Key_Down, 2)
    dialog.text_scale.setFocus(QtNs.FocusReason.TabFocusReason)
    press(qtbot, dialog.text_scale, key.Key_Up, 2)
    dialog.start_at_login.setFocus(QtNs.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.start_at_login, key.Key_Space)
    dialog.journal_every.setFocus(QtNs.FocusReason.TabFocusReason)
    press(qtbot, dialog.journal_every, key.Key_Down)
    assert dialog.journal_every.text() == "every 1 week"
    with qtbot.waitSignal(dialog.settings_applied, timeout=2000) as blocker:
        qtbot.keyClick(dialog.ok_button, key.Key_Space)
    s = blocker.args[0]
    assert (s.bell_volume, s.me_space_voice, s.journal_lock_minutes, s.appearance,
            s.text_scale, s.start_at_login) == (0.3, Voice.OWN, 15, Appearance.DARK, 1.2, True)
    assert s.reminders["from_a_newer_version"] == 1, "unknown keys are kept"
    assert rules_from_dict(s.reminders).journal.every_weeks == 1
    assert not dialog.isVisible(), "OK closes"


def test_unreadable_saved_rules_shown_as_notice_and_defaults(qtbot, make_dialog):
    broken = {"timezone": "Europe/London", "windows": [{"name": "Lunch", "weekdays": [0],
                                                        "start": "13:00", "end": "12:00"}]}
    dialog = make_dialog(london_settings(reminders=broken))
    assert not dialog.load_notice.isHidden()
    assert "windows[0].end" in dialog.load_notice.text()
    assert [r.to_dict()["weekdays"] for r in dialog.window_rows] == [[0, 1, 2, 3, 4]]
    with qtbot.assertNotEmitted(dialog.settings_applied):
        qtbot.keyClick(dialog.cancel_button, key.Key_Space)
    assert not dialog.isVisible()


def test_every_control_is_named_and_reachable_by_tab(qtbot, make_dialog):
    dialog = make_dialog()
    dialog.add_window()
    dialog.add_leave()
    internal = (QAbstractSpinBox, QComboBox, QScrollBar, QCalendarWidget)
    unnamed = []
    for widget in dialog.findChildren(QWidget):
        if not widget.focusPolicy() & QtNs.FocusPolicy.TabFocus:
            continue
        parent = widget.parentWidget()
        if isinstance(parent, internal) or isinstance(widget, QScrollBar):
            continue
        if isinstance(widget.parentWidget(), QCalendarWidget) or widget.window() is not dialog:
            continue
        if not widget.accessibleName():
            unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert unnamed == []

    # Tab from the page list visits every control of the Breaks page, the new row included.
    dialog.nav.setFocus(QtNs.FocusReason.TabFocusReason)
    seen = []
    for _ in range(200):
        seen.append(tab(qtbot))
    row = dialog.window_rows[1]
    for widget in (row.name, row.enabled, *row.weekdays.boxes, row.start, row.end,
                   row.heads_up, row.remove, dialog.add_window_button, dialog.ok_button,
                   dialog.apply_button, dialog.cancel_button):
        assert widget in seen, widget.accessibleName()


def test_text_follows_the_app_font(qtbot, qapp, make_dialog):
    dialog = make_dialog()
    before_heading = dialog.heading.font().pointSizeF()
    before_nav = dialog.nav.width()
    base = QFont(qapp.font())
    try:
        bigger = QFont(base)
        bigger.setPointSizeF(base.pointSizeF() * 1.6)
        qapp.setFont(bigger)
        qtbot.waitUntil(lambda: dialog.nav.width() > before_nav, timeout=2000)
        assert dialog.heading.font().pointSizeF() == pytest.approx(before_heading * 1.6,
                                                                   rel=0.05)
        assert dialog.heading.font().bold()
        assert dialog.window_rows[0].name.font().pointSizeF() == pytest.approx(
            base.pointSizeF() * 1.6, rel=0.05)
    finally:
        qapp.setFont(base)


# ----- wired into the main window and the application -----

def test_settings_action_opens_dialog_and_apply_is_saved(qtbot, companion, app_paths):
    window = companion.window
    action = window.settings_action
    assert action.shortcuts(), "Settings… has a keyboard shortcut"
    assert action.shortcuts()[0] in (
        *QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences), QKeySequence("Ctrl+,"))
    action.trigger()
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    action.trigger()
    assert len([d for d in window.findChildren(SettingsDialog) if d.isVisible()]) == 1
    dialog.bell_enabled.setChecked(False)
    with qtbot.waitSignal(window.settings_changed, timeout=2000) as blocker:
        dialog.apply()
    assert blocker.args[0].bell_enabled is False
    saved = SettingsStore(app_paths.settings_file).load(MONDAY_9AM).settings
    assert saved.bell_enabled is False
    assert rules_from_dict(saved.reminders).windows == default_rules().windows


def test_start_at_login_writes_and_removes_the_entry(qtbot, qapp, app_paths, resources_copy,
                                                     tmp_path):
    from app.ui.application import Companion

    home = tmp_path / "login-home"
    autostart = autostart_for("linux", {}, home, command=["/usr/bin/true"])
    made = Companion(qapp, app_paths, resources_copy, autostart=autostart)
    qtbot.addWidget(made.window)
    dialog = made.window.open_settings()
    dialog.start_at_login.setChecked(True)
    dialog.apply()
    assert autostart.is_enabled()
    dialog.start_at_login.setChecked(False)
    dialog.apply()
    assert not autostart.is_enabled()
    assert list((home / ".config" / "autostart").iterdir()) == []
    made.apply(Settings())


def test_start_at_login_failure_is_one_line_and_the_rest_is_saved(qtbot, qapp, app_paths,
                                                                  resources_copy, tmp_path):
    from app.ui.application import Companion

    home = tmp_path / "blocked-home"
    home.mkdir()
    (home / ".config").write_text("a file where the folder should be")
    autostart = autostart_for("linux", {}, home, command=["/usr/bin/true"])
    made = Companion(qapp, app_paths, resources_copy, autostart=autostart)
    qtbot.addWidget(made.window)
    dialog = made.window.open_settings()
    dialog.start_at_login.setChecked(True)
    dialog.bell_enabled.setChecked(False)
    dialog.apply()
    message = made.window.statusBar().currentMessage()
    assert message.startswith("Start at login not changed: ") and "\n" not in message
    saved = SettingsStore(app_paths.settings_file).load(MONDAY_9AM).settings
    assert saved.bell_enabled is False, "the other settings are still saved"
    assert saved.start_at_login is False, "the failed choice is not recorded as done"
    assert made.window.settings.start_at_login is False
    made.apply(Settings())


# ----- size, wrapping, button look, fields that follow their switch -----

def test_daily_pause_fields_are_disabled_while_it_is_off(qtbot, make_dialog):
    dialog = make_dialog()
    dialog.show_page("Daily pause")
    assert not dialog.pause_enabled.isChecked(), "off by default"
    fields = [dialog.pause_at, *dialog.pause_days.boxes]
    assert not any(field.isEnabled() for field in fields)
    dialog.pause_enabled.setFocus(QtNs.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.pause_enabled, key.Key_Space)
    assert all(field.isEnabled() for field in fields)
    assert tab(qtbot) is dialog.pause_at, "Tab reaches the time once it can be changed"
    dialog.pause_enabled.setFocus(QtNs.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.pause_enabled, key.Key_Space)
    assert not any(field.isEnabled() for field in fields)


def test_daily_pause_fields_open_enabled_when_it_is_on(qtbot, make_dialog):
    dialog = make_dialog(london_settings(reminders={
        "timezone": "Europe/London", "daily_pause": {"enabled": True, "at": "15:00",
                                                     "weekdays": [0, 1, 2, 3, 4]}}))
    assert dialog.pause_at.isEnabled()
    assert all(box.isEnabled() for box in dialog.pause_days.boxes)


def test_dialog_buttons_carry_words_only(make_dialog):
    dialog = make_dialog()
    for button in (dialog.ok_button, dialog.apply_button, dialog.cancel_button):
        assert button.icon().isNull(), button.text()


def test_first_size_grows_with_the_text_and_stays_on_the_screen(qapp, make_dialog):
    big_screen = QSize(10_000, 10_000)
    base = QFont(qapp.font())
    double = QFont(base)
    double.setPointSizeF(base.pointSizeF() * 2)
    normal = dialog_size(QFontMetrics(base), big_screen)
    large = dialog_size(QFontMetrics(double), big_screen)
    assert large.width() > 1.6 * normal.width() and large.height() > 1.6 * normal.height()
    assert dialog_size(QFontMetrics(double), QSize(1000, 700)) == QSize(900, 630)
    dialog = make_dialog()
    available = dialog.screen().availableGeometry().size()
    assert dialog.size() == dialog_size(dialog.fontMetrics(), available)


def test_at_double_text_the_breaks_page_wraps_rather_than_clips(qtbot, qapp):
    base = QFont(qapp.font())
    double = QFont(base)
    double.setPointSizeF(base.pointSizeF() * 2)
    qapp.setFont(double)
    try:
        dialog = SettingsDialog(london_settings(), clock=FakeClock(MONDAY_9AM))
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        page = dialog.pages["Breaks"]
        assert isinstance(page, QScrollArea)
        viewport = page.viewport().rect()
        row = dialog.window_rows[0]
        for widget in (row.name, row.enabled, *row.weekdays.boxes, row.start, row.end,
                       row.heads_up, row.remove):
            shown = widget.rect().translated(widget.mapTo(page.viewport(), QPoint(0, 0)))
            assert viewport.left() <= shown.left() and shown.right() <= viewport.right(), (
                widget.accessibleName())
        for labelled in (row.enabled, *row.weekdays.boxes, row.remove):  # words not cut short
            assert labelled.width() >= labelled.sizeHint().width(), labelled.accessibleName()
        assert page.horizontalScrollBar().maximum() == 0, "nothing lies beyond the right edge"
    finally:
        qapp.setFont(base)


def test_tab_from_the_page_list_goes_into_the_first_break(qtbot):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.nav.setFocus()
    qtbot.keyClick(dialog.nav, QtNs.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.window_rows[0].name
