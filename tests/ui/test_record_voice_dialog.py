"""The "record in your own voice" dialog, driven by keyboard.

The first test uses the real SdlRecorder under SDL's dummy driver (real capture of
silence and real playback, paced in real time; waits poll with timeouts). The rest use
`TakeWriter`, a recorder that writes a tone take at once, so the whole nine-line script
runs quickly; real capture of real sound is proven in tests/audio/test_recorder.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog

from app.audio.own_voice import line_path, own_voice_files
from app.audio.recorder import SAMPLE_RATE, RecorderError, wav_bytes
from app.core.captions import load_captions
from app.core.practice_loader import load_practice_file
from app.core.voice_script import script_lines
from app.ui.record_voice_dialog import RecordVoiceDialog
from tests.audio.test_recorder import tone


class TakeWriter:
    """A LineRecorder whose takes appear at once: `length` seconds of tone per stop()."""

    def __init__(self, length: float = 1.0) -> None:
        self.length = length
        self.recording: Path | None = None
        self.playing = False
        self.closed = 0
        self.fail_start: str | None = None
        self.played: list[Path] = []

    @property
    def is_recording(self) -> bool:
        return self.recording is not None

    @property
    def recorded_seconds(self) -> float:
        return self.length if self.recording else 0.0

    @property
    def is_playing(self) -> bool:
        return self.playing

    def start(self, path: Path) -> None:
        if self.fail_start:
            raise RecorderError(self.fail_start)
        self.recording = path

    def stop(self) -> float:
        assert self.recording is not None
        self.recording.parent.mkdir(parents=True, exist_ok=True)
        self.recording.write_bytes(wav_bytes(tone(self.length), SAMPLE_RATE))
        self.recording = None
        return self.length

    def play(self, path: Path) -> float:
        self.played.append(path)
        self.playing = True
        return self.length

    def stop_playback(self) -> None:
        self.playing = False

    def close(self) -> None:
        self.closed += 1
        self.recording = None
        self.playing = False


@pytest.fixture
def me_space(practices_dir):
    return load_practice_file(practices_dir / "me-space.toml")


@pytest.fixture
def open_dialog(qtbot, app_paths, me_space):
    def make(recorder=None):
        dialog = RecordVoiceDialog(me_space, app_paths.data_dir, recorder)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        return dialog

    return make


def recording(recorder) -> bool:
    """Read afresh each time (a helper, so mypy does not narrow the property)."""
    return bool(recorder.is_recording)


def playing(recorder) -> bool:
    return bool(recorder.is_playing)


def press(qtbot, dialog, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(dialog.focusWidget() or dialog, key, modifier)


def alt(qtbot, dialog, button):
    """Alt + the button's underlined letter; Qt clicks a mnemonic's button after a flash."""
    assert QKeySequence.mnemonic(button.text()).count() == 1, button.text()
    key = getattr(Qt.Key, "Key_" + button.text().split("&")[1][0].upper())
    with qtbot.waitSignal(button.clicked, timeout=2_000):
        press(qtbot, dialog, key, Qt.KeyboardModifier.AltModifier)


def test_real_recorder_records_plays_back_and_moves_on_by_keyboard(qtbot, open_dialog,
                                                                   app_paths):
    from app.audio.recorder import SdlRecorder

    recorder = SdlRecorder()
    dialog = open_dialog(recorder)
    assert dialog.progress_label.text() == "Line 1 of 9"
    assert dialog.line_label.text().startswith("Let your shoulders drop")
    assert dialog.focusWidget() is dialog.record_button

    press(qtbot, dialog, Qt.Key.Key_Space)  # Record
    assert recorder.is_recording
    assert dialog.focusWidget() is dialog.stop_button
    assert dialog.status_label.text().startswith("Recording…")
    assert not dialog.next_button.isEnabled(), "no moving away while the microphone is open"
    qtbot.waitUntil(lambda: recorder.recorded_seconds >= 0.3, timeout=10_000)
    press(qtbot, dialog, Qt.Key.Key_Space)  # Stop

    take = line_path(app_paths.data_dir, 1)
    assert take.is_file() and not recording(recorder)
    assert dialog.take_seconds() == pytest.approx(recorder.recorded_seconds)
    assert recorder.recorded_seconds >= 0.3
    assert dialog.status_label.text().startswith("Recorded (")
    assert dialog.rerecord_button.isVisible() and not dialog.record_button.isVisible()
    assert dialog.focusWidget() is dialog.play_button

    press(qtbot, dialog, Qt.Key.Key_Space)  # Play back
    assert recorder.is_playing
    assert dialog.status_label.text() == "Playing back your take…"
    qtbot.waitUntil(lambda: dialog.status_label.text().startswith("Recorded ("),
                    timeout=10_000)
    assert not playing(recorder)

    alt(qtbot, dialog, dialog.next_button)
    assert dialog.progress_label.text() == "Line 2 of 9"
    assert dialog.line_label.text() == "Take a few slow breaths."
    assert dialog.summary_label.text() == "1 of 9 lines recorded."
    assert dialog.focusWidget() is dialog.record_button


def test_whole_script_by_keyboard_then_use_my_voice(qtbot, open_dialog, app_paths, me_space):
    recorder = TakeWriter(length=1.25)
    dialog = open_dialog(recorder)
    assert not dialog.use_button.isEnabled()
    for number in range(1, 10):
        assert dialog.progress_label.text() == f"Line {number} of 9"
        alt(qtbot, dialog, dialog.record_button)
        alt(qtbot, dialog, dialog.stop_button)
        assert dialog.summary_label.text().startswith(f"{number} of 9 lines recorded.")
        if number < 9:
            alt(qtbot, dialog, dialog.next_button)
    assert not dialog.next_button.isEnabled()
    assert dialog.use_button.isEnabled() and dialog.use_button.isDefault()
    assert "All done" in dialog.summary_label.text()

    with qtbot.waitSignal(dialog.voice_chosen, timeout=5_000) as chosen:
        alt(qtbot, dialog, dialog.use_button)
    audio, captions = chosen.args
    assert (audio, captions) == own_voice_files(app_paths.data_dir)
    assert audio.name == "me-space-own.wav" and captions.name == "me-space-own.vtt"
    cues = load_captions(captions).cues
    assert [c.text for c in cues] == [line.text for line in script_lines(me_space)]
    assert [cues[i].start for i in (0, 3, 7)] == [0.0, 60.0, 240.0]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert recorder.closed >= 1


def test_rerecord_replaces_the_take_and_previous_goes_back(qtbot, open_dialog, app_paths):
    recorder = TakeWriter(length=1.0)
    dialog = open_dialog(recorder)
    alt(qtbot, dialog, dialog.record_button)
    alt(qtbot, dialog, dialog.stop_button)
    alt(qtbot, dialog, dialog.next_button)
    alt(qtbot, dialog, dialog.previous_button)  # Previous line
    assert dialog.progress_label.text() == "Line 1 of 9"
    assert dialog.status_label.text().startswith("Recorded (1.0 s)")
    recorder.length = 2.5
    alt(qtbot, dialog, dialog.rerecord_button)  # Re-record this line
    alt(qtbot, dialog, dialog.stop_button)
    assert dialog.take_seconds() == pytest.approx(2.5)
    assert dialog.status_label.text().startswith("Recorded (2.5 s)")
    alt(qtbot, dialog, dialog.play_button)
    assert recorder.played == [line_path(app_paths.data_dir, 1)]
    assert dialog.stop_button.isEnabled() and not dialog.play_button.isEnabled()
    alt(qtbot, dialog, dialog.stop_button)  # Stop also stops playback
    assert not recorder.playing and dialog.play_button.isEnabled()


def test_no_microphone_is_shown_in_words_and_the_dialog_keeps_working(qtbot, open_dialog):
    recorder = TakeWriter()
    recorder.fail_start = "No microphone found: connect one or allow this app to use it"
    dialog = open_dialog(recorder)
    alt(qtbot, dialog, dialog.record_button)
    assert dialog.status_label.text() == (
        "Problem: No microphone found: connect one or allow this app to use it")
    assert dialog.status_label.accessibleName() == dialog.status_label.text()
    assert dialog.record_button.isEnabled() and dialog.next_button.isEnabled()
    recorder.fail_start = None
    alt(qtbot, dialog, dialog.record_button)
    assert dialog.status_label.text().startswith("Recording…")


def test_takes_from_last_time_are_kept_and_a_damaged_one_is_named(qtbot, open_dialog,
                                                                  app_paths):
    for number in range(1, 10):
        take = line_path(app_paths.data_dir, number)
        take.parent.mkdir(parents=True, exist_ok=True)
        take.write_bytes(wav_bytes(tone(0.5), SAMPLE_RATE))
    dialog = open_dialog(TakeWriter())
    assert dialog.summary_label.text().startswith("9 of 9 lines recorded. All done")
    assert dialog.status_label.text().startswith("Recorded (0.5 s)")
    assert dialog.use_button.isEnabled()
    line_path(app_paths.data_dir, 4).write_bytes(b"not a wav")  # damaged behind our back
    alt(qtbot, dialog, dialog.use_button)
    assert dialog.status_label.text().startswith("Problem: line 4: line-04.wav: expected a "
                                                 "readable WAV recording")
    assert dialog.isVisible() and own_voice_files(app_paths.data_dir) is None
    assert dialog.summary_label.text() == "8 of 9 lines recorded."
    assert not dialog.use_button.isEnabled()


def test_escape_while_recording_releases_the_microphone(qtbot, open_dialog):
    recorder = TakeWriter()
    dialog = open_dialog(recorder)
    alt(qtbot, dialog, dialog.record_button)
    assert recorder.is_recording
    press(qtbot, dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert not recording(recorder) and recorder.closed == 1


def test_every_control_is_named_and_reached_by_tab(qtbot, open_dialog):
    recorder = TakeWriter()
    dialog = open_dialog(recorder)
    for _ in range(2):
        alt(qtbot, dialog, dialog.record_button)
        alt(qtbot, dialog, dialog.stop_button)
        if dialog.next_button.isEnabled() and dialog.progress_label.text() == "Line 1 of 9":
            alt(qtbot, dialog, dialog.next_button)
    # On line 2 with a take: every button but Record, Stop and Use is enabled.
    buttons = [b for b in dialog.findChildren(QAbstractButton) if b.isVisible()]
    assert all(b.accessibleName() and b.accessibleDescription() for b in buttons)
    assert dialog.line_label.accessibleName() == "Line 2 of 9: Take a few slow breaths."
    reached = set()
    for _ in range(len(buttons) * 2):
        press(qtbot, dialog, Qt.Key.Key_Tab)
        reached.add(dialog.focusWidget())
    enabled = {b for b in buttons if b.isEnabled()}
    assert {b.accessibleName() for b in enabled} == {
        "Re-record this line", "Play back", "Previous line", "Next line", "Close"}
    assert enabled <= reached


def test_line_text_is_large_and_follows_the_app_font(qtbot, open_dialog):
    dialog = open_dialog(TakeWriter())
    base = dialog.font().pointSizeF()
    assert dialog.line_label.font().pointSizeF() == pytest.approx(base * 1.6)
    bigger = QFont(QApplication.font())
    bigger.setPointSizeF(base * 1.5)
    dialog.setFont(bigger)
    assert dialog.line_label.font().pointSizeF() == pytest.approx(base * 1.5 * 1.6)


def test_file_menu_opens_the_dialog_and_choosing_sets_own_voice(qtbot, app_paths, me_space):
    from app.core.settings import Settings, Voice
    from app.ui.main_window import MainWindow

    without = MainWindow([me_space], [], Settings())
    qtbot.addWidget(without)
    assert not without.record_voice_action.isEnabled()
    assert without.record_own_voice() is None

    window = MainWindow([me_space], [], Settings(), voice_data_dir=app_paths.data_dir)
    qtbot.addWidget(window)
    assert window.record_voice_action.isEnabled()
    window.record_voice_action.trigger()
    dialog = window.findChild(RecordVoiceDialog)
    assert dialog is not None and dialog.isVisible()
    audio = app_paths.data_dir / "a.wav"
    with qtbot.waitSignal(window.settings_changed, timeout=2_000) as changed:
        dialog.voice_chosen.emit(audio, audio.with_suffix(".vtt"))
    assert changed.args[0].me_space_voice is Voice.OWN
    assert window.settings.me_space_voice is Voice.OWN
    dialog.reject()
