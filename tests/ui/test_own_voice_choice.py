"""Me Space plays the person's own recording when they chose it, and the bundled voice otherwise."""

from __future__ import annotations

from dataclasses import replace

from app.audio.own_voice import assemble, line_path
from app.audio.recorder import SAMPLE_RATE, wav_bytes
from app.core.settings import Voice
from app.core.voice_script import script_lines


def record_every_line(data_dir, practice) -> None:
    for line in script_lines(practice):
        path = line_path(data_dir, line.number, practice.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(wav_bytes(b"\x10\x00" * (SAMPLE_RATE // 2), SAMPLE_RATE))


def transcript_texts(player) -> list[str]:
    transcript = player.audio_panel.transcript
    return [transcript.item(i).text() for i in range(transcript.count())]


def me_space(companion):
    return next(p for p in companion.library.practices if p.id == "me-space")


def test_own_recording_is_used_when_chosen(companion, app_paths):
    practice = me_space(companion)
    record_every_line(app_paths.data_dir, practice)
    assemble(app_paths.data_dir, practice)
    window = companion.window
    window._apply(replace(window.settings, me_space_voice=Voice.OWN))
    player = window.start_practice(practice)
    assert player.audio_panel is not None
    # The own captions are the script's sentences, one per recorded line.
    assert len(transcript_texts(player)) == len(script_lines(practice))
    assert player._bells_in_recording is False, "an own recording gets the app's step bells"


def test_bundled_voice_when_the_own_recording_is_incomplete(companion, app_paths):
    practice = me_space(companion)
    window = companion.window
    window._apply(replace(window.settings, me_space_voice=Voice.OWN))
    player = window.start_practice(practice)
    assert "not complete" in window.statusBar().currentMessage()
    assert any("Welcome to the 5-minute Me Space" in t for t in transcript_texts(player))


def test_bundled_voice_by_default(companion):
    player = companion.window.start_practice(me_space(companion))
    assert any("Welcome to the 5-minute Me Space" in t for t in transcript_texts(player))
    assert player._bells_in_recording is True
