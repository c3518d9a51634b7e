"""A real sound output lost mid-session: a private PulseAudio server loses its only sink.

The Me Space narration plays through the app's PygameAudioPlayer into a null sink of a
PulseAudio daemon this test starts (tests/audio/device_loss_probe.py runs the player view
in a subprocess, with SDL's pulseaudio driver). The test then takes the output away, as an
unplugged headset or a stopped sound server would: SDL marks its device disconnected and
pygame raises nothing. The view must say so in one line and keep the captions on the clock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.audio.pygame_player import OUTPUT_LOST
from app.core.captions import load_captions
from tests.audio.device_loss_probe import CLOCK_ON, PLAYING_FROM

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PROBE_DEADLINE = 120.0  # seconds before a hung probe is killed (a passing run takes ~2 s)
SINK = "companion_test"


@dataclass
class PulseServer:
    """A PulseAudio daemon of this test's own: one null sink, reached by its unix socket."""

    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path

    def pactl(self, *args: str) -> str:
        done = subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True,
                              timeout=30, check=False)
        assert done.returncode == 0, f"pactl {' '.join(args)}: {done.stderr.strip()}"
        return done.stdout

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def pulse(tmp_path: Path, qtbot) -> Iterator[PulseServer]:
    root = tmp_path / "pulse"
    runtime = root / "run"
    (root / "home").mkdir(parents=True)
    runtime.mkdir(mode=0o700)
    log = root / "daemon.log"
    socket = root / "native"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PULSE_", "DBUS_"))}
    env.update(HOME=str(root / "home"), XDG_RUNTIME_DIR=str(runtime),
               PULSE_RUNTIME_PATH=str(runtime), PULSE_SERVER=f"unix:{socket}")
    process = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "-n", "--exit-idle-time=-1", "--disallow-exit",
         "--use-pid-file=no", "--disable-shm=yes", "--log-level=info",
         f"--log-target=file:{log}", f"--load=module-null-sink sink_name={SINK}",
         f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = PulseServer(process, env, log)
    try:
        qtbot.waitUntil(lambda: process.poll() is not None or (
            log.is_file() and "Daemon startup complete" in log.read_text(errors="replace")),
            timeout=20_000)
        assert process.poll() is None, log.read_text(errors="replace")[-2000:]
        yield server
    finally:
        server.stop()


def _captions_at(seconds: float) -> str:
    captions = load_captions(REPO / "resources" / "audio" / "me-space.vtt")
    index = captions.index_at(seconds)
    return "" if index is None else captions.cues[index].text


@pytest.mark.parametrize(("lose", "when"), [
    ("sink-unloaded", "playing"), ("server-stopped", "playing"), ("sink-unloaded", "paused"),
])
def test_a_lost_sound_output_is_noticed_and_the_captions_carry_on(pulse, lose, when, tmp_path):
    errors = tmp_path / "probe.stderr"
    with errors.open("w") as stderr:
        probe = subprocess.Popen(
            [sys.executable, "-m", "tests.audio.device_loss_probe", when], cwd=REPO,
            env={**pulse.env, "SDL_AUDIODRIVER": "pulseaudio", "QT_QPA_PLATFORM": "offscreen"},
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True,
        )
    watchdog = threading.Timer(PROBE_DEADLINE, probe.kill)  # never hang the test run
    watchdog.start()
    try:
        line = probe.stdout.readline() if probe.stdout else ""  # blocks until it plays
        assert line, errors.read_text()[-2000:]
        before = json.loads(line)
        assert before == {"playing": True, "position": before["position"], "notices": []}, (
            f"the narration did not reach {PLAYING_FROM} s through PulseAudio")
        streams = pulse.pactl("list", "short", "sink-inputs").splitlines()
        assert len(streams) == 1, "the narration plays into the test's PulseAudio sink"

        if lose == "sink-unloaded":
            pulse.pactl("unload-module", "module-null-sink")
        else:
            pulse.stop()
        out, _ = probe.communicate("lost\n", timeout=60)
    finally:
        watchdog.cancel()
        if probe.poll() is None:
            probe.kill()
            probe.wait()
    assert probe.returncode == 0, errors.read_text()[-2000:]
    after = json.loads(out.strip().splitlines()[-1])
    assert after["notices"] == [OUTPUT_LOST]
    assert after["silent"] and after["state"] == "playing", "the session goes on in silence"
    assert after["session"] == "RUNNING"
    if when == "playing":  # (pygame's paused position counts only what was mixed)
        assert after["at"] >= before["position"] - 1e-6, "it carries on from where it stopped"
    assert after["held"] == after["at"], "a paused session stays where it was"
    assert after["after"] == pytest.approx(after["at"] + CLOCK_ON, abs=1e-6)
    assert after["caption"] == _captions_at(after["after"]), "captions follow the clock"
    assert after["caption"], "Me Space has a caption showing there"
