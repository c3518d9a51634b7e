"""The editor: templates, preview, tags and mood, autosave on a fake clock, save failures."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.core.journal import NEW_DRAFT, TEMPLATES, Mood
from app.ui.journal_editor import AUTOSAVE_SECONDS, parse_tags
from tests.ui.journal_ui_support import make_view, set_up, tab_chain, unnamed_focusable


@pytest.fixture
def opened(qtbot, tmp_path):
    view, clock, scheduler = make_view(qtbot, tmp_path)
    set_up(view)
    return view, clock, scheduler


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_each_template_inserts_its_sections_and_is_saved_with_the_entry(opened, template):
    view, _, _ = opened
    editor = view.editor
    index = editor.template.findData(template.id)
    assert index > 0, "every template is offered in the chooser"
    editor.template.setCurrentIndex(index)
    assert editor.insert_button.isEnabled()
    editor.insert_button.click()
    body = editor.body.toPlainText()
    for section in template.sections:
        assert f"## {section.heading}" in body
    if template.note:
        assert template.note in body
    preview = editor.preview.toPlainText()
    assert template.sections[0].heading in preview and "##" not in preview
    assert editor.title.text() == template.name
    assert editor.save()
    stored = view.repo.get_entry(editor.entry.id)
    assert stored.template_id == template.id
    assert stored.body == body
    assert view.browser.results()[0].id == stored.id


def test_a_template_goes_in_at_the_cursor_of_existing_text(opened):
    view, _, _ = opened
    editor = view.editor
    editor.body.setPlainText("My own opening line.")
    editor.body.moveCursor(editor.body.textCursor().MoveOperation.End)
    editor.insert_template(TEMPLATES[1])
    body = editor.body.toPlainText()
    assert body.startswith("My own opening line.\n\n")
    assert "## What?" in body


def test_fields_make_the_entry(opened, qtbot):
    view, clock, _ = opened
    editor = view.editor
    qtbot.keyClicks(editor.title, "Night shift")
    qtbot.keyClicks(editor.tags, "#Handover, team team")
    editor.mood.setCurrentIndex(editor.mood.findData(int(Mood.LOW)))
    qtbot.keyClicks(editor.body, "Tired but *proud*.")
    clock.tick(60)
    assert editor.save()
    entry = view.repo.get_entry(editor.entry.id)
    assert (entry.title, entry.tags, entry.mood) == ("Night shift", ("Handover", "team"), Mood.LOW)
    assert entry.body == "Tired but *proud*."
    assert "Created" in editor.times.text() and "edited" in editor.times.text()
    assert editor.preview.toPlainText().strip() == "Tired but proud."
    assert parse_tags("a, #b  c,,a") == ("a", "b", "c")


def test_preview_can_be_hidden_and_shown(opened):
    editor = opened[0].editor
    editor.preview_button.click()
    assert not editor.preview.isVisibleTo(editor)
    assert editor.preview_button.text().replace("&", "") == "Show preview"
    editor.body.setPlainText("## Heading")
    editor.preview_button.click()
    assert editor.preview.isVisibleTo(editor)
    assert editor.preview.toPlainText().strip() == "Heading"


def test_autosave_writes_an_encrypted_draft_a_second_after_typing(opened, qtbot):
    view, _, scheduler = opened
    editor = view.editor
    qtbot.keyClicks(editor.body, "First words")
    assert editor.autosave_pending
    assert view.repo.load_draft(NEW_DRAFT) is None
    scheduler.advance(AUTOSAVE_SECONDS - 0.01)
    assert view.repo.load_draft(NEW_DRAFT) is None
    scheduler.advance(0.01)
    draft = view.repo.load_draft(NEW_DRAFT)
    assert draft is not None and draft.entry.body == "First words"
    assert not editor.autosave_pending
    assert "Draft kept" in editor.status.text()
    raw = (view.repo.connection.execute("SELECT ciphertext FROM drafts").fetchone()[0])
    assert b"First words" not in bytes(raw)


def test_steady_typing_still_saves_every_second(opened, qtbot):
    """A debounce restarted by every key would never save while someone keeps typing."""
    view, _, scheduler = opened
    editor = view.editor
    for i in range(30):  # 3 s of typing, a key every 100 ms
        qtbot.keyClicks(editor.body, "x")
        scheduler.advance(0.1)
        draft = view.repo.load_draft(NEW_DRAFT)
        saved = 0 if draft is None else len(draft.entry.body)
        assert (i + 1) - saved <= 11, "never more than about a second behind"


def test_saving_clears_the_draft_and_later_edits_draft_under_the_entry(opened, qtbot):
    view, _, scheduler = opened
    editor = view.editor
    qtbot.keyClicks(editor.body, "Kept")
    scheduler.advance(1)
    qtbot.keyClick(editor.body, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not editor.is_new
    assert view.repo.list_drafts() == []
    qtbot.keyClicks(editor.body, " and more")
    scheduler.advance(1)
    draft = view.repo.load_draft(editor.entry.id)
    assert draft is not None and draft.entry.body == "Kept and more"
    assert view.repo.get_entry(editor.entry.id).body == "Kept"


def test_disk_full_keeps_the_text_and_says_so_in_one_line(opened, qtbot):
    view, _, scheduler = opened
    editor = view.editor
    conn = view.repo.connection
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the file cannot grow: SQLITE_FULL
    text = "A long reflection. " * 4000
    editor.body.setPlainText(text)
    assert not editor.save()
    status = editor.status.text()
    assert status.startswith("Not saved:") and "\n" not in status
    assert "still here" in status
    assert editor.body.toPlainText() == text
    assert editor.has_unsaved_changes and editor.is_new
    scheduler.advance(1)  # the autosave fails too, and says so
    assert editor.status.text().startswith("Draft not kept:")
    conn.execute(f"PRAGMA max_page_count = {pages * 1000}")
    assert editor.save()
    assert view.repo.get_entry(editor.entry.id).body == text


def test_switching_entries_saves_unsaved_writing(opened, qtbot):
    view, _, _ = opened
    editor = view.editor
    qtbot.keyClicks(editor.body, "First entry")
    assert view.new_entry()
    assert [e.body for e in view.browser.shown_entries()] == ["First entry"]
    assert editor.is_new and editor.body.toPlainText() == ""


def test_editor_controls_are_named_and_in_the_tab_order(opened):
    view, _, _ = opened
    editor = view.editor
    assert unnamed_focusable(view.open_page) == []
    chain = tab_chain(editor.title)
    for widget in (editor.template, editor.insert_button, editor.tags, editor.mood, editor.body,
                   editor.preview_button, editor.save_button):
        if widget.isEnabled():
            assert widget in chain, widget.accessibleName()
    assert view.open_page.back_button in chain and view.open_page.lock_button in chain


def test_loading_an_entry_shows_its_preview_and_a_new_one_clears_it(opened, qtbot):
    view, _, _ = opened
    editor = view.editor
    qtbot.keyClicks(editor.body, "A *calm* shift.")
    assert editor.save()
    saved = editor.entry
    editor.start_new()
    assert editor.preview.toPlainText().strip() == ""
    editor.load(saved, is_new=False)
    assert editor.preview.toPlainText().strip() == "A calm shift."


def test_work_to_keep_means_unsaved_and_not_an_empty_new_entry(opened, qtbot):
    view, _, _ = opened
    editor = view.editor
    assert not editor.has_work_to_keep()
    qtbot.keyClicks(editor.title, " ")
    assert editor.has_unsaved_changes and not editor.has_work_to_keep(), "blank new entry"
    qtbot.keyClicks(editor.body, "Words")
    assert editor.has_work_to_keep()
    assert editor.save()
    assert not editor.has_work_to_keep()
