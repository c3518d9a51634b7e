"""Full screen (F11) turns the player into a room display, and leaving it gives the window back.

Driven by keyboard in a QMainWindow with a menu bar and a status bar, as in the app, on a fake
clock. The offscreen platform's screen is 800 x 800; a child process describes a laptop and a
projector to show that the type follows the chosen screen's height.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from app.ui.player_view import PlayerView
from tests.fakes import FakeClock, FakeScheduler
from tests.ui.player_support import press_alt_n, unnamed_controls
from tests.ui.screen_config import run_on_screens

BIG = ("title_label", "prompt_label", "countdown_label", "turn_label", "next_label")


class Room:
    """A main window holding the player, like the app's, with one menu shortcut to try."""

    def __init__(self, qtbot, practice) -> None:
        self.window = QMainWindow()
        self.larger = QAction("&Larger text", self.window)
        self.larger.setShortcut(QKeySequence("Ctrl+="))
        self.pressed: list[str] = []
        self.larger.triggered.connect(lambda: self.pressed.append("larger"))
        self.window.menuBar().addMenu("&View").addAction(self.larger)
        self.window.statusBar().showMessage("11 practices in the library")
        clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        self.scheduler = FakeScheduler(clock)
        self.view = PlayerView(practice, clock, self.scheduler, self.window)
        self.window.setCentralWidget(self.view)
        self.window.resize(700, 500)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.window.activateWindow()
        qtbot.waitUntil(self.window.isActiveWindow)
        self.view.toggle_button.setFocus()
        self.qtbot = qtbot

    def key(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.view.focusWidget() or self.view, key, modifier)

    def full_screen(self) -> None:
        """F11, then wait for the screen's size: the window system sends it a moment later."""
        self.key(Qt.Key.Key_F11)
        assert self.window.isFullScreen()
        self.qtbot.waitUntil(
            lambda: self.view.run_page.size() == self.window.screen().size(), timeout=2000
        )

    def sizes(self) -> dict[str, float]:
        return {name: getattr(self.view, name).font().pointSizeF() for name in BIG}

    def bars_shown(self) -> tuple[bool, bool]:
        return (self.window.menuBar().isVisible(), self.window.statusBar().isVisible())

    def to_first_round(self) -> None:
        self.key(Qt.Key.Key_Space)
        for _ in range(2):  # Warm welcome, Settle, then the first speaking round
            self.key(Qt.Key.Key_Right)
        assert self.view.title_label.text() == "Round: what is going well"


@pytest.fixture
def room(qtbot, practices):
    made = Room(qtbot, practices["compassion-circle"])
    made.to_first_round()
    return made


def notes_shown(view):
    """Read afresh each time (a helper, so mypy does not narrow the property)."""
    return view.notes_panel.isVisible()


def test_f11_makes_a_room_display_and_f11_gives_the_window_back(room):
    view = room.view
    normal = room.sizes()
    assert room.bars_shown() == (True, True)
    assert notes_shown(view), "in the facilitator's own window the notes show"

    room.full_screen()
    assert room.window.isFullScreen() and view.is_room_display
    assert room.bars_shown() == (False, False)
    big = room.sizes()
    for name in BIG:
        assert big[name] > normal[name] * 1.4, name
    assert view.turn_label.text().startswith("Speaker 1 of ")
    assert view.next_label.isVisible() and view.next_label.text().startswith("Next: ")
    assert not notes_shown(view), "a shared screen hides the facilitator notes"
    assert view.notes_button.accessibleName() == "Show facilitator notes"

    room.key(Qt.Key.Key_F11)
    assert not room.window.isFullScreen() and not view.is_room_display
    assert room.bars_shown() == (True, True)
    assert room.sizes() == normal
    assert notes_shown(view), "the window keeps its own choice"


def test_notes_choice_on_the_shared_screen_is_kept_for_the_session(room):
    view = room.view
    room.full_screen()
    press_alt_n(room.qtbot, view)
    assert notes_shown(view)
    assert view.notes_button.isChecked()
    assert view.notes_button.accessibleName() == "Hide facilitator notes"
    room.key(Qt.Key.Key_F11)
    view.notes_button.click()  # hidden in the window this time
    assert not notes_shown(view)
    room.full_screen()
    assert notes_shown(view), "shown again on the shared screen, as left there"
    room.key(Qt.Key.Key_F11)
    assert not notes_shown(view), "hidden again in the window, as left there"


def test_menu_shortcuts_work_while_the_menu_bar_is_hidden(room):
    room.full_screen()
    assert not room.window.menuBar().isVisible()
    room.key(Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert room.pressed == ["larger"]
    room.key(Qt.Key.Key_F11)
    assert room.larger not in room.window.actions(), "lent to the window only while hidden"
    room.key(Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert room.pressed == ["larger", "larger"]


def test_room_type_follows_the_text_size_setting(room):
    room.full_screen()
    before = room.view.practice_label.font().pointSizeF()
    font = room.view.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    room.view.setFont(font)  # what the app's text size setting does, through the app font
    assert room.view.practice_label.font().pointSizeF() == pytest.approx(before * 1.5)
    # The big type may give way to fit this small test screen, never below the window's size.
    assert room.view.title_label.font().pointSizeF() >= font.pointSizeF() * 2.2


def _squeezed(view) -> list[str]:
    """Labels given less height than their text needs at their width."""
    return [
        label.objectName()
        for label in (view.title_label, view.prompt_label, view.turn_label, view.next_label)
        if label.isVisible() and label.height() < label.heightForWidth(label.width())
    ]


@pytest.mark.parametrize(("scale", "notes"), [(1.0, True), (1.5, False)])
def test_every_step_fits_the_screen_even_with_large_text(qtbot, practices, scale, notes):
    """The test screen is only 800 px high: long prompts must give way, never be cut."""
    for practice_id in ("compassion-circle", "compassion-to-others"):
        room = Room(qtbot, practices[practice_id])
        font = room.view.font()
        font.setPointSizeF(font.pointSizeF() * scale)
        room.view.setFont(font)
        room.full_screen()
        room.key(Qt.Key.Key_Space)
        room.view.notes_button.setChecked(notes)  # narrower, with the notes
        view, window = room.view, room.window
        for _ in practices[practice_id].steps:
            qtbot.waitUntil(lambda v=view: _squeezed(v) == [], timeout=2000)
            bottom = view.end_button.mapTo(window, view.end_button.rect().bottomLeft())
            assert bottom.y() < window.height(), "the controls stay on the screen"
            room.key(Qt.Key.Key_Right)
        room.window.close()


def test_room_display_keeps_every_control_named(room):
    room.full_screen()
    press_alt_n(room.qtbot, room.view)
    assert notes_shown(room.view)
    assert unnamed_controls(room.view) == []
    assert room.view.countdown_label.accessibleName() == "Time left in this step"
    assert room.view.turn_label.accessibleName() == "Speaking turn"
    assert room.view.next_label.accessibleName() == "What comes next"


def test_escape_in_full_screen_leaves_full_screen_and_the_practice_goes_on(room):
    room.full_screen()
    room.key(Qt.Key.Key_Escape)
    assert not room.window.isFullScreen() and not room.view.is_closing
    assert room.bars_shown() == (True, True)
    room.key(Qt.Key.Key_Escape)  # in the window, Escape ends as before
    assert room.view.is_closing


def test_ending_in_full_screen_gives_the_window_back(room):
    room.full_screen()
    room.view.end_button.click()  # End: the closing panel still fills the room's screen
    assert room.view.is_closing and room.window.isFullScreen()
    assert room.view.well_done_label.font().pointSizeF() > room.view.font().pointSizeF() * 3
    closed = []
    room.view.closed.connect(lambda: closed.append(room.window.isFullScreen()))
    room.view.save_button.click()
    assert closed == [False], "the library comes back in a normal window"
    assert room.bars_shown() == (True, True)


def test_leaving_full_screen_restores_a_maximised_window(qtbot, practices):
    room = Room(qtbot, practices["pause-space"])
    room.window.showMaximized()
    qtbot.waitUntil(room.window.isMaximized)
    room.full_screen()
    assert room.window.isFullScreen()
    room.key(Qt.Key.Key_F11)
    assert room.window.isMaximized() and not room.window.isFullScreen()


TWO_SCREENS = """
from datetime import UTC, datetime
from pathlib import Path
from PySide6.QtWidgets import QApplication, QMainWindow
from app.core.practice_loader import load_library
from app.ui.player_view import PlayerView
from tests.fakes import FakeClock, FakeScheduler
app = QApplication([])
circle = {p.id: p for p in load_library(Path("practices")).practices}["compassion-circle"]
for name in ("Laptop", "HDMI-1"):
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    window = QMainWindow()
    view = PlayerView(circle, clock, FakeScheduler(clock), window, full_screen_on=name)
    window.setCentralWidget(view)
    window.show()
    app.processEvents()
    view.toggle_full_screen()
    app.processEvents()
    print(name, window.screen().name(), view.practice_label.font().pointSizeF(), sep="|")
    window.close()
"""


def test_type_is_sized_from_the_chosen_screen(tmp_path):
    sizes = {}
    for line in run_on_screens(tmp_path, TWO_SCREENS):
        wanted, on, points = line.split("|")
        assert wanted == on
        sizes[on] = float(points)
    assert sizes["HDMI-1"] == pytest.approx(sizes["Laptop"] * 1080 / 800)
