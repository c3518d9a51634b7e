"""The journal in the real window: Ctrl+J opens it, Back returns, Lock locks, settings apply."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from tests.ui.journal_ui_support import PASSPHRASE, create_journal, make_view


def test_ctrl_j_opens_the_journal_page_and_back_returns(companion, qtbot, app_paths):
    window = companion.window
    window.show()
    qtbot.waitExposed(window)
    assert not app_paths.journal_db.exists(), "the journal file is not touched at start-up"
    assert window.journal_action.shortcut().toString() == "Ctrl+J"
    assert window.journal_action.text().replace("&", "") == "Write in my journal"
    window.journal_action.trigger()
    journal = window.journal_view
    assert journal is not None
    assert window.pages.currentWidget() is journal
    assert journal.state == "setup"
    assert journal.repo is not None
    assert app_paths.journal_db.exists()
    assert window.focusWidget() is journal.setup.choose.passphrase
    qtbot.mouseClick(journal.setup.choose.back_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == 0
    window.show_journal()
    assert window.journal_view is journal, "one journal page, reused"


def test_back_button_and_lock_action(companion, qtbot, tmp_path):
    # Set up with the test KDF: the keyring stores its own parameters, so the window's
    # journal (which would use the real Argon2 cost for a new journal) unlocks it quickly.
    view, _, _ = make_view(qtbot, tmp_path, show=False)
    create_journal(view)
    view.close_journal()
    window = companion.window
    window._journal_path = tmp_path / "data" / "journal.sqlite3"
    journal = window.show_journal()
    assert journal.state == "locked"
    journal.lock_page.passphrase.setText(PASSPHRASE)
    assert journal.lock_page.attempt()
    assert journal.state == "open"
    window.lock_journal()
    assert journal.state == "locked"
    qtbot.mouseClick(journal.lock_page.back_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == 0
    window.show_journal()
    assert journal.state == "locked" and window.pages.currentWidget() is journal
    journal.lock_page.passphrase.setText(PASSPHRASE)
    journal.lock_page.attempt()
    qtbot.mouseClick(journal.open_page.back_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == 0
    window._apply(replace(window.settings, journal_lock_minutes=12))
    assert journal.idle.timeout_seconds == 12 * 60


def test_machine_going_to_sleep_locks_the_journal(companion, qtbot):
    from tests.ui.journal_ui_support import set_up

    view = companion.window.show_journal()
    assert view is not None
    set_up(view)
    assert view.state == "open"
    companion.ensure_desktop().watcher.about_to_sleep.emit()
    assert view.state == "locked"
