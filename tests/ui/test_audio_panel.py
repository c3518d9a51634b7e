"""The audio panel alone: captions follow the position, the transcript marks and seeks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPalette

from app.audio.audio_player import NullAudioPlayer
from app.core.captions import parse_captions
from app.core.time_text import position_text
from app.ui.audio_panel import (
    CURRENT_MARK,
    NO_CAPTIONS_TEXT,
    PAST_DESCRIPTION,
    WAITING_DESCRIPTION,
    WAITING_TEXT,
    AudioPanel,
    fits,
)
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


def is_now(view):
    """Read afresh each time (a helper, so mypy does not narrow the property)."""
    return view.caption_is_current


def caption_colour(view):
    return view.caption_label.palette().color(QPalette.ColorRole.WindowText)


def test_caption_and_marked_line_follow_the_position(panel, clock):
    view, audio = panel
    assert view.caption_label.text() == WAITING_TEXT and cue_index(view) is None
    assert not is_now(view) and view.caption_label.font().italic()
    assert view.caption_label.accessibleDescription() == WAITING_DESCRIPTION
    audio.play(0)
    clock.tick(1)
    view.update_position()
    assert view.caption_label.text() == "Let your shoulders drop."
    assert is_now(view) and not view.caption_label.font().italic()
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
    assert cue_index(view) is None


def test_between_cues_the_last_words_stay_dimmed_and_italic(panel, clock):
    view, audio = panel
    audio.play(0)
    clock.tick(2)
    view.update_position()
    spoken = caption_colour(view)
    clock.tick(2.5)  # 4.5 s: the first cue ended at 4 s, the next starts at 5 s
    view.update_position()
    assert view.caption_label.text() == "Let your shoulders drop.", "no blank gap"
    assert not is_now(view) and view.caption_label.font().italic(), "not by colour alone"
    assert caption_colour(view) != spoken
    assert view.caption_label.accessibleDescription() == PAST_DESCRIPTION
    assert contrast(caption_colour(view), view.palette().color(QPalette.ColorRole.Window)) >= 4.5
    clock.tick(1)
    view.update_position()
    assert view.caption_label.text() == "Feel the floor under your feet."
    assert is_now(view) and caption_colour(view) == spoken
    audio.seek(0.2)  # back before the first words: the waiting line, not an old caption
    view.update_position()
    assert view.caption_label.text() == WAITING_TEXT


def contrast(one: QColor, two: QColor) -> float:
    """The WCAG contrast ratio of two colours."""
    def luminance(colour: QColor) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
                + 0.0722 * channel(colour.blueF()))
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_room_sized_caption_and_back(panel):
    view, _ = panel
    view.set_caption_points(40)
    assert view.caption_label.font().pointSizeF() == 40
    view.set_caption_points(None)
    assert view.caption_label.font().pointSizeF() == pytest.approx(view.font().pointSizeF() * 1.5)


def test_transcript_shows_whole_lines_only(qtbot, clock):
    cues = "".join(
        f"\n00:00:{n:02d}.000 --> 00:00:{n:02d}.500\nLine number {n}\n" for n in range(40)
    )
    view = AudioPanel(NullAudioPlayer(clock, duration=60), parse_captions("WEBVTT\n" + cues))
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    transcript = view.transcript
    rows = [transcript.visualItemRect(transcript.item(r)) for r in range(transcript.count())]
    row_height = rows[0].height()
    # a viewport height that cuts a line in half, then look at what is painted
    view.resize(500, view.height() + row_height // 2 - transcript.viewport().height() % row_height)
    qtbot.waitUntil(lambda: transcript.viewport().height() % row_height > 2, timeout=2000)
    height = transcript.viewport().height()
    cut = next(r for r in range(transcript.count())
               if not fits(transcript.visualItemRect(transcript.item(r)), height))
    strip = transcript.visualItemRect(transcript.item(cut))
    assert strip.top() < height <= strip.bottom(), "this line is cut by the bottom edge"
    image = transcript.viewport().grab().toImage()
    base = image.pixelColor(image.width() - 3, strip.top() + 1)
    painted = {
        image.pixelColor(x, y).rgb()
        for x in range(0, min(image.width(), 200), 2)
        for y in range(strip.top(), height)
    }
    assert painted == {base.rgb()}, "the half line is not drawn"
    whole = transcript.visualItemRect(transcript.item(cut - 1))
    text = {
        image.pixelColor(x, y).rgb()
        for x in range(0, min(image.width(), 200), 2)
        for y in range(whole.top(), whole.bottom())
    }
    assert len(text) > 1, "the whole line above it is drawn"


def test_fits():
    assert fits(QRect(0, 0, 100, 20), 30)
    assert not fits(QRect(0, 20, 100, 20), 30), "rows 20..39 reach past a 30 px viewport"
    assert fits(QRect(0, 0, 100, 50), 30), "a line taller than the view still shows at the top"


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


def test_position_text():
    assert position_text(0) == "0:00"
    assert position_text(65.9) == "1:05"
