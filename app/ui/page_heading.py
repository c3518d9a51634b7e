"""The heading at the top of a page (journal, history): one size and weight everywhere."""

from __future__ import annotations

from typing import Final

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

#: Relative to the app's font, so headings grow with the person's chosen text size.
HEADING_SCALE: Final = 1.5


def page_heading(text: str, parent: QWidget) -> QLabel:
    """A bold label one and a half times the body text."""
    heading = QLabel(text, parent)
    font = QFont(heading.font())
    font.setPointSizeF(font.pointSizeF() * HEADING_SCALE)
    font.setBold(True)
    heading.setFont(font)
    return heading
