"""Synthesise the app's bells (resources/sounds/*.ogg) from code, so no recording is needed.

A bell here is additive synthesis of a few inharmonic partials (ratios close to a small
singing bowl), each a slightly detuned pair so it shimmers, each with its own exponential
decay; a raised-cosine attack and a cosine fade to silence at the end mean no clicks.
Pure stdlib (math, array, wave): the same code gives the same samples everywhere, and
make_me_space_audio.py reuses `synthesise` to ring the same bells inside the narration.

Needs, for encoding only: `oggenc` (Debian package vorbis-tools). Not needed to run or test
the app: the .ogg files are committed.

    python3 packaging/make_bells.py            # writes resources/sounds/bell-*.ogg
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

RATE = 44_100
OGG_QUALITY = "2"  # oggenc -q: about 64 kbit/s for mono; bells are a few seconds long
OGG_SERIAL = "20251"  # a fixed Ogg stream serial, so re-running gives the same bytes
SOUNDS = Path(__file__).resolve().parents[1] / "resources" / "sounds"

# (frequency ratio, relative amplitude, decay time constant in seconds at the fundamental)
PARTIALS: tuple[tuple[float, float, float], ...] = (
    (1.000, 1.00, 1.00),
    (2.320, 0.42, 0.55),
    (4.250, 0.20, 0.32),
    (6.630, 0.09, 0.20),
    (9.380, 0.04, 0.12),
)
DETUNE = 1.0025  # the second of each pair; the slow beat is the bell's shimmer


@dataclass(frozen=True, slots=True)
class BellSpec:
    """One bell: its pitch, how long it rings, how loud its peak is."""

    name: str
    fundamental_hz: float
    seconds: float
    decay_scale: float  # multiplies every partial's decay time
    peak_dbfs: float
    attack_s: float = 0.008
    fade_s: float = 0.35


STEP_BELL = BellSpec("bell-soft", 587.33, 3.5, 1.2, -9.0, attack_s=0.02)
START_END_BELL = BellSpec("bell-start-end", 392.0, 7.0, 2.4, -6.0, attack_s=0.025, fade_s=0.6)
BELLS = (STEP_BELL, START_END_BELL)


def synthesise(spec: BellSpec, rate: int = RATE) -> array[float]:
    """The bell's samples in [-1, 1], peaking at `spec.peak_dbfs`, silent at both ends."""
    count = round(spec.seconds * rate)
    out = array("d", bytes(8 * count))
    for ratio, amplitude, decay in PARTIALS:
        tau = decay * spec.decay_scale
        for freq in (spec.fundamental_hz * ratio, spec.fundamental_hz * ratio * DETUNE):
            if freq >= rate / 2:
                continue
            step = 2 * math.pi * freq / rate
            for i in range(count):
                out[i] += 0.5 * amplitude * math.exp(-i / (rate * tau)) * math.sin(step * i)
    attack = max(1, round(spec.attack_s * rate))
    fade = max(1, round(spec.fade_s * rate))
    for i in range(min(attack, count)):
        out[i] *= 0.5 - 0.5 * math.cos(math.pi * i / attack)
    for i in range(min(fade, count)):
        out[count - 1 - i] *= 0.5 - 0.5 * math.cos(math.pi * i / fade)
    peak = max(abs(v) for v in out) or 1.0
    gain = 10 ** (spec.peak_dbfs / 20) / peak
    for i in range(count):
        out[i] *= gain
    return out


def write_wav(samples: array[float], rate: int, path: Path) -> None:
    """16-bit mono PCM, the input every encoder takes."""
    pcm = array("h", (max(-32767, min(32767, round(v * 32767))) for v in samples))
    if sys.byteorder != "little":
        pcm.byteswap()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


def encode_ogg(wav: Path, ogg: Path, quality: str = OGG_QUALITY) -> None:
    """Ogg Vorbis via oggenc; a fixed serial keeps the output byte-identical run to run."""
    command = ["oggenc", "--quiet", "-q", quality, "--serial", OGG_SERIAL, "-o", str(ogg),
               str(wav)]
    try:
        subprocess.run(command, check=True)
    except FileNotFoundError:
        message = "make_bells: expected `oggenc` on PATH (apt-get install vorbis-tools)"
        raise SystemExit(message) from None


def main(argv: list[str] | None = None) -> int:
    """Write every bell into resources/sounds/ (or --out)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SOUNDS, help="folder for the .ogg files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec in BELLS:
            wav = Path(tmp) / f"{spec.name}.wav"
            write_wav(synthesise(spec), RATE, wav)
            target = args.out / f"{spec.name}.ogg"
            part = target.with_name(target.name + ".part")
            encode_ogg(wav, part)
            os.replace(part, target)  # atomic: a player streaming the old file keeps it whole
            print(f"{target}: {spec.seconds:.1f} s, {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
