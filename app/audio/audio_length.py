"""Read a narration's length from its header, without decoding it or opening a device.

The null player needs the length to end (and fade) at the right moment, and decoding a
five-minute Ogg file just to measure it would cost tens of megabytes.
"""

from __future__ import annotations

import struct
import wave
from pathlib import Path

_OGG_TAIL = 65_536  # the last Ogg page (with the final granule position) is in here
_VORBIS_ID = b"\x01vorbis"


def audio_length(path: Path) -> float | None:
    """Seconds of audio in a WAV or Ogg Vorbis file; None if the header says nothing usable."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
        if magic == b"RIFF":
            return _wav_length(path)
        if magic == b"OggS":
            return _ogg_vorbis_length(path)
    except (OSError, EOFError, wave.Error, struct.error):
        return None
    return None


def _wav_length(path: Path) -> float | None:
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        return wav.getnframes() / rate if rate > 0 else None


def _ogg_vorbis_length(path: Path) -> float | None:
    """The last page's granule position (samples) over the rate in the identification header."""
    with path.open("rb") as handle:
        head = handle.read(4096)
        size = handle.seek(0, 2)
        handle.seek(max(0, size - _OGG_TAIL))
        tail = handle.read()
    ident = head.find(_VORBIS_ID)
    if ident < 0 or len(head) < ident + 16:
        return None
    rate = struct.unpack_from("<I", head, ident + 12)[0]
    last = tail.rfind(b"OggS")
    if rate <= 0 or last < 0 or len(tail) < last + 14:
        return None
    granule = struct.unpack_from("<q", tail, last + 6)[0]
    return granule / rate if granule > 0 else None
