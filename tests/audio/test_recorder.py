"""Recording a line for real, and joining the lines into one narration with captions.

The capture tests run the real SdlRecorder in a subprocess with SDL's disk driver: SDL
reads "microphone" samples from SDL_DISKAUDIOFILEIN and writes what is played to
SDL_DISKAUDIOFILE, both in real time (the test run itself uses the dummy driver). The
subprocess blocks on those files' inotify events (each buffer SDL reads or writes) and
then re-checks the recorder's own sample count; nothing sleeps or polls on a timer, the
deadlines only catch a stalled driver, and nothing asserts on timing.
"""

from __future__ import annotations

import array
import hashlib
import json
import math
import os
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any

import pytest

from app.audio.own_voice import (
    OwnVoiceError,
    assemble,
    line_path,
    own_voice_files,
    voice_folder,
)
from app.audio.recorder import SAMPLE_RATE, RecorderError, read_wav, wav_bytes
from app.core.captions import load_captions
from app.core.practice_loader import load_practice_file
from app.core.voice_script import PAUSE_SECONDS, script_lines
from tests.audio.sound_files import rms, samples_of

REPO = Path(__file__).resolve().parents[2]
TONE_HZ = 440.0
TONE_PEAK = 8000

# Run as `python -c PROBE TAKE SECONDS`: record SECONDS, stop, play the take back, report.
PROBE = r"""
import json, os, sys
from pathlib import Path
from app.audio.recorder import RecorderError, SdlRecorder
from tests.audio.file_events import IN_ACCESS, IN_MODIFY, FileEvents

take, seconds = Path(sys.argv[1]), float(sys.argv[2])
recorder = SdlRecorder()
try:
    recorder.start(take)
except RecorderError as exc:
    print(json.dumps({"error": str(exc)}))
    raise SystemExit(0)
mic = FileEvents(Path(os.environ["SDL_DISKAUDIOFILEIN"]), IN_ACCESS)  # SDL read a buffer
mic.wait_until(lambda: recorder.recorded_seconds >= seconds, 20, "capture")
mic.close()
report = {"recorded": recorder.stop()}
report["played"] = recorder.play(take)
speaker = FileEvents(Path(os.environ["SDL_DISKAUDIOFILE"]), IN_MODIFY)  # SDL wrote a buffer
speaker.wait_until(lambda: not recorder.is_playing, 20, "playback")
speaker.close()
recorder.close()
print(json.dumps(report))
"""


def tone(seconds: float, hz: float = TONE_HZ, peak: int = TONE_PEAK,
         rate: int = SAMPLE_RATE) -> bytes:
    samples = array.array("h", (round(peak * math.sin(2 * math.pi * hz * i / rate))
                                for i in range(round(seconds * rate))))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def frequency(samples, rate: int = SAMPLE_RATE) -> float:
    """Estimated from rising zero crossings: a pure tone crosses upward once a cycle."""
    rising = [i for i in range(1, len(samples)) if samples[i - 1] < 0 <= samples[i]]
    if len(rising) < 2:
        return 0.0
    return (len(rising) - 1) * rate / (rising[-1] - rising[0])


def run_probe(env_extra: dict[str, str], take: Path, seconds: float = 1.0) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SDL_", "ALSA_"))}
    env.update(env_extra)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(take), str(seconds)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----- capture through SDL, for real -----
def test_records_the_microphone_tone_and_plays_it_back(tmp_path):
    mic = tmp_path / "mic.raw"
    mic.write_bytes(tone(5.0))
    speaker = tmp_path / "speaker.raw"
    take = tmp_path / "voice" / "line-01.wav"
    report = run_probe({"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILEIN": str(mic),
                        "SDL_DISKAUDIOFILE": str(speaker)}, take)
    assert report["recorded"] >= 1.0

    data, rate = read_wav(take)
    with wave.open(str(take), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, rate)
    assert rate == SAMPLE_RATE
    samples = samples_of(data)
    assert len(samples) / rate == pytest.approx(report["recorded"])
    assert frequency(samples) == pytest.approx(TONE_HZ, abs=2.0)
    assert rms(samples) == pytest.approx(TONE_PEAK / math.sqrt(2), rel=0.03)
    # What was played back is the take itself, sample for sample, after whatever silence
    # the output wrote before playback began (the disk driver runs on its own clock).
    assert report["played"] == pytest.approx(report["recorded"])
    played = speaker.read_bytes()
    lead_in = played.find(data[:4096])
    assert lead_in >= 0 and lead_in % 2 == 0, "the take's first samples are in the output"
    assert played[:lead_in].count(0) == lead_in, "only silence comes before the take"
    assert played[lead_in:lead_in + len(data)] == data


def test_no_microphone_is_one_clear_line(tmp_path):
    empty_alsa = tmp_path / "alsa.conf"
    empty_alsa.write_text("# no cards, no default device\n")
    report = run_probe({"SDL_AUDIODRIVER": "alsa", "ALSA_CONFIG_PATH": str(empty_alsa)},
                       tmp_path / "take.wav")
    assert report == {"error": "No microphone found: connect one or allow this app to use "
                               "it, then try again"}
    assert not (tmp_path / "take.wav").exists()


def test_a_microphone_that_will_not_open_is_one_clear_line(tmp_path):
    missing = tmp_path / "unplugged.raw"
    report = run_probe({"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILEIN": str(missing),
                        "SDL_DISKAUDIOFILE": str(tmp_path / "out.raw")}, tmp_path / "take.wav")
    message = report["error"]
    assert message.startswith("Could not open the microphone 'default': ")
    assert str(missing) in message and "\n" not in message


def test_stop_without_start_and_playing_a_broken_take_are_clear(tmp_path):
    from app.audio.recorder import SdlRecorder

    recorder = SdlRecorder()
    with pytest.raises(RecorderError, match=r"^Not recording: press Record first$"):
        recorder.stop()
    broken = tmp_path / "line-01.wav"
    broken.write_bytes(b"RIFF but not really")
    with pytest.raises(RecorderError, match=r"^line-01\.wav: expected a readable WAV recording"):
        recorder.play(broken)
    assert not recorder.is_playing and not recorder.is_recording


# ----- joining the takes -----
@pytest.fixture
def me_space():
    return load_practice_file(REPO / "practices" / "me-space.toml")


def record_all(data_dir: Path, practice, lengths: list[float]) -> None:
    for line, seconds in zip(script_lines(practice), lengths, strict=True):
        hz = 200.0 + 50 * line.number  # a different pitch per line, to find each one again
        path = line_path(data_dir, line.number, practice.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(wav_bytes(tone(seconds, hz), SAMPLE_RATE))


def test_assembles_lines_in_time_with_the_steps_with_matching_captions(tmp_path, me_space):
    data_dir = tmp_path / "data"
    lengths = [1.5, 0.75, 1.0, 2.0, 0.5, 1.25, 1.0, 0.5, 2.5]
    record_all(data_dir, me_space, lengths)
    assert own_voice_files(data_dir) is None

    audio, captions, placed = assemble(data_dir, me_space)
    assert own_voice_files(data_dir) == (audio, captions)
    assert audio == data_dir / "voice" / "me-space" / "me-space-own.wav"
    assert captions == data_dir / "voice" / "me-space" / "me-space-own.vtt"

    data, rate = read_wav(audio)
    samples = samples_of(data)
    assert len(samples) == me_space.total_seconds * rate
    cues = load_captions(captions)
    assert not cues.problems
    assert [c.text for c in cues.cues] == [line.text for line in script_lines(me_space)]
    assert [round(c.end - c.start, 3) for c in cues.cues] == lengths
    assert [cues.cues[i].start for i in (0, 3, 7)] == [0.0, 60.0, 240.0]
    assert cues.cues[1].start == pytest.approx(1.5 + PAUSE_SECONDS)
    for number, cue in enumerate(cues.cues, start=1):
        inside = samples[round(cue.start * rate) + 50 : round(cue.end * rate) - 50]
        assert frequency(inside) == pytest.approx(200.0 + 50 * number, abs=2.0), number
        gap = samples[round(cue.end * rate) + 10 : round((cue.end + 1.0) * rate)]
        assert rms(gap) == 0, f"silence after line {number}"
    assert [p.start for p in placed] == pytest.approx([c.start for c in cues.cues], abs=1e-3)


def test_a_missing_line_stops_assembly_and_keeps_the_previous_narration(tmp_path, me_space):
    data_dir = tmp_path / "data"
    record_all(data_dir, me_space, [1.0] * 9)
    first = assemble(data_dir, me_space)[:2]
    before = first[0].read_bytes()
    line_path(data_dir, 5).unlink()
    with pytest.raises(OwnVoiceError, match=r"^line 5 is not recorded yet: record it first$"):
        assemble(data_dir, me_space)
    assert own_voice_files(data_dir) == first
    assert first[0].read_bytes() == before


def test_a_take_at_another_rate_is_named(tmp_path, me_space):
    data_dir = tmp_path / "data"
    record_all(data_dir, me_space, [1.0] * 9)
    line_path(data_dir, 3).write_bytes(wav_bytes(tone(1.0, rate=16000), 16000))
    with pytest.raises(OwnVoiceError) as caught:
        assemble(data_dir, me_space)
    assert str(caught.value) == ("line 3: expected a take at 22050 Hz like the others, "
                                 "got 16000 Hz; record it again")


@pytest.mark.parametrize("damage", ["truncate-audio", "edit-captions", "drop-manifest",
                                    "bad-manifest", "drop-audio"])
def test_own_voice_files_refuses_a_pair_that_is_not_whole(tmp_path, me_space, damage):
    data_dir = tmp_path / "data"
    record_all(data_dir, me_space, [1.0] * 9)
    audio, captions, _ = assemble(data_dir, me_space)
    manifest = voice_folder(data_dir) / "me-space-own.json"
    recorded = json.loads(manifest.read_text())
    assert recorded["audio"]["sha256"] == hashlib.sha256(audio.read_bytes()).hexdigest()
    if damage == "truncate-audio":
        audio.write_bytes(audio.read_bytes()[:-100])
    elif damage == "edit-captions":
        captions.write_text(captions.read_text().replace("shoulders", "shoulderz"))
    elif damage == "drop-manifest":
        manifest.unlink()
    elif damage == "bad-manifest":
        manifest.write_text("{not json")
    else:
        audio.unlink()
    assert own_voice_files(data_dir) is None
