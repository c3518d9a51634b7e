"""Where a person's own narration lives, and how its lines become one file with captions.

Layout under the data folder (for Me Space; other practices use their own id):

    voice/me-space/lines/line-01.wav ...   one take per script line, re-recordable
    voice/me-space/me-space-own.wav        the assembled narration, silence between lines
    voice/me-space/me-space-own.vtt        captions timed from the takes themselves
    voice/me-space/me-space-own.json       sizes and hashes of the two, written last

Each file is written atomically, the manifest last, so a crash part-way leaves a pair
the manifest does not vouch for; `own_voice_files` then says "no own voice" and the
bundled voice plays, while the recorded lines are still there to assemble again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.audio.audio_length import audio_length
from app.audio.recorder import SAMPLE_WIDTH, RecorderError, read_wav, wav_bytes
from app.core.practices import ME_SPACE_ID, Practice
from app.core.voice_script import (
    PAUSE_SECONDS,
    PlacedLine,
    lay_out,
    narration_seconds,
    script_lines,
    webvtt,
)
from app.storage.atomic_file import write_atomic

MANIFEST_FORMAT = 1


class OwnVoiceError(RuntimeError):
    """The narration cannot be assembled; the message is one line for the person."""


def voice_folder(data_dir: Path, practice_id: str = ME_SPACE_ID) -> Path:
    """<data_dir>/voice/<practice id>: everything recorded for one practice."""
    return data_dir / "voice" / practice_id


def line_path(data_dir: Path, number: int, practice_id: str = ME_SPACE_ID) -> Path:
    """The take for script line `number` (1-based)."""
    return voice_folder(data_dir, practice_id) / "lines" / f"line-{number:02d}.wav"


def _names(data_dir: Path, practice_id: str) -> tuple[Path, Path, Path]:
    folder = voice_folder(data_dir, practice_id)
    stem = f"{practice_id}-own"
    return folder / f"{stem}.wav", folder / f"{stem}.vtt", folder / f"{stem}.json"


def line_seconds(path: Path) -> float | None:
    """Length of a take, or None when there is no readable one (or it is empty)."""
    return audio_length(path) or None


def assemble(
    data_dir: Path, practice: Practice, *, pause: float = PAUSE_SECONDS
) -> tuple[Path, Path, tuple[PlacedLine, ...]]:
    """Join every line's take, in time with the steps, into the narration and its captions.

    Returns the audio path, the captions path and where each line landed (for a note
    about steps the voice overruns).
    """
    lines = script_lines(practice)
    takes: list[bytes] = []
    rate: int | None = None
    for line in lines:
        path = line_path(data_dir, line.number, practice.id)
        if not path.exists():
            raise OwnVoiceError(f"line {line.number} is not recorded yet: record it first")
        try:
            samples, take_rate = read_wav(path)
        except RecorderError as exc:
            raise OwnVoiceError(f"line {line.number}: {exc}; record it again") from None
        if not samples:
            raise OwnVoiceError(f"line {line.number}: the take is empty; record it again")
        if rate is not None and take_rate != rate:
            raise OwnVoiceError(
                f"line {line.number}: expected a take at {rate} Hz like the others, "
                f"got {take_rate} Hz; record it again"
            )
        rate = take_rate
        takes.append(samples)
    if rate is None:
        raise OwnVoiceError(f"{practice.title}: expected at least one line to record, got none")

    durations = [len(t) / SAMPLE_WIDTH / rate for t in takes]
    placed = lay_out(lines, durations, pause=pause)
    total = round(narration_seconds(placed, practice) * rate)
    mix = bytearray(total * SAMPLE_WIDTH)
    for spot, samples in zip(placed, takes, strict=True):
        offset = round(spot.start * rate) * SAMPLE_WIDTH
        mix[offset : offset + len(samples)] = samples
    del mix[total * SAMPLE_WIDTH :]  # a last take rounded past the end cannot grow the file

    audio_path, captions_path, manifest_path = _names(data_dir, practice.id)
    audio = wav_bytes(bytes(mix), rate)
    captions = webvtt(placed).encode("utf-8")
    write_atomic(audio_path, audio)
    write_atomic(captions_path, captions)
    manifest = {
        "format": MANIFEST_FORMAT,
        "practice": practice.id,
        "lines": len(lines),
        "audio": _fingerprint(audio_path.name, audio),
        "captions": _fingerprint(captions_path.name, captions),
    }
    write_atomic(manifest_path, json.dumps(manifest, indent=2).encode("utf-8"))
    return audio_path, captions_path, placed


def _fingerprint(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _matches(path: Path, expected: Mapping[str, Any]) -> bytes | None:
    """The file's bytes when its name, size and hash are what the manifest recorded."""
    if not isinstance(expected, Mapping) or expected.get("name") != path.name:
        return None
    try:
        if path.stat().st_size != expected.get("bytes"):
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == expected.get("sha256") else None


def own_voice_files(data_dir: Path, practice_id: str = ME_SPACE_ID) -> tuple[Path, Path] | None:
    """(audio, captions) of the person's own narration, or None unless both are whole.

    Whole means: the manifest is readable and both files have the size and SHA-256 it
    recorded, so they are byte for byte the WAV and the WebVTT that `assemble` wrote.
    """
    audio_path, captions_path, manifest_path = _names(data_dir, practice_id)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        return None
    captions = _matches(captions_path, manifest.get("captions", {}))
    if captions is None or not captions.startswith(b"WEBVTT"):
        return None
    if _matches(audio_path, manifest.get("audio", {})) is None:
        return None
    return audio_path, captions_path
