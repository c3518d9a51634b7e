"""Audio benchmark: Start on Me Space to first sound, and CPU per second of playback.

Plain script (`make bench`). Each measurement runs in a child process with SDL's disk
driver, which writes the mixed output to a file in real time; the parent reads the figures.

* latency: from clicking Start in the player to the first non-silent sample in the output
  file, minus the recording's own lead-in silence (measured by decoding its start). Target
  < 150 ms. Baseline in the same run: an in-memory Sound played directly (the driver floor).
* CPU: process CPU time over ~10 s of playback with the player's display timer running,
  per second of playback. Target < 5 % of one core. Baseline: the same player, mixer open,
  not playing.
The disk driver writes one buffer, then sleeps SDL_DISKAUDIODELAY ms (default: one buffer,
1024 frames = 23 ms), so it can add up to a buffer of latency; the run is repeated with
SDL_DISKAUDIODELAY=5 to show how much of the figure is the driver's pacing.
"""

from __future__ import annotations

import array
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LATENCY_TARGET_MS = 150.0
CPU_TARGET = 0.05
PLAY_SECONDS = 10.0
SILENT = 300  # peak still counted as silence (about -40 dBFS: codec noise is not sound)


def _first_sound(data: bytes) -> int | None:
    """Index (in stereo frames) of the first non-silent frame, or None."""
    samples = array.array("h")
    samples.frombytes(data[: len(data) // 4 * 4])
    for i, value in enumerate(samples):
        if abs(value) > SILENT:
            return i // 2
    return None


def _wait_for_sound(out: Path, offset: int, timeout: float = 10.0) -> float:
    """Poll the output file from `offset` until a non-silent frame appears; its arrival time."""
    deadline = time.perf_counter() + timeout
    with out.open("rb") as handle:
        handle.seek(offset)
        while time.perf_counter() < deadline:
            chunk = handle.read()
            if chunk and _first_sound(chunk) is not None:
                return time.perf_counter()
            if not chunk:
                time.sleep(0.0005)
        raise SystemExit("no sound reached the output")


def _lead_in(path: Path) -> float:
    """Seconds of silence at the start of the recording itself (not the app's latency)."""
    import pygame

    sound = pygame.mixer.Sound(str(path))
    frame = _first_sound(sound.get_raw()[: 44_100 * 4 * 30])
    return 0.0 if frame is None else frame / 44_100


def child(narration_audio: str, narration_captions: str) -> None:
    """Open the player on Me Space, press Start, measure; print one JSON line."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.audio.audio_player import PlayState
    from app.audio.bells import Bell
    from app.audio.narration import Narration
    from app.audio.pygame_player import PygameAudioPlayer
    from app.core.clock import SystemClock
    from app.core.practice_loader import load_library
    from app.platform.resources import Resources
    from app.ui.player_view import PlayerView
    from app.ui.qt_scheduler import QtScheduler

    app = QApplication([])
    out = Path(os.environ["SDL_DISKAUDIOFILE"])
    resources = Resources(REPO)
    practice = next(p for p in load_library(resources.practices_dir).practices
                    if p.id == "me-space")
    narration = Narration(Path(narration_audio), Path(narration_captions) if narration_captions
                          else None)
    clock = SystemClock()
    audio = PygameAudioPlayer(clock)
    began = time.perf_counter()
    view = PlayerView(practice, clock, QtScheduler(), audio=audio, narration=narration,
                      bell=Bell(resources.resource("sounds/bell-soft.ogg"), 0.6))
    opened = time.perf_counter() - began
    view.show()
    app.processEvents()
    lead_in = _lead_in(narration.audio)

    # baseline latency: an in-memory tone straight onto a channel (the driver's floor)
    import pygame

    tone = array.array("h", [8000, 8000, -8000, -8000] * 2205)
    sound = pygame.mixer.Sound(buffer=tone.tobytes())
    offset = out.stat().st_size
    t0 = time.perf_counter()
    sound.play()
    baseline_ms = (_wait_for_sound(out, offset) - t0) * 1000
    while pygame.mixer.get_busy():
        time.sleep(0.01)
    time.sleep(0.1)

    # idle CPU: the player open, mixer running, nothing playing
    cpu0, wall0 = time.process_time(), time.perf_counter()
    QTimer.singleShot(3000, app.quit)
    app.exec()
    idle_cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)

    # Start -> first sound (narration seeked past nothing: Start plays from 0 as a person does)
    offset = out.stat().st_size
    t0 = time.perf_counter()
    view.toggle_button.click()
    heard = _wait_for_sound(out, offset, timeout=lead_in + 10)
    start_ms = (heard - t0) * 1000

    cpu0, wall0 = time.process_time(), time.perf_counter()
    QTimer.singleShot(int(PLAY_SECONDS * 1000), app.quit)
    app.exec()
    play_cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    # A narration whose file is rewritten in place while it streams stops early: the player
    # then goes silent with a notice (see PygameAudioPlayer); report that, not a bare "stopped".
    playing = audio.state is PlayState.PLAYING and not audio.is_silent
    view.end()
    print(json.dumps({
        "open_ms": opened * 1000, "lead_in_ms": lead_in * 1000, "start_ms": start_ms,
        "baseline_ms": baseline_ms, "idle_cpu": idle_cpu, "play_cpu": play_cpu,
        "still_playing": playing, "silent": audio.is_silent, "position": audio.position(),
        "notice": audio.notice,
    }))


def _narration() -> tuple[Path, Path | None, str]:
    """The bundled Me Space recording if there is one, else a generated tone."""
    sys.path.insert(0, str(REPO))
    from app.audio.narration import bundled_narration
    from app.core.practice_loader import load_library
    from app.platform.resources import Resources

    resources = Resources(REPO)
    practice = next(p for p in load_library(resources.practices_dir).practices
                    if p.id == "me-space")
    declared = bundled_narration(practice, resources)
    if declared is not None:
        return declared.audio, declared.captions, "bundled (declared by me-space.toml)"
    shipped = resources.resource("audio/me-space.ogg")
    if shipped.is_file():
        vtt = resources.resource("audio/me-space.vtt")
        return shipped, vtt if vtt.is_file() else None, "resources/audio/me-space.ogg (shipped)"
    from tests.audio.sound_files import write_wav

    tone = write_wav(Path(tempfile.mkdtemp()) / "tone.wav", [(30.0, 0.5)])
    return tone, None, "generated 441 Hz tone"


def run(delay: str | None, audio: Path, captions: Path | None) -> dict[str, float]:
    """One child run with the disk driver (and SDL_DISKAUDIODELAY if given)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SDL_AUDIODRIVER": "disk", "QT_QPA_PLATFORM": "offscreen",
               "SDL_DISKAUDIOFILE": str(Path(tmp) / "out.raw"),
               "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
        env.pop("SDL_DISKAUDIODELAY", None)
        if delay is not None:
            env["SDL_DISKAUDIODELAY"] = delay
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(audio), str(captions or "")],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"bench_audio child failed: {done.stderr.strip()[-500:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    """Run with the driver's default pacing and with a 5 ms delay; print against targets."""
    audio, captions, what = _narration()
    print(f"narration: {what}: {audio.name}")
    for label, delay in (("SDL_DISKAUDIODELAY default (one buffer, 23 ms)", None),
                         ("SDL_DISKAUDIODELAY=5", "5")):
        f = run(delay, audio, captions)
        # With a short delay the driver writes faster than real time, so the recording's
        # lead-in passes in less wall time than it lasts: subtracting it would flatter.
        system_ms = f["start_ms"] - (f["lead_in_ms"] if delay is None else 0.0)
        print(f"-- {label}")
        print(f"   opening the player (pygame import, mixer, load): {f['open_ms']:.0f} ms")
        print(f"   Start -> first sound: {f['start_ms']:.0f} ms, of which the recording's own "
              f"lead-in silence {f['lead_in_ms']:.0f} ms")
        print(f"   Start -> sound, app and driver: {system_ms:.1f} ms"
              f"{'' if delay is None else ' (raw: the driver runs faster than real time)'}"
              f" (target < "
              f"{LATENCY_TARGET_MS:.0f} ms: {'ok' if system_ms < LATENCY_TARGET_MS else 'MISSED'})"
              f"; baseline Sound.play {f['baseline_ms']:.1f} ms; ratio "
              f"{system_ms / max(f['baseline_ms'], 0.1):.2f}x")
        print(f"   CPU per second of playback: {f['play_cpu'] * 100:.2f} % of one core (target < "
              f"{CPU_TARGET * 100:.0f} %: {'ok' if f['play_cpu'] < CPU_TARGET else 'MISSED'}); "
              f"baseline idle mixer {f['idle_cpu'] * 100:.2f} %; ratio "
              f"{f['play_cpu'] / max(f['idle_cpu'], 1e-4):.2f}x"
              + ("" if f["still_playing"] else
                 f" (playback had stopped at {f['position']:.1f} s: {f['notice']})"))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, str(REPO))
        child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
