"""The player, driven by keyboard and buttons on a fake clock: no test waits for real time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from app.core.session import SessionRecord, SessionState
from app.core.time_text import countdown_text
from app.ui.audio_panel import WAITING_TEXT
from app.ui.player_view import PlayerView
from app.ui.qt_scheduler import QtScheduler
from tests.fakes import FakeClock, FakeScheduler
from tests.ui.player_support import press_alt_n, unnamed_controls


def is_silent(player):
    """Read afresh each time (a helper, so mypy does not narrow the property)."""
    return player.is_silent


def play_state(player):
    """Read afresh each time (a helper, so mypy does not narrow the property)."""
    return player.state


@pytest.fixture
def make_player(qtbot, practices):
    def make(practice_id: str):
        clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        scheduler = FakeScheduler(clock)
        view = PlayerView(practices[practice_id], clock, scheduler)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view)
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow)
        view.toggle_button.setFocus()
        return view, scheduler

    return make


def state(view):
    """Read afresh each time (a helper, so mypy does not narrow the property)."""
    return view.session.state


def press(qtbot, view, key):
    target = view.focusWidget() or view
    qtbot.keyClick(target, key)


def test_first_step_is_shown_ready_to_start(make_player):
    view, _ = make_player("me-space")
    assert view.title_label.text() == "Arrive"
    assert view.step_label.text() == "Step 1 of 3"
    assert view.countdown_label.text() == "01:00"
    assert view.next_label.text() == "Next: Ask yourself the question"
    assert view.toggle_button.text() == "Start"
    assert not view.next_speaker_button.isVisible()
    assert not view.participants_spin.isVisible(), "Me Space is not a group practice"
    assert view.progress.accessibleName() and "%" in view.progress.format()
    assert view.title_label.font().pointSizeF() > view.font().pointSizeF() * 2


def test_keyboard_start_pause_next_back(make_player, qtbot):
    view, scheduler = make_player("me-space")
    press(qtbot, view, Qt.Key.Key_Space)
    assert state(view) is SessionState.RUNNING
    assert view.toggle_button.text() == "Pause"

    scheduler.advance(15)
    view.refresh()
    assert view.countdown_label.text() == "00:45"
    press(qtbot, view, Qt.Key.Key_Space)
    assert state(view) is SessionState.PAUSED
    assert view.toggle_button.text() == "Resume"
    scheduler.advance(100)  # paused: nothing moves
    view.refresh()
    assert view.countdown_label.text() == "00:45"

    press(qtbot, view, Qt.Key.Key_Right)
    assert view.step_label.text() == "Step 2 of 3"
    assert view.title_label.text() == "Ask yourself the question"
    assert state(view) is SessionState.PAUSED, "next keeps a pause"
    press(qtbot, view, Qt.Key.Key_Left)
    assert view.step_label.text() == "Step 1 of 3"
    press(qtbot, view, Qt.Key.Key_Space)
    assert view.toggle_button.text() == "Pause"


def test_whole_practice_then_commitment_is_saved_once(make_player, qtbot):
    view, scheduler = make_player("me-space")
    records: list[SessionRecord] = []
    closed = []
    view.finished.connect(records.append)
    view.closed.connect(lambda: closed.append(True))
    press(qtbot, view, Qt.Key.Key_Space)
    scheduler.advance(240)
    view.refresh()
    assert view.step_label.text() == "Step 3 of 3"
    assert view.next_label.text() == "Last step"
    scheduler.advance(60)
    qtbot.waitUntil(lambda: view.is_closing)
    assert view.well_done_label.text() == "Well done"
    assert view.closing_prompt_label.text() == view.practice.closing_prompt

    qtbot.keyClicks(view.commitment_edit, "Take my full lunch break")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    view.save_and_close()  # a second save does nothing
    assert len(records) == 1
    record = records[0]
    assert record.completed is True
    assert record.commitment == "Take my full lunch break"
    assert record.active_seconds == pytest.approx(300)
    assert closed == [True]


def test_escape_ends_early(make_player, qtbot):
    view, scheduler = make_player("me-space")
    records: list[SessionRecord] = []
    view.finished.connect(records.append)
    press(qtbot, view, Qt.Key.Key_Space)
    scheduler.advance(70)
    press(qtbot, view, Qt.Key.Key_Escape)
    assert view.is_closing
    press(qtbot, view, Qt.Key.Key_Escape)  # no longer bound once the practice has ended
    view.save_button.click()
    assert len(records) == 1
    assert records[0].completed is False
    assert records[0].commitment is None
    assert records[0].steps_completed == 1


def test_escape_before_start_just_closes(make_player, qtbot):
    view, _ = make_player("me-space")
    with qtbot.waitSignal(view.closed, timeout=100):
        press(qtbot, view, Qt.Key.Key_Escape)
    assert state(view) is SessionState.READY


def test_round_step_shows_speakers_and_next_speaker(make_player, qtbot):
    view, scheduler = make_player("pause-space")
    assert view.participants_spin.isVisible()
    view.participants_spin.setValue(8)
    assert view.session.participants == 8
    view.toggle_running()
    for _ in range(4):  # Welcome, Ground yourself, Listening pairs, Appreciation
        view.next()
    assert view.title_label.text() == "Check-out"
    assert view.next_speaker_button.isVisible()
    assert view.turn_label.text() == "Speaker 1 of 8 · 0:10 left"
    scheduler.advance(3)
    view.refresh()
    assert view.turn_label.text() == "Speaker 1 of 8 · 0:07 left"
    qtbot.mouseClick(view.next_speaker_button, Qt.MouseButton.LeftButton)
    assert view.turn_label.text() == "Speaker 2 of 8 · 0:10 left"
    scheduler.advance(10)  # the turn ends by itself through the scheduler
    view.refresh()
    assert view.turn_label.text().startswith("Speaker 3 of 8")


def test_pairs_step_shows_turns(make_player):
    view, _ = make_player("pause-space")
    view.toggle_running()
    view.next()
    view.next()
    assert view.title_label.text() == "Listening pairs"
    assert view.turn_label.text() == "Turn 1 of 2 · 2:00 left"
    view.next_speaker_button.click()
    assert view.turn_label.text().startswith("Turn 2 of 2")


def test_facilitator_notes_toggle_says_what_it_will_do(make_player, qtbot):
    view, _ = make_player("pause-space")
    button = view.notes_button
    assert button.isChecked() and view.notes_panel.isVisible()
    assert button.accessibleName() == "Hide facilitator notes"
    assert button.text().replace("&", "") == "Hide facilitator notes"
    assert "confidentiality" in view.notes_label.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not view.notes_panel.isVisible() and not button.isChecked()
    assert button.accessibleName() == "Show facilitator notes"
    assert button.text().replace("&", "") == "Show facilitator notes"
    press_alt_n(qtbot, view)
    assert view.notes_panel.isVisible() and button.isChecked() and button.isCheckable()
    assert button.accessibleName() == "Hide facilitator notes"


def test_solo_practice_offers_notes_only_on_steps_that_have_them(make_player):
    view, _ = make_player("me-space")
    assert view.notes_button.isHidden() and view.notes_panel.isHidden(), "step 1: no notes"
    view.toggle_running()
    view.next()
    assert view.notes_button.isVisible() and not view.notes_panel.isVisible()
    assert view.notes_button.accessibleName() == "Show facilitator notes"
    view.notes_button.click()
    assert view.notes_panel.isVisible()
    assert view.notes_label.text().startswith("In a pair:")
    view.next()
    assert view.notes_button.isHidden() and view.notes_panel.isHidden(), "step 3: no notes"
    view.back()
    assert view.notes_panel.isVisible(), "the choice holds for the step that has notes"


def test_no_notes_button_for_a_practice_without_notes(qtbot, practices):
    circle = practices["pause-space"]
    bare = circle._replace(steps=tuple(s._replace(facilitator_notes="") for s in circle.steps))
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    view = PlayerView(bare, clock, FakeScheduler(clock))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.toggle_running()
    for _ in range(len(bare.steps) - 1):
        assert view.notes_button.isHidden() and view.notes_panel.isHidden()
        view.next()


def test_every_control_has_a_name(make_player):
    view, _ = make_player("pause-space")
    assert unnamed_controls(view) == []
    view.toggle_running()
    for _ in range(4):
        view.next()
    assert unnamed_controls(view) == []
    view.end()
    assert view.is_closing
    assert unnamed_controls(view) == []


def test_space_on_a_focused_button_presses_that_button(make_player, qtbot):
    view, _ = make_player("pause-space")
    view.notes_button.setFocus()
    press(qtbot, view, Qt.Key.Key_Space)
    assert not view.notes_button.isChecked()
    assert state(view) is SessionState.READY


def test_large_type_follows_the_text_size(make_player):
    view, _ = make_player("me-space")
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    view.setFont(font)
    assert view.title_label.font().pointSizeF() == pytest.approx(font.pointSizeF() * 2.2)
    assert view.prompt_label.font().pointSizeF() == pytest.approx(font.pointSizeF() * 1.6)


def test_runs_on_the_real_clock_and_qt_scheduler(qtbot, practices):
    from app.core.clock import SystemClock

    scheduler = QtScheduler()
    view = PlayerView(practices["me-space"], SystemClock(), scheduler)
    qtbot.addWidget(view)
    view.toggle_running()
    assert scheduler.pending == 1, "the session arms one timer for the end of the step"
    view.toggle_running()
    assert scheduler.pending == 0, "pausing cancels it"
    view.end()
    assert view.is_closing


def test_countdown_format():
    assert countdown_text(300) == "05:00"
    assert countdown_text(0.2) == "00:01"
    assert countdown_text(0) == "00:00"


def test_qt_scheduler_fires_and_cancels(qtbot):
    scheduler = QtScheduler()
    fired: list[str] = []
    scheduler.call_later(0.01, lambda: fired.append("kept"))
    cancelled = scheduler.call_later(0.01, lambda: fired.append("cancelled"))
    cancelled.cancel()
    cancelled.cancel()  # idempotent
    qtbot.waitUntil(lambda: fired == ["kept"], timeout=1000)
    qtbot.wait(50)
    assert fired == ["kept"]
    assert scheduler.pending == 0


def test_qt_scheduler_cancel_after_firing_is_harmless(qtbot):
    scheduler = QtScheduler()
    fired: list[int] = []
    handle = scheduler.call_later(0, lambda: fired.append(1))
    qtbot.waitUntil(lambda: fired == [1], timeout=1000)
    handle.cancel()
    assert not handle.active
    scheduler.call_later(10, lambda: fired.append(2))
    scheduler.cancel_all()
    assert scheduler.pending == 0


# ----- guided audio, captions and bells -----

NARRATION_VTT = """WEBVTT

00:00:02.000 --> 00:00:10.000
Arrive cue

00:01:01.000 --> 00:01:10.000
Question cue

00:04:01.000 --> 00:04:10.000
Choose cue
"""


@pytest.fixture
def narration_files(tmp_path):
    from tests.audio.sound_files import write_silent_wav

    audio = write_silent_wav(tmp_path / "me-space.wav", 300)
    captions = tmp_path / "me-space.vtt"
    captions.write_text(NARRATION_VTT, encoding="utf-8")
    return audio, captions


@pytest.fixture
def bell_file(tmp_path):
    from tests.audio.sound_files import write_wav

    return write_wav(tmp_path / "bell.wav", [(0.2, 0.5)])


@pytest.fixture
def make_audio_player(qtbot, practices):
    from app.audio.audio_player import NullAudioPlayer

    made = []

    def make(practice_id="me-space", *, narration=None, bell=None, audio=None, clock=None):
        clock = clock or FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        scheduler = FakeScheduler(clock)
        audio = audio if audio is not None else NullAudioPlayer(clock)
        view = PlayerView(practices[practice_id], clock, scheduler, audio=audio,
                          narration=narration, bell=bell)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view)
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow)
        view.toggle_button.setFocus()
        made.append(audio)
        return view, scheduler, audio

    yield make
    for audio in made:
        audio.stop()


def caption(view):
    return view.audio_panel.caption_label.text()


def test_keyboard_keeps_narration_captions_and_steps_together(
    make_audio_player, narration_files, bell_file, qtbot
):
    from app.audio.audio_player import PlayState
    from app.audio.bells import Bell
    from app.audio.narration import Narration

    view, scheduler, audio = make_audio_player(
        narration=Narration(*narration_files), bell=Bell(bell_file, 0.6)
    )
    panel = view.audio_panel
    assert panel is not None and panel.isVisible()
    assert caption(view) == WAITING_TEXT and not panel.caption_is_current
    assert panel.transcript.count() == 3
    press(qtbot, view, Qt.Key.Key_Space)
    assert play_state(audio) is PlayState.PLAYING and audio.position() == 0
    scheduler.advance(3)
    view.refresh()
    assert caption(view) == "Arrive cue"
    assert panel.toggle_button.text() == "Pause"

    press(qtbot, view, Qt.Key.Key_Space)
    assert state(view) is SessionState.PAUSED and play_state(audio) is PlayState.PAUSED
    scheduler.advance(50)
    assert audio.position() == pytest.approx(3)

    press(qtbot, view, Qt.Key.Key_Right)
    assert view.title_label.text() == "Ask yourself the question"
    assert audio.position() == pytest.approx(60), "the recording moves to the step's start"
    assert play_state(audio) is PlayState.PAUSED, "still paused, like the session"
    assert audio.bells_rung == ((bell_file, 0.6),)

    press(qtbot, view, Qt.Key.Key_Space)
    scheduler.advance(2)
    view.refresh()
    assert caption(view) == "Question cue"
    assert panel.current_cue_index == 1

    press(qtbot, view, Qt.Key.Key_Left)
    assert audio.position() == pytest.approx(0) and audio.is_playing
    assert len(audio.bells_rung) == 2
    press(qtbot, view, Qt.Key.Key_Escape)
    assert view.is_closing
    assert play_state(audio) is PlayState.STOPPED, "End fades the recording out"


def test_the_whole_practice_rings_a_bell_at_each_step_and_fades_at_the_end(
    make_audio_player, narration_files, bell_file
):
    from app.audio.audio_player import PlayState
    from app.audio.bells import Bell
    from app.audio.narration import Narration

    view, scheduler, audio = make_audio_player(
        narration=Narration(*narration_files), bell=Bell(bell_file, 0.3)
    )
    view.toggle_running()
    scheduler.advance(245)
    view.refresh()
    assert caption(view) == "Choose cue"
    assert len(audio.bells_rung) == 2, "Arrive -> Question -> Choose"
    scheduler.advance(53)  # 298 s: inside the closing 2.5 s fade of the 300 s recording
    view.refresh()
    assert play_state(audio) is PlayState.STOPPED
    assert state(view) is SessionState.RUNNING, "the session keeps its own time"


def test_panel_skips_move_the_recording_only(make_audio_player, narration_files, qtbot):
    from app.audio.narration import Narration

    view, scheduler, audio = make_audio_player(narration=Narration(*narration_files))
    panel = view.audio_panel
    assert not panel.forward_button.isEnabled(), "nothing to skip before Start"
    view.toggle_running()
    scheduler.advance(5)
    view.refresh()
    qtbot.mouseClick(panel.forward_button, Qt.MouseButton.LeftButton)
    assert audio.position() == pytest.approx(15)
    assert view.countdown_label.text() == "00:55"
    panel.back_button.click()
    panel.back_button.click()
    assert audio.position() == 0


def test_bells_ring_for_a_practice_without_a_recording(make_audio_player, bell_file):
    from app.audio.bells import Bell

    view, _, audio = make_audio_player("pause-space", bell=Bell(bell_file, 0.5))
    assert view.audio_panel is None
    view.toggle_running()
    assert audio.bells_rung == (), "no bell at the very start"
    view.next()
    view.back()
    view.back()  # already on the first step: restarting it is not a step change
    assert len(audio.bells_rung) == 2


def test_no_bell_when_switched_off(make_audio_player):
    view, _, audio = make_audio_player("pause-space", bell=None)
    view.toggle_running()
    view.next()
    assert audio.bells_rung == ()


def test_missing_recording_gives_a_notice_and_captions_still_run(
    make_audio_player, narration_files, tmp_path
):
    from app.audio.narration import Narration

    _, vtt = narration_files
    view, scheduler, _ = make_audio_player(narration=Narration(tmp_path / "gone.ogg", vtt))
    assert view.audio_panel.notices == (
        "Audio: gone.ogg: audio file not found; the practice carries on in silence, "
        "with captions.",
    )
    assert view.audio_panel.notice_label.text().startswith("Notice: ")
    view.toggle_running()
    scheduler.advance(3)
    view.refresh()
    assert caption(view) == "Arrive cue"


def test_corrupt_recording_on_the_real_player(make_audio_player, narration_files, tmp_path):
    from app.audio.narration import Narration
    from app.audio.pygame_player import PygameAudioPlayer

    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    corrupt = tmp_path / "corrupt.ogg"
    corrupt.write_bytes(b"OggS" + bytes(range(256)) * 4)
    view, scheduler, _ = make_audio_player(
        narration=Narration(corrupt, narration_files[1]), audio=PygameAudioPlayer(clock),
        clock=clock,
    )
    (notice,) = view.audio_panel.notices
    assert notice.startswith("Audio: corrupt.ogg: could not be played (")
    view.toggle_running()
    scheduler.advance(62)
    view.refresh()
    assert view.title_label.text() == "Ask yourself the question"
    assert caption(view) == "Question cue"


def test_bad_caption_cues_are_skipped_and_the_rest_shown(make_audio_player, narration_files):
    from app.audio.narration import Narration

    audio_file, vtt = narration_files
    vtt.write_text(NARRATION_VTT.replace("00:01:01.000 --> 00:01:10.000", "01:01 -> 1:10"),
                   encoding="utf-8")
    view, scheduler, _ = make_audio_player(narration=Narration(audio_file, vtt))
    (notice,) = view.audio_panel.notices
    assert notice == (
        "Captions: 1 cue skipped in me-space.vtt (line 6: expected a cue timing "
        "'HH:MM:SS.mmm --> HH:MM:SS.mmm', got '01:01 -> 1:10')"
    )
    assert view.audio_panel.transcript.count() == 2
    view.toggle_running()
    scheduler.advance(3)
    view.refresh()
    assert caption(view) == "Arrive cue"


def test_sound_device_lost_mid_session_carries_on_with_a_notice(
    make_audio_player, narration_files, monkeypatch, qtbot
):
    import pygame

    from app.audio.audio_player import PlayState
    from app.audio.narration import Narration
    from app.audio.pygame_player import PygameAudioPlayer
    from tests.audio.sound_files import write_wav

    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    tone = write_wav(narration_files[0].with_name("tone.wav"), [(4.0, 0.5)])
    player = PygameAudioPlayer(clock)
    view, scheduler, _ = make_audio_player(
        narration=Narration(tone, narration_files[1]), audio=player, clock=clock
    )
    press(qtbot, view, Qt.Key.Key_Space)
    assert player.is_playing and not player.is_silent

    def lost(*_args):
        raise pygame.error("Audio device has been removed")

    monkeypatch.setattr(pygame.mixer.music, "pause", lost)
    press(qtbot, view, Qt.Key.Key_Space)
    assert state(view) is SessionState.PAUSED
    assert is_silent(player) and play_state(player) is PlayState.PAUSED
    view.refresh()
    (notice,) = view.audio_panel.notices
    assert notice.startswith("Sound stopped working (pausing: Audio device has been removed)")
    press(qtbot, view, Qt.Key.Key_Space)
    scheduler.advance(2.5)
    view.refresh()
    assert caption(view) == "Arrive cue", "captions keep time on the null player"


def test_a_missing_bell_file_is_logged_once_and_never_stops_the_session(
    make_audio_player, tmp_path, caplog
):
    import logging

    from app.audio.bells import Bell
    from app.audio.pygame_player import PygameAudioPlayer

    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    view, _, _ = make_audio_player(
        "pause-space", bell=Bell(tmp_path / "no-bell.ogg", 0.5),
        audio=PygameAudioPlayer(clock), clock=clock,
    )
    view.toggle_running()
    with caplog.at_level(logging.WARNING, logger="app.ui.player_view"):
        view.next()
        view.next()
    assert [r.getMessage() for r in caplog.records] == [
        "bell off for this session: no-bell.ogg: bell sound not found"
    ]
    assert view.title_label.text() == "Listening pairs"


def test_every_control_has_a_name_with_the_audio_panel(make_audio_player, narration_files):
    from app.audio.narration import Narration

    view, _, _ = make_audio_player(narration=Narration(*narration_files))
    view.toggle_running()
    assert unnamed_controls(view) == []


def test_a_recording_with_its_own_bells_gets_no_second_bell(
    make_audio_player, narration_files, bell_file, qtbot
):
    from app.audio.bells import Bell
    from app.audio.narration import Narration

    audio_file, captions_file = narration_files
    view, _scheduler, audio = make_audio_player(
        narration=Narration(audio_file, captions_file, bells_included=True),
        bell=Bell(bell_file, 0.6),
    )
    assert view.audio_panel is not None and view.audio_panel.toggle_button.isHidden()
    press(qtbot, view, Qt.Key.Key_Space)
    press(qtbot, view, Qt.Key.Key_Right)
    assert view.title_label.text() == "Ask yourself the question"
    assert audio.bells_rung == ()


def test_f11_fills_the_chosen_screen_or_says_it_is_missing(qtbot, practices):
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    view = PlayerView(practices["compassion-circle"], clock, FakeScheduler(clock),
                      full_screen_on="Projector-9")
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.toggle_full_screen()
    assert view.window().isFullScreen()
    assert "'Projector-9' is not connected" in view.screen_notice
    view.toggle_full_screen()
    assert not view.window().isFullScreen()
