"""The real pygame player on SDL's dummy driver: loading, state, bad files, a lost device."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

import pytest

from app.audio.audio_player import AudioUnavailable, PlayState
from app.audio.pygame_player import PygameAudioPlayer
from tests.audio.sound_files import write_wav
from tests.fakes import FakeClock

pygame = pytest.importorskip("pygame")



def play_state(player):
    """Read afresh each time (a helper, so mypy does not narrow the property)."""
    return player.state

@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def player(clock):
    made = PygameAudioPlayer(clock)
    yield made
    made.stop()


@pytest.fixture
def narration(tmp_path):
    return write_wav(tmp_path / "narration.wav", [(1.0, 0.0), (9.0, 0.8)])


def test_the_mixer_opens_on_first_use_only(clock, narration):
    assert os.environ["SDL_AUDIODRIVER"] == "dummy"
    player = PygameAudioPlayer(clock)
    assert player.mixer_format() is None, "nothing is opened by the constructor"
    player.load(narration)
    assert player.mixer_format() == (44_100, -16, 2)
    assert player.duration == pytest.approx(10.0)
    player.stop()


def test_play_pause_resume_seek_and_stop(player, narration):
    player.load(narration)
    assert play_state(player) is PlayState.STOPPED
    player.play(4.0)
    assert player.is_playing
    assert 4.0 <= player.position() < 9.0
    player.pause()
    assert play_state(player) is PlayState.PAUSED
    held = player.position()
    assert player.position() == held, "the mixer does not count while paused"
    player.seek(7.5)
    assert play_state(player) is PlayState.PAUSED
    assert player.position() == pytest.approx(7.5)
    player.resume()
    assert player.is_playing and player.position() >= 7.5
    player.set_volume(0.3)
    assert pygame.mixer.music.get_volume() == pytest.approx(0.3, abs=0.01)
    player.stop()
    assert play_state(player) is PlayState.STOPPED
    stopped_at = player.position()
    assert 7.5 <= stopped_at <= 10.0
    player.seek(2.0)
    assert player.position() == 2.0 and play_state(player) is PlayState.STOPPED


def test_fade_out_ends_in_stopped(player, narration, qtbot):
    player.load(narration)
    player.play(1.0)
    player.fade_out(50)
    qtbot.waitUntil(lambda: play_state(player) is PlayState.STOPPED, timeout=3000)
    assert player.notice is None


def test_the_place_never_slips_back_by_the_servers_buffer(player, narration, monkeypatch):
    """With PulseAudio, get_pos counts mixed samples only while paused: a second behind."""
    player.load(narration)
    player.play(3.0)
    monkeypatch.setattr(pygame.mixer.music, "get_pos", lambda: 2000)  # 5.0 s in
    assert player.position() == pytest.approx(5.0)
    player.pause()
    monkeypatch.setattr(pygame.mixer.music, "get_pos", lambda: 1000)  # what was mixed: 4.0
    assert player.position() == pytest.approx(5.0)
    player.resume()
    assert player.position() == pytest.approx(5.0)  # catching up, not slipping back
    monkeypatch.setattr(pygame.mixer.music, "get_pos", lambda: 2500)
    assert player.position() == pytest.approx(5.5)
    player.seek(1.0)  # a real step back is shown as it is
    monkeypatch.setattr(pygame.mixer.music, "get_pos", lambda: 0)  # the new play() counts anew
    assert player.position() == pytest.approx(1.0)


def test_missing_and_corrupt_files_raise_one_line(player, tmp_path):
    with pytest.raises(AudioUnavailable, match=r"^absent\.ogg: audio file not found$"):
        player.load(tmp_path / "absent.ogg")
    corrupt = tmp_path / "corrupt.ogg"
    corrupt.write_bytes(b"OggS" + bytes(range(256)) * 8)
    with pytest.raises(AudioUnavailable, match=r"^corrupt\.ogg: could not be played \(.+\)$"):
        player.load(corrupt)
    assert player.notice is None, "a bad file is the caller's notice, not a lost device"


def test_bells_ring_and_a_bad_bell_raises(player, tmp_path):
    bell = write_wav(tmp_path / "bell.wav", [(0.3, 0.5)])
    player.play_bell(bell, 0.5)
    assert pygame.mixer.Channel(0).get_busy()
    with pytest.raises(AudioUnavailable, match=r"^nope\.ogg: bell sound not found$"):
        player.play_bell(tmp_path / "nope.ogg", 0.5)
    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"not a sound at all")
    with pytest.raises(AudioUnavailable, match=r"^bad\.ogg: bell could not be played"):
        player.play_bell(bad, 0.5)


def test_device_lost_mid_session_carries_on_silently_from_the_same_place(
    player, narration, clock, monkeypatch, caplog
):
    player.load(narration)
    player.play(3.0)
    assert player.position() == pytest.approx(3.0, abs=0.5)
    clock.tick(2.0)

    def lost(*_args):
        raise pygame.error("Audio device has been removed")

    monkeypatch.setattr(pygame.mixer.music, "get_pos", lost)
    monkeypatch.setattr(pygame.mixer.music, "pause", lost)
    with caplog.at_level(logging.WARNING, logger="app.audio.pygame_player"):
        position = player.position()
    assert player.is_silent
    assert position == pytest.approx(5.0, abs=0.5), "estimated from the last reading + clock"
    assert player.notice == (
        "Sound stopped working (reading the position: Audio device has been removed); "
        "the practice carries on in silence."
    )
    assert len(caplog.records) == 1
    clock.tick(1.0)
    assert player.position() == pytest.approx(6.0, abs=0.5)
    player.pause()  # the broken pause is never called again: the null player answers
    clock.tick(10)
    assert play_state(player) is PlayState.PAUSED
    player.resume()
    player.play_bell(narration, 0.5)  # silent, no error
    assert player.is_playing


def test_a_pygame_error_while_pausing_also_falls_back(player, narration, clock, monkeypatch):
    player.load(narration)
    player.play(0.0)

    def lost(*_args):
        raise pygame.error("ALSA: device disconnected")

    monkeypatch.setattr(pygame.mixer.music, "pause", lost)
    player.pause()
    assert player.is_silent and play_state(player) is PlayState.PAUSED
    assert "pausing: ALSA: device disconnected" in str(player.notice)


def test_no_sound_device_at_all_runs_silently(clock, narration, monkeypatch):
    def no_device(**_kwargs):
        raise pygame.error("No available audio device")

    monkeypatch.setattr(pygame.mixer, "get_init", lambda: None)
    monkeypatch.setattr(pygame.mixer, "init", no_device)
    player = PygameAudioPlayer(clock)
    player.load(narration)
    assert player.is_silent and player.mixer_format() is None
    assert player.notice == (
        "No sound device could be opened (No available audio device); "
        "the practice carries on in silence."
    )
    assert player.duration == pytest.approx(10.0)
    player.play(1.0)
    clock.tick(2)
    assert player.position() == pytest.approx(3.0)


def test_close_lets_go_of_the_sound_device(tmp_path):
    import pygame

    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    player = PygameAudioPlayer(clock)
    player.load(write_wav(tmp_path / "tone.wav", [(1.0, 0.5)]))
    assert pygame.mixer.get_init() is not None
    player.close()
    assert pygame.mixer.get_init() is None
    player.close()  # twice is harmless


def test_a_file_rewritten_while_playing_carries_on_silently_not_at_the_end(
    player, narration, clock, qtbot, caplog
):
    """SDL_mixer streams from the file: oggenc writing over it stops the music early.

    The benchmark once saw "playback had stopped" this way (the narration was regenerated
    in place while it played). The player must not take that stop for the end.
    """
    player.load(narration)
    player.play(0.0)
    assert player.is_playing
    short = write_wav(narration.parent / "short.wav", [(0.1, 0.5)]).read_bytes()
    with narration.open("wb") as rewritten:  # in place, as oggenc -o does
        rewritten.write(short)
    with caplog.at_level(logging.WARNING, logger="app.audio.pygame_player"):
        qtbot.waitUntil(lambda: play_state(player) is not PlayState.PLAYING
                        or player.is_silent, timeout=5000)
    assert player.is_silent, "an early stop is a broken file, not the end"
    assert player.position() < 9.0
    assert player.notice is not None
    assert player.notice.startswith("The recording could not be read past 0:0")
    assert player.notice.endswith("; the practice carries on in silence.")
    assert len(caplog.records) == 1
    at = player.position()
    clock.tick(2.0)
    assert play_state(player) is PlayState.PLAYING
    assert player.position() == pytest.approx(at + 2.0), "captions keep time from there"


def test_the_end_of_a_fade_is_not_taken_for_a_broken_file(player, narration, qtbot):
    player.load(narration)
    player.play(4.0)
    player.fade_out(50)
    qtbot.waitUntil(lambda: play_state(player) is PlayState.STOPPED, timeout=3000)
    assert not player.is_silent and player.notice is None
    assert 4.0 <= player.position() < 9.0, "stopped where the fade ended, not at the end"
