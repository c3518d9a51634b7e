"""Export from the open journal in every format, and restore a damaged journal from a backup."""

from __future__ import annotations

import json
import os
import stat
import zipfile

import pytest
from pypdf import PdfReader

from tests.ui.journal_ui_support import (
    PASSPHRASE,
    add_entry,
    make_view,
    set_up,
    unnamed_focusable,
)

TITLE = "Quiet handover on ward nine"


@pytest.mark.parametrize("fmt", ["md", "zip", "json", "pdf"])
def test_export_each_format_writes_the_entry(qtbot, tmp_path, fmt):
    view, clock, _ = make_view(qtbot, tmp_path)
    set_up(view)
    add_entry(view, clock, TITLE, "Breathed before speaking.")
    out = tmp_path / f"out.{fmt}"
    assert view.export_to(out, fmt, "all"), view.open_page.notice.text()
    assert out.exists()
    if os.name == "posix":  # owner-only, as the command line makes it
        assert stat.S_IMODE(out.stat().st_mode) == (0o700 if fmt == "md" else 0o600)
    if fmt == "md":
        text = "".join(p.read_text("utf-8") for p in out.iterdir())
    elif fmt == "zip":
        with zipfile.ZipFile(out) as archive:
            text = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    elif fmt == "json":
        text = json.dumps(json.loads(out.read_text("utf-8")))
    else:
        text = " ".join("".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert TITLE in text
    notice = view.open_page.notice.text()
    assert "Exported 1 entry" in notice and "NOT encrypted" in notice


def test_export_this_entry_and_refuses_to_overwrite(qtbot, tmp_path):
    view, clock, _ = make_view(qtbot, tmp_path)
    set_up(view)
    add_entry(view, clock, "Other day", "Not this one.")
    entry = add_entry(view, clock, TITLE, "This one.")
    assert view.open_entry(entry.id)
    out = tmp_path / "one.json"
    assert view.export_to(out, "json", "entry")
    titles = [e["title"] for e in json.loads(out.read_text("utf-8"))["entries"]]
    assert titles == [TITLE]
    assert not view.export_to(out, "json", "all")
    assert view.open_page.notice.text().startswith("Notice: the export failed")
    assert view.state == "open"


def test_new_controls_are_named_and_keyboard_reachable(qtbot, tmp_path):
    view, _, _ = make_view(qtbot, tmp_path)
    set_up(view)
    page = view.open_page
    for button in (page.export_button, page.restore_button):
        assert button.accessibleName() and button.isEnabled() and button.isVisible()
        assert "&" in button.text()
    assert unnamed_focusable(view) == []


def test_restore_newest_backup_after_damage_keeps_broken_file(qtbot, tmp_path):
    view, clock, _ = make_view(qtbot, tmp_path)
    set_up(view)
    add_entry(view, clock, TITLE, "Kept safe in the backup.")
    from app.storage import backups

    backups.backup_now(view.repo.connection, tmp_path / "backups", clock)
    view.close_journal()
    db = tmp_path / "data" / "journal.sqlite3"
    with db.open("r+b") as handle:
        handle.write(b"\0" * 100)
    damaged = db.read_bytes()

    view2, _, _ = make_view(qtbot, tmp_path, clock=clock)
    assert view2.state == "problem"
    assert view2.restore_newest_button.isVisible() and view2.restore_newest_button.accessibleName()
    assert view2.restore_newest_button.click() is None
    assert view2.state == "locked"
    kept = [p for p in db.parent.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    view2.lock_page.passphrase.setText(PASSPHRASE)
    assert view2.lock_page.attempt()
    assert view2.state == "open"
    assert [e.title for e in view2.repo.list_entries()] == [TITLE]


def test_restore_with_no_backup_says_so(qtbot, tmp_path):
    db = tmp_path / "data" / "journal.sqlite3"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"not a database at all" * 50)
    view, _, _ = make_view(qtbot, tmp_path)
    assert view.state == "problem"
    assert not view.restore_newest()
    assert "No backup that checks out" in view.problem.text()
    assert db.exists()


def test_export_action_enabled_only_while_open(companion, qtbot):
    window = companion.window
    assert not window.export_journal_action.isEnabled()
    view = window.show_journal()
    assert not window.export_journal_action.isEnabled()
    set_up(view)
    assert window.export_journal_action.isEnabled()
    assert window.restore_journal_action.isEnabled()
    window.lock_journal()
    assert not window.export_journal_action.isEnabled()
    assert window.restore_journal_action.isEnabled()
