"""First use: passphrase twice, the no-passphrase warning, the recovery key shown once."""

from __future__ import annotations

import stat
import sys

import pytest
from PySide6.QtCore import Qt

from app.core import crypto
from app.storage.journal_repo import open_journal
from app.ui.journal_setup import passphrase_hint, recovery_key_text
from tests.journal_support import FAST_KDF
from tests.ui.journal_ui_support import (
    PASSPHRASE,
    all_app_texts,
    answer_next_dialog,
    create_journal,
    flush_deletes,
    make_view,
    unnamed_focusable,
)


def test_a_new_journal_starts_at_set_up(qtbot, tmp_path):
    view, _, _ = make_view(qtbot, tmp_path)
    assert view.state == "setup"
    assert not view.repo.has_keyring()
    assert unnamed_focusable(view.setup.choose) == []


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("", "", "Type a passphrase"),
        ("short", "short", "too short"),
        (PASSPHRASE, PASSPHRASE + "!", "different"),
    ],
)
def test_unusable_passphrases_get_one_line_and_change_nothing(qtbot, tmp_path, first, second,
                                                              expected):
    view, _, _ = make_view(qtbot, tmp_path)
    view.setup.choose.passphrase.setText(first)
    view.setup.choose.repeat.setText(second)
    qtbot.mouseClick(view.setup.choose.create_button, Qt.MouseButton.LeftButton)
    assert expected in view.setup.choose.message.text()
    assert "\n" not in view.setup.choose.message.text()
    assert view.state == "setup"
    assert not view.repo.has_keyring()


def test_strength_hint_uses_words(qtbot, tmp_path):
    view, _, _ = make_view(qtbot, tmp_path)
    qtbot.keyClicks(view.setup.choose.passphrase, "abc")
    assert "too short" in view.setup.choose.hint.text()
    view.setup.choose.passphrase.setText(PASSPHRASE)
    assert "strong" in view.setup.choose.hint.text()
    assert passphrase_hint("password").startswith("Strength: weak")
    assert "fair" in passphrase_hint("Password12345")


def test_typing_both_fields_and_enter_creates_the_journal(qtbot, tmp_path):
    view, _, _ = make_view(qtbot, tmp_path)
    qtbot.keyClicks(view.setup.choose.passphrase, PASSPHRASE)
    qtbot.keyClick(view.setup.choose.passphrase, Qt.Key.Key_Return)
    qtbot.keyClicks(view.setup.choose.repeat, PASSPHRASE)
    qtbot.keyClick(view.setup.choose.repeat, Qt.Key.Key_Return)
    assert view.repo.has_keyring()
    assert not view.repo.is_passphrase_free()
    assert view.setup.currentWidget() is view.setup.recovery


def test_recovery_key_is_shown_once_and_needs_confirmation(qtbot, tmp_path):
    view, _, _ = make_view(qtbot, tmp_path)
    key = create_journal(view)
    panel = view.setup.recovery
    assert len(key.split("-")) == 14
    assert not panel.continue_button.isEnabled()
    assert key in all_app_texts()
    assert PASSPHRASE not in all_app_texts(), "the typed passphrase is forgotten"
    panel.confirm.setChecked(True)
    panel.continue_button.click()
    assert view.state == "open"
    assert not any(key in text for text in all_app_texts()), "the key is never shown again"

    # The key really opens the journal.
    view.close_journal()
    clock = view._clock
    repo = open_journal(tmp_path / "data" / "journal.sqlite3", clock, backup_dir=None,
                        kdf_params=FAST_KDF)
    repo.unlock_with_recovery(key)
    assert repo.is_unlocked
    repo.connection.close()


def test_reopening_a_set_up_journal_shows_the_lock_not_the_key(qtbot, tmp_path):
    view, _, _ = make_view(qtbot, tmp_path)
    key = create_journal(view)
    view.close_journal()  # the app quits before the key was confirmed
    view.close()
    view.deleteLater()
    flush_deletes()
    again, _, _ = make_view(qtbot, tmp_path)
    assert again.state == "locked"
    assert not any(key in text for text in all_app_texts())


def test_save_the_recovery_key_to_a_private_file(qtbot, tmp_path):
    view, _, _ = make_view(qtbot, tmp_path)
    key = create_journal(view)
    target = tmp_path / "keep" / "key.txt"
    assert view.setup.recovery.save_to(target) == target
    assert target.read_text(encoding="utf-8") == recovery_key_text(key)
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Saved to" in view.setup.recovery.message.text()


def test_no_passphrase_needs_the_warning_to_be_accepted(qtbot, tmp_path):
    view, _, _ = make_view(qtbot, tmp_path)
    said = answer_next_dialog("Go back and choose one")
    assert not view.setup.ask_no_passphrase()
    assert "user account" in said[0]
    assert not view.repo.has_keyring()

    answer_next_dialog("Use no passphrase")
    assert view.setup.ask_no_passphrase()
    assert view.repo.has_keyring() and view.repo.is_passphrase_free()
    assert len(view.setup.recovery.key_label.text().split("-")) == 14
    view.setup.recovery.confirm.setChecked(True)
    view.setup.recovery.continue_button.click()
    assert view.state == "open"
    assert "no passphrase" in view.open_page.notice.text()
    assert not view.open_page.lock_button.isVisible()
    view.idle.lock_now()  # nothing to unlock with: stays open
    assert view.state == "open"


def test_no_passphrase_journal_opens_without_asking(qtbot, tmp_path):
    view, _, _ = make_view(qtbot, tmp_path)
    answer_next_dialog("Use no passphrase")
    view.setup.ask_no_passphrase()
    view.close_journal()
    again, _, _ = make_view(qtbot, tmp_path)
    assert again.state == "open"
    assert again.repo.is_unlocked


def test_default_kdf_is_the_real_one(qtbot, tmp_path):
    """The page's default is the app's Argon2id setting; tests pass FAST_KDF explicitly."""
    import inspect

    from app.ui.journal_view import JournalView

    default = inspect.signature(JournalView).parameters["kdf_params"].default
    assert default == crypto.DEFAULT_KDF
    assert default.memory_kib >= 65536 and default.time_cost >= 3
