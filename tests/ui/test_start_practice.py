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
