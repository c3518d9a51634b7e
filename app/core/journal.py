"""Journal entries, drafts and the in-memory search index.

Entries exist in clear only in memory after unlock; storage sees them as sealed payloads
(`Entry.private_payload`). The search index is built from decrypted entries and never
written anywhere.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, TypeVar

from app.core.clock import Clock
from app.core.journal_templates import (
    TEMPLATES,
    Section,
    Template,
    render_template,
    template_by_id,
)

__all__ = [
    "NEW_DRAFT",
    "TEMPLATES",
    "Draft",
    "Entry",
    "Mood",
    "SearchIndex",
    "Section",
    "Template",
    "edit_entry",
    "new_entry",
    "normalise_tag",
    "render_template",
    "template_by_id",
    "tokenize",
]

NEW_DRAFT = "new"  # draft key for an entry that has never been saved
PAYLOAD_VERSION = 1
_ID_RE = re.compile(r"[0-9a-f]{32}\Z")
_K = TypeVar("_K")


class Mood(IntEnum):
    """How the writer felt, 1-5; shown with words (never only a colour)."""

    VERY_LOW = 1
    LOW = 2
    OKAY = 3
    GOOD = 4
    VERY_GOOD = 5

    @property
    def label(self) -> str:
        """The words the UI shows next to the number."""
        return _MOOD_LABELS[self]


_MOOD_LABELS = {
    Mood.VERY_LOW: "Very low",
    Mood.LOW: "Low",
    Mood.OKAY: "Okay",
    Mood.GOOD: "Good",
    Mood.VERY_GOOD: "Very good",
}


def normalise_tag(tag: str) -> str:
    """Tags compare case-insensitively and without surrounding space or a leading '#'."""
    return tag.strip().lstrip("#").strip().casefold()


@dataclass(frozen=True, slots=True)
class Entry:
    """One journal entry; timestamps are aware datetimes, the id a uuid4 hex string."""

    id: str
    title: str
    body: str
    created_at: datetime
    updated_at: datetime
    tags: tuple[str, ...] = ()
    mood: Mood | None = None
    template_id: str | None = None

    def __post_init__(self) -> None:
        if not _ID_RE.match(self.id):
            raise ValueError(f"entry id must be 32 lowercase hex characters, got {self.id!r}")
        for name in ("created_at", "updated_at"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"Entry.{name} must be an aware datetime")
        if not isinstance(self.tags, tuple):
            raise TypeError("Entry.tags must be a tuple")

    def private_payload(self) -> dict[str, Any]:
        """Everything that must be encrypted, as a JSON-ready dict.

        Timestamps are stored in clear as well (for ordering); they are repeated here so a
        tampered clear timestamp can be detected by comparing.
        """
        return {
            "v": PAYLOAD_VERSION,
            "title": self.title,
            "body": self.body,
            "tags": list(self.tags),
            "mood": None if self.mood is None else int(self.mood),
            "template": self.template_id,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }

    @classmethod
    def from_payload(cls, entry_id: str, payload: Mapping[str, Any]) -> Entry:
        """Rebuild an entry from a decrypted payload (raises ValueError if malformed)."""
        version = payload.get("v")
        if version != PAYLOAD_VERSION:
            raise ValueError(f"entry {entry_id}: unknown payload version {version!r}")
        mood = payload.get("mood")
        template = payload.get("template")
        try:
            return cls(
                id=entry_id,
                title=str(payload["title"]),
                body=str(payload["body"]),
                created_at=datetime.fromisoformat(str(payload["created_at"])),
                updated_at=datetime.fromisoformat(str(payload["updated_at"])),
                tags=tuple(str(t) for t in payload.get("tags", [])),
                mood=None if mood is None else Mood(int(mood)),
                template_id=None if template is None else str(template),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"entry {entry_id}: malformed payload ({exc})") from exc


@dataclass(frozen=True, slots=True)
class Draft:
    """An autosaved, not yet saved state of an entry; `is_new` if never saved before."""

    entry: Entry
    saved_at: datetime
    is_new: bool

    @property
    def key(self) -> str:
        """The drafts-table key: NEW_DRAFT or the entry id."""
        return NEW_DRAFT if self.is_new else self.entry.id


def new_entry(
    clock: Clock,
    *,
    template: Template | None = None,
    title: str = "",
    tags: Iterable[str] = (),
) -> Entry:
    """Start an entry with a random id; its body is the template rendered, if any."""
    now = clock.now()
    return Entry(
        id=uuid.uuid4().hex,
        title=title,
        body=render_template(template) if template else "",
        created_at=now,
        updated_at=now,
        tags=tuple(tags),
        template_id=template.id if template else None,
    )


def edit_entry(entry: Entry, clock: Clock, **changes: Any) -> Entry:
    """Return a copy with `changes` applied and updated_at moved to now."""
    if "id" in changes or "created_at" in changes:
        raise ValueError("an entry's id and created_at never change")
    return dataclasses.replace(entry, updated_at=clock.now(), **changes)


# --- Search --------------------------------------------------------------------------------

_WORD_RE = re.compile(r"\w+")
# Every ASCII byte that is not a word character (\w: letter, digit, underscore) -> a space.
_ASCII_SEPARATORS = bytes(
    c if c < 128 and (chr(c).isalnum() or c == ord("_")) else ord(" ") for c in range(256)
)


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Café' and 'cafe' match."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """Folded words of `text`, in order (duplicates kept)."""
    return _WORD_RE.findall(_fold(text))


def _searchable(entry: Entry) -> bytes:
    """The entry's folded words as UTF-8, each preceded by a space.

    A query word matches when b" " + word occurs in it, i.e. it is the prefix of some word.
    Mostly-English text takes the fast path (lower, encode, translate: no object per word),
    which is what lets 10,000 long entries be indexed in a fraction of a second.
    """
    text = "\n".join((entry.title, entry.body, *entry.tags))
    if text.isascii():
        return b" " + text.lower().encode("ascii").translate(_ASCII_SEPARATORS)
    return (" " + " ".join(tokenize(text))).encode("utf-8")


class SearchIndex:
    """In-memory index over decrypted entries; never written anywhere.

    Every query word must match as a prefix of some word in the title, body or tags. Each
    entry is kept as one folded byte string, and a word is looked up with a substring
    search of b" " + word (C speed, about a millisecond per thousand entries), starting with
    the longest (rarest) word so later words scan only the survivors. Tags and templates
    have their own maps.
    """

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: dict[str, Entry] = {}
        self._text_of: dict[str, bytes] = {}
        self._by_tag: dict[str, set[str]] = {}
        self._by_template: dict[str | None, set[str]] = {}
        self._newest_first: list[Entry] | None = None  # sorted lazily after changes
        for entry in entries:
            self.add(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def get(self, entry_id: str) -> Entry | None:
        """Return the indexed entry with this id, if any."""
        return self._entries.get(entry_id)

    def add(self, entry: Entry) -> None:
        """Index an entry, replacing an older version with the same id (call on save)."""
        if entry.id in self._entries:
            self.remove(entry.id)
        self._entries[entry.id] = entry
        self._text_of[entry.id] = _searchable(entry)
        self._newest_first = None
        for tag in {normalise_tag(t) for t in entry.tags}:
            self._by_tag.setdefault(tag, set()).add(entry.id)
        self._by_template.setdefault(entry.template_id, set()).add(entry.id)

    def remove(self, entry_id: str) -> None:
        """Forget an entry (call on delete); unknown ids are ignored."""
        entry = self._entries.pop(entry_id, None)
        if entry is None:
            return
        del self._text_of[entry_id]
        self._newest_first = None
        for tag in {normalise_tag(t) for t in entry.tags}:
            _discard(self._by_tag, tag, entry_id)
        _discard(self._by_template, entry.template_id, entry_id)

    def tags(self) -> dict[str, int]:
        """Every tag in use (normalised) with how many entries carry it."""
        return {tag: len(ids) for tag, ids in sorted(self._by_tag.items())}

    def _ids_for_prefix(self, prefix: str, within: set[str] | None) -> set[str]:
        """Ids of entries with a word starting with `prefix`, limited to `within` if given."""
        needle = b" " + prefix.encode("utf-8")
        text_of = self._text_of
        if within is None:
            return {i for i, text in text_of.items() if needle in text}
        return {i for i in within if needle in text_of[i]}

    def search(
        self,
        query: str = "",
        *,
        tag: str | None = None,
        template_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Entry]:
        """Entries matching every word of `query` and every filter, newest first.

        `since` is inclusive and `until` exclusive (aware datetimes, compared with
        created_at). An empty query matches everything the filters allow.
        """
        candidates: set[str] | None = None
        if tag is not None:
            candidates = set(self._by_tag.get(normalise_tag(tag), ()))
        if template_id is not None:
            by_template = self._by_template.get(template_id, set())
            candidates = set(by_template) if candidates is None else candidates & by_template
        words = sorted(set(tokenize(query)), key=len, reverse=True)  # long words are rarer
        # A word that is a prefix of another query word adds nothing: "car" in "care".
        words = [w for n, w in enumerate(words) if not any(o.startswith(w) for o in words[:n])]
        for word in words:
            if candidates is not None and not candidates:
                break
            candidates = self._ids_for_prefix(word, candidates)
        if self._newest_first is None:
            self._newest_first = sorted(
                self._entries.values(), key=lambda e: (e.created_at, e.id), reverse=True
            )
        pool: list[Entry] = self._newest_first
        if candidates is not None:
            # Filtering the kept order beats sorting a large result on every keystroke.
            pool = [e for e in pool if e.id in candidates]
        if since is None and until is None:
            return list(pool)
        return [
            e
            for e in pool
            if (since is None or e.created_at >= since) and (until is None or e.created_at < until)
        ]


def _discard(index: dict[_K, set[str]], key: _K, entry_id: str) -> None:
    ids = index.get(key)
    if ids is not None:
        ids.discard(entry_id)
        if not ids:
            del index[key]
