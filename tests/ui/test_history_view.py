"""Finished sessions land in the practice history, which lists them in words, newest first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def run_and_save(window, practice_id: str, commitment: str) -> None:
    window.library.select_practice(practice_id)
    player = window.start_practice(window.library.detail.practice)
    player.toggle_running()
    player.end()
    player.commitment_edit.setPlainText(commitment)
    player.save_and_close()


def test_saved_session_is_listed_with_its_step(companion, qtbot):
    window = companion.window
    run_and_save(window, "me-space", "Take my full lunch break")
    assert "practice history" in window.statusBar().currentMessage()
    assert window.history_action.shortcut().toString() == "Ctrl+H"
    window.history_action.trigger()
    view = window.history_view
    assert view is not None and window.pages.currentWidget() is view
    row = view.table.topLevelItem(0)
    assert row is not None
    assert row.text(1) == "5-minute Me Space"
    assert row.text(3).startswith("Ended early (in step 1 of 3)")
    assert row.text(4) == "Take my full lunch break"
    assert "1 session in all" in view.summary_label.text()
    assert view.send_button.isEnabled()


def test_history_survives_a_restart(companion, qtbot, qapp, app_paths, resources_copy):
    from app.ui.application import Companion

    run_and_save(companion.window, "pause-space", "Ask Sam how the night went")
    companion.window.open_history().close()
    again = Companion(qapp, app_paths, resources_copy)
    qtbot.addWidget(again.window)
    view = again.window.show_history()
    assert view is not None
    assert [i.record.practice_id for i in view.items] == ["pause-space"]


def test_empty_history_says_what_will_appear(companion):
    view = companion.window.show_history()
    assert view is not None
    assert view.table.topLevelItemCount() == 0
    assert "No sessions yet" in view.summary_label.text()
    assert not view.send_button.isEnabled()


def test_broken_history_file_is_reported_kept_and_sessions_still_run(companion, app_paths):
    app_paths.history_db.parent.mkdir(parents=True, exist_ok=True)
    app_paths.history_db.write_bytes(b"garbage" * 500)
    window = companion.window
    run_and_save(window, "me-space", "Breathe")
    assert "history cannot be opened" in window.notice.label.text()
    assert "history.sqlite3" in window.notice.label.text()
    assert app_paths.history_db.read_bytes() == b"garbage" * 500
    assert not window.history_action.isEnabled()
    assert window.player is None


def test_history_controls_are_named_and_reachable(companion):
    view = companion.window.show_history()
    assert view is not None
    for widget in (view.table, view.send_button, view.back_button):
        assert isinstance(widget, QWidget)
        assert widget.accessibleName()
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    view.back_button.click()
    assert companion.window.pages.currentIndex() == 0


def test_send_to_journal_needs_an_open_journal_then_moves_the_step(companion, app_paths):
    from tests.ui.journal_ui_support import set_up

    window = companion.window
    run_and_save(window, "me-space", "Phone my sister tonight")
    view = window.show_history()
    assert view is not None
    item = view.current_item()
    assert item is not None
    journal = window.show_journal()
    assert journal is not None and journal.state == "setup"
    assert not window.send_to_journal(item)
    assert "Open your journal first" in window.statusBar().currentMessage()

    set_up(journal)
    assert window.send_to_journal(item)
    editor = journal.editor
    assert editor is not None
    assert editor.title.text() == "After 5-minute Me Space"
    assert "Phone my sister tonight" in editor.body.toPlainText()
    history = window.show_history()
    assert history is not None
    (moved,) = history.items
    assert moved.in_journal and moved.record.commitment is None
    assert history.table.topLevelItem(0).text(4) == "(kept in your journal)"
    assert not history.send_button.isEnabled()
    journal.close_journal()
    for file in app_paths.data_dir.rglob("*"):
        if file.is_file():
            assert b"Phone my sister tonight" not in file.read_bytes(), file.name
