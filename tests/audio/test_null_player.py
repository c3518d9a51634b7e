"""The null player keeps time on the injected clock, so captions run with no sound device."""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.audio.audio_length import audio_length
from app.audio.audio_player import (
    AudioPlayer,
    AudioUnavailable,
    NullAudioPlayer,
    PlayState,
    end_fade_due,
)
from tests.audio.sound_files import write_wav
from tests.fakes import FakeClock


def play_state(player):
    """Read afresh each time (a helper, so mypy does not narrow the property)."""
    return player.state

@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def test_position_follows_the_clock_through_pause_seek_and_end(clock, tmp_path):
    player: AudioPlayer = NullAudioPlayer(clock)
    player.load(write_wav(tmp_path / "n.wav", [(10.0, 0.5)]))
    assert player.duration == pytest.approx(10.0)
    assert play_state(player) is PlayState.STOPPED and player.position() == 0
    player.play(2.0)
    clock.tick(1.5)
    assert player.is_playing and player.position() == pytest.approx(3.5)
    player.pause()
    clock.tick(100)
    assert play_state(player) is PlayState.PAUSED and player.position() == pytest.approx(3.5)
    player.seek(8.0)
    assert play_state(player) is PlayState.PAUSED and player.position() == pytest.approx(8.0)
    player.resume()
    clock.tick(5)
    assert player.position() == pytest.approx(10.0), "never past the end"
    assert play_state(player) is PlayState.STOPPED
    player.seek(-4)
    assert player.position() == 0


def test_fade_out_and_stop_keep_the_position(clock):
    player = NullAudioPlayer(clock, duration=60)
    player.play(0)
    clock.tick(4)
    player.fade_out(2500)
    clock.tick(4)
    assert play_state(player) is PlayState.STOPPED and player.position() == pytest.approx(4)
    player.play(10)
    player.stop()
    assert player.position() == pytest.approx(10)


def test_missing_file_is_a_one_line_error_and_bells_are_only_recorded(clock, tmp_path):
    player = NullAudioPlayer(clock)
    with pytest.raises(AudioUnavailable, match=r"^gone\.ogg: audio file not found$"):
        player.load(tmp_path / "gone.ogg")
    player.play_bell(Path("bell.ogg"), 0.4)
    assert player.bells_rung == ((Path("bell.ogg"), 0.4),)
    assert player.notice is None
    player.set_volume(0.2)  # harmless


def test_end_fade_is_due_only_in_the_last_seconds():
    assert not end_fade_due(10.0, 20.0)
    assert not end_fade_due(17.4, 20.0)
    assert end_fade_due(17.5, 20.0)
    assert not end_fade_due(100.0, None), "unknown length: no fade until the session ends"


def test_wav_length_from_its_header(tmp_path):
    assert audio_length(write_wav(tmp_path / "a.wav", [(1.5, 1.0), (0.5, 0.0)])) == pytest.approx(2)


def _ogg_page(granule: int, payload: bytes) -> bytes:
    # capture, version, header type, granule, serial, sequence, checksum, 1 segment
    return (b"OggS" + bytes([0, 0]) + struct.pack("<qIII", granule, 1, 0, 0)
            + bytes([1, len(payload)]) + payload)


def test_ogg_vorbis_length_from_the_last_granule(tmp_path):
    ident = b"\x01vorbis" + struct.pack("<IBI", 0, 2, 22_050) + bytes(12)
    path = tmp_path / "v.ogg"
    path.write_bytes(_ogg_page(0, ident) + bytes(5000) + _ogg_page(22_050 * 7, b"x"))
    assert audio_length(path) == pytest.approx(7.0)


@pytest.mark.parametrize("content", [b"", b"RIFF....WAVEjunk", b"OggS" + bytes(30), b"ID3\x04"])
def test_unreadable_headers_give_no_length(tmp_path, content):
    path = tmp_path / "odd.bin"
    path.write_bytes(content)
    assert audio_length(path) is None
    assert audio_length(tmp_path / "absent.wav") is None
