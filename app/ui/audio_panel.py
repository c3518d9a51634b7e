"""The narration's panel in the player: the caption now, the whole transcript, and controls.

It reads the position from the AudioPlayer whenever the player view refreshes, so captions
follow real sound, or the null player's clock when there is no sound at all. Start, pause
and resume belong to the whole session, so that button only asks the player view.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.audio.audio_player import AudioPlayer
from app.core.captions import Captions
from app.core.time_text import position_text
from app.ui.appearance import mix, scaled_font

SKIP_SECONDS = 10.0
CAPTION_SCALE = 1.5
CURRENT_MARK = "▶ "  # the current cue is marked by this and bold type, not by colour alone
OTHER_MARK = "    "
NO_CAPTIONS_TEXT = "This recording has no captions."
WAITING_TEXT = "Captions show here as the guide speaks."
NOW_DESCRIPTION = "The words being spoken now"
PAST_DESCRIPTION = "The last words spoken; the guide is quiet for now"
WAITING_DESCRIPTION = "No words spoken yet"
PAST_TEXT_SHARE = 0.62  # how much of the text colour a past caption keeps: dim, still readable
_CUE_ROLE = Qt.ItemDataRole.UserRole
_SLIDER_KEYS = frozenset({
    Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down,
    Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
})


class VolumeSlider(QSlider):
    """A slider that keeps its arrow keys, which the player otherwise uses for Back/Next."""

    def event(self, event: QEvent) -> bool:
        """Claim the arrow keys before the player's shortcuts see them."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in _SLIDER_KEYS
        ):
            event.accept()
            return True
        return super().event(event)


class WholeRowsDelegate(QStyledItemDelegate):
    """Paints only lines that fit whole: a line cut in half at the bottom edge looks broken.

    The strip under the last whole line stays blank; moving to a hidden line scrolls it in.
    """

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Skip a line that would be cut off by the bottom edge."""
        if fits(option.rect, self._view.viewport().height()):
            super().paint(painter, option, index)


def fits(rect: QRect, height: int) -> bool:
    """True when a line drawn at `rect` is whole in a viewport `height` pixels tall.

    A line at the very top is always drawn, even when it is taller than the viewport.
    """
    return rect.top() <= 0 or rect.bottom() < height


def past_colour(palette: QPalette) -> QColor:
    """The text colour blended towards the background: dimmer, yet kept well readable."""
    return mix(palette.color(QPalette.ColorRole.Window),
               palette.color(QPalette.ColorRole.WindowText), PAST_TEXT_SHARE)


class AudioPanel(QFrame):
    """Caption, transcript and narration controls.

    `toggle_requested` means what Space means (start, pause, resume the whole session);
    `seek_requested` asks the player view to move the recording.
    """

    toggle_requested = Signal()
    seek_requested = Signal(float)  # seconds into the recording

    def __init__(
        self, audio: AudioPlayer, captions: Captions | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("audio-panel")
        self.setAccessibleName("Guided audio")
        self._audio = audio
        self._captions = captions
        self._current: int | None = None
        self._caption_now = False  # False: a past cue or the waiting line, shown dimmed
        self._caption_points: float | None = None  # None: the normal size from the app font
        self._notices: list[str] = []
        self._build()
        self._apply_caption_look()  # the waiting line's look, before any caption shows
        self.set_live(False)
        self.update_position()

    def _build(self) -> None:
        self.caption_label = QLabel(self)
        self.caption_label.setObjectName("audio-caption")
        self.caption_label.setWordWrap(True)
        self.caption_label.setAccessibleName("Caption")
        self.caption_label.setMinimumHeight(self.fontMetrics().height() * 3)
        self.caption_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self.transcript = QListWidget(self)
        self.transcript.setObjectName("audio-transcript")
        self.transcript.setAccessibleName("Transcript")
        self.transcript.setAccessibleDescription(
            "Every caption in order; the one playing now is marked with an arrow. "
            "Press Enter on a line to play from there."
        )
        self.transcript.setWordWrap(True)
        self.transcript.setUniformItemSizes(False)
        self.transcript.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.transcript.setItemDelegate(WholeRowsDelegate(self.transcript))
        if self._captions is not None:
            for cue in self._captions.cues:
                item = QListWidgetItem(f"{OTHER_MARK}{position_text(cue.start)}  {cue.text}")
                item.setData(_CUE_ROLE, cue.start)
                self.transcript.addItem(item)
        self.transcript.setVisible(self.transcript.count() > 0)
        self.transcript.itemActivated.connect(self._cue_activated)

        self.back_button = self._button("Back 10 s", "audio-back", "Back 10 seconds",
                                        "Play the last 10 seconds of the recording again")
        self.back_button.clicked.connect(lambda: self.skip(-SKIP_SECONDS))
        self.toggle_button = self._button("Pause", "audio-toggle", "Pause",
                                          "Pause or resume the practice and its recording")
        self.toggle_button.clicked.connect(self.toggle_requested.emit)
        self.forward_button = self._button("Forward 10 s", "audio-forward", "Forward 10 seconds",
                                           "Skip 10 seconds ahead in the recording")
        self.forward_button.clicked.connect(lambda: self.skip(SKIP_SECONDS))
        self.position_label = QLabel(self)
        self.position_label.setObjectName("audio-position")
        self.position_label.setAccessibleName("Position in the recording")
        self.volume_label = QLabel("&Volume", self)
        self.volume_slider = VolumeSlider(Qt.Orientation.Horizontal, self)
        self.volume_slider.setObjectName("audio-volume")
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(100)
        self.volume_slider.setSingleStep(5)
        self.volume_slider.setPageStep(20)
        self.volume_slider.setAccessibleName("Recording volume")
        self.volume_slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.volume_label.setBuddy(self.volume_slider)
        self.volume_slider.valueChanged.connect(lambda v: self._audio.set_volume(v / 100))

        self.notice_label = QLabel(self)
        self.notice_label.setObjectName("audio-notice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setAccessibleName("Audio notice")
        self.notice_label.hide()

        controls = QHBoxLayout()
        for widget in (self.back_button, self.toggle_button, self.forward_button):
            controls.addWidget(widget)
        controls.addWidget(self.position_label)
        controls.addStretch(1)
        controls.addWidget(self.volume_label)
        controls.addWidget(self.volume_slider)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.transcript, 1)
        layout.addLayout(controls)
        layout.addWidget(self.notice_label)

    def _button(self, text: str, name: str, accessible: str, description: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setAccessibleDescription(description)
        button.setToolTip(description)
        return button

    def _caption_font(self) -> QFont:
        """Large, relative to the app's font so the text size setting carries."""
        if self._caption_points is not None:
            font = QFont(self.font())
            font.setPointSizeF(self._caption_points)
        else:
            font = scaled_font(self.font(), CAPTION_SCALE)
        font.setItalic(not self._caption_now)  # past or waiting: italic as well as dimmer
        return font

    def _apply_fonts(self) -> None:
        """The caption's size and the transcript's bold line follow the app's font."""
        self.caption_label.setFont(self._caption_font())
        self._mark(self._current, force=True)

    def _apply_caption_look(self) -> None:
        """Now: plain text colour. Past or waiting: dimmer and italic, so not colour alone."""
        palette = QPalette(self.palette())
        if not self._caption_now:
            palette.setColor(QPalette.ColorRole.WindowText, past_colour(self.palette()))
        self.caption_label.setPalette(palette)
        self.caption_label.setFont(self._caption_font())

    def set_caption_points(self, points: float | None) -> None:
        """A room-sized caption for the full-screen view; None brings back the normal size."""
        if points != self._caption_points:
            self._caption_points = points
            self._apply_fonts()

    def changeEvent(self, event: QEvent) -> None:
        """Re-scale the caption when the text size changes; re-tint it with the palette."""
        super().changeEvent(event)
        if not hasattr(self, "caption_label"):
            return
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
        elif event.type() == QEvent.Type.PaletteChange:
            self._apply_caption_look()

    # ----- state from the player view -----
    @property
    def captions(self) -> Captions | None:
        """The cues shown, or None for a recording without captions."""
        return self._captions

    @property
    def caption_is_current(self) -> bool:
        """True while the caption shows words being spoken now (not past, not waiting)."""
        return self._caption_now

    @property
    def current_cue_index(self) -> int | None:
        """Which transcript line is marked as playing now."""
        return self._current

    def set_live(self, live: bool) -> None:
        """Skipping makes sense only once the practice has started and until it ends."""
        self.back_button.setEnabled(live)
        self.forward_button.setEnabled(live)

    def set_toggle_text(self, text: str) -> None:
        """Mirror the player's Start / Pause / Resume button."""
        if self.toggle_button.text() != text:
            self.toggle_button.setText(text)
            self.toggle_button.setAccessibleName(text)

    def show_notice(self, text: str) -> None:
        """Add a one-line notice (no sound, captions skipped); each is shown once."""
        if text in self._notices:
            return
        self._notices.append(text)
        self.notice_label.setText("\n".join(f"Notice: {line}" for line in self._notices))
        self.notice_label.setAccessibleDescription(self.notice_label.text())
        self.notice_label.show()

    @property
    def notices(self) -> tuple[str, ...]:
        """Every notice shown so far."""
        return tuple(self._notices)

    def update_position(self) -> None:
        """Show the caption and mark the transcript line for where the recording is now."""
        position = self._audio.position()
        duration = self._audio.duration
        total = f" of {position_text(duration)}" if duration else ""
        self.position_label.setText(f"{position_text(position)}{total}")
        if self._captions is None:
            self._show_caption(NO_CAPTIONS_TEXT, WAITING_DESCRIPTION)
            return
        index = self._captions.index_at(position)
        if index is not None:
            self._show_caption(self._captions.cues[index].text, NOW_DESCRIPTION)
        else:  # between cues: the last words stay, dimmed, until the next; never a blank gap
            last = self._captions.last_started(position)
            if last is not None:
                self._show_caption(self._captions.cues[last].text, PAST_DESCRIPTION)
            else:
                self._show_caption(WAITING_TEXT, WAITING_DESCRIPTION)
        self._mark(index)

    def _show_caption(self, text: str, description: str) -> None:
        """`description` says to screen readers whether these words are being spoken now."""
        if self.caption_label.text() != text:
            self.caption_label.setText(text)
        if self.caption_label.accessibleDescription() != description:
            self.caption_label.setAccessibleDescription(description)
            now = description == NOW_DESCRIPTION
            if now != self._caption_now:
                self._caption_now = now
                self._apply_caption_look()

    def _mark(self, index: int | None, force: bool = False) -> None:
        """Bold and an arrow for the current line; the previous one goes back to plain."""
        if index == self._current and not force:
            return
        for row, bold in ((self._current, False), (index, True)):
            item = self.transcript.item(row) if row is not None else None
            if item is None:
                continue
            text = item.text()
            body = text[len(CURRENT_MARK):] if text.startswith(CURRENT_MARK) else text[
                len(OTHER_MARK):]
            item.setText((CURRENT_MARK if bold else OTHER_MARK) + body)
            font = QFont(self.transcript.font())
            font.setBold(bold)
            item.setFont(font)
        self._current = index
        if index is not None:
            current = self.transcript.item(index)
            if current is not None:
                self.transcript.scrollToItem(current)

    # ----- actions -----
    def skip(self, seconds: float) -> None:
        """Back or forward in the recording; the session's steps keep their own time."""
        self.seek(self._audio.position() + seconds)

    def seek(self, seconds: float) -> None:
        """Ask to play from `seconds`; the player view keeps it in step with the session."""
        self.seek_requested.emit(max(0.0, seconds))

    def _cue_activated(self, item: QListWidgetItem) -> None:
        start = item.data(_CUE_ROLE)
        if isinstance(start, float | int):
            self.seek(float(start))
