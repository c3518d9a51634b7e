"""The script to read aloud, and captions timed from the person's own takes."""

from __future__ import annotations

import re

import pytest

from app.core.practice_loader import load_practice_file, load_practice_text
from app.core.voice_script import (
    PAUSE_SECONDS,
    VoiceScriptError,
    lay_out,
    narration_seconds,
    overrun_steps,
    script_lines,
    split_sentences,
    vtt_time,
    webvtt,
)

CUE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$")


@pytest.fixture(scope="module")
def me_space():
    from tests.conftest import PRACTICES

    return load_practice_file(PRACTICES / "me-space.toml")


def two_step_practice(first_prompt: str, second_prompt: str, first_seconds: int = 30):
    text = f'''
id = "tiny"
title = "Tiny"
minutes = 1
who = ["individual"]
summary = "s"
purpose = "p"
[[steps]]
title = "One"
seconds = {first_seconds}
kind = "reflection"
prompt = "{first_prompt}"
[[steps]]
title = "Two"
seconds = {60 - first_seconds}
kind = "silence"
prompt = "{second_prompt}"
[credit]
source = "test"
'''
    return load_practice_text(text, "tiny.toml")


def seconds(h, m, s, ms):
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_cues(text):
    """(start, end, text) per cue, read back the way a player would."""
    assert text.startswith("WEBVTT\n\n")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        ident, timing, payload = block.split("\n")
        match = CUE.match(timing)
        assert match, timing
        g = match.groups()
        cues.append((ident, seconds(*g[:4]), seconds(*g[4:]), payload))
    return cues


def test_me_space_is_nine_sentences_in_step_order(me_space):
    lines = script_lines(me_space)
    assert len(lines) == 9
    assert [line.number for line in lines] == list(range(1, 10))
    assert [line.step_index for line in lines] == [0, 0, 0, 1, 1, 1, 1, 2, 2]
    assert [line.step_start for line in lines] == [0, 0, 0, 60, 60, 60, 60, 240, 240]
    assert lines[0].text == "Let your shoulders drop and feel the floor under your feet."
    assert lines[3].text.endswith("what does caring for myself mean to me right now?")
    assert lines[3].step_title == "Ask yourself the question"
    # Nothing is lost or reordered: the lines of a step read back as its prompt.
    for index, step in enumerate(me_space.steps):
        joined = " ".join(line.text for line in lines if line.step_index == index)
        assert joined == " ".join(step.prompt.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two? Three!", ("One.", "Two?", "Three!")),
        ("Ask: what now? Again.", ("Ask: what now?", "Again.")),
        ("Finish this: I will...", ("Finish this: I will...",)),
        ("Say 'hello.' Then stop.", ("Say 'hello.' Then stop.",)),
        ("No full stop at all", ("No full stop at all",)),
        ("  spaced\n out.   Next ", ("spaced out.", "Next")),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_each_steps_first_line_starts_with_the_step_and_cues_use_real_lengths(me_space):
    lines = script_lines(me_space)
    durations = [3.25, 1.5, 2.75, 6.0, 1.25, 3.5, 4.0, 2.0, 7.125]
    cues = parse_cues(webvtt(lay_out(lines, durations)))
    assert [c[0] for c in cues] == [f"line-{n}" for n in range(1, 10)]
    starts = [c[1] for c in cues]
    ends = [c[2] for c in cues]
    assert [c[3] for c in cues] == [line.text for line in lines]
    assert [round(e - s, 3) for s, e in zip(starts, ends, strict=True)] == durations
    assert starts[0] == 0 and starts[3] == 60 and starts[7] == 240
    # Within a step, each line follows the previous one after the pause.
    for i in (1, 2, 4, 5, 6, 8):
        assert starts[i] == pytest.approx(ends[i - 1] + PAUSE_SECONDS)
    assert starts[2] == pytest.approx(3.25 + 2 + 1.5 + 2)


def test_a_step_that_runs_long_pushes_the_next_step_instead_of_overlapping():
    practice = two_step_practice("First. Second.", "Third.", first_seconds=10)
    lines = script_lines(practice)
    placed = lay_out(lines, [6.0, 5.0, 1.0], pause=1.0)
    assert [(p.start, p.end) for p in placed] == [(0, 6), (7, 12), (12, 13)]
    assert overrun_steps(placed, practice) == ("One",)
    assert narration_seconds(placed, practice) == 60
    fitting = lay_out(lines, [2.0, 2.0, 1.0], pause=1.0)
    assert overrun_steps(fitting, practice) == ()
    assert fitting[2].start == 10


def test_narration_lasts_the_whole_practice_or_longer_when_the_voice_runs_on(me_space):
    lines = script_lines(me_space)
    assert narration_seconds(lay_out(lines, [1.0] * 9), me_space) == 300
    long_end = lay_out(lines, [1.0] * 8 + [70.0], pause=0.5)
    assert narration_seconds(long_end, me_space) == pytest.approx(240 + 1 + 0.5 + 70)


@pytest.mark.parametrize(
    ("durations", "message"),
    [
        ([1.0, 1.0], "recorded lines: expected 3 durations, one per line, got 2"),
        ([1.0, 0.0, 1.0], "line 2: expected a recorded length above 0 seconds, got 0.0"),
        ([1.0, 1.0, float("nan")], "line 3: expected a recorded length above 0 seconds, got nan"),
    ],
)
def test_bad_durations_are_one_clear_line(durations, message):
    practice = two_step_practice("First. Second.", "Third.")
    with pytest.raises(VoiceScriptError) as caught:
        lay_out(script_lines(practice), durations)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "00:00:00.000"), (61.2345, "00:01:01.234"), (3725.5, "01:02:05.500"),
     (59.9996, "00:01:00.000"), (-1, "00:00:00.000")],
)
def test_vtt_time(value, text):
    assert vtt_time(value) == text


def test_cue_text_cannot_break_the_file():
    practice = two_step_practice("Fish & chips <b>now</b> --> later.", "Rest.")
    cues = parse_cues(webvtt(lay_out(script_lines(practice), [1.0, 1.0])))
    assert cues[0][3] == "Fish &amp; chips &lt;b&gt;now&lt;/b&gt; --&gt; later."
