"""The parsed-library cache: used only while the practice files are unchanged, never trusted."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import sys

import pytest

from app.core.practice_loader import load_library
from app.storage.library_cache import (
    library_key,
    load_library_cached,
    practice_from_json,
    practice_to_json,
    read_cache,
)


@pytest.fixture
def folder(tmp_path, repo):
    copy = tmp_path / "practices"
    shutil.copytree(repo / "practices", copy)
    return copy


def test_second_load_comes_from_the_cache_and_equals_a_fresh_parse(folder, tmp_path):
    cache = tmp_path / "cache" / "library.json"
    first = load_library_cached(folder, cache, "1.0")
    assert cache.is_file()
    assert read_cache(cache, library_key(folder, "1.0")) == first.practices
    assert load_library_cached(folder, cache, "1.0").practices == load_library(folder).practices


def test_an_edited_file_is_parsed_again(folder, tmp_path):
    cache = tmp_path / "library.json"
    load_library_cached(folder, cache, "1.0")
    path = folder / "me-space.toml"
    path.write_text(path.read_text().replace('title = "5-minute Me Space"',
                                             'title = "Five minutes for me"'))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    loaded = load_library_cached(folder, cache, "1.0")
    assert any(p.title == "Five minutes for me" for p in loaded.practices)


def test_a_new_app_version_ignores_the_old_cache(folder, tmp_path):
    cache = tmp_path / "library.json"
    load_library_cached(folder, cache, "1.0")
    assert read_cache(cache, library_key(folder, "1.1")) is None


def test_a_broken_file_is_reported_every_time_and_not_cached(folder, tmp_path):
    cache = tmp_path / "library.json"
    (folder / "zz-broken.toml").write_text("this is = = not toml")
    for _ in range(2):
        loaded = load_library_cached(folder, cache, "1.0")
        assert [os.path.basename(e.path) for e in loaded.skipped] == ["zz-broken.toml"]
    assert not cache.exists()


def test_damaged_cache_is_ignored(folder, tmp_path):
    cache = tmp_path / "library.json"
    load_library_cached(folder, cache, "1.0")
    cache.write_bytes(cache.read_bytes()[:100])
    assert read_cache(cache, library_key(folder, "1.0")) is None
    assert len(load_library_cached(folder, cache, "1.0").practices) == len(
        load_library(folder).practices)


def test_a_cache_of_the_wrong_shape_is_parsed_again(folder, tmp_path):
    cache = tmp_path / "library.json"
    load_library_cached(folder, cache, "1.0")
    stored = json.loads(cache.read_text())
    del stored["practices"][0]["steps"][0]["kind"]  # a field gone
    cache.write_text(json.dumps(stored))
    assert read_cache(cache, library_key(folder, "1.0")) is None
    stored["practices"][0]["steps"] = [{"title": "x", "seconds": 60, "kind": "dance",
                                        "prompt": "", "facilitator_notes": "",
                                        "speaker_seconds": None}]  # no such step kind
    cache.write_text(json.dumps(stored))
    assert read_cache(cache, library_key(folder, "1.0")) is None
    assert load_library_cached(folder, cache, "1.0").practices == load_library(folder).practices


def test_every_field_of_every_practice_survives_the_round_trip(folder):
    for practice in load_library(folder).practices:
        again = practice_from_json(json.loads(json.dumps(practice_to_json(practice))))
        assert again == practice
        # StrEnums equal their strings: equality alone would not notice a lost type.
        assert type(again.steps[0].kind) is type(practice.steps[0].kind)
        assert type(again.who[0]) is type(practice.who[0])
        assert type(again.source_path) is type(practice.source_path)


def test_cache_hit_needs_neither_the_toml_parser_nor_the_schema_checks(folder, tmp_path):
    cache = tmp_path / "library.json"
    load_library_cached(folder, cache, "1.0")
    import subprocess

    code = (
        "import sys, pathlib\n"
        "from app.storage.library_cache import load_library_cached\n"
        f"lib = load_library_cached(pathlib.Path({str(folder)!r}), "
        f"pathlib.Path({str(cache)!r}), '1.0')\n"
        "print(len(lib.practices), 'tomllib' in sys.modules, "
        "'app.core.practice_loader' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout.split()
    assert out == [str(len(load_library(folder).practices)), "False", "False"]


def test_unwritable_cache_folder_costs_nothing_but_time(folder, tmp_path, monkeypatch):
    def refuse(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pathlib.Path, "mkdir", refuse)
    loaded = load_library_cached(folder, tmp_path / "ro" / "library.json", "1.0")
    assert loaded.practices and not loaded.skipped
