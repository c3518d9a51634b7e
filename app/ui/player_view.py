"""The player: runs one practice step by step, in large type, with a closing commitment.

A thin view over app.core.session.Session. The session advances itself through the
injected Scheduler; this view only calls its methods, listens for changes, and polls
`snapshot()` on a display timer so the countdown moves. Tests pass a FakeClock and
FakeScheduler and call `refresh()`, so no test ever waits for real time.

Full screen (F11) turns the view into a room display for a shared screen: type sized from
the screen's height (times the app's text size), the window's menu and status bars out of
the way, and the facilitator notes hidden until asked for. Leaving full screen undoes it all.

Sound comes through an injected AudioPlayer: a soft bell at each step change, and, when a
Narration is given, the recording with its captions kept in step with the session (Start
plays, pause pauses both, Back/Next move the recording to that step's start, End fades).
"""

from __future__ import annotations

import logging
from functools import partial

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QFont,
    QFontDatabase,
    QFontInfo,
    QHideEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from app.audio.audio_player import (
    END_FADE_MS,
    AudioPlayer,
    AudioUnavailable,
    NullAudioPlayer,
    PlayState,
    end_fade_due,
)
from app.audio.bells import Bell
from app.audio.narration import Narration
from app.core.captions import Captions, CaptionsError, load_captions
from app.core.clock import Clock, Scheduler
from app.core.practices import Practice, StepKind, format_duration
from app.core.session import (
    Session,
    SessionListener,
    SessionRecord,
    SessionState,
    Snapshot,
)
from app.core.time_text import countdown_text, remaining_text
from app.ui.appearance import scaled_font
from app.ui.audio_panel import AudioPanel

log = logging.getLogger(__name__)

REFRESH_MS = 250  # display only: the session keeps its own time through the scheduler
TITLE_SCALE = 2.2
PROMPT_SCALE = 1.6
DEFAULT_CLOSING_PROMPT = "One practical step I will take..."
NO_NOTES_TEXT = "No facilitator notes for this step."
SHOW_NOTES_TEXT = "Show facilitator &notes"  # the button says what it will do (Alt+N)
HIDE_NOTES_TEXT = "Hide facilitator &notes"
COUNTDOWN_CAPTION = "left in this step"
# Full screen: each kind of text as a share of the screen's height, at the normal text size.
# 1080 px high gives an 81 px title and a 59 px prompt: readable from the back of a room.
ROOM_SHARE = {
    "title": 0.075,
    "prompt": 0.055,
    "countdown": 0.11,
    "turn": 0.06,
    "next": 0.036,
    "caption": 0.05,
    "notes": 0.026,
    "small": 0.024,  # practice name, step number, the controls
}
ROOM_FITTED = frozenset({"title", "prompt", "countdown", "turn", "caption"})
# A long prompt (or a large text size) that would not fit: the big type shrinks in steps.
FIT_STEPS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4)
ROOM_MARGIN_SHARE = 0.02
NOTES_MIN_CHARS = 18  # the notes panel keeps at least this many characters a line
TEXT_SCALE_RANGE = (0.5, 4.0)
MAX_PARTICIPANTS = 99
_TURN_KINDS = (StepKind.ROUND, StepKind.PAIRS)
_TOGGLE_TEXT = {
    SessionState.READY: "Start",
    SessionState.RUNNING: "Pause",
    SessionState.PAUSED: "Resume",
    SessionState.FINISHED: "Start",
}


class PlayerView(QWidget):
    """Runs `practice` once; emits `finished(record)` on Save and `closed()` on leaving.

    `finished` carries the SessionRecord with the commitment attached, exactly once.
    `closed` follows it, and is also emitted alone when End is pressed before Start
    (nothing was practised, so there is nothing to record).
    """

    finished = Signal(object)  # SessionRecord
    closed = Signal()

    def __init__(
        self,
        practice: Practice,
        clock: Clock,
        scheduler: Scheduler,
        parent: QWidget | None = None,
        *,
        audio: AudioPlayer | None = None,
        narration: Narration | None = None,
        bell: Bell | None = None,
        full_screen_on: str = "",
    ) -> None:
        """`audio` rings bells and plays `narration` (silence if None); `bell` None = no bell.

        `full_screen_on` names the screen F11 fills (a shared display); "" = this window's.
        """
        super().__init__(parent)
        self._full_screen_on = full_screen_on
        self.screen_notice = ""  # set when the chosen screen was not connected
        self.setObjectName("player-view")
        self.setAccessibleName(f"Player: {practice.title}")
        self._practice = practice
        self._emitted = False
        self._shortcuts: list[QShortcut] = []
        self._audio: AudioPlayer = audio if audio is not None else NullAudioPlayer(clock)
        self._bell = bell
        self._bells_in_recording = False
        self._last_step: int | None = None
        self._end_faded = False
        self._shown_notice: str | None = None
        self._step_offsets = practice.step_starts
        self._voice: AudioPlayer | None = None  # the narration's player, once loaded
        self.audio_panel: AudioPanel | None = None
        self._has_notes = any(step.facilitator_notes for step in practice.steps)
        self._notes_offered = self._has_notes and practice.is_facilitated  # follows the step
        # Notes show by default in a facilitator's own window, never on a shared screen;
        # each stays as the facilitator last left it for the rest of this session.
        self._notes_normal = practice.is_facilitated and self._has_notes
        self._notes_room = False
        self._room = False  # full screen: the room display
        self._watched: QWidget | None = None  # the window whose full-screen state we follow
        self._borrowed: list[QAction] = []  # menu shortcuts kept working while the bar hides
        self._maximized_before = False
        self._fitted_for: tuple[object, ...] | None = None  # what the room sizes were fit to
        self._build()
        if narration is not None:
            self._load_narration(narration, clock)
        self._session = Session(
            practice,
            clock,
            scheduler,
            SessionListener(
                on_change=self._on_change,
                on_step_changed=self._on_step_changed,
                on_finished=self._on_finished,
            ),
        )
        self.destroyed.connect(partial(_silence, self._audio, self._voice))
        self.participants_spin.setValue(self._session.participants)
        self.participants_spin.valueChanged.connect(self._set_participants)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._refresh_timer.start()
        self._apply_fonts()
        self.refresh()

    # ----- building -----
    def _build(self) -> None:
        practice = self._practice
        self.stack = QStackedWidget(self)
        self.run_page = QWidget(self.stack)
        self.closing_page = QWidget(self.stack)
        self.stack.addWidget(self.run_page)
        self.stack.addWidget(self.closing_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._build_run_page(practice)
        self._build_closing_page(practice)
        self._build_shortcuts()

    def _label(self, parent: QWidget, name: str, wrap: bool = False) -> QLabel:
        label = QLabel(parent)
        label.setObjectName(name)
        label.setWordWrap(wrap)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        return label

    def _button(self, parent: QWidget, text: str, name: str, description: str) -> QPushButton:
        button = QPushButton(text, parent)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAccessibleDescription(description)
        button.setToolTip(description)
        return button

    def _build_run_page(self, practice: Practice) -> None:
        page = self.run_page
        self.practice_label = self._label(page, "player-practice")
        self.practice_label.setText(practice.title)
        self.step_label = self._label(page, "player-step-number")
        self.title_label = self._label(page, "player-step-title", wrap=True)
        self.prompt_label = self._label(page, "player-step-prompt", wrap=True)
        self.prompt_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.countdown_label = self._label(page, "player-countdown")
        self.countdown_label.setAccessibleName("Time left in this step")
        self.countdown_caption = self._label(page, "player-countdown-caption")
        self.countdown_caption.setText(COUNTDOWN_CAPTION)
        countdown_row = QHBoxLayout()
        self._countdown_row = countdown_row
        countdown_row.addWidget(self.countdown_label)
        countdown_row.addWidget(self.countdown_caption, 0, Qt.AlignmentFlag.AlignBottom)
        countdown_row.addStretch(1)
        self.progress = QProgressBar(page)
        self.progress.setObjectName("player-progress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%p% of the practice done")  # in words, not colour alone
        self.progress.setAccessibleName("Progress through the practice")
        self.next_label = self._label(page, "player-next-step", wrap=True)
        self.next_label.setAccessibleName("What comes next")

        self.turn_label = self._label(page, "player-turn", wrap=True)
        self.turn_label.setAccessibleName("Speaking turn")
        self.next_speaker_button = self._button(
            page, "Next speaker", "player-next-speaker", "Move on to the next person's turn now"
        )
        self.next_speaker_button.clicked.connect(self._next_speaker)
        turn_row = QHBoxLayout()
        turn_row.addWidget(self.turn_label, 1)
        turn_row.addWidget(self.next_speaker_button)

        self.participants_label = self._label(page, "player-participants-label")
        self.participants_label.setText("People taking part:")
        self.participants_spin = QSpinBox(page)
        self.participants_spin.setObjectName("player-participants")
        self.participants_spin.setRange(1, max(MAX_PARTICIPANTS, practice.group_size.max))
        self.participants_spin.setAccessibleName("Number of people taking part")
        self.participants_label.setBuddy(self.participants_spin)
        participants_row = QHBoxLayout()
        participants_row.addWidget(self.participants_label)
        participants_row.addWidget(self.participants_spin)
        participants_row.addStretch(1)
        group = practice.is_facilitated
        self.participants_label.setVisible(group)
        self.participants_spin.setVisible(group)

        self.toggle_button = self._button(
            page, "Start", "player-start-pause", "Start, pause or resume the practice (Space)"
        )
        self.toggle_button.clicked.connect(self.toggle_running)
        self.back_button = self._button(
            page, "Back", "player-back", "Go back a step, or restart this one (Left arrow)"
        )
        self.back_button.clicked.connect(self.back)
        self.next_button = self._button(
            page, "Next", "player-next", "Skip to the next step (Right arrow)"
        )
        self.next_button.clicked.connect(self.next)
        self.end_button = self._button(
            page, "End", "player-end",
            "End the practice now (Escape; in full screen, Escape first leaves full screen)"
        )
        self.end_button.clicked.connect(self.end)
        self.notes_button = self._button(
            page, SHOW_NOTES_TEXT, "player-notes-toggle",
            "Show or hide the facilitator notes beside the steps (Alt+N)",
        )
        self.notes_button.setAccessibleName(_plain(SHOW_NOTES_TEXT))
        self.notes_button.setCheckable(True)
        controls = QHBoxLayout()
        for button in (self.toggle_button, self.back_button, self.next_button, self.end_button):
            controls.addWidget(button)
        controls.addStretch(1)
        controls.addWidget(self.notes_button)

        main = QVBoxLayout()
        main.addWidget(self.practice_label)
        main.addWidget(self.step_label)
        main.addWidget(self.title_label)
        main.addWidget(self.prompt_label)
        self._main_column = main
        self._audio_slot = QVBoxLayout()  # the audio panel goes here when there is narration
        main.addLayout(self._audio_slot, 1)
        main.addLayout(countdown_row)
        main.addLayout(turn_row)
        # What is happening now stays together at the top; the spare room goes below it,
        # above what comes next and the controls (or to the transcript, with a recording).
        self._spare_index = main.count()
        main.addStretch(1)
        main.addLayout(participants_row)
        main.addWidget(self.progress)
        main.addWidget(self.next_label)
        main.addLayout(controls)

        self.notes_panel = QFrame(page)
        self.notes_panel.setObjectName("player-notes")
        self.notes_panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.notes_panel.setAccessibleName("Facilitator notes")
        # A quarter of the width, as the row's stretch says, however long a word in the notes:
        # the steps keep the room they need, most of all with a large text size.
        self.notes_panel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        notes_heading = self._label(self.notes_panel, "player-notes-heading")
        notes_heading.setText("Facilitator notes")
        bold = notes_heading.font()
        bold.setBold(True)
        notes_heading.setFont(bold)
        self.notes_label = self._label(self.notes_panel, "player-notes-text", wrap=True)
        notes_layout = QVBoxLayout(self.notes_panel)
        notes_layout.addWidget(notes_heading)
        notes_layout.addWidget(self.notes_label)
        notes_layout.addStretch(1)

        row = QHBoxLayout(page)
        row.addLayout(main, 3)
        row.addWidget(self.notes_panel, 1)
        self._page_row = row
        self._normal_margins = row.contentsMargins()
        self.notes_heading = notes_heading
        self.notes_button.toggled.connect(self._notes_toggled)
        self.notes_button.setChecked(self._notes_normal)
        self._notes_toggled(self._notes_normal)
        self.notes_button.setVisible(self._notes_offered)

    def _build_closing_page(self, practice: Practice) -> None:
        page = self.closing_page
        self.well_done_label = self._label(page, "player-well-done")
        self.well_done_label.setText("Well done")
        self.summary_label = self._label(page, "player-summary", wrap=True)
        self.closing_prompt_label = self._label(page, "player-closing-prompt", wrap=True)
        self.closing_prompt_label.setText(practice.closing_prompt or DEFAULT_CLOSING_PROMPT)
        self.commitment_edit = QPlainTextEdit(page)
        self.commitment_edit.setObjectName("player-commitment")
        self.commitment_edit.setAccessibleName("Your commitment")
        self.commitment_edit.setAccessibleDescription(self.closing_prompt_label.text())
        self.commitment_edit.setTabChangesFocus(True)  # Tab reaches Save, not a tab character
        self.closing_prompt_label.setBuddy(self.commitment_edit)
        self.save_button = self._button(
            page, "Save and close", "player-save",
            "Keep this session and your commitment in your history",
        )
        self.save_button.clicked.connect(self.save_and_close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.well_done_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.closing_prompt_label)
        layout.addWidget(self.commitment_edit, 1)
        layout.addLayout(buttons)

    def _build_shortcuts(self) -> None:
        """Keys work anywhere in the player, but not elsewhere in the window."""
        for key, slot in (
            (Qt.Key.Key_Space, self._space),
            (Qt.Key.Key_Right, self.next),
            (Qt.Key.Key_Left, self.back),
            (Qt.Key.Key_Escape, self._escape),
            (Qt.Key.Key_F11, self.toggle_full_screen),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

    def _type_table(self) -> list[tuple[QWidget, float, str, bool]]:
        """Each text: its size in the window (times the app font), its room share, bold."""
        small = [
            self.practice_label, self.step_label, self.toggle_button, self.back_button,
            self.next_button, self.end_button,
            self.notes_button, self.next_speaker_button, self.participants_label,
            self.participants_spin, self.progress, self.commitment_edit, self.save_button,
            self.summary_label,
        ]
        if self.audio_panel is not None:
            small.append(self.audio_panel)  # its transcript and controls; the caption is its own
        return [
            (self.title_label, TITLE_SCALE, "title", True),
            (self.countdown_label, TITLE_SCALE, "countdown", True),
            (self.well_done_label, TITLE_SCALE, "title", True),
            (self.prompt_label, PROMPT_SCALE, "prompt", False),
            (self.closing_prompt_label, PROMPT_SCALE, "prompt", False),
            (self.turn_label, 1.0, "turn", True),
            (self.next_label, 1.0, "next", False),
            (self.countdown_caption, 1.0, "next", False),
            (self.notes_heading, 1.0, "notes", True),
            (self.notes_label, 1.0, "notes", False),
            *((widget, 1.0, "small", False) for widget in small),
        ]

    def _apply_fonts(self) -> None:
        """Large type relative to the widget's own font, so the app's text scale carries.

        Full screen: sized from the screen's height instead (never smaller than in the
        window), still times the app's text size, so a larger setting stays larger.
        """
        if not self._room:
            self._fitted_for = None
            self._set_fonts(None, 1.0)
            self._page_row.setContentsMargins(self._normal_margins)
            self._countdown_row.setContentsMargins(0, 0, 0, 0)
        else:
            fitted_for = self._fit_key()
            if fitted_for == self._fitted_for:
                return  # same screen, text and notes: the sizes found last time still hold
            self._fitted_for = fitted_for
            margin = round(self._room_pixels() * ROOM_MARGIN_SHARE)
            self._page_row.setContentsMargins(margin, margin, margin, margin)
            self._countdown_row.setContentsMargins(0, margin, 0, 0)  # air under the prompt
            room = self._room_points()
            for fit in FIT_STEPS if not self.is_closing else (1.0,):
                self._set_fonts(room, fit)
                if self._fits():
                    break
        self._align_countdown_caption()
        # Never narrower than a short line of its own words, whatever the steps ask for.
        self.notes_panel.setMinimumWidth(
            self.notes_label.fontMetrics().averageCharWidth() * NOTES_MIN_CHARS
        )

    def _set_fonts(self, room: float | None, fit: float) -> None:
        """Normal sizes (room None), or room sizes with the big type times `fit`."""
        base = self.font()
        for widget, scale, share, bold in self._type_table():
            if room is None and scale == 1.0:
                font = QFont()  # inherit the app font as it is, only the weight set
                if bold:
                    font.setBold(True)
            else:
                font = _scaled(base, scale, bold)
            if room is not None:
                factor = fit if share in ROOM_FITTED else 1.0
                normal = QFontInfo(font).pointSizeF()
                font.setPointSizeF(max(normal, room * ROOM_SHARE[share] * factor))
                if widget.font() == font:
                    continue  # unchanged: no relayout
            widget.setFont(font)
        if self.audio_panel is not None:
            self.audio_panel.set_caption_points(
                None if room is None else room * ROOM_SHARE["caption"] * fit
            )

    def _fit_key(self) -> tuple[object, ...]:
        """Everything the room sizes depend on; the same key means the same sizes."""
        screen = self.window().screen()
        return (
            screen.name(), screen.geometry().size().toTuple(), screen.logicalDotsPerInchY(),
            self.font().key(), self.notes_panel.isHidden(), self.stack.currentIndex(),
            self.title_label.text(), self.prompt_label.text(), self.turn_label.isHidden(),
            self.run_page.size().toTuple(),
        )

    def _fits(self) -> bool:
        """Whether the step, the timers and the controls all fit the page as now sized.

        The page is laid out at once with the sizes being tried, so the width measured is
        the real one, with or without the notes beside it.
        """
        self._page_row.invalidate()  # forget the heights measured with the last sizes
        self._page_row.activate()
        column = self._main_column.geometry()
        need = self._main_column.totalHeightForWidth(column.width())
        if need < 0:
            need = self._main_column.totalMinimumSize().height()
        return need <= column.height()

    def _align_countdown_caption(self) -> None:
        """'left in this step' sits on the countdown's baseline, whatever the two sizes."""
        drop = (self.countdown_label.fontMetrics().descent()
                - self.countdown_caption.fontMetrics().descent())
        self.countdown_caption.setContentsMargins(0, 0, 0, max(0, drop))

    def _room_pixels(self) -> int:
        """The height of the screen the window fills."""
        return self.window().screen().geometry().height()

    def _room_points(self) -> float:
        """Points for a text as tall as the whole screen, times the app's text size."""
        dpi = self.window().screen().logicalDotsPerInchY() or 96.0
        return self._room_pixels() * 72.0 / dpi * self._text_scale()

    def _text_scale(self) -> float:
        """How much larger than the system's own font the app's text is set (1.0 = as is)."""
        own = QFontInfo(self.font()).pointSizeF()
        system = QFontInfo(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        if own <= 0 or system.pointSizeF() <= 0:
            return 1.0
        low, high = TEXT_SCALE_RANGE
        return min(high, max(low, own / system.pointSizeF()))

    def changeEvent(self, event: QEvent) -> None:
        """Re-scale the large type when the application's text size changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "title_label"):
            self._apply_fonts()

    # ----- full screen: the room display -----
    @property
    def is_room_display(self) -> bool:
        """True while the window is full screen and this view is sized for a room."""
        return self._room

    def showEvent(self, event: QShowEvent) -> None:
        """Follow the window's full-screen state, whoever changes it (F11, the desktop)."""
        super().showEvent(event)
        window = self.window()
        if window is not self._watched:
            if self._watched is not None and shiboken6.isValid(self._watched):
                self._watched.removeEventFilter(self)
            self._watched = window
            window.installEventFilter(self)
        self._sync_room()

    def hideEvent(self, event: QHideEvent) -> None:
        """Taken out of a window that stays on show: give the window back as it was."""
        super().hideEvent(event)
        window = self.window()
        if self._room and not event.spontaneous() and window is not self and window.isVisible():
            self._leave_full_screen()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The window went in or out of full screen: the room display on or off."""
        if watched is self._watched and event.type() == QEvent.Type.WindowStateChange:
            self._sync_room()
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The full-screen size arrives after the state change: fit the type to it."""
        super().resizeEvent(event)
        if self._room:
            self._apply_fonts()

    def _sync_room(self) -> None:
        self._set_room(self.window().isFullScreen() and self.isVisible())

    def _set_room(self, room: bool) -> None:
        """Into or out of the room display.

        The large type must never ask the window for more than the screen: a window whose
        minimum grows past its size is resized, and silently drops out of full screen. So
        the view claims no minimum while in the room (the type is fitted instead), and on
        the way out the normal sizes come back before the bars do.
        """
        if room == self._room:
            if room:
                self._apply_fonts()  # another screen or size: re-fit
            return
        self._room = room
        if room:
            self.setMinimumSize(1, 1)
            self._show_window_bars(False)
        wanted = self._notes_room if room else self._notes_normal
        self.notes_button.setChecked(wanted)
        self._notes_toggled(wanted)
        self._apply_fonts()
        if not room:
            self._show_window_bars(True)
            self.setMinimumSize(0, 0)  # the layout's own minimum again

    def _show_window_bars(self, shown: bool) -> None:
        """Menu and status bar: away on the shared screen, back in the window.

        The menu's shortcuts (text size, quit) keep working while it is hidden: the window
        holds them for that time.
        """
        window = self.window()
        if not isinstance(window, QMainWindow):
            return
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        menus = window.findChildren(QMenuBar, "", direct)  # lists: no None to handle
        for bar in [*menus, *window.findChildren(QStatusBar, "", direct)]:
            bar.setVisible(shown)
        if not shown:
            held = set(window.actions())
            self._borrowed = [a for m in menus for a in _shortcut_actions(m) if a not in held]
            window.addActions(self._borrowed)
        else:
            for action in self._borrowed:
                if shiboken6.isValid(action):
                    window.removeAction(action)
            self._borrowed = []

    def _leave_full_screen(self) -> None:
        """Back to the window as it was before F11 (maximised stays maximised)."""
        self._set_room(False)
        window = self.window()
        if window.isFullScreen():
            if self._maximized_before:
                window.showMaximized()
            else:
                window.showNormal()

    def _offer_notes(self, step_has_notes: bool) -> None:
        """The notes button only where there are notes to show.

        A group practice keeps it on every step (a steady side panel for the facilitator);
        a practice done alone or in a pair offers it only on the steps that have notes.
        """
        offered = self._has_notes and (self._practice.is_facilitated or step_has_notes)
        if offered != self._notes_offered:
            self._notes_offered = offered
            self.notes_button.setVisible(offered)
            self.notes_panel.setVisible(offered and self.notes_button.isChecked())

    def _notes_toggled(self, shown: bool) -> None:
        """The panel follows the button; the button says what pressing it will do."""
        if self._room:
            self._notes_room = shown
        else:
            self._notes_normal = shown
        self.notes_panel.setVisible(shown and self._notes_offered)
        if self._room:
            self._apply_fonts()  # the steps' column got wider or narrower: fit it again
        text = HIDE_NOTES_TEXT if shown else SHOW_NOTES_TEXT
        if self.notes_button.text() != text:
            self.notes_button.setText(text)
            self.notes_button.setAccessibleName(_plain(text))

    def _load_narration(self, narration: Narration, clock: Clock) -> None:
        """Open the recording and its captions; any problem is a notice, never a stop."""
        notices: list[str] = []
        captions: Captions | None = None
        if narration.captions is not None:
            try:
                captions = load_captions(narration.captions)
            except CaptionsError as exc:
                log.warning("captions: %s", exc)
                notices.append(f"Captions: {exc}")
            else:
                for problem in captions.problems:
                    log.warning("captions: %s", problem)
                summary = captions.summary()
                if summary:
                    notices.append(summary)
        voice = self._audio
        try:
            voice.load(narration.audio)
        except AudioUnavailable as exc:
            log.warning("audio: %s", exc)
            with_captions = captions is not None and bool(captions.cues)
            notices.append(
                f"Audio: {exc}; the practice carries on in silence"
                + (", with captions." if with_captions else ".")
            )
            length = captions.end if captions is not None and captions.cues else None
            voice = NullAudioPlayer(clock, length or float(self._practice.total_seconds))
        self._voice = voice
        # A recording that rang its own bells: no second bell (unless it failed to load).
        self._bells_in_recording = narration.bells_included and voice is self._audio
        panel = AudioPanel(voice, captions, self.run_page)
        panel.toggle_requested.connect(self.toggle_running)
        panel.toggle_button.hide()  # the player's own Start/Pause button does this job
        panel.seek_requested.connect(self.seek_audio)
        for notice in notices:
            panel.show_notice(notice)
        self._audio_slot.addWidget(panel)
        self._main_column.setStretch(self._spare_index, 0)  # the transcript takes the room
        self.audio_panel = panel

    # ----- state -----
    @property
    def audio(self) -> AudioPlayer:
        """The player that rings the bells (and plays the narration unless its file failed)."""
        return self._audio

    @property
    def voice(self) -> AudioPlayer | None:
        """The narration's player, or None for a practice without a recording."""
        return self._voice

    @property
    def session(self) -> Session:
        """The session being run (for the facilitator view and tests)."""
        return self._session

    @property
    def practice(self) -> Practice:
        """The practice being run."""
        return self._practice

    @property
    def is_closing(self) -> bool:
        """True once the closing panel (Well done, commitment) is on show."""
        return self.stack.currentWidget() is self.closing_page

    # ----- actions -----
    def toggle_running(self) -> None:
        """Start, pause or resume, whichever makes sense now."""
        state = self._session.state
        voice = self._voice
        if state is SessionState.READY and self._session.start():
            self._voice_to(self._step_start())
        elif state is SessionState.RUNNING and self._session.pause() and voice is not None:
            voice.pause()
        elif state is SessionState.PAUSED and self._session.resume() and voice is not None:
            voice.resume()

    def next(self) -> None:
        """Skip to the next step; on the last step this completes the practice."""
        if self._session.next():
            self._voice_to(self._step_start())

    def back(self) -> None:
        """Previous step, or restart the first."""
        if self._session.back():
            self._voice_to(self._step_start())

    def _escape(self) -> None:
        """Escape leaves full screen first, as everywhere else.

        A facilitator pressing it to get the desktop back must not end the group's practice.
        """
        if self.window().isFullScreen():
            self._leave_full_screen()
        else:
            self.end()

    def end(self) -> None:
        """End now without asking; before Start there is nothing to record, so just close."""
        if self._session.state is SessionState.READY:
            self._silence()
            self._leave_full_screen()
            self.closed.emit()
            return
        self._session.finish()

    def seek_audio(self, seconds: float) -> None:
        """Move the recording only (the panel's skip buttons and transcript); steps keep time."""
        self._voice_to(seconds)

    def _step_start(self) -> float:
        """Where the current step begins in the recording: the sum of the steps before it."""
        return self._step_offsets[self._session.snapshot().step_index]

    def _voice_to(self, seconds: float) -> None:
        """Put the recording at `seconds`, playing if the session runs, held if it is paused."""
        voice = self._voice
        state = self._session.state
        if voice is None or state not in (SessionState.RUNNING, SessionState.PAUSED):
            return
        self._end_faded = False
        was = voice.state
        if was is PlayState.STOPPED:  # not started yet, or it reached its end
            voice.play(seconds)
            if state is SessionState.PAUSED:
                voice.pause()
        else:
            voice.seek(seconds)
            if state is SessionState.RUNNING and was is PlayState.PAUSED:
                voice.resume()
            elif state is SessionState.PAUSED and was is PlayState.PLAYING:
                voice.pause()
        if self.audio_panel is not None:
            self.audio_panel.update_position()

    def _ring(self) -> None:
        """The soft bell between steps; a bad bell file turns the bell off, once, quietly."""
        if self._bell is None or self._bells_in_recording:
            return
        try:
            self._audio.play_bell(self._bell.path, self._bell.volume)
        except AudioUnavailable as exc:
            log.warning("bell off for this session: %s", exc)
            self._bell = None

    def _silence(self) -> None:
        _silence(self._audio, self._voice)

    def toggle_full_screen(self) -> None:
        """F11: the top-level window fills the screen, e.g. on a shared display in a circle."""
        window = self.window()
        if window.isFullScreen():
            self._leave_full_screen()
            return
        from app.ui.facilitator_screen import show_full_screen_on

        self._maximized_before = window.isMaximized()
        choice = show_full_screen_on(window, self._full_screen_on)
        if choice.notice:
            log.info("%s", choice.notice)
            self.screen_notice = choice.notice
        self._sync_room()

    def save_and_close(self) -> None:
        """Attach the commitment, emit the record (only ever once), then close."""
        if self._emitted:
            return
        if not self._session.set_commitment(self.commitment_edit.toPlainText()):
            return  # not finished: nothing to save yet
        record = self._session.record
        if record is None:  # pragma: no cover - set_commitment succeeded, so it exists
            return
        self._emitted = True
        self.save_button.setEnabled(False)
        self._silence()
        self._leave_full_screen()
        self.finished.emit(record)
        self.closed.emit()

    def _space(self) -> None:
        """Space presses the focused button, as everywhere else; otherwise start/pause."""
        focused = self.focusWidget()
        if (
            isinstance(focused, QAbstractButton)
            and focused is not self.toggle_button
            and focused.isVisible()
            and focused.isEnabled()
        ):
            focused.click()
            return
        self.toggle_running()

    def _next_speaker(self) -> None:
        self._session.next_speaker()

    def _set_participants(self, count: int) -> None:
        self._session.set_participants(count)

    # ----- listening -----
    def _on_change(self, _snapshot: Snapshot) -> None:
        if shiboken6.isValid(self):  # a stray timer after the window closed
            self.refresh()

    def _on_step_changed(self, index: int) -> None:
        previous, self._last_step = self._last_step, index
        if previous is not None and index != previous and shiboken6.isValid(self):
            self._ring()

    def _on_finished(self, record: SessionRecord) -> None:
        if not shiboken6.isValid(self):
            return
        if self._voice is not None:
            self._voice.fade_out(END_FADE_MS)
        if self.audio_panel is not None:
            self.audio_panel.set_live(False)
        self._refresh_timer.stop()
        for shortcut in self._shortcuts[:-1]:  # keep F11; the rest would fight the text box
            shortcut.setEnabled(False)
        self.summary_label.setText(_summary(record))
        self.stack.setCurrentWidget(self.closing_page)
        self.commitment_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh(self) -> None:
        """Bring every label up to date from one snapshot; cheap, so the display timer polls."""
        snap = self._session.snapshot()
        if snap.state is SessionState.FINISHED:
            return
        step = snap.step
        self.step_label.setText(f"Step {snap.step_number} of {snap.step_count}")
        new_step = self.title_label.text() != step.title or self.prompt_label.text() != step.prompt
        self.title_label.setText(step.title)
        self.prompt_label.setText(step.prompt)
        self.countdown_label.setText(countdown_text(snap.step_remaining))
        self.progress.setValue(round(snap.progress * 1000))
        self.next_label.setText(
            "Last step" if snap.next_step_title is None else f"Next: {snap.next_step_title}"
        )
        self.notes_label.setText(step.facilitator_notes or NO_NOTES_TEXT)
        self._offer_notes(bool(step.facilitator_notes))

        turn_step = step.kind in _TURN_KINDS and step.speaker_seconds is not None
        turn = snap.turn
        if turn is None:
            self.turn_label.setText("")
        elif turn.done:
            self.turn_label.setText(turn.label)
        else:
            self.turn_label.setText(f"{turn.label} · {remaining_text(turn.remaining)} left")
        self.turn_label.setVisible(turn_step)
        self.next_speaker_button.setVisible(turn_step)
        live = snap.state in (SessionState.RUNNING, SessionState.PAUSED)
        self.next_speaker_button.setEnabled(live and turn is not None and not turn.done)
        if new_step and self._room:
            self._apply_fonts()  # a longer or shorter step: fit the big type to the screen

        text = _TOGGLE_TEXT[snap.state]
        if self.toggle_button.text() != text:
            self.toggle_button.setText(text)
            self.toggle_button.setAccessibleName(text)
        self.back_button.setEnabled(live)
        self.next_button.setEnabled(live)
        if self.participants_spin.value() != snap.participants:
            self.participants_spin.blockSignals(True)
            self.participants_spin.setValue(snap.participants)
            self.participants_spin.blockSignals(False)
        self._refresh_audio(snap.state, text, live)

    def _refresh_audio(self, state: SessionState, toggle_text: str, live: bool) -> None:
        """Captions follow the recording; the recording fades as it reaches its end."""
        notice = self._audio.notice
        panel = self.audio_panel
        if notice and notice != self._shown_notice:
            self._shown_notice = notice
            if panel is not None:
                panel.show_notice(notice)
        voice = self._voice
        if panel is None or voice is None:
            return
        if (
            state is SessionState.RUNNING
            and not self._end_faded
            and voice.is_playing
            and end_fade_due(voice.position(), voice.duration)
        ):
            self._end_faded = True
            voice.fade_out(END_FADE_MS)
        panel.update_position()
        panel.set_live(live)
        panel.set_toggle_text(toggle_text)


def _scaled(base: QFont, factor: float, bold: bool = False) -> QFont:
    """A copy of `base` `factor` times larger (points or pixels), bold if asked or already."""
    font = scaled_font(base, factor)
    font.setBold(bold or base.bold())
    return font


def _plain(text: str) -> str:
    """A button's text without its '&' mnemonic marker, for screen readers."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _shortcut_actions(bar: QWidget) -> list[QAction]:
    """Every action with a shortcut in the bar's menus and their submenus, once each."""
    found: list[QAction] = []
    for menu in bar.findChildren(QMenu):  # submenus are children of their menus
        for action in menu.actions():
            if not action.shortcut().isEmpty() and action not in found:
                found.append(action)
    return found


def _silence(*players: AudioPlayer | None) -> None:
    """Stop whatever is sounding when the player closes (also run when it is destroyed)."""
    for player in players:
        if player is not None:
            player.stop()


def _summary(record: SessionRecord) -> str:
    """One kind sentence about what was done; ending early is not a failure."""
    seconds = round(record.active_seconds)
    spent = format_duration(seconds) if seconds > 0 else "a moment"
    if record.completed:
        return f"You finished {record.practice_title}: {spent} of practice."
    return (
        f"You ended {record.practice_title} after {record.steps_completed} of "
        f"{record.step_count} steps: {spent} well spent."
    )
