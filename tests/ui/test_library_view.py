"""The library window, driven as a person would: clicks, typing, and the keyboard alone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QWidget

from app.core.practices import Who


def shown_ids(window):
    return [p.id for p in window.library.shown_practices()]


def test_time_chip_click_filters_the_list(companion, qtbot):
    window = companion.window
    everything = shown_ids(window)
    assert len(everything) == 11
    qtbot.mouseClick(window.library.time_chips.button(1), Qt.MouseButton.LeftButton)  # 5 min
    five = shown_ids(window)
    assert five and set(five) < set(everything)
    assert all(p.minutes <= 5 for p in window.library.shown_practices())
    assert window.library.count_label.text() == f"{len(five)} practices shown"
    assert window.library.time_chips.button(1).text().startswith("✓ "), "state shown in text"


def test_who_chip_and_search(companion, qtbot):
    library = companion.window.library
    qtbot.mouseClick(library.who_chips.button(4), Qt.MouseButton.LeftButton)  # A team
    assert "me-space" not in shown_ids(companion.window)
    qtbot.keyClicks(library.search, "circle")
    assert shown_ids(companion.window)[0] == "compassion-circle"
    qtbot.keyClicks(library.search, " zebra")
    assert shown_ids(companion.window) == []
    assert "No practice matches" in library.count_label.text()
    assert library.detail.practice is None


def test_detail_view_shows_the_whole_practice(companion):
    library = companion.window.library
    assert library.select_practice("pause-space")
    text = library.detail.browser.toPlainText()
    practice = library.detail.practice
    assert practice is not None and practice.id == "pause-space"
    for expected in ("10-minute Pause Space", "Purpose", "Roles", "Ground rules", "Steps",
                     practice.steps[2].title, "2 min per person", "Credit",
                     practice.credit.source[:30]):
        assert expected in text, expected
    assert library.detail.guide_button.isVisibleTo(companion.window)


def test_solo_practice_has_no_guide_button(companion):
    library = companion.window.library
    library.select_practice("me-space")
    assert not library.detail.guide_button.isVisibleTo(companion.window)
    assert not companion.window.save_guide_action.isEnabled()


def test_keyboard_only_choose_ten_minutes_and_read_a_practice(companion, qtbot):
    window = companion.window
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    window.focus_search()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.library.search)
    # Tab enters the time group at its checked chip; arrows move and choose, like radio buttons
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.library.time_chips.button(0)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert QApplication.focusWidget() is window.library.time_chips.button(2)
    assert window.library.time_chips.value() == 10
    assert all(p.minutes <= 10 for p in window.library.shown_practices())
    # Tab on to the who group, choose "Just me" with one arrow
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert window.library.who_chips.value() is Who.INDIVIDUAL
    window.library.list.setFocus()
    first = window.library.detail.practice
    qtbot.keyClick(window.library.list, Qt.Key.Key_Down)
    assert window.library.detail.practice is not first


def test_every_focusable_control_is_reachable_by_tab_and_named(companion, qtbot):
    window = companion.window
    window.library.select_practice("compassion-circle")
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    window.library.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.library.search)
    seen: list[QWidget] = [window.library.search]
    for _ in range(60):  # links inside the text take a Tab each, so walk until we wrap round
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        assert widget is not None, "Tab must never leave the window without focus"
        if widget is window.library.search:
            break
        if widget not in seen:
            seen.append(widget)
    chips = window.library.time_chips, window.library.who_chips
    # In a radio-style group Tab reaches the checked chip; the arrows reach the others.
    unchecked_chips = {g.button(i) for g in chips for i in range(g.count())
                       if not g.button(i).isChecked()}
    focusable = [
        w for w in window.findChildren(QWidget)
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not isinstance(w.parent(), QLineEdit) and w not in unchecked_chips
    ]
    assert len(focusable) >= 6
    missing = [w.objectName() or type(w).__name__ for w in focusable if w not in seen]
    assert missing == []
    unnamed = [
        type(w).__name__ for w in seen
        if not w.accessibleName() and not (isinstance(w, QAbstractButton) and w.text())
    ]
    assert unnamed == []


def test_rows_are_two_lines_tall_and_grow_with_the_text_size(companion, qtbot):
    from PySide6.QtGui import QFontMetrics

    listing = companion.window.library.list
    line = QFontMetrics(listing.font()).height()
    small = listing.sizeHintForRow(0)
    assert small >= 2 * line
    companion.window.change_text_scale(0.5)
    qtbot.waitUntil(lambda: listing.sizeHintForRow(0) > small)  # font change arrives as an event
    assert not listing.grab().isNull(), "the delegate paints without errors"
    assert listing.item(0).text().count("\n") == 1, "screen readers still get both lines"
