"""Finding entries: search, tag/template/date filters, and calendar marks in bold."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont

from app.core.journal import template_by_id
from tests.ui.journal_ui_support import add_entry, make_view, set_up, unnamed_focusable


@pytest.fixture
def journal(qtbot, tmp_path):
    view, clock, _scheduler = make_view(qtbot, tmp_path)
    set_up(view)
    made = {}
    made["handover"] = add_entry(view, clock, "Difficult handover", "Short of two nurses.",
                                 tags=("handover", "team"), template=template_by_id("rolfe"))
    clock.tick(timedelta(days=2).total_seconds())
    made["huddle"] = add_entry(view, clock, "Team huddle", "We tried the Pause Space.",
                               tags=("Team",), template=template_by_id("after-practice"))
    clock.tick(timedelta(days=9).total_seconds())
    made["review"] = add_entry(view, clock, "Fortnight review", "I listened to the new starter.",
                               tags=("leadership",), template=template_by_id("leadership"))
    return view, clock, made


def titles(view):
    return [e.title for e in view.browser.shown_entries()]


def list_titles(view):
    lst = view.browser.list
    return [lst.item(i).text().split("\n")[0] for i in range(lst.count())]


def test_all_entries_newest_first(journal):
    view, _, _ = journal
    assert list_titles(view) == ["Fortnight review", "Team huddle", "Difficult handover"]
    assert view.browser.count.text() == "3 entries"


def test_search_words_in_titles_bodies_and_tags(journal, qtbot):
    view, _, _ = journal
    qtbot.keyClicks(view.browser.search, "pause")
    assert list_titles(view) == ["Team huddle"]
    assert view.browser.count.text() == "1 of 3 entries"
    view.browser.search.setText("TEAM")
    assert titles(view) == ["Team huddle", "Difficult handover"]
    view.browser.search.setText("nurs two")
    assert titles(view) == ["Difficult handover"]
    view.browser.search.setText("nothing like this")
    assert titles(view) == []
    assert view.browser.count.text() == "0 of 3 entries"


def test_filter_by_tag_lists_tags_with_counts(journal):
    view, _, _ = journal
    combo = view.browser.tag
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["Any tag", "#handover (1)", "#leadership (1)", "#team (2)"]
    combo.setCurrentIndex(combo.findData("team"))
    assert titles(view) == ["Team huddle", "Difficult handover"]
    view.browser.search.setText("pause")
    assert titles(view) == ["Team huddle"]


def test_filter_by_template(journal):
    view, _, _ = journal
    combo = view.browser.template
    combo.setCurrentIndex(combo.findData("leadership"))
    assert titles(view) == ["Fortnight review"]
    combo.setCurrentIndex(combo.findData("gibbs"))
    assert titles(view) == []


def test_filter_by_date_range(journal):
    view, _clock, made = journal
    browser = view.browser
    first = made["handover"].created_at.date()
    browser.since.setDate(QDate(first.year, first.month, first.day))
    second = made["huddle"].created_at.date()
    browser.until.setDate(QDate(second.year, second.month, second.day))
    assert browser.use_dates.isChecked(), "editing a date turns the range on"
    assert titles(view) == ["Team huddle", "Difficult handover"]
    browser.use_dates.setChecked(False)
    assert len(titles(view)) == 3


def test_calendar_marks_days_with_entries_in_bold_and_underline(journal):
    view, _, made = journal
    browser = view.browser
    days = {e.created_at.date() for e in made.values()}
    assert browser.marked_days() == days
    for day in days:
        fmt = browser.calendar.dateTextFormat(QDate(day.year, day.month, day.day))
        assert fmt.fontWeight() == QFont.Weight.Bold
        assert fmt.fontUnderline(), "marked by more than weight or colour"
    empty = min(days) - timedelta(days=1)
    fmt = browser.calendar.dateTextFormat(QDate(empty.year, empty.month, empty.day))
    assert fmt.fontWeight() != QFont.Weight.Bold
    assert "bold" in browser.calendar_hint.text().lower()


def test_choosing_a_calendar_day_lists_that_day(journal, qtbot):
    view, _, made = journal
    day: date = made["huddle"].created_at.date()
    browser = view.browser
    browser.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
    browser.calendar.setFocus()
    view.window().activateWindow()
    browser.calendar.activated.emit(browser.calendar.selectedDate())
    assert titles(view) == ["Team huddle"]


def test_a_saved_entry_appears_and_is_marked(journal, qtbot):
    view, clock, _ = journal
    clock.tick(timedelta(days=1).total_seconds())
    qtbot.keyClicks(view.editor.body, "A new thought about supervision")
    assert view.editor.save()
    assert titles(view)[0] == ""
    assert clock.now().date() in view.browser.marked_days()
    view.browser.search.setText("supervision")
    assert len(titles(view)) == 1


def test_opening_an_entry_from_the_list_by_keyboard(journal, qtbot):
    view, _, made = journal
    lst = view.browser.list
    lst.setFocus()
    lst.setCurrentRow(1)
    qtbot.keyClick(lst, Qt.Key.Key_Return)
    assert view.editor.entry.id == made["huddle"].id
    assert view.editor.title.text() == "Team huddle"
    assert not view.editor.is_new


def test_browser_controls_are_named(journal):
    view, _, _ = journal
    assert unnamed_focusable(view.browser) == []
