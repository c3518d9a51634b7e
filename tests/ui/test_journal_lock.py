"""Locking and unlocking: clear messages, growing waits, nothing of the journal on screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.core import crypto
from tests.ui.journal_ui_support import (
    PASSPHRASE,
    add_entry,
    all_app_texts,
    create_journal,
    flush_deletes,
    make_view,
    set_up,
    tab_chain,
    unnamed_focusable,
)

SECRET_TITLE = "Blue heron by the canal"
SECRET_BODY = "The quiet sister on bay four asked about the hospice."
SECRET_TAG = "wagtail"


@pytest.fixture
def opened(qtbot, tmp_path):
    view, clock, scheduler = make_view(qtbot, tmp_path)
    set_up(view)
    add_entry(view, clock, SECRET_TITLE, SECRET_BODY, tags=(SECRET_TAG,))
    return view, clock, scheduler


def leaked(texts):
    words = (SECRET_TITLE, "hospice", SECRET_TAG)
    return [t for t in texts if any(w.casefold() in t.casefold() for w in words)]


def test_the_open_journal_shows_the_entry(opened):
    view, _, _ = opened
    view.open_entry(view.browser.shown_entries()[0].id)
    assert leaked(all_app_texts()), "the content check must be able to see content"


def test_locked_view_shows_nothing_of_the_content(opened, qtbot):
    view, _, _ = opened
    view.open_entry(view.browser.shown_entries()[0].id)
    view.editor.body.appendPlainText("\nAn unsaved line about the hospice.")
    qtbot.mouseClick(view.open_page.lock_button, Qt.MouseButton.LeftButton)
    assert view.state == "locked"
    assert not view.repo.is_unlocked
    assert view.editor is None and view.index is None
    flush_deletes()
    assert leaked(all_app_texts()) == []


def test_unlock_brings_back_entries_and_the_unsaved_draft(opened):
    view, _, _ = opened
    view.open_entry(view.browser.shown_entries()[0].id)
    view.editor.body.appendPlainText("Written just before the lock.")
    view.lock()
    view.lock_page.passphrase.setText(PASSPHRASE)
    assert view.lock_page.attempt()
    assert view.state == "open"
    assert [e.title for e in view.browser.shown_entries()] == [SECRET_TITLE]
    assert "Written just before the lock." in view.editor.body.toPlainText()
    assert view.editor.has_unsaved_changes
    assert "Restored unsaved writing" in view.open_page.notice.text() + view.editor.status.text()
    assert view.lock_page.passphrase.text() == ""


def test_wrong_passphrase_says_so_and_changes_nothing(opened, qtbot):
    view, _, _ = opened
    view.lock()
    qtbot.keyClicks(view.lock_page.passphrase, "not my passphrase")
    qtbot.keyClick(view.lock_page.passphrase, Qt.Key.Key_Return)
    assert view.state == "locked"
    assert "not the right one" in view.lock_page.message.text()
    assert leaked(all_app_texts()) == []
    view.lock_page.passphrase.setText(PASSPHRASE)
    assert view.lock_page.attempt()


def test_repeated_failures_wait_longer_each_time(opened):
    view, _clock, scheduler = opened
    view.lock()
    page = view.lock_page
    for _ in range(crypto.FREE_ATTEMPTS):
        page.passphrase.setText("wrong")
        assert not page.attempt()
        assert page.unlock_button.isEnabled()
    page.passphrase.setText("wrong")
    page.attempt()
    assert "wait 2 seconds" in page.message.text()
    assert not page.unlock_button.isEnabled()
    # Even the right passphrase waits its turn.
    page.passphrase.setText(PASSPHRASE)
    assert not page.attempt()
    assert view.state == "locked"
    scheduler.advance(2.0)
    assert page.unlock_button.isEnabled()
    page.passphrase.setText("wrong again")
    page.attempt()
    assert "wait 4 seconds" in page.message.text()
    scheduler.advance(4.0)
    page.passphrase.setText(PASSPHRASE)
    assert page.attempt()
    assert view.state == "open"


def test_recovery_key_resets_the_passphrase(qtbot, tmp_path):
    view, clock, _ = make_view(qtbot, tmp_path)
    key = create_journal(view)
    view.setup.recovery.confirm.setChecked(True)
    view.setup.recovery.continue_button.click()
    add_entry(view, clock, SECRET_TITLE, SECRET_BODY)
    view.lock()
    page = view.lock_page
    qtbot.mouseClick(page.mode_button, Qt.MouseButton.LeftButton)
    assert page.recovery_mode and page.recovery_key.isVisibleTo(page)
    assert not page.passphrase.isVisibleTo(page)
    assert unnamed_focusable(page) == []

    # One character mistyped (always a different one: the key is random), in spaces and
    # lower case: the checksum says it is a typo before anything is decrypted.
    typo = ("B" if key[0] == "A" else "A") + key[1:]
    page.recovery_key.setText(typo.replace("-", " ").lower())
    page.new_passphrase.setText("a brand new passphrase")
    page.new_repeat.setText("a brand new passphrase")
    assert not page.attempt()
    assert "recovery key" in page.message.text().lower()

    page.recovery_key.setText(key.lower())
    page.new_passphrase.setText("a brand new passphrase")
    page.new_repeat.setText("a brand new passphrase")
    assert page.attempt()
    assert view.state == "open"
    assert [e.title for e in view.browser.shown_entries()] == [SECRET_TITLE]
    view.lock()
    view.lock_page.passphrase.setText("a brand new passphrase")
    assert view.lock_page.attempt()


def test_lock_page_is_keyboard_reachable_and_named(opened):
    view, _, _ = opened
    view.lock()
    page = view.lock_page
    assert unnamed_focusable(page) == []
    chain = tab_chain(page.passphrase)
    for widget in (page.unlock_button, page.mode_button):
        assert widget in chain
    assert page.passphrase.hasFocus() or view.focusWidget() is page.passphrase
