"""Write entries out as Markdown files (a folder or a .zip) or as our own JSON.

Exports are plain text by nature: whoever can read the file can read the entries. So each
file is created readable by its owner only (0600) where the person chose, never in a temp
folder, and an existing file is never overwritten.

The JSON format (read back by `journal import --format json`):

    {
      "format": "compassion-companion-journal",
      "version": 1,
      "exported_at": "2025-03-04T18:00:00+00:00",
      "entries": [
        {
          "id": "32 lowercase hexadecimal characters",
          "title": "text", "body": "Markdown text",
          "created_at": "ISO 8601 with offset", "updated_at": "ISO 8601 with offset",
          "tags": ["text", ...],
          "mood": 1-5 or null (1 very low ... 5 very good),
          "template": "leadership" | "rolfe" | "gibbs" | "nmc" | "after-practice" | null
        }
      ]
    }

Markdown: one `YYYY-MM-DD-HHMM-title.md` per entry, front matter first (title, date,
updated, tags, mood, template, id; strings in JSON quoting, which YAML reads too), then the
title as a '# ' heading and the body as written.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import BinaryIO, Final

from app.core.journal import Entry
from app.core.journal_import import NATIVE_FORMAT, NATIVE_VERSION

FILE_MODE: Final = 0o600
DIR_MODE: Final = 0o700
_POSIX: Final = os.name == "posix"
_SLUG_MAX: Final = 48


class ExportError(Exception):
    """The export could not be written; anything half-written was removed."""


# --- choosing --------------------------------------------------------------------------


def select_entries(entries: Sequence[Entry], zone: tzinfo, *, ids: Collection[str] | None = None,
                   since: date | None = None, until: date | None = None) -> list[Entry]:
    """The entries to export, oldest first (reads like a diary); shared by the app and CLI.

    `since` and `until` are local dates in `zone`, both inclusive. `ids` None means any
    entry; an empty collection picks none.
    """
    chosen = [
        e for e in entries
        if (ids is None or e.id in ids)
        and (since is None or e.created_at.astimezone(zone).date() >= since)
        and (until is None or e.created_at.astimezone(zone).date() <= until)
    ]
    chosen.sort(key=lambda e: (e.created_at, e.id))
    return chosen


# --- rendering -------------------------------------------------------------------------


def entry_to_dict(entry: Entry) -> dict[str, object]:
    """One entry in the documented JSON shape."""
    return {
        "id": entry.id,
        "title": entry.title,
        "body": entry.body,
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
        "tags": list(entry.tags),
        "mood": None if entry.mood is None else int(entry.mood),
        "template": entry.template_id,
    }


def entries_to_json(entries: Sequence[Entry], exported_at: datetime) -> str:
    """The whole export as indented JSON text (UTF-8, non-ASCII kept readable)."""
    document = {
        "format": NATIVE_FORMAT,
        "version": NATIVE_VERSION,
        "exported_at": exported_at.isoformat(),
        "entries": [entry_to_dict(e) for e in entries],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def entry_markdown(entry: Entry) -> str:
    """Front matter, the title as a heading, then the body exactly as written."""
    lines = [
        "---",
        f"title: {json.dumps(entry.title, ensure_ascii=False)}",
        f"date: {entry.created_at.isoformat()}",
        f"updated: {entry.updated_at.isoformat()}",
        f"tags: {json.dumps(list(entry.tags), ensure_ascii=False)}",
    ]
    if entry.mood is not None:
        lines.append(f"mood: {int(entry.mood)}  # {entry.mood.label}")
    if entry.template_id is not None:
        lines.append(f"template: {json.dumps(entry.template_id)}")
    lines += [f"id: {entry.id}", "---", ""]
    if entry.title and "\n" not in entry.title:
        lines += [f"# {entry.title}", ""]
    return "\n".join(lines) + "\n" + entry.body


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = "-".join(words)[:_SLUG_MAX].strip("-")
    return slug or "entry"


def markdown_names(entries: Sequence[Entry]) -> list[str]:
    """A distinct, sortable file name per entry: its local date and time, then the title."""
    names: list[str] = []
    used: set[str] = set()
    for entry in entries:
        base = f"{entry.created_at:%Y-%m-%d-%H%M}-{_slug(entry.title)}"
        name = f"{base}.md"
        n = 1
        while name in used:
            n += 1
            name = f"{base}-{n}.md"
        used.add(name)
        names.append(name)
    return names


# --- writing ---------------------------------------------------------------------------


def _refuse_existing(path: Path) -> None:
    if path.exists() or path.is_symlink():
        raise ExportError(f"{path} already exists; choose a new name (nothing was overwritten)")


@contextlib.contextmanager
def _private_file(path: Path) -> Iterator[BinaryIO]:
    """Create `path` owner-only, failing if it exists; removed again if writing fails."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, FILE_MODE)
    except FileExistsError:
        raise ExportError(f"{path} already exists; choose a new name") from None
    try:
        if _POSIX:
            os.fchmod(fd, FILE_MODE)  # whatever the umask said
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


@contextlib.contextmanager
def _whole_file(path: Path) -> Iterator[BinaryIO]:
    """Write via a `.partial` file beside `path` and rename, so a crash leaves no half file."""
    _refuse_existing(path)
    partial = path.with_name(path.name + ".partial")
    _refuse_existing(partial)
    with _private_file(partial) as handle:
        yield handle
    try:
        _refuse_existing(path)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def export_json(entries: Sequence[Entry], path: Path, exported_at: datetime) -> Path:
    """Write the JSON export to `path` (a new file)."""
    with _whole_file(path) as handle:
        handle.write(entries_to_json(entries, exported_at).encode("utf-8"))
    return path


def export_markdown(entries: Sequence[Entry], path: Path) -> Path:
    """Write one .md per entry into a new (or empty) folder, or into `path` if it ends .zip."""
    if path.suffix.lower() == ".zip":
        return _export_zip(entries, path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ExportError(f"{path} exists and is not an empty folder; choose a new folder")
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for entry, name in zip(entries, markdown_names(entries), strict=True):
            target = path / name
            with _private_file(target) as handle:
                handle.write(entry_markdown(entry).encode("utf-8"))
            written.append(target)
    except BaseException:
        for done in written:
            with contextlib.suppress(OSError):
                done.unlink()
        raise
    return path


def _export_zip(entries: Sequence[Entry], path: Path) -> Path:
    folder = path.stem or "journal"
    with _whole_file(path) as handle, zipfile.ZipFile(
        handle, "w", compression=zipfile.ZIP_DEFLATED
    ) as archive:
        for entry, name in zip(entries, markdown_names(entries), strict=True):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=_zip_time(entry.updated_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | FILE_MODE) << 16  # a regular file, owner-only
            archive.writestr(info, entry_markdown(entry).encode("utf-8"))
    return path


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    year = min(max(moment.year, 1980), 2107)  # the zip format's range
    return (year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
