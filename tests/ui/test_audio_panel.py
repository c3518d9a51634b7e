"""The audio panel alone: captions follow the position, the transcript marks and seeks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from app.audio.audio_player import NullAudioPlayer
from app.core.captions import parse_captions
from app.ui.audio_panel import CURRENT_MARK, NO_CAPTIONS_TEXT, AudioPanel, time_text
from tests.fakes import FakeClock

VTT = """WEBVTT

00:00:00.500 --> 00:00:04.000
Let your shoulders drop.

00:00:05.000 --> 00:00:09.000
Feel the floor under your feet.

00:01:00.000 --> 00:01:05.000
Ask yourself the question.
"""



def cue_index(view):
    """Read afresh each time (a helper, so mypy does not narrow the property)."""
    return view.current_cue_index

@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def panel(qtbot, clock):
    audio = NullAudioPlayer(clock, duration=300)
    made = AudioPanel(audio, parse_captions(VTT, "me-space.vtt"))
    qtbot.addWidget(made)
    made.show()
    return made, audio


def test_caption_and_marked_line_follow_the_position(panel, clock):
    view, audio = panel
    assert view.caption_label.text() == "" and cue_index(view) is None
    audio.play(0)
    clock.tick(1)
    view.update_position()
    assert view.caption_label.text() == "Let your shoulders drop."
    assert cue_index(view) == 0
    first = view.transcript.item(0)
    assert first.text().startswith(CURRENT_MARK) and first.font().bold()
    clock.tick(5)
    view.update_position()
    assert view.caption_label.text() == "Feel the floor under your feet."
    assert not view.transcript.item(0).text().startswith(CURRENT_MARK)
    assert not view.transcript.item(0).font().bold()
    assert view.transcript.item(1).text().startswith(CURRENT_MARK)
    assert view.position_label.text() == "0:06 of 5:00"
    clock.tick(10)
    view.update_position()
    assert view.caption_label.text() == "" and cue_index(view) is None


def test_caption_is_large_and_scales_with_the_text_size(panel):
    view, _ = panel
    assert view.caption_label.font().pointSizeF() == pytest.approx(view.font().pointSizeF() * 1.5)
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    view.setFont(font)
    assert view.caption_label.font().pointSizeF() == pytest.approx(font.pointSizeF() * 1.5)


def test_buttons_and_transcript_ask_to_seek(panel, qtbot, clock):
    view, audio = panel
    view.set_live(True)
    audio.play(30)
    with qtbot.waitSignal(view.seek_requested) as back:
        qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert back.args == [20.0]
    with qtbot.waitSignal(view.seek_requested) as forward:
        view.forward_button.click()
    assert forward.args == [40.0]
    view.transcript.setFocus()
    view.transcript.setCurrentRow(2)
    with qtbot.waitSignal(view.seek_requested) as activated:
        qtbot.keyClick(view.transcript, Qt.Key.Key_Return)
    assert activated.args == [60.0]
    with qtbot.waitSignal(view.toggle_requested):
        view.toggle_button.click()


def test_volume_slider_keeps_its_arrow_keys(panel, qtbot):
    view, _ = panel
    view.volume_slider.setFocus()
    qtbot.keyClick(view.volume_slider, Qt.Key.Key_Left)
    assert view.volume_slider.value() == 95


def test_skips_are_off_until_live_and_notices_are_words(panel):
    view, _ = panel
    assert not view.back_button.isEnabled() and not view.forward_button.isEnabled()
    view.show_notice("Audio: x.ogg: audio file not found")
    view.show_notice("Audio: x.ogg: audio file not found")  # once only
    assert view.notice_label.isVisible()
    assert view.notice_label.text() == "Notice: Audio: x.ogg: audio file not found"


def test_every_control_is_named_and_reachable(panel):
    view, _ = panel
    view.set_live(True)
    for widget in (view.back_button, view.toggle_button, view.forward_button,
                   view.volume_slider, view.transcript):
        assert widget.accessibleName()
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_a_recording_without_captions(qtbot, clock):
    view = AudioPanel(NullAudioPlayer(clock, duration=60), None)
    qtbot.addWidget(view)
    view.show()
    assert view.caption_label.text() == NO_CAPTIONS_TEXT
    assert not view.transcript.isVisible()


def test_time_text():
    assert time_text(0) == "0:00"
    assert time_text(65.9) == "1:05"
