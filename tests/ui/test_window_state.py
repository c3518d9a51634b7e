"""The window comes back where it was left, on the practice it showed, after a (lean) restart."""

from __future__ import annotations

import json
import logging

import pytest

from app.ui.window_state import restore_window_state, save_window_state


@pytest.fixture
def next_companion(qtbot, qapp, app_paths, resources_copy):
    """Another start of the app on the same files, as the lean copy or tomorrow's login is."""
    from app.ui.application import Companion

    def start():
        made = Companion(qapp, app_paths, resources_copy)
        qtbot.addWidget(made.window)
        return made

    return start


def close_after_use(companion, size=(713, 517), practice="care-space"):
    window = companion.window
    window.show()
    window.resize(*size)
    assert window.library.select_practice(practice)
    window.hide()  # closed to the tray, or closed as the app quits: the window hides


def test_the_next_start_opens_where_the_window_was_left(companion, next_companion, app_paths):
    close_after_use(companion)
    assert app_paths.window_state_file.exists()

    window = next_companion().window
    assert (window.width(), window.height()) == (713, 517)
    assert window.library.detail.practice.id == "care-space"
    row = window.library.list.currentRow()
    assert window.library.shown_practices()[row].id == "care-space"


def test_without_a_saved_place_the_window_opens_as_usual(companion, app_paths):
    assert not app_paths.window_state_file.exists()
    library = companion.window.library
    assert library.detail.practice.id == library.shown_practices()[0].id


def test_only_the_app_can_read_the_file(companion, app_paths):
    close_after_use(companion)
    assert app_paths.window_state_file.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("text, expected", [
    ("{not json", "is not readable"),
    ('{"format": 99, "geometry": "", "practice": "care-space"}', "\"format\": 1"),
    ('{"format": 1, "geometry": "@@@", "practice": "care-space"}', "is not readable"),
    ('{"format": 1, "geometry": "", "practice": 7}', "\"practice\" must be a practice id"),
    ('{"format": 1, "geometry": "aGVsbG8=", "practice": ""}', "\"geometry\" is not a saved"),
])
def test_a_broken_file_is_named_and_the_next_close_replaces_it(
        next_companion, app_paths, caplog, text, expected):
    app_paths.window_state_file.write_text(text)
    caplog.set_level(logging.INFO)
    companion = next_companion()
    problems = [r.getMessage() for r in caplog.records if r.name == "app.ui.window_state"]
    assert len(problems) == 1
    assert str(app_paths.window_state_file) in problems[0] and expected in problems[0]
    assert "\n" not in problems[0]
    close_after_use(companion)  # the app runs on, and the next save puts a good file back
    saved = json.loads(app_paths.window_state_file.read_text())
    assert saved["format"] == 1 and saved["practice"] == "care-space"


def test_a_practice_gone_from_the_library_leaves_the_first_on_show(
        companion, next_companion, app_paths, caplog):
    close_after_use(companion)
    saved = json.loads(app_paths.window_state_file.read_text())
    saved["practice"] = "retired-practice"
    app_paths.window_state_file.write_text(json.dumps(saved))
    caplog.set_level(logging.INFO)
    window = next_companion().window
    assert window.library.detail.practice.id == window.library.shown_practices()[0].id
    assert (window.width(), window.height()) == (713, 517)  # the rest still comes back
    assert "'retired-practice' is no longer in the library" in caplog.text


def test_a_save_that_cannot_be_written_is_logged_and_loses_nothing(companion, tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    caplog.set_level(logging.WARNING)
    assert not save_window_state(companion.window, blocked / "window.json")
    assert "could not save the window's place" in caplog.text
    assert blocked.read_text() == "not a folder"
    assert not restore_window_state(companion.window, blocked / "window.json")
