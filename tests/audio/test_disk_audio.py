"""Sound really reaches the output: SDL's disk driver writes what the mixer plays to a file.

Each case runs tests/audio/disk_probe.py in a subprocess with its own SDL environment (the
test run itself uses the dummy driver), then reads the raw samples back: sound while the
narration plays, digital silence while paused, and a fade whose envelope falls to silence.
Every practice that declares an [audio] table has its bundled recording tested here too; a
declared file that is missing fails the test rather than being skipped.
"""

from __future__ import annotations

import array
import itertools
import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.audio.narration import bundled_narration
from app.core.captions import load_captions
from app.core.practice_loader import load_library
from app.platform.resources import Resources
from tests.audio.sound_files import AMPLITUDE, rms, samples_of, write_wav

REPO = Path(__file__).resolve().parents[2]
FORMAT = [44_100, -16, 2]  # what PygameAudioPlayer opens: 44.1 kHz, signed 16-bit, stereo
SETTLE = 0.1  # seconds after a call before its effect is certain to be in the file
SILENT_PEAK = 2  # of 32767: digital silence (allowing for dither-free rounding)


@dataclass(frozen=True)
class Case:
    audio: Path | None  # None: make the tone fixture in tmp_path
    play_at: float
    fade_from: float
    fade_at: float  # -1: fade by the end-of-narration rule
    speech: bool


def _cases() -> list[Any]:
    cases = [pytest.param(Case(None, 2.0, 6.8, -1.0, speech=False), id="generated-tone")]
    resources = Resources(REPO)
    for practice in load_library(resources.practices_dir).practices:
        narration = bundled_narration(practice, resources)
        if narration is None:
            continue
        play_at, fade_at = 0.5, 5.0
        if narration.captions is not None and narration.captions.is_file():
            cues = sorted(load_captions(narration.captions).cues,
                          key=lambda c: c.end - c.start, reverse=True)
            if len(cues) >= 2:
                first, second = sorted(cues[:2], key=lambda c: c.start)
                play_at, fade_at = first.start + 0.3, second.start + 0.5
        cases.append(pytest.param(
            Case(narration.audio, play_at, max(0.0, fade_at - 0.5), fade_at, speech=True),
            id=f"bundled-{practice.id}",
        ))
    return cases


def _window(samples: array.array[int], start: int, end: int) -> array.array[int]:
    return samples[max(0, start):max(0, end)]


def _peak(samples: array.array[int], start: int, end: int) -> int:
    return int(max((abs(v) for v in _window(samples, start, end)), default=0))


@pytest.mark.parametrize("case", _cases())
def test_narration_sound_pause_silence_and_fade(case: Case, tmp_path):
    audio = case.audio or write_wav(tmp_path / "tone.wav", [(1.0, 0.0), (9.0, 0.8)])
    assert audio.is_file(), f"{audio} is declared by a practice but missing"
    raw = tmp_path / "out.raw"
    env = {**os.environ, "SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(raw)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.audio.disk_probe", str(audio),
         str(case.play_at), str(case.fade_from), str(case.fade_at)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    marks = json.loads(done.stdout.strip().splitlines()[-1])
    assert marks["format"] == FORMAT
    samples = samples_of(raw.read_bytes()[: marks["end"] // 4 * 4])
    per_second = FORMAT[0] * FORMAT[2]  # samples (both channels) per second
    settle = int(SETTLE * per_second)

    def at(mark: str) -> int:
        return int(marks[mark]) // 2

    playing = rms(_window(samples, at("play") + settle, at("pause")))
    assert playing > (0.8 * AMPLITUDE / math.sqrt(2)) * 0.9 if not case.speech else playing > 200
    assert _peak(samples, at("pause") + settle, at("resume")) <= SILENT_PEAK, "paused is silent"
    assert _peak(samples, at("stopped") + settle, at("end")) <= SILENT_PEAK, "silent after fade"

    # The fade: from the fade call to the last sound, the envelope falls to nothing.
    fade_start = at("fade")
    tail = samples[fade_start:at("end")]
    loud = [i for i in range(0, len(tail), 64) if abs(tail[i]) > SILENT_PEAK]
    assert loud, "there was sound when the fade began"
    fade_len = loud[-1]
    assert 1.5 * per_second < fade_len < 3.5 * per_second, "a fade of about 2.5 s"
    early = _peak(samples, fade_start, fade_start + int(fade_len * 0.3))
    late = _peak(samples, fade_start + int(fade_len * 0.9), fade_start + fade_len)
    assert early > 3 * late, (early, late)
    if not case.speech:  # a steady tone shows the whole envelope: it only ever goes down
        quarter = per_second // 4
        envelope = [rms(_window(samples, fade_start + i, fade_start + i + quarter))
                    for i in range(0, fade_len - quarter, quarter)]
        assert all(b <= a * 1.05 for a, b in itertools.pairwise(envelope)), envelope
        assert envelope[0] > 4 * envelope[-1]
        assert marks["fade_position"] == pytest.approx(10.0 - 2.5, abs=0.2), "the end rule"
