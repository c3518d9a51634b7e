"""The practice history page: what was practised, when, and the steps people chose."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import Clock
from app.core.practices import format_duration
from app.storage.history_repo import HistoryItem, HistoryRepository
from app.ui.page_heading import page_heading

COLUMNS = ("When", "Practice", "Time practised", "Outcome", "My practical step")
WEEK = timedelta(days=7)


def outcome_text(item: HistoryItem) -> str:
    """In words, never by colour: completed, or ended early at step n of m."""
    record = item.record
    if record.completed:
        return "Completed"
    during = min(record.steps_completed + 1, record.step_count)
    return f"Ended early (in step {during} of {record.step_count})"


def commitment_text(item: HistoryItem) -> str:
    """The commitment, or where it went."""
    if item.in_journal:
        return "(kept in your journal)"
    return item.record.commitment or ""


class HistoryView(QWidget):
    """Lists sessions newest first; 'Send to journal' hands a commitment to the journal."""

    back_requested = Signal()
    send_to_journal = Signal(object)  # HistoryItem

    def __init__(self, history: HistoryRepository, clock: Clock,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history-view")
        self._history = history
        self._clock = clock
        self._items: list[HistoryItem] = []
        heading = page_heading("Practice history", self)
        heading.setObjectName("history-heading")
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("history-summary")
        self.summary_label.setWordWrap(True)
        self.table = QTreeWidget(self)
        self.table.setObjectName("history-table")
        self.table.setAccessibleName("Practice sessions, newest first")
        self.table.setHeaderLabels(list(COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        header = self.table.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.currentItemChanged.connect(self._update_buttons)
        self.send_button = QPushButton("&Send my step to the journal", self)
        self.send_button.setObjectName("history-send")
        self.send_button.setAccessibleName("Send the selected practical step to the journal")
        self.send_button.clicked.connect(self._send_current)
        self.back_button = QPushButton("&Back to the library", self)
        self.back_button.setObjectName("history-back")
        self.back_button.setAccessibleName("Back to the library")
        self.back_button.clicked.connect(self.back_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.reload()

    @property
    def items(self) -> list[HistoryItem]:
        """The sessions on show, newest first."""
        return list(self._items)

    def reload(self) -> None:
        """Read the file again (after a session finished or a step was sent)."""
        self._items = self._history.items()
        self.table.clear()
        local = self._clock.now().astimezone().tzinfo
        for item in self._items:
            record = item.record
            row = QTreeWidgetItem([
                record.started_at.astimezone(local).strftime("%a %d %b %Y, %H:%M"),
                record.practice_title,
                format_duration(round(record.active_seconds)),
                outcome_text(item),
                commitment_text(item),
            ])
            row.setData(0, Qt.ItemDataRole.UserRole, item.id)
            self.table.addTopLevelItem(row)
        week = self._history.total_minutes_since(self._clock.now() - WEEK)
        count = len(self._items)
        if count == 0:
            self.summary_label.setText(
                "No sessions yet. When you finish a practice, it is listed here, with the "
                "practical step you chose. It stays on this computer."
            )
        else:
            self.summary_label.setText(
                f"{count} session{'s' if count != 1 else ''} in all; "
                f"{round(week)} minute{'s' if round(week) != 1 else ''} of practice in the "
                "last seven days."
            )
        first = self.table.topLevelItem(0)
        if first is not None:
            self.table.setCurrentItem(first)
        self._update_buttons()

    def current_item(self) -> HistoryItem | None:
        """The selected session, if any."""
        row = self.table.currentItem()
        if row is None:
            return None
        item_id = row.data(0, Qt.ItemDataRole.UserRole)
        return next((i for i in self._items if i.id == item_id), None)

    def _update_buttons(self) -> None:
        item = self.current_item()
        self.send_button.setEnabled(
            item is not None and not item.in_journal and bool(item.record.commitment)
        )

    def _send_current(self) -> None:
        item = self.current_item()
        if item is not None and item.record.commitment and not item.in_journal:
            self.send_to_journal.emit(item)

