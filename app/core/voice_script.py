"""A practice as a script to read aloud, and the captions for the person's own recording.

Each step's prompt is split into sentences, one recorded line each, so a slip means
re-reading one sentence rather than the whole step. Once the lines are recorded, their
real lengths decide where they sit: every step's first line starts when the step starts
(so the voice stays in time with the player's step timer), the others follow after a
short pause, and the WebVTT cues carry exactly those times.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.practices import Practice

PAUSE_SECONDS = 2.0  # between two lines of the same step: time to take in a sentence
# A sentence ends at . ? ! (or an ellipsis) followed by a space and a capital or a quote.
_SENTENCE_END = re.compile(r"(?<=[.?!…])\s+(?=[A-Z\"'“‘(])")


class VoiceScriptError(ValueError):
    """Recorded lengths that do not fit the script; the message is one line."""


@dataclass(frozen=True, slots=True)
class ScriptLine:
    """One sentence to record, and the step it belongs to."""

    number: int  # 1-based position in the recording order
    step_index: int  # 0-based index into practice.steps
    step_title: str
    step_start: float  # seconds from the start of the practice
    text: str


@dataclass(frozen=True, slots=True)
class PlacedLine:
    """Where one recorded line sits in the assembled narration."""

    line: ScriptLine
    start: float
    end: float


def split_sentences(text: str) -> tuple[str, ...]:
    """Split a prompt into sentences; text without a sentence end stays whole."""
    parts = (part.strip() for part in _SENTENCE_END.split(" ".join(text.split())))
    return tuple(part for part in parts if part)


def script_lines(practice: Practice) -> tuple[ScriptLine, ...]:
    """Every line to record, in order: the sentences of each step's prompt."""
    lines: list[ScriptLine] = []
    for index, (step, start) in enumerate(zip(practice.steps, practice.step_starts, strict=True)):
        for sentence in split_sentences(step.prompt):
            lines.append(ScriptLine(len(lines) + 1, index, step.title, start, sentence))
    return tuple(lines)


def lay_out(
    lines: Sequence[ScriptLine], durations: Sequence[float], *, pause: float = PAUSE_SECONDS
) -> tuple[PlacedLine, ...]:
    """Place each recorded line: a step's first line at the step's start, the rest after a pause.

    A step whose lines run past the next step's start pushes that step's lines later
    rather than overlapping them; `overrun_steps` reports when that happens.
    """
    if len(durations) != len(lines):
        raise VoiceScriptError(
            f"recorded lines: expected {len(lines)} durations, one per line, got {len(durations)}"
        )
    placed: list[PlacedLine] = []
    previous_end = 0.0
    previous_step: int | None = None
    for line, duration in zip(lines, durations, strict=True):
        if not duration > 0:
            raise VoiceScriptError(
                f"line {line.number}: expected a recorded length above 0 seconds, got {duration}"
            )
        if line.step_index != previous_step:
            start = max(line.step_start, previous_end)
        else:
            start = previous_end + pause
        placed.append(PlacedLine(line, start, start + duration))
        previous_end = start + duration
        previous_step = line.step_index
    return tuple(placed)


def overrun_steps(placed: Sequence[PlacedLine], practice: Practice) -> tuple[str, ...]:
    """Titles of the steps whose recorded lines end after the step itself ends."""
    ends = [start + step.seconds
            for start, step in zip(practice.step_starts, practice.steps, strict=True)]
    late = {p.line.step_index for p in placed if p.end > ends[p.line.step_index] + 1e-9}
    return tuple(practice.steps[i].title for i in sorted(late))


def narration_seconds(placed: Sequence[PlacedLine], practice: Practice) -> float:
    """The assembled file's length: the whole practice, or longer if the voice runs on."""
    last_end = max((p.end for p in placed), default=0.0)
    return max(float(practice.total_seconds), last_end)


def webvtt(placed: Sequence[PlacedLine]) -> str:
    """WebVTT captions, one cue per recorded line, timed from the recording itself."""
    blocks = ["WEBVTT"]
    for p in placed:
        blocks.append(
            f"line-{p.line.number}\n{vtt_time(p.start)} --> {vtt_time(p.end)}\n"
            f"{_cue_text(p.line.text)}"
        )
    return "\n\n".join(blocks) + "\n"


def vtt_time(seconds: float) -> str:
    """'00:01:02.345': WebVTT's hours:minutes:seconds.milliseconds."""
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _cue_text(text: str) -> str:
    """Cue payload: escape markup characters; '-->' and blank lines cannot survive."""
    flat = " ".join(text.split())
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
