"""Record a practice's script in the person's own voice, one line at a time.

Each line is shown in large type with Record / Stop / Play back / Re-record this line,
and Previous / Next to move through the script. When every line has a take, "Use my
voice" assembles them (app.audio.own_voice) and emits `voice_chosen(audio, captions)`.
The recorder is injected, so tests may pass a real SdlRecorder under SDL's dummy or disk
driver; without one the dialog makes an SdlRecorder, which loads SDL only on Record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.audio.own_voice import OwnVoiceError, assemble, line_path, line_seconds
from app.audio.recorder import LineRecorder, RecorderError
from app.core.practices import Practice
from app.core.voice_script import ScriptLine, lay_out, overrun_steps, script_lines
from app.ui.appearance import scaled_font

log = logging.getLogger(__name__)
POLL_MS = 150  # display only: the recorder counts real samples, not this timer
LINE_SCALE = 1.6
INTRO_TEXT = (
    "Read each line aloud in your own voice. Record it, listen back, and record it again "
    "until it sounds right to you. Your recording stays on this computer."
)


class RecordVoiceDialog(QDialog):
    """Walks through the script; emits `voice_chosen(audio_path, captions_path)` at the end."""

    voice_chosen = Signal(object, object)  # (Path to the WAV narration, Path to its WebVTT)

    def __init__(
        self,
        practice: Practice,
        data_dir: Path,
        recorder: LineRecorder | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("record-voice-dialog")
        self.setWindowTitle(f"Record {practice.title} in your own voice")
        self.setAccessibleName(self.windowTitle())
        self._practice = practice
        self._data_dir = data_dir
        self._recorder = recorder
        self._lines: tuple[ScriptLine, ...] = script_lines(practice)
        self._index = 0
        self._problem = ""
        # Take lengths kept only while a take records or plays: nothing on disk changes
        # until Stop, so the 150 ms ticks need not open every take again.
        self._lengths: dict[int, float | None] = {}
        self._build()
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.refresh)
        self._apply_fonts()
        self.refresh()
        self.record_button.setFocus()

    # ----- building -----
    def _build(self) -> None:
        intro = QLabel(INTRO_TEXT, self)
        intro.setWordWrap(True)
        intro.setObjectName("record-intro")
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("record-progress")
        self.step_label = QLabel(self)
        self.step_label.setObjectName("record-step")
        self.line_label = QLabel(self)
        self.line_label.setObjectName("record-line")
        self.line_label.setWordWrap(True)
        self.line_label.setMinimumHeight(1)
        self.line_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        line_frame = QFrame(self)
        line_frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame_layout = QVBoxLayout(line_frame)
        frame_layout.addWidget(self.line_label)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("record-status")
        self.status_label.setWordWrap(True)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("record-summary")
        self.summary_label.setWordWrap(True)

        self.record_button = self._button("&Record", "Start recording this line")
        self.rerecord_button = self._button(
            "Re-record this &line", "Record this line again; the new take replaces the old one"
        )
        self.stop_button = self._button("&Stop", "Stop recording or playing")
        self.play_button = self._button("&Play back", "Listen to your take of this line")
        self.previous_button = self._button("Pre&vious line", "Go back one line")
        self.next_button = self._button("&Next line", "Go on to the next line")
        self.use_button = self._button(
            f"&Use my voice for {self._practice.title}",
            f"Join your lines into one narration and use it for {self._practice.title}",
        )
        self.close_button = self._button("&Close", "Close; your recorded lines are kept")
        self.record_button.clicked.connect(self.record)
        self.rerecord_button.clicked.connect(self.record)
        self.stop_button.clicked.connect(self.stop)
        self.play_button.clicked.connect(self.play)
        self.previous_button.clicked.connect(lambda: self.go_to(self._index - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self._index + 1))
        self.use_button.clicked.connect(self.use_my_voice)
        self.close_button.clicked.connect(self.reject)

        take_row = QHBoxLayout()
        for button in (self.record_button, self.rerecord_button, self.stop_button,
                       self.play_button):
            take_row.addWidget(button)
        take_row.addStretch(1)
        move_row = QHBoxLayout()
        move_row.addWidget(self.previous_button)
        move_row.addWidget(self.next_button)
        move_row.addStretch(1)
        move_row.addWidget(self.use_button)
        move_row.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.step_label)
        layout.addWidget(line_frame, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(take_row)
        layout.addWidget(self.summary_label)
        layout.addLayout(move_row)
        self.resize(760, 460)

    def _button(self, text: str, description: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.replace("&", ""))
        button.setAccessibleDescription(description)
        button.setToolTip(description)
        button.setAutoDefault(False)
        return button

    def _apply_fonts(self) -> None:
        """Large type relative to the dialog's own font, so the app's text scale carries."""
        base = self.font()
        self.line_label.setFont(scaled_font(base, LINE_SCALE))
        bold = QFont(base)
        bold.setBold(True)
        self.progress_label.setFont(bold)

    def changeEvent(self, event: QEvent) -> None:
        """Re-scale the line's type when the application's text size changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "line_label"):
            self._apply_fonts()

    # ----- state -----
    @property
    def recorder(self) -> LineRecorder:
        """The recorder in use; an SdlRecorder is made on first need."""
        if self._recorder is None:
            from app.audio.recorder import SdlRecorder

            self._recorder = SdlRecorder()
        return self._recorder

    @property
    def current(self) -> ScriptLine:
        """The line on screen."""
        return self._lines[self._index]

    def take_path(self, line: ScriptLine | None = None) -> Path:
        """Where the take for `line` (default: the current one) is kept."""
        number = (line or self.current).number
        return line_path(self._data_dir, number, self._practice.id)

    def take_seconds(self, line: ScriptLine | None = None) -> float | None:
        """Length of the line's take, or None when it has not been recorded."""
        if not any(self._busy()):
            return line_seconds(self.take_path(line))
        number = (line or self.current).number
        if number not in self._lengths:
            self._lengths[number] = line_seconds(self.take_path(line))
        return self._lengths[number]

    def recorded_count(self) -> int:
        """How many lines have a take."""
        return sum(1 for line in self._lines if self.take_seconds(line) is not None)

    def _busy(self) -> tuple[bool, bool]:
        recorder = self._recorder
        if recorder is None:
            return False, False
        return recorder.is_recording, recorder.is_playing

    def refresh(self) -> None:
        """Bring labels and buttons up to date with the line, its take and the recorder."""
        recording, playing = self._busy()
        if not (recording or playing):
            self._poll.stop()
            self._lengths.clear()  # idle: read the takes afresh, whoever changed them
        line = self.current
        count = len(self._lines)
        taken = self.take_seconds()
        self.progress_label.setText(f"Line {line.number} of {count}")
        self.step_label.setText(f"Step: {line.step_title}")
        self.line_label.setText(line.text)
        self.line_label.setAccessibleName(f"Line {line.number} of {count}: {line.text}")
        if self._problem:
            status = f"Problem: {self._problem}"
        elif recording:
            seconds = self.recorder.recorded_seconds
            status = f"Recording… {seconds:.0f} s. Read the line, then press Stop."
        elif playing:
            status = "Playing back your take…"
        elif taken is None:
            status = "Not recorded yet. Press Record, read the line aloud, then press Stop."
        else:
            status = (f"Recorded ({taken:.1f} s). Play it back, record it again, "
                      "or go on to the next line.")
        self.status_label.setText(status)
        self.status_label.setAccessibleName(status)
        done = self.recorded_count()
        summary = f"{done} of {count} lines recorded."
        if done == count:
            summary += f" All done: choose “Use my voice for {self._practice.title}”."
            late = self._overrun_steps()
            if late:
                summary += (f" Note: your lines for “{'”, “'.join(late)}” last longer than "
                            "the step, so what follows will start a little late.")
        self.summary_label.setText(summary)

        idle = not (recording or playing)
        self.record_button.setVisible(taken is None)
        self.rerecord_button.setVisible(taken is not None)
        self.record_button.setEnabled(idle)
        self.rerecord_button.setEnabled(idle)
        self.stop_button.setEnabled(not idle)
        self.play_button.setEnabled(idle and taken is not None)
        self.previous_button.setEnabled(idle and self._index > 0)
        self.next_button.setEnabled(idle and self._index < count - 1)
        self.use_button.setEnabled(idle and done == count)
        self.use_button.setDefault(idle and done == count)
        self._settle_focus()

    def _settle_focus(self) -> None:
        """Keep the keyboard somewhere useful when the focused button goes away."""
        focused = self.focusWidget()
        if focused is not None and focused.isVisible() and focused.isEnabled():
            return
        if not self.isVisible():
            return
        for button in (self.stop_button, self.play_button, self.record_button,
                       self.next_button, self.close_button):
            if button.isVisible() and button.isEnabled():
                button.setFocus()
                return

    def _overrun_steps(self) -> tuple[str, ...]:
        durations = [self.take_seconds(line) or 0.0 for line in self._lines]
        if not all(durations):
            return ()
        return overrun_steps(lay_out(self._lines, durations), self._practice)

    # ----- actions -----
    def record(self) -> None:
        """Start a take of the current line (a new one replaces the old when stopped)."""
        self._begin(self.recorder.start)

    def _begin(self, action: Callable[[Path], object]) -> None:
        """Record or play the current line's take; Stop is where the keyboard goes next."""
        self._problem = ""
        try:
            action(self.take_path())
        except RecorderError as exc:
            self._fail(exc)
            return
        self._poll.start()
        self.refresh()
        self.stop_button.setFocus()

    def stop(self) -> None:
        """Stop recording (keeping the take) or stop playing."""
        recorder = self.recorder
        try:
            if recorder.is_recording:
                recorder.stop()
            else:
                recorder.stop_playback()
        except (RecorderError, OSError) as exc:
            self._fail(exc)
            return
        self.refresh()
        self.play_button.setFocus()

    def play(self) -> None:
        """Play the current line's take back."""
        self._begin(self.recorder.play)

    def go_to(self, index: int) -> None:
        """Show another line (only while nothing records or plays)."""
        if any(self._busy()) or not 0 <= index < len(self._lines):
            return
        moving_on = index > self._index
        self._index = index
        self._problem = ""
        self.refresh()
        if self.take_seconds() is None:
            self.record_button.setFocus()
        elif moving_on and self.next_button.isEnabled():
            self.next_button.setFocus()
        else:
            self.play_button.setFocus()
        if self._index == len(self._lines) - 1 and self.use_button.isEnabled():
            self.use_button.setFocus()

    def use_my_voice(self) -> tuple[Path, Path] | None:
        """Assemble the narration; emit `voice_chosen` and close when it is whole."""
        if any(self._busy()):
            return None
        try:
            audio, captions, placed = assemble(self._data_dir, self._practice)
        except (OwnVoiceError, OSError) as exc:
            self._fail(exc)
            return None
        late = overrun_steps(placed, self._practice)
        if late:
            log.info("own voice runs past the end of %d step(s)", len(late))
        log.info("own voice assembled for %s", self._practice.id)
        self.voice_chosen.emit(audio, captions)
        self.accept()
        return audio, captions

    def _fail(self, error: Exception) -> None:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        log.warning("own voice: %s", message)
        self._problem = message
        self._lengths.clear()
        self.refresh()

    # ----- closing -----
    def done(self, result: int) -> None:
        """Every way out (Close, Esc, the window's X all end here) releases the devices."""
        self._poll.stop()
        if self._recorder is not None:
            self._recorder.close()
        super().done(result)
