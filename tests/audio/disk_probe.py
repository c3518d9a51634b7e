"""Run in a subprocess with SDL's disk driver: play, pause, resume, fade; print byte marks.

`python -m tests.audio.disk_probe AUDIO PLAY_AT FADE_FROM FADE_AT` with SDL_AUDIODRIVER=disk
and SDL_DISKAUDIOFILE set. The disk driver writes the mixed output to that file in real time,
so the size of the file when each call is made marks where its effect starts. Every wait
blocks on the file's inotify events (tests/audio/file_events.py): nothing sleeps or polls on
a timer; the only real-time part is the driver's own pacing. FADE_AT < 0
means "fade when the narration reaches its end" (the player view's end-of-audio rule).
Prints one JSON object: the mixer format and the byte offsets of each phase.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from app.audio.audio_player import END_FADE_MS, PlayState, end_fade_due
from app.audio.pygame_player import PygameAudioPlayer
from app.core.clock import SystemClock
from tests.audio.file_events import IN_MODIFY, FileEvents

TIMEOUT = 20.0


def main(argv: list[str]) -> int:
    """Drive the real player through each phase and report where each began in the file."""
    audio, play_at, fade_from, fade_at = Path(argv[0]), *map(float, argv[1:4])
    out = Path(os.environ["SDL_DISKAUDIOFILE"])
    player = PygameAudioPlayer(SystemClock())
    player.load(audio)
    frequency, size, channels = player.mixer_format() or (0, 0, 0)
    second = frequency * channels * abs(size) // 8

    written = FileEvents(out, IN_MODIFY)

    def size_now() -> int:
        return out.stat().st_size

    def wait_bytes(count: float) -> int:
        """Block until the driver has written `count` more bytes (it paces in real time)."""
        target = size_now() + int(count)
        written.wait_until(lambda: size_now() >= target, TIMEOUT, "the disk driver")
        return size_now()

    marks: dict[str, object] = {"format": [frequency, size, channels], "second": second}
    wait_bytes(second * 0.1)  # the device is running
    marks["play"] = size_now()
    player.play(play_at)
    marks["pause"] = wait_bytes(second * 0.6)
    player.pause()
    marks["resume"] = wait_bytes(second * 0.6)
    player.resume()
    player.seek(fade_from)
    marks["seek"] = size_now()

    def fade_due() -> bool:
        """Checked after each buffer the driver writes, as the player view's timer would."""
        position = player.position()
        if player.state is PlayState.STOPPED:
            raise SystemExit(f"stopped before the fade point (at {position:.2f} s)")
        marks["fade_position"] = position
        return (fade_at >= 0 and position >= fade_at) or (
            fade_at < 0 and end_fade_due(position, player.duration))

    written.wait_until(fade_due, TIMEOUT, "reaching the fade point")
    marks["fade"] = size_now()
    player.fade_out(END_FADE_MS)
    written.wait_until(lambda: player.state is PlayState.STOPPED, TIMEOUT, "the fade")
    marks["stopped"] = size_now()
    marks["end"] = wait_bytes(second * 0.3)
    written.close()
    print(json.dumps(marks))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
