"""The detail view: everything about one practice, and what you can do with it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.practices import Practice
from app.ui.practice_document import practice_html

EMPTY_TEXT = "Choose a practice on the left to see its steps."


class PracticeDetail(QWidget):
    """Shows one practice; asks the window to start it or save its guide."""

    save_guide_requested = Signal(object)  # Practice
    start_requested = Signal(object)  # Practice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._practice: Practice | None = None
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("practice-text")
        self.browser.setAccessibleName("Practice details")
        self.browser.setOpenExternalLinks(True)
        # Tab visits each link in the text (Enter opens it), then moves on to the buttons.
        self.browser.setPlaceholderText(EMPTY_TEXT)

        self.start_button = QPushButton("&Start practice", self)
        self.start_button.setAccessibleDescription("Run this practice step by step with a timer")
        self.start_button.setObjectName("start-practice")
        self.start_button.clicked.connect(self._emit_start)
        self.guide_button = QPushButton("Save facilitator &guide as PDF…", self)
        self.guide_button.setAccessibleDescription(
            "Save a printable guide for whoever facilitates this group practice"
        )
        self.guide_button.setObjectName("save-guide")
        self.guide_button.clicked.connect(self._emit_save)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.guide_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self.show_practice(None)

    @property
    def practice(self) -> Practice | None:
        """The practice on show, if any."""
        return self._practice

    def show_practice(self, practice: Practice | None) -> None:
        """Render `practice`, or the empty prompt when None."""
        self._practice = practice
        if practice is None:
            self.browser.clear()
            self.start_button.setEnabled(False)
            self.guide_button.setVisible(False)
            self.hint.setText("")
            return
        self.browser.setHtml(practice_html(practice))
        self.browser.verticalScrollBar().setValue(0)
        self.start_button.setEnabled(True)
        self.guide_button.setVisible(practice.is_facilitated)
        self.hint.setText(
            "Group practice: one person hosts and keeps time." if practice.is_facilitated else ""
        )

    def _emit_start(self) -> None:
        if self._practice is not None:
            self.start_requested.emit(self._practice)

    def _emit_save(self) -> None:
        if self._practice is not None:
            self.save_guide_requested.emit(self._practice)
