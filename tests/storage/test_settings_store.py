"""The settings file: atomic writes, and a broken file kept aside, never overwritten."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime

import pytest

from app.core.settings import SETTINGS_VERSION, Appearance, Settings, SettingsError
from app.storage.settings_store import SettingsStore

STAMP = datetime(2026, 11, 22, 9, 30, 0)


def test_missing_file_gives_defaults(tmp_path):
    loaded = SettingsStore(tmp_path / "settings.json").load(STAMP)
    assert loaded.settings == Settings() and loaded.problem == ""


def test_save_then_load(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings(appearance=Appearance.DARK, text_scale=1.5))
    assert store.load(STAMP).settings.text_scale == 1.5
    assert json.loads(store.path.read_text())["version"] == SETTINGS_VERSION
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"], "no temp file left behind"
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "Expecting property name"),
        ("[1, 2]", "expected a JSON object"),
        ('{"version": 2, "text_scale": "huge"}', "text_scale: expected a number"),
    ],
)
def test_broken_file_is_kept_and_defaults_used(tmp_path, content, fragment):
    path = tmp_path / "settings.json"
    path.write_text(content)
    loaded = SettingsStore(path).load(STAMP)
    assert loaded.settings == Settings()
    assert fragment in loaded.problem
    assert "\n" not in loaded.problem
    kept = tmp_path / "settings.json.broken-20261122-093000"
    assert kept.read_text() == content
    assert not path.exists()


def test_failed_save_leaves_previous_file_whole(tmp_path, monkeypatch):
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings(text_scale=1.1))
    before = store.path.read_bytes()

    def no_space(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError):
        store.save(Settings(text_scale=1.9))
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_read_gives_none_when_absent_and_raises_leaving_a_broken_file_alone(tmp_path):
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    assert store.read() is None
    store.save(Settings(text_scale=1.25))
    settings = store.read()
    assert settings is not None and settings.text_scale == 1.25
    path.write_text("[1, 2]")
    with pytest.raises(SettingsError, match="expected a JSON object at the top level"):
        store.read()
    path.write_text("{not json")
    with pytest.raises(json.JSONDecodeError):
        store.read()
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # nothing set aside
