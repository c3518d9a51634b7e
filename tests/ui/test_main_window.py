"""The window's menus: skipped-file notice, text size, light and dark, the PDF guide."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from app.core.settings import Appearance
from app.storage.settings_store import SettingsStore


@pytest.fixture
def broken_companion(qtbot, qapp, app_paths, resources_copy):
    from app.ui.application import Companion

    bad = resources_copy.practices_dir / "pause-space.toml"
    bad.write_text(bad.read_text().replace("seconds = 45", "seconds = -45"))
    made = Companion(qapp, app_paths, resources_copy)
    qtbot.addWidget(made.window)
    return made


def test_broken_practice_file_is_skipped_and_named(broken_companion):
    window = broken_companion.window
    ids = [p.id for p in window.library.shown_practices()]
    assert "pause-space" not in ids and len(ids) == 10
    assert not window.notice.isHidden()
    assert "pause-space.toml" in window.notice.label.text()
    assert window.notice.label.text().startswith("Notice:")
    assert window.skipped_action.isEnabled()


def test_text_size_grows_and_is_saved(companion, app_paths):
    before = QApplication.font().pointSizeF()
    companion.window.change_text_scale(0.2)
    assert QApplication.font().pointSizeF() == pytest.approx(before * 1.2, rel=0.01)
    saved = SettingsStore(app_paths.settings_file).load(datetime(2026, 11, 22))
    assert saved.settings.text_scale == pytest.approx(1.2)
    companion.window.change_text_scale(0.0)
    assert QApplication.font().pointSizeF() == pytest.approx(before, rel=0.01)


def test_dark_and_back_to_system(companion):
    window_colour = QPalette.ColorRole.Window
    light = QApplication.palette().color(window_colour).lightness()
    companion.window.appearance_actions[Appearance.DARK].trigger()
    assert QApplication.palette().color(window_colour).lightness() < 80
    text = QApplication.palette().color(QPalette.ColorRole.Text).lightness()
    assert text > 180, "text stays readable on the dark background"
    companion.window.appearance_actions[Appearance.SYSTEM].trigger()
    assert QApplication.palette().color(window_colour).lightness() == light
    assert companion.window.settings.appearance is Appearance.SYSTEM


def test_start_with_unknown_practice_says_so(companion):
    companion.show("no-such-practice")
    assert "no-such-practice" in companion.window.notice.label.text()


def test_start_opens_named_practice(companion):
    companion.window.library.search.setText("breath")
    companion.show("compassion-circle")
    assert companion.window.library.detail.practice.id == "compassion-circle"


def test_broken_settings_file_reported_in_status_bar(qtbot, qapp, app_paths, resources_copy):
    from app.ui.application import Companion

    app_paths.settings_file.write_text("{oops")
    made = Companion(qapp, app_paths, resources_copy)
    qtbot.addWidget(made.window)
    made.show(None)
    assert "settings.json" in made.window.statusBar().currentMessage()
    assert list(Path(app_paths.config_dir).glob("settings.json.broken-*"))
