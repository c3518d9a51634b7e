"""The bundled Me Space narration, its captions and the bells: present, in time, in step.

No Qt and no audio device: the Ogg length comes from the stream's own header and last
granule position, the captions from app.core.captions plus a strict line check here.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import struct
import sys
from pathlib import Path

import pytest

from app.core.captions import Cue, parse_captions
from app.core.practice_loader import load_practice_file
from app.core.practices import Practice
from tests.conftest import PRACTICES, REPO

RESOURCES = REPO / "resources"
SCRIPT = REPO / "packaging" / "make_me_space_audio.py"
BELLS = ("sounds/bell-soft.ogg", "sounds/bell-start-end.ogg")
TIMING = re.compile(r"^\d{2}:[0-5]\d:[0-5]\d\.\d{3} --> \d{2}:[0-5]\d:[0-5]\d\.\d{3}$")
LENGTH_TOLERANCE = 2.0  # seconds between the audio and the practice's length
FIRST_WORDS_WITHIN = 3.5  # seconds after a step starts (its bell rings first)


def ogg_vorbis_info(path: Path) -> tuple[int, int, float]:
    """Channels, sample rate and seconds of an Ogg Vorbis file, from its pages alone."""
    data = path.read_bytes()
    if data[:4] != b"OggS":
        raise ValueError(f"{path.name}: expected an Ogg stream, got {data[:4]!r}")
    segments = data[26]
    packet = data[27 + segments:]
    if packet[:7] != b"\x01vorbis":
        raise ValueError(f"{path.name}: expected a Vorbis identification header")
    channels = packet[11]
    rate = struct.unpack_from("<I", packet, 12)[0]
    last = data.rfind(b"OggS")
    granule = struct.unpack_from("<q", data, last + 6)[0]
    if rate <= 0 or granule <= 0:
        raise ValueError(f"{path.name}: expected a positive rate and length")
    return channels, rate, granule / rate


def strict_cues(text: str) -> list[Cue]:
    """Parse with the app's reader, and insist on nothing it had to skip or forgive."""
    lines = text.split("\n")
    assert lines[0] == "WEBVTT", "first line must be WEBVTT"
    for block in text.strip().split("\n\n")[1:]:
        timing, *words = block.split("\n")
        assert TIMING.match(timing), f"bad cue timing: {timing!r}"
        assert words and all(w.strip() for w in words), f"cue without text at {timing}"
    captions = parse_captions(text, "me-space.vtt")
    assert captions.problems == ()
    return list(captions.cues)


def check_cues(cues: list[Cue], length: float) -> None:
    """In order, not overlapping, inside the audio."""
    assert cues, "no cues"
    assert cues[0].start >= 0
    for before, after in itertools.pairwise(cues):
        assert before.end <= after.start, f"{before.text!r} overlaps {after.text!r}"
    assert cues[-1].end <= length


def script_module():
    """The generator script, loaded from packaging/ (its top level is stdlib only)."""
    name = "make_me_space_audio"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SCRIPT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
    return sys.modules[name]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def practice() -> Practice:
    return load_practice_file(PRACTICES / "me-space.toml")


@pytest.fixture(scope="module")
def cues(practice):
    assert practice.audio is not None
    return strict_cues((RESOURCES / practice.audio.captions).read_text(encoding="utf-8"))


def test_practice_points_at_bundled_audio_and_captions(practice):
    assert practice.audio is not None
    assert (RESOURCES / practice.audio.file).is_file()
    assert (RESOURCES / practice.audio.captions).is_file()
    assert practice.credit.source  # the credit stays with the practice


def test_audio_is_mono_vorbis_as_long_as_the_practice(practice):
    channels, rate, seconds = ogg_vorbis_info(RESOURCES / practice.audio.file)
    assert channels == 1
    assert rate in (22_050, 44_100)
    assert abs(seconds - practice.minutes * 60) <= LENGTH_TOLERANCE


def test_cues_in_order_and_within_the_audio(practice, cues):
    _, _, seconds = ogg_vorbis_info(RESOURCES / practice.audio.file)
    check_cues(cues, seconds)


def test_every_cue_is_practice_text_or_a_linking_phrase(practice, cues):
    script = script_module()
    own = flat(" ".join(
        [practice.title, practice.closing_prompt]
        + [f"{step.title} {step.prompt}" for step in practice.steps]
    ))
    titles = "|".join(re.escape(t) for t in [practice.title, *(s.title for s in practice.steps)])
    linking = [  # each template with its {fields} standing for a title or a number word
        re.compile(re.sub(r"\\\{\w+\\\}", lambda _: f"(?:{titles}|\\w+)", re.escape(template)))
        for template in script.LINKING
    ]
    assert len(linking) >= 3
    for cue in cues:
        text = flat(cue.text)
        is_linking = any(pattern.fullmatch(text) for pattern in linking)
        assert text in own or is_linking, f"cue text not from the practice: {text!r}"


def test_captions_match_the_current_practice_file(practice, cues):
    """Fails when the practice text changed but `make audio` was not re-run."""
    script = script_module()
    assert [flat(c.text) for c in cues] == [flat(line.text) for line in script.plan(practice)]


def test_each_step_is_spoken_from_its_own_start(practice, cues):
    script = script_module()
    lines = script.plan(practice)
    start = 0.0
    for index, step in enumerate(practice.steps):
        mine = [c for c, line in zip(cues, lines, strict=True) if line.step == index]
        assert mine, f"step {step.title!r} has no narration"
        assert start <= mine[0].start <= start + FIRST_WORDS_WITHIN, step.title
        assert mine[-1].end <= start + step.seconds, f"{step.title!r} runs into the next step"
        start += step.seconds


def test_asking_step_leaves_long_silences(practice, cues):
    """The middle step asks, then waits: several gaps of 20 s or more, 'anything else?' x3."""
    asking = practice.steps[1]
    begin, end = practice.steps[0].seconds, practice.steps[0].seconds + asking.seconds
    mine = [c for c in cues if begin <= c.start < end]
    gaps = [after.start - before.end for before, after in itertools.pairwise(mine)]
    assert sum(gap >= 20 for gap in gaps) >= 3
    assert sum(c.text == "Anything else?" for c in mine) >= 3


@pytest.mark.parametrize("name", BELLS)
def test_bells_are_short_vorbis_files(name):
    channels, rate, seconds = ogg_vorbis_info(RESOURCES / name)
    assert channels == 1
    assert rate in (22_050, 44_100)
    assert 1.0 <= seconds <= 10.0
    assert (RESOURCES / name).stat().st_size < 100_000


def test_checks_reject_broken_captions_and_files(tmp_path):
    """The helpers above can fail: overlap, disorder, a bad timing, a non-Ogg file."""
    overlapping = "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nA\n\n00:00:04.000 --> 00:00:06.000\nB\n"
    with pytest.raises(AssertionError, match="overlaps"):
        check_cues(strict_cues(overlapping), 10.0)
    with pytest.raises(AssertionError):
        check_cues(strict_cues("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\n"), 1.5)
    with pytest.raises(AssertionError, match="bad cue timing"):
        strict_cues("WEBVTT\n\n0:01.000 --> 0:02.000\nA\n")
    fake = tmp_path / "x.ogg"
    fake.write_bytes(b"RIFF0000WAVE")
    with pytest.raises(ValueError, match="expected an Ogg stream"):
        ogg_vorbis_info(fake)
