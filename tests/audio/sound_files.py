"""Small sound and caption files made by the tests themselves (stdlib `wave`, plain text)."""

from __future__ import annotations

import array
import math
import sys
import wave
from collections.abc import Sequence
from pathlib import Path

RATE = 44_100
AMPLITUDE = 10_000  # of 32767: clearly audible, far from clipping
PERIOD = 100  # samples per period of the 441 Hz tone


def write_wav(path: Path, segments: Sequence[tuple[float, float]]) -> Path:
    """A stereo 16-bit WAV of (seconds, loudness 0..1) segments of a 441 Hz tone.

    441 Hz is exactly 100 samples a period at 44.1 kHz, so one period is built and repeated:
    a five-minute file takes milliseconds to write.
    """
    samples = array.array("h")
    for seconds, loudness in segments:
        period = array.array("h")
        for i in range(PERIOD):
            value = round(AMPLITUDE * loudness * math.sin(2 * math.pi * i / PERIOD))
            period.extend((value, value))
        samples.extend(period * round(seconds * RATE / PERIOD))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return path


def samples_of(data: bytes) -> array.array[int]:
    """Native 16-bit samples from little-endian PCM bytes (a trailing odd byte dropped)."""
    samples = array.array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def rms(samples: Sequence[int]) -> float:
    """Root-mean-square level of `samples`; 0.0 for none."""
    return math.sqrt(sum(v * v for v in samples) / len(samples)) if samples else 0.0


def write_vtt(path: Path, cues: Sequence[tuple[float, float, str]], extra: str = "") -> Path:
    """A WebVTT file with the given cues, and any raw text appended (for broken cues)."""
    lines = ["WEBVTT", ""]
    for start, end, text in cues:
        lines += [f"{stamp(start)} --> {stamp(end)}", text, ""]
    path.write_text("\n".join(lines) + extra, encoding="utf-8")
    return path


def stamp(seconds: float) -> str:
    """'00:01:05.250' for 65.25 s."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def write_silent_wav(path: Path, seconds: float, rate: int = 1000) -> Path:
    """A small silent WAV of any length (mono, 8-bit, low rate): for players that only time."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * round(seconds * rate))
    return path
