"""The practice model: what one compassion practice is, step by step.

Instances come only from app.core.practice_loader, which validates practices/*.toml,
so the rest of the app can trust every field here.

The records are NamedTuples rather than frozen dataclasses: as immutable, and about seven
times cheaper to define. Seven frozen dataclasses took about 5 ms of every start-up, before
the window could show.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from app.core.practice_loader import PracticeFileError

#: Me Space: the five-minute practice that the tray, the reminders, the own voice and the
#: self-test single out by name.
ME_SPACE_ID = "me-space"


class Who(StrEnum):
    """Who takes part; the library filters on this."""

    INDIVIDUAL = "individual"
    PAIR = "pair"
    GROUP = "group"
    TEAM = "team"

    @property
    def label(self) -> str:
        """How the library names this to a person."""
        return _WHO_LABELS[self]


_WHO_LABELS = {
    Who.INDIVIDUAL: "Just me",
    Who.PAIR: "A pair",
    Who.GROUP: "A group",
    Who.TEAM: "A team",
}


class StepKind(StrEnum):
    """How a step is run; the player and facilitator view differ per kind."""

    TALK = "talk"  # one person (host or facilitator) speaks to everyone
    PAIRS = "pairs"  # partners take timed turns, with a swap signal
    ROUND = "round"  # each person speaks in turn, with a per-speaker timer
    SILENCE = "silence"  # everyone is quiet
    REFLECTION = "reflection"  # each person thinks or writes alone
    AUDIO = "audio"  # the bundled guided audio plays


class Role(NamedTuple):
    """A job someone holds during the practice (host, facilitator, timekeeper...)."""

    name: str
    duty: str


class Step(NamedTuple):
    """One timed step of a practice."""

    title: str
    seconds: int
    kind: StepKind
    prompt: str
    facilitator_notes: str = ""
    speaker_seconds: int | None = None  # per speaker in a round, per turn in pairs

    @property
    def minutes_label(self) -> str:
        """The step's length as a person says it: '30 s', '2 min', '1 min 30 s'."""
        return format_duration(self.seconds)


class GroupSize(NamedTuple):
    """How many people the practice suits."""

    min: int
    max: int


class Credit(NamedTuple):
    """Where the practice comes from; shown in the detail view and the guide."""

    source: str
    url: str = ""
    note: str = ""


class GuidedAudio(NamedTuple):
    """A bundled narration and its captions, as paths relative to resources/."""

    file: str
    captions: str


class Practice(NamedTuple):
    """One validated practice."""

    id: str
    title: str
    minutes: int
    who: tuple[Who, ...]
    group_size: GroupSize
    summary: str
    purpose: str
    steps: tuple[Step, ...]
    credit: Credit
    roles: tuple[Role, ...] = ()
    before_you_start: tuple[str, ...] = ()
    ground_rules: tuple[str, ...] = ()
    closing_prompt: str = ""
    design_note: str = ""
    tags: tuple[str, ...] = ()
    audio: GuidedAudio | None = None
    source_path: Path | None = None

    @property
    def is_facilitated(self) -> bool:
        """Group and team practices get a facilitator guide and facilitator view."""
        return Who.GROUP in self.who or Who.TEAM in self.who

    @property
    def who_label(self) -> str:
        """'Just me or a pair', 'A group or a team'."""
        labels = [w.label for w in self.who]
        if len(labels) == 1:
            return labels[0]
        rest = ", ".join(labels[:-1])
        return f"{rest} or {labels[-1].lower()}"

    @property
    def total_seconds(self) -> int:
        """Sum of the steps, equal to minutes * 60 once validated."""
        return sum(step.seconds for step in self.steps)

    @property
    def step_starts(self) -> tuple[float, ...]:
        """Each step's start, in seconds from the start of the practice (the planned times).

        The player keeps its narration on these, and a recorded own voice is laid out on them.
        """
        starts: list[float] = []
        total = 0.0
        for step in self.steps:
            starts.append(total)
            total += step.seconds
        return tuple(starts)


def format_duration(seconds: int) -> str:
    """Say a length the way a facilitator would: '30 s', '2 min', '1 min 30 s'."""
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return f"{minutes} min {rest} s"
    if minutes:
        return f"{minutes} min"
    return f"{rest} s"


class LibraryLoad(NamedTuple):
    """The practices that loaded and the files that were skipped, with why."""

    practices: tuple[Practice, ...]
    skipped: tuple[PracticeFileError, ...] = ()
