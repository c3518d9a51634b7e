"""From the library to the player and back, as a person does it: Start, End, Save."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_start_end_early_save_and_return(companion, qtbot):
    window = companion.window
    window.library.select_practice("me-space")
    with qtbot.waitSignal(window.session_finished) as finished:
        qtbot.mouseClick(window.library.detail.start_button, Qt.MouseButton.LeftButton)
        player = window.player
        assert player is not None and window.pages.currentWidget() is player
        assert player.title_label.text() == "Arrive"
        qtbot.mouseClick(player.toggle_button, Qt.MouseButton.LeftButton)  # start
        player.end()  # end early, then the closing panel asks for one practical step
        assert player.is_closing
        player.commitment_edit.setPlainText("Drink some water before handover.")
        player.save_and_close()
    record = finished.args[0]
    assert record.practice_id == "me-space"
    assert record.completed is False
    assert record.commitment == "Drink some water before handover."
    assert window.player is None and window.pages.currentIndex() == 0
    assert "ended early" in window.statusBar().currentMessage()


def test_starting_another_practice_replaces_the_first(companion):
    window = companion.window
    first = window.start_practice(companion.library.practices[0])
    second = window.start_practice(companion.library.practices[1])
    assert window.player is second and first is not second
    assert window.pages.count() == 2


def test_start_command_opens_the_player_ready_on_that_practice(companion):
    companion.show("pause-space")
    player = companion.window.player
    assert player is not None
    assert companion.window.pages.currentWidget() is player
    assert player.toggle_button.text() == "Start"  # ready, not yet talking
    assert companion.window.library.detail.practice.id == "pause-space"


def test_start_command_with_an_unknown_practice_says_so_and_shows_the_library(companion):
    companion.show("no-such-practice")
    assert companion.window.player is None
    assert "no practice called 'no-such-practice'" in companion.window.notice.label.text()
