"""Read entries written by other journal apps (and by our own export) into new Entry values.

Formats:
- `jrnl-json`: what `jrnl --export json` writes: {"tags": {...}, "entries": [{"title", "body",
  "date": "YYYY-MM-DD", "time": "HH:MM", "tags": ["@tag"], "starred"}]}; times are local.
- `dayone-json`: Day One's JSON export: {"metadata": {...}, "entries": [{"uuid",
  "creationDate": "...Z", "timeZone": "Europe/London", "text", "tags", "starred", ...}]};
  the first line of the text is the title.
- `markdown`: a folder (or .zip) of .md files. Front matter is optional; the title comes
  from it, else the first '# ' heading, else the file name; the date from the front matter
  or a file name starting YYYY-MM-DD; tags from the front matter, else #tags in the text.
- `json`: our own export (see app.core.journal_export for the documented format).

"Starred" has no field of its own here, so a starred entry gets the tag `starred`.
Parsing is all or nothing: the first problem raises JournalImportError naming the file, the
line or entry, and what was expected; the caller stores nothing unless every entry parsed.
"""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from pathlib import Path, PurePosixPath
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core.journal import Entry, Mood, normalise_tag
from app.core.journal_templates import TEMPLATES

FORMATS: Final = ("jrnl-json", "dayone-json", "markdown", "json")
NATIVE_FORMAT: Final = "compassion-companion-journal"
NATIVE_VERSION: Final = 1
STARRED_TAG: Final = "starred"
MAX_FILE_BYTES: Final = 200 * 1024 * 1024  # far beyond any real journal; refuses a wrong file
_HEX_ID: Final = re.compile(r"[0-9a-fA-F]{32}\Z")
_NAME_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T _-](\d{2})[:h-]?(\d{2}))?(?=\D|$)")
_HASHTAG: Final = re.compile(r"(?<![\w#&/])#([^\W\d_][\w/-]*)")
_HEADING: Final = re.compile(r"#\s+(.*?)(?:\s+#+)?\s*\Z")
_MD_ESCAPE: Final = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_TEMPLATE_IDS: Final = frozenset(t.id for t in TEMPLATES)
_MOOD_BY_LABEL: Final = {m.label.casefold(): m for m in Mood}
# Date-only values (a file called 2025-03-04.md) are placed at midday, so converting to
# another zone never moves them to a different day.
DATE_ONLY_TIME: Final = time(12, 0)


class JournalImportError(ValueError):
    """One problem in the input; nothing was imported."""

    def __init__(self, source: str, where: str, expected: str) -> None:
        self.source = source
        self.where = where
        self.expected = expected
        place = f"{source}: {where}" if where else source
        super().__init__(f"{place}: {expected}")


@dataclass(frozen=True, slots=True)
class ImportSettings:
    """What parsing needs from outside: the local zone for times without one, and ids."""

    zone: tzinfo
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex


def read_entries(fmt: str, path: Path, settings: ImportSettings) -> list[Entry]:
    """Parse `path` in format `fmt`; raises JournalImportError (or OSError for I/O)."""
    if fmt == "markdown":
        return read_markdown(path, settings)
    readers: dict[str, Callable[[str, str, ImportSettings], list[Entry]]] = {
        "jrnl-json": parse_jrnl_json,
        "dayone-json": parse_dayone_json,
        "json": parse_native_json,
    }
    if fmt not in readers:
        raise JournalImportError(str(path), "", f"expected a format out of {', '.join(FORMATS)}")
    if path.is_dir():
        raise JournalImportError(str(path), "", f"expected a {fmt} file, got a folder")
    return readers[fmt](_decode(path.read_bytes(), str(path)), str(path), settings)


# --- shared helpers --------------------------------------------------------------------


def _decode(data: bytes, source: str) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise JournalImportError(source, "", f"expected a file under {MAX_FILE_BYTES} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise JournalImportError(source, f"line {line}", "expected UTF-8 text") from None


def _load_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JournalImportError(
            source, f"line {exc.lineno}, column {exc.colno}", f"expected valid JSON ({exc.msg})"
        ) from None


def _entries_list(data: Any, source: str, kind: str) -> list[Any]:
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise JournalImportError(
            source, "top level", f'expected a {kind} object with an "entries" list'
        )
    entries: list[Any] = data["entries"]
    return entries


def _field(item: Any, key: str, kinds: type | tuple[type, ...], where: str, source: str,
           expected: str, *, required: bool = True, default: Any = None) -> Any:
    if not isinstance(item, dict):
        raise JournalImportError(source, where, "expected an object")
    if key not in item:
        if required:
            raise JournalImportError(source, where, f'expected a "{key}" field ({expected})')
        return default
    value = item[key]
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _tuple(kinds)):
        raise JournalImportError(
            source, where, f'expected "{key}" to be {expected}, got {_short(value)}'
        )
    return value


def _tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _string_list(value: Any, key: str, where: str, source: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise JournalImportError(
            source, where, f'expected "{key}" to be a list of strings, got {_short(value)}'
        )
    return list(value)


def _clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Drop '@'/'#' markers, blanks and repeats (compared as the index compares them)."""
    out: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        shown = tag.strip().lstrip("@#").strip()
        key = normalise_tag(shown)
        if key and key not in seen:
            seen.add(key)
            out.append(shown)
    return tuple(out)


def _entry_id(candidate: Any, settings: ImportSettings) -> str:
    if isinstance(candidate, str) and _HEX_ID.match(candidate):
        return candidate.lower()
    return settings.new_id()


def _split_title(text: str) -> tuple[str, str]:
    """First non-blank line as the title (heading marks and escapes removed), rest as body."""
    lines = text.strip("\n").split("\n")
    first = lines[0].strip() if lines else ""
    heading = re.match(r"#{1,6}\s+(.*?)(?:\s+#+)?\s*\Z", first)
    title = heading.group(1) if heading else first
    return _MD_ESCAPE.sub(r"\1", title), "\n".join(lines[1:]).strip("\n")


# --- jrnl ------------------------------------------------------------------------------


def parse_jrnl_json(text: str, source: str, settings: ImportSettings) -> list[Entry]:
    """What `jrnl --export json` writes: local date and time without a zone, '@' tags."""
    items = _entries_list(_load_json(text, source), source, "jrnl export")
    entries: list[Entry] = []
    for n, item in enumerate(items, start=1):
        where = f"entry {n}"
        if isinstance(item, dict) and "creationDate" in item and "date" not in item:
            raise JournalImportError(
                source, where, 'expected a jrnl entry with "date" and "time"; this looks like '
                "a Day One export (use --format dayone-json)"
            )
        title = _field(item, "title", str, where, source, "text")
        body = _field(item, "body", str, where, source, "text")
        day = _field(item, "date", str, where, source, "a date like 2025-03-04")
        clock = _field(item, "time", str, where, source, "a time like 09:30",
                       required=False, default="00:00")
        try:
            naive = datetime.combine(date.fromisoformat(day), time.fromisoformat(clock))
        except ValueError:
            raise JournalImportError(
                source, where, f'expected "date" like 2025-03-04 and "time" like 09:30, '
                f"got {day!r} and {clock!r}"
            ) from None
        when = naive.replace(tzinfo=settings.zone)
        tags = _string_list(item.get("tags", []), "tags", where, source)
        starred = _field(item, "starred", bool, where, source, "true or false",
                         required=False, default=False)
        entries.append(Entry(
            id=_entry_id(item.get("uuid"), settings),
            title=title.strip(),
            body=body.strip("\n"),
            created_at=when,
            updated_at=when,
            tags=_clean_tags([*tags, *([STARRED_TAG] if starred else [])]),
        ))
    return entries


# --- Day One ---------------------------------------------------------------------------


def _instant(value: str, where: str, source: str, key: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise JournalImportError(
            source, where, f'expected "{key}" like 2025-03-04T09:30:00Z, got {value!r}'
        )
    return moment


def parse_dayone_json(text: str, source: str, settings: ImportSettings) -> list[Entry]:
    """Day One's JSON export: UTC creation time shown in the entry's own time zone."""
    items = _entries_list(_load_json(text, source), source, "Day One export")
    entries: list[Entry] = []
    for n, item in enumerate(items, start=1):
        where = f"entry {n}"
        if isinstance(item, dict) and "date" in item and "creationDate" not in item:
            raise JournalImportError(
                source, where, 'expected a Day One entry with "creationDate"; this looks like '
                "a jrnl export (use --format jrnl-json)"
            )
        created = _instant(
            _field(item, "creationDate", str, where, source, "an ISO 8601 time"),
            where, source, "creationDate",
        )
        zone_name = _field(item, "timeZone", str, where, source, "a time zone name",
                           required=False)
        zone: tzinfo = settings.zone
        if zone_name is not None:
            try:
                zone = ZoneInfo(zone_name)
            except (ZoneInfoNotFoundError, ValueError):
                raise JournalImportError(
                    source, where,
                    f'expected "timeZone" to be a zone name like Europe/London, got {zone_name!r}'
                ) from None
        modified_text = _field(item, "modifiedDate", str, where, source, "an ISO 8601 time",
                               required=False)
        modified = (created if modified_text is None
                    else _instant(modified_text, where, source, "modifiedDate"))
        body_text = _field(item, "text", str, where, source, "text", required=False, default="")
        title, body = _split_title(body_text)
        tags = _string_list(item.get("tags", []), "tags", where, source)
        starred = _field(item, "starred", bool, where, source, "true or false",
                         required=False, default=False)
        entries.append(Entry(
            id=_entry_id(item.get("uuid"), settings),
            title=title,
            body=body,
            created_at=created.astimezone(zone),
            updated_at=max(modified, created).astimezone(zone),
            tags=_clean_tags([*tags, *([STARRED_TAG] if starred else [])]),
        ))
    return entries


# --- our own JSON ----------------------------------------------------------------------


def parse_native_json(text: str, source: str, settings: ImportSettings) -> list[Entry]:
    """The format app.core.journal_export.entries_to_json writes; ids are kept."""
    data = _load_json(text, source)
    if not isinstance(data, dict) or data.get("format") != NATIVE_FORMAT:
        raise JournalImportError(
            source, "top level", f'expected "format": "{NATIVE_FORMAT}" (a Compassion '
            "Companion export); for other apps choose jrnl-json, dayone-json or markdown"
        )
    version = data.get("version")
    if version != NATIVE_VERSION:
        raise JournalImportError(
            source, "top level", f'expected "version": {NATIVE_VERSION}, got {_short(version)}'
        )
    entries: list[Entry] = []
    for n, item in enumerate(_entries_list(data, source, "Compassion Companion export"), 1):
        where = f"entry {n}"
        entry_id = _field(item, "id", str, where, source, "32 hexadecimal characters")
        if not _HEX_ID.match(entry_id):
            raise JournalImportError(
                source, where, f'expected "id" to be 32 hexadecimal characters, got {entry_id!r}'
            )
        mood = _field(item, "mood", (int, type(None)), where, source, "1 to 5 or null",
                      required=False)
        if mood is not None and mood not in {int(m) for m in Mood}:
            raise JournalImportError(source, where, f'expected "mood" 1 to 5, got {mood}')
        template = _field(item, "template", (str, type(None)), where, source,
                          "a template id or null", required=False)
        entries.append(Entry(
            id=entry_id.lower(),
            title=_field(item, "title", str, where, source, "text"),
            body=_field(item, "body", str, where, source, "text"),
            created_at=_instant(_field(item, "created_at", str, where, source, "an ISO time"),
                                where, source, "created_at"),
            updated_at=_instant(_field(item, "updated_at", str, where, source, "an ISO time"),
                                where, source, "updated_at"),
            tags=tuple(_string_list(item.get("tags", []), "tags", where, source)),
            mood=None if mood is None else Mood(mood),
            template_id=template,
        ))
    return entries


# --- Markdown --------------------------------------------------------------------------


def read_markdown(path: Path, settings: ImportSettings) -> list[Entry]:
    """A folder of .md files (searched recursively) or a .zip of them, in name order."""
    files = list(_markdown_sources(path))
    if not files:
        raise JournalImportError(str(path), "", "expected at least one .md file")
    return [parse_markdown(_decode(data, name), name, stem, settings)
            for name, stem, data in files]


def _markdown_sources(path: Path) -> Iterator[tuple[str, str, bytes]]:
    """(name for messages, file stem, bytes) for each Markdown file, sorted by name."""
    if path.is_dir():
        for file in sorted(path.rglob("*.md")):
            relative = file.relative_to(path)
            if file.is_file() and not any(p.startswith(".") for p in relative.parts):
                yield str(file), file.stem, file.read_bytes()
        return
    if not zipfile.is_zipfile(path):
        raise JournalImportError(str(path), "", "expected a folder of .md files or a .zip of them")
    with zipfile.ZipFile(path) as archive:
        members = sorted(
            (i for i in archive.infolist() if not i.is_dir() and i.filename.endswith(".md")),
            key=lambda i: i.filename,
        )
        for info in members:
            inner = PurePosixPath(info.filename)
            if any(p.startswith(".") or p == "__MACOSX" for p in inner.parts):
                continue
            if info.file_size > MAX_FILE_BYTES:
                raise JournalImportError(f"{path}:{info.filename}", "", "expected a smaller file")
            yield f"{path}:{info.filename}", inner.stem, archive.read(info)


def _front_matter(lines: list[str], source: str) -> tuple[dict[str, tuple[int, Any]], int]:
    """Parse a leading '---' block: {key: (line number, value)} and the first body line."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    values: dict[str, tuple[int, Any]] = {}
    list_key: str | None = None
    for index in range(1, len(lines)):
        number = index + 1
        raw = lines[index]
        stripped = raw.strip()
        if stripped in {"---", "..."}:
            return values, index + 1
        if not stripped or stripped.startswith("#"):
            continue
        if list_key is not None and stripped.startswith("- "):
            values[list_key][1].append(_scalar(stripped[2:].strip(), source, number))
            continue
        key, sep, rest = raw.partition(":")
        if not sep or not key.strip() or raw[:1].isspace():
            raise JournalImportError(source, f"line {number}",
                                     "expected 'key: value' in the front matter")
        key = key.strip().lower()
        rest = rest.strip()
        if rest:
            values[key] = (number, _scalar(rest, source, number))
            list_key = None
        else:
            values[key] = (number, [])
            list_key = key
    raise JournalImportError(source, "line 1",
                             "expected the front matter opened here to end with a '---' line")


def _scalar(text: str, source: str, number: int) -> Any:
    """A YAML-ish value: "quoted" (JSON rules), 'quoted', [a, b] lists, or plain text."""
    if text.startswith('"'):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise JournalImportError(source, f"line {number}",
                                     'expected a "quoted" value closed on the same line') from None
    if text.startswith("'"):
        if len(text) < 2 or not text.endswith("'"):
            raise JournalImportError(source, f"line {number}",
                                     "expected a 'quoted' value closed on the same line")
        return text[1:-1].replace("''", "'")
    if text.startswith("["):
        if not text.endswith("]"):
            raise JournalImportError(source, f"line {number}",
                                     "expected a [list] closed on the same line")
        inner = text[1:-1].strip()
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = [_scalar(p.strip(), source, number) for p in inner.split(",") if p.strip()]
        return parsed
    text = re.sub(r"\s+#.*\Z", "", text)  # a trailing comment
    return text


def _as_text(value: Any, key: str, source: str, number: int) -> str:
    if isinstance(value, (list, dict)):
        raise JournalImportError(source, f"line {number}", f"expected '{key}' to be text")
    return "" if value is None else str(value)


def _parse_when(text: str, settings: ImportSettings) -> datetime | None:
    """ISO date or date-time; naive times are local, dates alone are midday local."""
    text = text.strip()
    text = re.sub(r"\s+([+-]\d{2}:?\d{2}|Z)\Z", r"\1", text)  # "09:30 +01:00" (YAML style)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.combine(date.fromisoformat(text), DATE_ONLY_TIME, settings.zone)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=settings.zone)


def _date_from_name(stem: str, settings: ImportSettings) -> tuple[datetime, str] | None:
    """A file name starting YYYY-MM-DD[-HHMM]: the moment and the rest of the name."""
    match = _NAME_DATE.match(stem)
    if match is None:
        return None
    year, month, day, hour, minute = match.groups()
    try:
        clock = DATE_ONLY_TIME if hour is None else time(int(hour), int(minute))
        moment = datetime.combine(date(int(year), int(month), int(day)), clock, settings.zone)
    except ValueError:
        return None
    return moment, stem[match.end():].strip(" -_")


def parse_markdown(text: str, source: str, stem: str, settings: ImportSettings) -> Entry:
    """One Markdown file; see the module docstring for where each field comes from."""
    lines = text.replace("\r\n", "\n").split("\n")
    meta, start = _front_matter(lines, source)
    body_lines = lines[start:]
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)

    def text_of(key: str) -> tuple[int, str] | None:
        if key not in meta:
            return None
        number, value = meta[key]
        return number, _as_text(value, key, source, number)

    title_meta = text_of("title")
    from_name = _date_from_name(stem, settings)
    heading = _HEADING.fullmatch(body_lines[0]) if body_lines else None
    if title_meta is not None:
        title = title_meta[1]
        if title and body_lines and body_lines[0] == f"# {title}":  # as our export writes it
            body_lines = body_lines[1:]
    elif heading:
        title = heading.group(1)
        body_lines = body_lines[1:]
    else:
        title = from_name[1].replace("-", " ").replace("_", " ") if from_name else stem
        title = title or stem
    if body_lines and not body_lines[0].strip():
        body_lines = body_lines[1:]
    body = "\n".join(body_lines)

    created = _meta_time(meta, ("date", "created", "created_at"), source, settings)
    if created is None:
        if from_name is None:
            raise JournalImportError(
                source, "", "expected a date: 'date: 2025-03-04' in the front matter or a "
                "file name starting with 2025-03-04"
            )
        created = from_name[0]
    updated = _meta_time(meta, ("updated", "updated_at", "modified"), source, settings)

    if "tags" in meta:
        number, value = meta["tags"]
        raw_tags = value if isinstance(value, list) else str(value or "").split(",")
        tags = _clean_tags(_as_text(t, "tags", source, number) for t in raw_tags)
    else:
        tags = _clean_tags(_HASHTAG.findall(body))

    mood: Mood | None = None
    mood_meta = text_of("mood")
    if mood_meta is not None and mood_meta[1].strip():
        number, value = mood_meta
        mood = _parse_mood(value.strip())
        if mood is None:
            raise JournalImportError(
                source, f"line {number}",
                f"expected 'mood' to be 1 to 5 or a word out of "
                f"{', '.join(m.label for m in Mood)}, got {value!r}",
            )
    template_meta = text_of("template")
    template = template_meta[1].strip() if template_meta else None
    entry_meta = text_of("id")
    return Entry(
        id=_entry_id(entry_meta[1].strip() if entry_meta else None, settings),
        title=title,
        body=body,
        created_at=created,
        updated_at=updated if updated is not None else created,
        tags=tags,
        mood=mood,
        template_id=template if template in _TEMPLATE_IDS else None,
    )


def _meta_time(meta: dict[str, tuple[int, Any]], keys: tuple[str, ...], source: str,
               settings: ImportSettings) -> datetime | None:
    for key in keys:
        if key in meta:
            number, value = meta[key]
            text = _as_text(value, key, source, number)
            moment = _parse_when(text, settings)
            if moment is None:
                raise JournalImportError(
                    source, f"line {number}",
                    f"expected '{key}' like 2025-03-04 or 2025-03-04T09:30, got {text!r}",
                )
            return moment
    return None


def _parse_mood(text: str) -> Mood | None:
    if text.isdigit():
        number = int(text)
        return Mood(number) if 1 <= number <= 5 else None
    return _MOOD_BY_LABEL.get(text.casefold())
