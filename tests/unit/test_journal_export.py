"""Exports: round trips through import, owner-only files, nothing overwritten."""

from __future__ import annotations

import json
import stat
import sys
import zipfile
from datetime import UTC, timedelta, timezone

import pytest

from app.core.journal import Entry, Mood, render_template, template_by_id
from app.core.journal_export import (
    ExportError,
    entries_to_json,
    export_json,
    export_markdown,
    select_entries,
)
from app.core.journal_import import ImportSettings, read_entries
from tests.journal_support import T0

SETTINGS = ImportSettings(zone=UTC)
POSIX = sys.platform != "win32"


def sample() -> list[Entry]:
    plus_one = timezone(timedelta(hours=1))
    return [
        Entry(id="a" * 32, title="Night shift: café & tea", body="Line one.\n\n- a\n- b #notatag",
              created_at=T0.astimezone(plus_one), updated_at=T0 + timedelta(hours=2),
              tags=("ward", "Nights"), mood=Mood.LOW),
        Entry(id="b" * 32, title="", body="# Heading in the body\n\nno title above",
              created_at=T0 + timedelta(days=1), updated_at=T0 + timedelta(days=1)),
        Entry(id="c" * 32, title="Same minute", body=render_template(template_by_id("nmc")),
              created_at=T0 + timedelta(days=1), updated_at=T0 + timedelta(days=1),
              tags=("cpd",), mood=Mood.VERY_GOOD, template_id="nmc"),
        Entry(id="d" * 32, title="Same minute", body="",
              created_at=T0 + timedelta(days=1), updated_at=T0 + timedelta(days=1)),
    ]


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_json_round_trip_keeps_every_field(tmp_path):
    out = export_json(sample(), tmp_path / "journal.json", T0)
    assert read_entries("json", out, SETTINGS) == sample()
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "compassion-companion-journal" and data["version"] == 1
    assert data["entries"][0]["mood"] == 2
    if POSIX:
        assert _mode(out) == 0o600


def test_markdown_folder_round_trip(tmp_path):
    folder = export_markdown(sample(), tmp_path / "md")
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["2025-03-03-1030-night-shift-cafe-tea.md", "2025-03-04-0930-entry.md",
                     "2025-03-04-0930-same-minute-2.md", "2025-03-04-0930-same-minute.md"]
    back = sorted(read_entries("markdown", folder, SETTINGS), key=lambda e: e.id)
    assert back == sample()
    if POSIX:
        assert all(_mode(p) == 0o600 for p in folder.iterdir())


def test_markdown_zip_round_trip_and_private_members(tmp_path):
    archive = export_markdown(sample(), tmp_path / "journal.zip")
    assert archive.is_file() and not (tmp_path / "journal.zip.partial").exists()
    with zipfile.ZipFile(archive) as z:
        assert all(n.startswith("journal/") for n in z.namelist())
        assert all((i.external_attr >> 16) & 0o777 == 0o600 for i in z.infolist())
    back = sorted(read_entries("markdown", archive, SETTINGS), key=lambda e: e.id)
    assert back == sample()
    if POSIX:
        assert _mode(archive) == 0o600


def test_nothing_existing_is_overwritten(tmp_path):
    taken = tmp_path / "taken.json"
    taken.write_text("keep me")
    with pytest.raises(ExportError, match="already exists"):
        export_json(sample(), taken, T0)
    assert taken.read_text() == "keep me"
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "mine.md").write_text("keep")
    with pytest.raises(ExportError, match="not an empty folder"):
        export_markdown(sample(), busy)
    assert [p.name for p in busy.iterdir()] == ["mine.md"]
    (tmp_path / "j.zip").write_text("zip?")
    with pytest.raises(ExportError):
        export_markdown(sample(), tmp_path / "j.zip")


def test_json_text_is_readable_and_stable():
    text = entries_to_json(sample()[:1], T0)
    assert "café" in text  # not \u escapes
    assert text.endswith("}\n")



def test_select_entries_reads_dates_in_the_local_zone_and_sorts_oldest_first():
    entries = list(reversed(sample()))
    a, b, c, d = ("a" * 32, "b" * 32, "c" * 32, "d" * 32)

    def ids(chosen: list[Entry]) -> list[str]:
        return [e.id for e in chosen]

    assert ids(select_entries(entries, UTC)) == [a, b, c, d]
    day = T0.date()  # entry a: 3 Mar 09:30 UTC; b, c, d a day later
    assert ids(select_entries(entries, UTC, since=day, until=day)) == [a]
    assert ids(select_entries(entries, UTC, since=day + timedelta(days=1))) == [b, c, d]
    west = timezone(timedelta(hours=-10))  # there, 09:30 UTC is 23:30 the day before
    assert ids(select_entries(entries, west, since=day, until=day)) == [b, c, d]
    assert ids(select_entries(entries, UTC, ids={c})) == [c]
    assert select_entries(entries, UTC, ids=()) == [], "an empty choice picks nothing"
