"""Run in a subprocess with SDL's disk driver: play, pause, resume, fade; print byte marks.

`python -m tests.audio.disk_probe AUDIO PLAY_AT FADE_FROM FADE_AT` with SDL_AUDIODRIVER=disk
and SDL_DISKAUDIOFILE set. The disk driver writes the mixed output to that file in real time,
so the size of the file when each call is made marks where its effect starts. FADE_AT < 0
means "fade when the narration reaches its end" (the player view's end-of-audio rule).
Prints one JSON object: the mixer format and the byte offsets of each phase.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from app.audio.audio_player import END_FADE_MS, PlayState, end_fade_due
from app.audio.pygame_player import PygameAudioPlayer
from app.core.clock import SystemClock

TIMEOUT = 20.0


def main(argv: list[str]) -> int:
    """Drive the real player through each phase and report where each began in the file."""
    audio, play_at, fade_from, fade_at = Path(argv[0]), *map(float, argv[1:4])
    out = Path(os.environ["SDL_DISKAUDIOFILE"])
    player = PygameAudioPlayer(SystemClock())
    player.load(audio)
    frequency, size, channels = player.mixer_format() or (0, 0, 0)
    second = frequency * channels * abs(size) // 8

    def size_now() -> int:
        return out.stat().st_size

    def wait_bytes(count: float) -> int:
        """Poll until the driver has written `count` more bytes (it paces in real time)."""
        target = size_now() + int(count)
        deadline = time.monotonic() + TIMEOUT
        while size_now() < target:
            if time.monotonic() > deadline:
                raise SystemExit(f"disk driver stalled at {size_now()} bytes")
            time.sleep(0.005)
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
    deadline = time.monotonic() + TIMEOUT
    while True:
        position = player.position()
        if (fade_at >= 0 and position >= fade_at) or (
            fade_at < 0 and end_fade_due(position, player.duration)
        ):
            break
        if time.monotonic() > deadline or player.state is PlayState.STOPPED:
            raise SystemExit(f"never reached the fade point (at {position:.2f} s)")
        time.sleep(0.005)
    marks["fade"] = size_now()
    marks["fade_position"] = position
    player.fade_out(END_FADE_MS)
    while player.state is not PlayState.STOPPED:
        if time.monotonic() > deadline:
            raise SystemExit("the fade never finished")
        time.sleep(0.005)
    marks["stopped"] = size_now()
    marks["end"] = wait_bytes(second * 0.3)
    print(json.dumps(marks))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
