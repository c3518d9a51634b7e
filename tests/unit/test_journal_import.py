"""Importing jrnl, Day One, Markdown and our own JSON: real-shaped files, clear errors."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.core.journal import Mood
from app.core.journal_import import (
    ImportSettings,
    JournalImportError,
    parse_markdown,
    read_entries,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "journal"
LONDON = ZoneInfo("Europe/London")
SETTINGS = ImportSettings(zone=LONDON)


def test_jrnl_export_titles_bodies_local_times_tags_and_star():
    entries = read_entries("jrnl-json", FIXTURES / "jrnl-export.json", SETTINGS)
    assert [e.title for e in entries] == [
        "Night shift handover.", "Huddle with the @team?", "Nothing much happened."
    ]
    first = entries[0]
    assert first.body.startswith("We took two minutes of quiet before handover.")
    assert first.body.endswith("I want to keep doing this.")
    # jrnl writes local wall time without a zone: read in the person's zone.
    assert first.created_at == datetime(2024, 11, 2, 7, 45, tzinfo=LONDON)
    assert first.created_at.utcoffset() == timedelta(0)
    assert first.tags == ("ward", "nights", "starred")
    assert entries[1].tags == ("team", "ward")
    assert entries[2].body == "" and entries[2].tags == ()
    assert len({e.id for e in entries}) == 3


def test_dayone_export_title_from_first_line_zones_star_and_uuid():
    entries = read_entries("dayone-json", FIXTURES / "dayone-export.json", SETTINGS)
    late, sydney, lunch = entries
    assert late.title == "Late shift, long day"  # the '# ' heading line
    assert late.body == ("Handed over at ten. Sat in the car for five minutes before "
                         "driving home.")
    assert late.tags == ("ward", "late shift", "starred")
    assert late.id == "5c1b3f7a9e2d4b08a6c4d1e2f3a4b5c6"  # Day One's uuid, kept
    assert late.created_at == datetime(2024, 11, 3, 22, 12, 45, tzinfo=UTC)
    assert late.updated_at == datetime(2024, 11, 3, 22, 41, 7, tzinfo=UTC)
    # Shown in the entry's own zone: 23:30 UTC is the next morning in Sydney.
    assert sydney.created_at.isoformat() == "2024-11-05T10:30:00+11:00"
    assert sydney.title == "Feeling better!"  # Day One's Markdown escape removed
    assert sydney.tags == ()
    assert lunch.created_at.isoformat() == "2024-11-06T07:05:00-05:00"
    assert lunch.tags == ("team",)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_markdown_folder_title_date_and_tags_from_each_source(tmp_path):
    folder = tmp_path / "notes"
    _write(folder / "2025-03-04.md", "# Ward round\n\nA calm one. #ward #Nights\n")
    _write(folder / "2025-03-05-0930-team-huddle.md", "We met. Colour #fff is not a tag? #team")
    _write(folder / "sub" / "reflection.md",
           "---\ntitle: 'Rolfe: the fall'\ndate: 2025-03-06 14:15\n"
           "tags:\n  - cpd\n  - \"self\"\nmood: Good\ntemplate: rolfe\n---\n\n## What?\n\nText")
    _write(folder / ".hidden.md", "ignored")
    _write(folder / "readme.txt", "ignored")
    entries = read_entries("markdown", folder, SETTINGS)
    assert [e.title for e in entries] == ["Ward round", "team huddle", "Rolfe: the fall"]
    ward, huddle, rolfe = entries
    assert ward.body == "A calm one. #ward #Nights\n"
    assert ward.tags == ("ward", "Nights")
    assert ward.created_at == datetime(2025, 3, 4, 12, 0, tzinfo=LONDON)  # date only: midday
    assert huddle.created_at == datetime(2025, 3, 5, 9, 30, tzinfo=LONDON)
    assert huddle.tags == ("fff", "team")
    assert rolfe.created_at == datetime(2025, 3, 6, 14, 15, tzinfo=LONDON)
    assert rolfe.tags == ("cpd", "self")
    assert rolfe.mood is Mood.GOOD
    assert rolfe.template_id == "rolfe"
    assert rolfe.body == "## What?\n\nText"


def test_markdown_zip_is_read_like_a_folder(tmp_path):
    archive = tmp_path / "notes.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("journal/2025-01-02.md", "# One\n\nbody")
        z.writestr("__MACOSX/journal/._2025-01-02.md", "junk")
    (entry,) = read_entries("markdown", archive, SETTINGS)
    assert (entry.title, entry.body) == ("One", "body")


@pytest.mark.parametrize(
    ("fmt", "content", "expected"),
    [
        ("jrnl-json", '{"entries": [\n  {"title": "a", "body": "b",\n  "date": "2024-13-01"}]}',
         'jrnl.json: entry 1: expected "date" like 2025-03-04 and "time" like 09:30'),
        ("jrnl-json", '{"entries": [\n  {"title": "a"\n  "body": "b"}]}',
         "jrnl.json: line 3, column 3: expected valid JSON"),
        ("jrnl-json", '{"entries": [{"title": "a", "body": "b", "date": "2024-01-01"},'
                      ' {"title": 5, "body": "b", "date": "2024-01-01"}]}',
         'jrnl.json: entry 2: expected "title" to be text, got 5'),
        ("jrnl-json", json.dumps({"entries": [{"creationDate": "2024-01-01T00:00:00Z"}]}),
         "this looks like a Day One export (use --format dayone-json)"),
        ("dayone-json", json.dumps({"entries": [{"creationDate": "2024-01-01T00:00:00Z",
                                                 "timeZone": "Mars/Olympus", "text": "x"}]}),
         'jrnl.json: entry 1: expected "timeZone" to be a zone name like Europe/London'),
        ("dayone-json", json.dumps({"entries": [{"creationDate": "yesterday"}]}),
         'entry 1: expected "creationDate" like 2025-03-04T09:30:00Z'),
        ("dayone-json", json.dumps([1, 2]), 'top level: expected a Day One export object'),
        ("json", json.dumps({"entries": []}), 'expected "format": "compassion-companion'),
    ],
)
def test_bad_json_names_the_line_or_entry_and_what_was_expected(tmp_path, fmt, content,
                                                                 expected):
    path = _write(tmp_path / "jrnl.json", content)
    with pytest.raises(JournalImportError) as caught:
        read_entries(fmt, path, SETTINGS)
    message = str(caught.value)
    assert message.startswith(str(tmp_path))
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notes.md", "no date here", "notes.md: expected a date: 'date: 2025-03-04'"),
        ("2025-01-01.md", "---\ntitle: x\ndate: soon\n---\n", "line 3: expected 'date' like"),
        ("2025-01-01.md", "---\ntitle: x\nno colon\n---\n", "line 3: expected 'key: value'"),
        ("2025-01-01.md", "---\ntitle: x\n", "line 1: expected the front matter opened here"),
        ("2025-01-01.md", "---\nmood: 9\n---\n", "line 2: expected 'mood' to be 1 to 5"),
    ],
)
def test_bad_markdown_names_the_file_and_line(tmp_path, name, content, expected):
    folder = tmp_path / "md"
    _write(folder / "2024-01-01-fine.md", "# Fine\n")
    _write(folder / name, content)
    with pytest.raises(JournalImportError) as caught:
        read_entries("markdown", folder, SETTINGS)
    assert str(folder / name) in str(caught.value)
    assert expected in str(caught.value)


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b'{"entries": [\n\n {"title": "caf\xe9"}]}')
    with pytest.raises(JournalImportError, match=r"x\.json: line 3: expected UTF-8 text"):
        read_entries("jrnl-json", path, SETTINGS)


def test_empty_folder_and_wrong_kind_of_path(tmp_path):
    with pytest.raises(JournalImportError, match=r"expected at least one \.md file"):
        read_entries("markdown", tmp_path, SETTINGS)
    with pytest.raises(JournalImportError, match="expected a jrnl-json file, got a folder"):
        read_entries("jrnl-json", tmp_path, SETTINGS)
    text = _write(tmp_path / "a.txt", "x")
    with pytest.raises(JournalImportError, match=r"expected a folder of \.md files or a \.zip"):
        read_entries("markdown", text, SETTINGS)


def test_offsets_in_front_matter_are_kept(tmp_path):
    entry = parse_markdown("---\ndate: 2025-06-01T08:00:00 +02:00\n---\nHi", "x.md", "x",
                           SETTINGS)
    assert entry.created_at.utcoffset() == timedelta(hours=2)
    assert entry.created_at == datetime(2025, 6, 1, 6, 0, tzinfo=UTC)
    assert entry.title == "x"
