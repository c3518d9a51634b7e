"""WebVTT captions: parse a .vtt file into timed cues and find the cue at a position.

Plain Python, so the player, the self-test and the tests share one parser. A bad cue is
skipped and reported with its file and line; the good cues are kept, because a person in
the middle of a practice is better served by most captions than by none.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

TIMING_EXPECTED = "a cue timing 'HH:MM:SS.mmm --> HH:MM:SS.mmm'"
_TIMESTAMP = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_TAG = re.compile(r"<[^>]*>")
_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")
_MAX_SHOWN = 60  # characters of a bad line quoted back in a problem


class CaptionsError(Exception):
    """A caption file that cannot be read at all; the message is one line."""


@dataclass(frozen=True, slots=True)
class CaptionProblem:
    """One skipped cue or bad line: where it is and what was expected there."""

    file: str
    line: int
    expected: str
    got: str
    cue_skipped: bool = True  # False for a problem that cost no cue (a missing header)

    def __str__(self) -> str:
        return f"{self.file}: line {self.line}: expected {self.expected}, got {self.got!r}"


@dataclass(frozen=True, slots=True)
class Cue:
    """One caption: shown from `start` up to (not including) `end`, in seconds."""

    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class Captions:
    """The good cues of one file in time order, and what was wrong with the rest."""

    name: str
    cues: tuple[Cue, ...]
    problems: tuple[CaptionProblem, ...] = ()
    _starts: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(cue.start for cue in self.cues))

    def at(self, seconds: float) -> Cue | None:
        """The cue showing at `seconds`, or None between cues.

        Where cues overlap, the one that started last wins (it is the newest line spoken).
        """
        index = self.index_at(seconds)
        return None if index is None else self.cues[index]

    def index_at(self, seconds: float) -> int | None:
        """The position in `cues` of the cue showing at `seconds`, or None."""
        index = bisect_right(self._starts, seconds) - 1
        while index >= 0:
            cue = self.cues[index]
            if seconds < cue.end:
                return index
            if index == 0 or self.cues[index - 1].end <= cue.start:
                return None  # no earlier cue reaches this far
            index -= 1
        return None

    def last_started(self, seconds: float) -> int | None:
        """The position in `cues` of the last cue that started at or before `seconds`, or None.

        Between cues this is the line spoken last, which the player keeps on screen.
        """
        index = bisect_right(self._starts, seconds) - 1
        return index if index >= 0 else None

    @property
    def end(self) -> float:
        """When the last cue ends (0 with no cues): a stand-in length for silent playback."""
        return max((cue.end for cue in self.cues), default=0.0)

    def summary(self) -> str | None:
        """One line for the person when cues were skipped, naming the first problem."""
        if not self.problems:
            return None
        skipped = sum(1 for p in self.problems if p.cue_skipped)
        if skipped:
            what = f"{skipped} cue{'' if skipped == 1 else 's'} skipped in"
        else:
            what = "a problem in"
        first = self.problems[0]
        return (
            f"Captions: {what} {self.name} "
            f"(line {first.line}: expected {first.expected}, got {_shorten(first.got)!r})"
        )


def load_captions(path: Path) -> Captions:
    """Read and parse a .vtt file; raises CaptionsError only if it cannot be read at all."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CaptionsError(f"{path.name}: caption file not found") from None
    except OSError as exc:
        raise CaptionsError(f"{path.name}: could not read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CaptionsError(
            f"{path.name}: expected UTF-8 text, got a byte 0x{exc.object[exc.start]:02x} "
            f"at offset {exc.start}"
        ) from None
    return parse_captions(text, path.name)


def parse_captions(text: str, name: str = "captions") -> Captions:
    """Parse WebVTT text; never raises: bad cues become problems, good ones are kept."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    problems: list[CaptionProblem] = []
    if not lines[0].startswith("WEBVTT") or lines[0][6:7] not in ("", " ", "\t"):
        problems.append(
            CaptionProblem(name, 1, "'WEBVTT' on the first line", _shorten(lines[0]), False)
        )
        first_block = 0  # be lenient: read the cues anyway
    else:
        first_block = 1
        while first_block < len(lines) and lines[first_block].strip():
            first_block += 1  # header metadata lines, up to the first blank line
    cues: list[Cue] = []
    for start_line, block in _blocks(lines, first_block):
        cue = _read_cue(block, start_line, name, problems)
        if cue is not None:
            cues.append(cue)
    cues.sort(key=lambda c: (c.start, c.end))
    return Captions(name, tuple(cues), tuple(problems))


def _blocks(lines: Sequence[str], first: int) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks, each with the 1-based number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines[first:], start=first + 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _read_cue(
    block: list[str], first_line: int, name: str, problems: list[CaptionProblem]
) -> Cue | None:
    head = block[0].split(maxsplit=1)[0] if block[0].split() else ""
    if head in _SKIPPED_BLOCKS and "-->" not in block[0]:
        return None
    # An optional cue identifier may come first; with no arrow on either line, the first
    # line is the one that should have been a timing.
    timing_at = 1 if "-->" not in block[0] and len(block) > 1 and "-->" in block[1] else 0
    line_number = first_line + timing_at
    timing = block[timing_at]
    parsed = _parse_timing(timing)
    if parsed is None:
        problems.append(CaptionProblem(name, line_number, TIMING_EXPECTED, _shorten(timing)))
        return None
    start, end = parsed
    if end <= start:
        problems.append(
            CaptionProblem(name, line_number, "an end time after the start time", timing.strip())
        )
        return None
    text = "\n".join(_plain(line) for line in block[timing_at + 1 :]).strip()
    if not text:
        problems.append(
            CaptionProblem(name, line_number + 1, "caption text after the timing", "")
        )
        return None
    return Cue(start, end, text)


def _parse_timing(line: str) -> tuple[float, float] | None:
    parts = line.split("-->")
    if len(parts) != 2:
        return None
    start = _seconds(parts[0].strip())
    end_field = parts[1].split()
    end = _seconds(end_field[0]) if end_field else None  # cue settings may follow
    if start is None or end is None:
        return None
    return start, end


def _seconds(stamp: str) -> float | None:
    match = _TIMESTAMP.match(stamp)
    if match is None:
        return None
    hours, minutes, seconds, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _plain(line: str) -> str:
    """Caption text without voice/style tags and with entities such as &amp; decoded."""
    return html.unescape(_TAG.sub("", line)).strip()


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
