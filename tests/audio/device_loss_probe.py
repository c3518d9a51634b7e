"""Run in a subprocess on a PulseAudio server the test controls: lose the output mid-session.

`python -m tests.audio.device_loss_probe playing|paused` with SDL_AUDIODRIVER=pulseaudio
and PULSE_SERVER set (tests/audio/test_device_loss.py). It opens the real player view on Me
Space with its bundled narration, played through the app's PygameAudioPlayer, starts the
session (and pauses it, for `paused`) and prints one JSON line once the narration has
audibly played. It then blocks on stdin until the test has taken the output away and says
so. From there the view's own refresh timer polls the player, as in the app. Once the
notice shows, or the deadline passes, it moves the session's clock on (resuming first, for
`paused`) and prints where the narration and its captions are then.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from app.audio.narration import bundled_narration
from app.audio.pygame_player import PygameAudioPlayer
from app.core.practice_loader import load_library
from app.platform.resources import Resources
from app.ui.player_view import PlayerView
from tests.fakes import FakeClock, FakeScheduler

REPO = Path(__file__).resolve().parents[2]
PLAYING_FROM = 1.0  # seconds of narration mixed before the output is taken away
DEADLINE_MS = 15_000  # for each wait; the loss shows within one refresh when it works
CHECK_MS = 50
CLOCK_ON = 11.0  # seconds the clock moves after the loss: into a long Me Space caption


def wait_for(condition: Callable[[], bool]) -> bool:
    """Run Qt's event loop (the view's timers) until `condition()` holds or the deadline."""
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(CHECK_MS)
    check.timeout.connect(lambda: loop.quit() if condition() else None)
    QTimer.singleShot(DEADLINE_MS, loop.quit)
    check.start()
    if not condition():
        loop.exec()
    check.stop()
    return condition()


def main() -> int:
    """Play, wait for the test to take the output away, then report what the person sees."""
    app = QApplication(sys.argv[:1])
    resources = Resources(REPO)
    practices = {p.id: p for p in load_library(resources.practices_dir).practices}
    practice = practices["me-space"]
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    scheduler = FakeScheduler(clock)
    player = PygameAudioPlayer(clock)
    view = PlayerView(practice, clock, scheduler, audio=player,
                      narration=bundled_narration(practice, resources))
    view.show()
    view.toggle_running()
    panel = view.audio_panel
    if panel is None or view.voice is not player:
        print(json.dumps({"error": "the narration did not load", "notices": []}), flush=True)
        return 1
    playing = wait_for(lambda: player.is_playing and player.position() >= PLAYING_FROM)
    position = player.position()
    paused = sys.argv[1:] == ["paused"]
    if paused:
        view.toggle_running()
    print(json.dumps({"playing": playing, "position": position,
                      "notices": list(panel.notices)}), flush=True)
    if sys.stdin.readline().strip() != "lost":
        return 1
    wait_for(lambda: bool(panel.notices))
    at = player.position()
    if paused:
        scheduler.advance(CLOCK_ON)
        view.refresh()
        held = player.position()
        view.toggle_running()
    scheduler.advance(CLOCK_ON)
    view.refresh()
    print(json.dumps({
        "notices": list(panel.notices),
        "silent": player.is_silent,
        "state": player.state.value,
        "session": view.session.state.name,
        "at": at,
        "held": held if paused else at,
        "after": player.position(),
        "caption": panel.caption_label.text(),
    }), flush=True)
    view.close()
    player.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
