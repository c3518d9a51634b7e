"""Draw a library row as a bold title over a quieter line of facts.

Only the painting changes: the item's text (what screen readers say) stays
"title, newline, facts", so the look never carries information the text does not.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem

PADDING = 6


class PracticeItemDelegate(QStyledItemDelegate):
    """First line bold, second line in the normal weight."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Let the style draw the selection, then draw the two lines of text."""
        # QStyle's many enums take milliseconds to build: not before the window is up.
        from PySide6.QtWidgets import QStyle

        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        # Qt hands over "\n" as U+2028 LINE SEPARATOR in the option's text.
        title, _, facts = opt.text.replace("\u2028", "\n").partition("\n")
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(role))
        bold = QFont(opt.font)
        bold.setBold(True)
        line = QFontMetrics(bold).height()
        area = opt.rect.adjusted(PADDING, PADDING // 2, -PADDING, -PADDING // 2)
        painter.setFont(bold)
        painter.drawText(QRect(area.left(), area.top(), area.width(), line), 0, title)
        painter.setFont(opt.font)
        painter.drawText(QRect(area.left(), area.top() + line, area.width(), line), 0, facts)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Two lines of text plus padding, at the current (scalable) font size."""
        bold = QFont(option.font)
        bold.setBold(True)
        height = QFontMetrics(bold).height() + QFontMetrics(option.font).height() + PADDING
        return QSize(option.rect.width(), height)
