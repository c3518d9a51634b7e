"""Choosing a practice: filter by the time I have and who is taking part, and search.

Kept out of the UI so the rules ("fits in 10 minutes", every search word must match)
are tested without a window.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from app.core.practices import Practice, Who

TIME_CHOICES = (5, 10, 20, 60)


class LibraryQuery(NamedTuple):  # not a dataclass: defined on every start-up
    """What the person asked for; None means 'any'."""

    max_minutes: int | None = None
    who: Who | None = None
    text: str = ""


def _fold(text: str) -> str:
    """Lower-case and strip accents so 'reflexion' finds 'réflexion' and case never matters."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def searchable_text(practice: Practice) -> str:
    """Everything a person might remember about a practice, folded for matching."""
    parts: list[str] = [practice.title, practice.summary, practice.purpose, *practice.tags]
    parts += [w.label for w in practice.who]
    parts += [role.name for role in practice.roles]
    parts += [step.title for step in practice.steps]
    parts += [step.prompt for step in practice.steps]
    parts.append(practice.credit.source)
    return _fold(" ".join(parts))


def matches(practice: Practice, query: LibraryQuery) -> bool:
    """True when the practice fits the time, suits who is taking part and has every word."""
    if query.max_minutes is not None and practice.minutes > query.max_minutes:
        return False
    if query.who is not None and query.who not in practice.who:
        return False
    words = _fold(query.text).split()
    if not words:
        return True
    haystack = searchable_text(practice)
    return all(word in haystack for word in words)


def relevance(practice: Practice, words: list[str]) -> int:
    """Higher when the words are in the title, then the tags and summary, then anywhere."""
    title = _fold(practice.title)
    near = _fold(" ".join([*practice.tags, practice.summary]))
    return sum(3 if w in title else 2 if w in near else 1 for w in words)


def filter_practices(practices: Iterable[Practice], query: LibraryQuery) -> list[Practice]:
    """The practices that match, best first.

    Search words rank practices by where they matched. Then, with a time chosen, the
    practice that uses the time best comes first (a nurse with ten minutes sees the
    10-minute practices before the 5-minute ones); otherwise the library reads shortest first.
    """
    words = _fold(query.text).split()
    found = [p for p in practices if matches(p, query)]
    sign = -1 if query.max_minutes is not None else 1
    return sorted(
        found, key=lambda p: (-relevance(p, words), sign * p.minutes, p.title.casefold())
    )
