"""Load practices/*.toml and check each against the practice schema.

Every problem becomes one line naming the file, the field and what was expected, so a
person editing a practice can fix it without reading code. A broken file never stops
the others from loading.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from app.core.practices import (
    Credit,
    GroupSize,
    GuidedAudio,
    LibraryLoad,
    Practice,
    Role,
    Step,
    StepKind,
    Who,
)

FORMAT_VERSION = 1
MAX_MINUTES = 8 * 60
MAX_GROUP = 200
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TIMED_TURN_KINDS = frozenset({StepKind.ROUND, StepKind.PAIRS})

TOP_LEVEL_FIELDS = frozenset(
    {
        "format", "id", "title", "minutes", "who", "group_size", "summary", "purpose",
        "roles", "before_you_start", "ground_rules", "steps", "closing_prompt", "credit",
        "design_note", "tags", "audio",
    }
)
STEP_FIELDS = frozenset(
    {"title", "seconds", "kind", "prompt", "facilitator_notes", "speaker_seconds"}
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one field of one file."""

    path: str
    field: str
    expected: str
    got: str = ""

    def __str__(self) -> str:
        got = f", got {self.got}" if self.got else ""
        return f"{self.path}: {self.field}: expected {self.expected}{got}"


class PracticeFileError(Exception):
    """A practice file that cannot be used; carries every problem found in it."""

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(slots=True)
class _Checker:
    """Collects problems for one file while reading typed values out of raw TOML."""

    path: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, where: str, expected: str, value: object = None) -> None:
        """Record a field whose value is wrong."""
        self.problems.append(Problem(self.path, where, expected, _describe(value)))

    def note(self, where: str, expected: str, got: str = "") -> None:
        """Record a problem that is not about one bad value (a missing field, a sum)."""
        self.problems.append(Problem(self.path, where, expected, got))

    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.note(f"{where}{key}", "a piece of text", "nothing")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(f"{where}{key}", "a non-empty piece of text", value)
            return ""
        return value.strip()

    def whole(
        self, data: Mapping[str, Any], key: str, where: str, low: int, high: int,
        *, required: bool = True, unit: str = "",
    ) -> int | None:
        value = data.get(key)
        name = f"{where}{key}"
        if value is None:
            if required:
                self.note(name, f"a whole number{unit} from {low} to {high}", "nothing")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(name, f"a whole number{unit} from {low} to {high}", value)
            return None
        return value

    def texts(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.add(key, "a list of text", value)
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.add(f"{key}[{i}]", "a non-empty piece of text", item)
            else:
                out.append(item.strip())
        return tuple(out)

    def table(self, data: Mapping[str, Any], key: str, *, required: bool) -> Mapping[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                self.note(key, "a table", "nothing")
            return {}
        if not isinstance(value, dict):
            self.add(key, "a table", value)
            return {}
        return value

    def tables(
        self, data: Mapping[str, Any], key: str, read: Callable[[Mapping[str, Any], str], T | None]
    ) -> tuple[T, ...]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.add(key, "a list of tables", value)
            return ()
        out: list[T] = []
        for i, item in enumerate(value):
            where = f"{key}[{i}]"
            if not isinstance(item, dict):
                self.add(where, "a table", item)
                continue
            parsed = read(item, f"{where}.")
            if parsed is not None:
                out.append(parsed)
        return tuple(out)

    def unknown(self, data: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
        for key in sorted(set(data) - set(allowed)):
            self.add(f"{where}{key}", "no such field (check the spelling)", data[key])


def _describe(value: object) -> str:
    """A short, single-line picture of a bad value for an error message."""
    if value is None:
        return "nothing"
    kind = {bool: "true/false", int: "a number", float: "a decimal number", str: "text",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
    shown = repr(value).replace("\n", " ")
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{kind} {shown}" if kind not in ("a list", "a table") else kind


def parse_practice(data: Mapping[str, Any], path: str) -> Practice:
    """Check raw TOML data against the schema; raise PracticeFileError listing every problem."""
    check = _Checker(path)
    check.unknown(data, TOP_LEVEL_FIELDS, "")

    fmt = data.get("format", FORMAT_VERSION)
    if fmt != FORMAT_VERSION or isinstance(fmt, bool):
        check.add("format", f"{FORMAT_VERSION} (the only format this version reads)", fmt)

    practice_id = check.text(data, "id", "", required=True)
    if practice_id and not ID_PATTERN.match(practice_id):
        check.add("id", "lower-case words joined by hyphens, like 'me-space'", practice_id)
    title = check.text(data, "title", "", required=True)
    minutes = check.whole(data, "minutes", "", 1, MAX_MINUTES, unit=" of minutes")
    who = _read_who(check, data)
    summary = check.text(data, "summary", "", required=True)
    purpose = check.text(data, "purpose", "", required=True)
    group_size = _read_group_size(check, data, who)
    roles = check.tables(data, "roles", lambda t, w: _read_role(check, t, w))
    before = check.texts(data, "before_you_start")
    rules = check.texts(data, "ground_rules")
    tags = check.texts(data, "tags")
    closing = check.text(data, "closing_prompt", "", required=False)
    design_note = check.text(data, "design_note", "", required=False)
    credit = _read_credit(check, data)
    audio = _read_audio(check, data)

    raw_steps = data.get("steps")
    if raw_steps is None or raw_steps == []:
        check.note("steps", "at least one [[steps]] table", "nothing")
    steps = check.tables(data, "steps", lambda t, w: _read_step(check, t, w))
    all_steps_read = isinstance(raw_steps, list) and len(steps) == len(raw_steps)
    if minutes is not None and steps and all_steps_read:
        total = sum(s.seconds for s in steps)
        if total != minutes * 60:
            check.note("steps", f"step seconds adding up to minutes x 60 = {minutes * 60} s",
                       f"{total} s")

    if check.problems or minutes is None or credit is None:
        raise PracticeFileError(path, check.problems or [Problem(path, "(file)", "a practice")])
    return Practice(
        id=practice_id, title=title, minutes=minutes, who=who, group_size=group_size,
        summary=summary, purpose=purpose, steps=steps, credit=credit, roles=roles,
        before_you_start=before, ground_rules=rules, closing_prompt=closing,
        design_note=design_note, tags=tags, audio=audio, source_path=Path(path),
    )


def _read_who(check: _Checker, data: Mapping[str, Any]) -> tuple[Who, ...]:
    expected = "a list of one or more of: " + ", ".join(w.value for w in Who)
    value = data.get("who")
    if not isinstance(value, list) or not value:
        check.add("who", expected, value)
        return ()
    out: list[Who] = []
    for i, item in enumerate(value):
        if isinstance(item, str) and item in {w.value for w in Who} and Who(item) not in out:
            out.append(Who(item))
        else:
            check.add(f"who[{i}]", "one of: " + ", ".join(w.value for w in Who) + " (once)", item)
    return tuple(out)


def _read_group_size(check: _Checker, data: Mapping[str, Any], who: tuple[Who, ...]) -> GroupSize:
    table = check.table(data, "group_size", required=False)
    default_min = 1 if Who.INDIVIDUAL in who else 2
    default_max = 12 if (Who.GROUP in who or Who.TEAM in who) else (2 if Who.PAIR in who else 1)
    if not table:
        return GroupSize(default_min, default_max)
    check.unknown(table, ("min", "max"), "group_size.")
    low = check.whole(table, "min", "group_size.", 1, MAX_GROUP, unit=" of people")
    high = check.whole(table, "max", "group_size.", 1, MAX_GROUP, unit=" of people")
    if low is not None and high is not None and low > high:
        check.add("group_size.max", f"at least group_size.min ({low})", high)
    return GroupSize(low or default_min, high or default_max)


def _read_role(check: _Checker, table: Mapping[str, Any], where: str) -> Role | None:
    check.unknown(table, ("name", "duty"), where)
    name = check.text(table, "name", where, required=True)
    duty = check.text(table, "duty", where, required=True)
    return Role(name, duty) if name and duty else None


def _read_credit(check: _Checker, data: Mapping[str, Any]) -> Credit | None:
    table = check.table(data, "credit", required=True)
    if not table:
        return None
    check.unknown(table, ("source", "url", "note"), "credit.")
    source = check.text(table, "source", "credit.", required=True)
    url = check.text(table, "url", "credit.", required=False)
    note = check.text(table, "note", "credit.", required=False)
    return Credit(source, url, note) if source else None


def _read_audio(check: _Checker, data: Mapping[str, Any]) -> GuidedAudio | None:
    table = check.table(data, "audio", required=False)
    if not table:
        return None
    check.unknown(table, ("file", "captions"), "audio.")
    file = check.text(table, "file", "audio.", required=True)
    captions = check.text(table, "captions", "audio.", required=True)
    return GuidedAudio(file, captions) if file and captions else None


def _read_step(check: _Checker, table: Mapping[str, Any], where: str) -> Step | None:
    before = len(check.problems)
    check.unknown(table, STEP_FIELDS, where)
    title = check.text(table, "title", where, required=True)
    seconds = check.whole(table, "seconds", where, 1, MAX_MINUTES * 60, unit=" of seconds")
    kind_value = table.get("kind")
    kinds = ", ".join(k.value for k in StepKind)
    kind: StepKind | None = None
    if isinstance(kind_value, str) and kind_value in {k.value for k in StepKind}:
        kind = StepKind(kind_value)
    else:
        check.add(f"{where}kind", f"one of: {kinds}", kind_value)
    prompt = check.text(table, "prompt", where, required=True)
    notes = check.text(table, "facilitator_notes", where, required=False)
    speaker = check.whole(
        table, "speaker_seconds", where, 1, MAX_MINUTES * 60, required=False, unit=" of seconds"
    )
    if kind in TIMED_TURN_KINDS and "speaker_seconds" not in table:
        check.note(f"{where}speaker_seconds", f"seconds per speaker for a '{kind}' step",
                   "nothing")
    if speaker is not None and seconds is not None and speaker > seconds:
        check.add(f"{where}speaker_seconds", f"at most the step's seconds ({seconds})", speaker)
    if len(check.problems) > before or seconds is None or kind is None:
        return None
    return Step(title, seconds, kind, prompt, notes, speaker)


def load_practice_text(text: str, path: str) -> Practice:
    """Parse one practice from TOML text; `path` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PracticeFileError(path, [Problem(path, "(syntax)", "valid TOML", str(exc))]) from None
    except RecursionError:
        raise PracticeFileError(
            path, [Problem(path, "(syntax)", "TOML nested less deeply", "too deep to read")]
        ) from None
    return parse_practice(data, path)


def load_practice_file(path: Path) -> Practice:
    """Read and validate one practice file."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PracticeFileError(
            name, [Problem(name, "(file)", "a readable file", exc.strerror or str(exc))]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PracticeFileError(
            name, [Problem(name, "(file)", "UTF-8 text", f"a bad byte at offset {exc.start}")]
        ) from None
    return load_practice_text(text, name)


def load_library(folder: Path) -> LibraryLoad:
    """Load every practices/*.toml in name order; skip, and report, the broken ones."""
    practices: list[Practice] = []
    skipped: list[PracticeFileError] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            practice = load_practice_file(path)
        except PracticeFileError as exc:
            skipped.append(exc)
            continue
        if practice.id in seen:
            problem = Problem(str(path), "id", f"an id no other file uses ({seen[practice.id]} has "
                              f"'{practice.id}')")
            skipped.append(PracticeFileError(str(path), [problem]))
            continue
        seen[practice.id] = str(path)
        practices.append(practice)
    return LibraryLoad(tuple(practices), tuple(skipped))
