"""Which recording guides a practice: the bundled narration, or any other pair of files.

The player takes a Narration rather than reading Practice.audio itself, so a person's own
recording (with or without captions) can be played through the same path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.practices import Practice
from app.platform.resources import Resources


@dataclass(frozen=True, slots=True)
class Narration:
    """An audio file to play with the session, and its WebVTT captions if it has any."""

    audio: Path
    captions: Path | None = None
    # The bundled recordings ring their own bells at each step change (packaging/
    # make_me_space_audio.py mixes them in), so the player must not ring a second one.
    bells_included: bool = False


def bundled_narration(practice: Practice, resources: Resources) -> Narration | None:
    """The narration the practice file declares in its [audio] table, or None."""
    if practice.audio is None:
        return None
    return Narration(
        audio=resources.resource(practice.audio.file),
        captions=resources.resource(practice.audio.captions),
        bells_included=True,
    )
