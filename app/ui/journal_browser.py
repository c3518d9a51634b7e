"""Finding past entries: search, filters (tag, template, dates) and a calendar.

Everything reads the in-memory SearchIndex built after unlock; nothing here touches the disk.
Days with entries are bold and underlined in the calendar (never marked by colour alone), and
choosing a day limits the list to it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import Clock
from app.core.journal import TEMPLATES, Entry, SearchIndex
from app.core.time_text import day_text

ENTRY_ID_ROLE = Qt.ItemDataRole.UserRole


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def entry_row_text(entry: Entry, zone: tzinfo | None) -> str:
    """Two lines: the title, then the date and tags (the list shows no body text)."""
    facts = day_text(entry.created_at.astimezone(zone))
    if entry.tags:
        facts += " · " + ", ".join(f"#{t}" for t in entry.tags)
    return f"{entry.title or '(untitled)'}\n{facts}"


class JournalBrowser(QWidget):
    """The list of entries and the ways to narrow it; asks the view to open one."""

    open_requested = Signal(str)  # entry id
    new_requested = Signal()

    def __init__(self, index: SearchIndex, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._index = index
        self._clock = clock
        self._marked: set[date] = set()
        self._shown: list[Entry] = []

        self.search = QLineEdit(self)
        self.search.setObjectName("journal-search")
        self.search.setAccessibleName("Search the journal")
        self.search.setPlaceholderText("Search words in titles, text and tags")
        self.search.setClearButtonEnabled(True)
        search_label = QLabel("Sea&rch:", self)
        search_label.setBuddy(self.search)

        self.tag = QComboBox(self)
        self.tag.setAccessibleName("Filter by tag")
        self.template = QComboBox(self)
        self.template.setAccessibleName("Filter by template")
        self.template.addItem("Any template", None)
        for template in TEMPLATES:
            self.template.addItem(template.name, template.id)

        self.use_dates = QCheckBox("&Between", self)
        self.use_dates.setAccessibleName("Only entries between two dates")
        today = _qdate(clock.now().date())
        self.since = QDateEdit(today.addMonths(-1), self)
        self.since.setAccessibleName("From date")
        self.since.setCalendarPopup(True)
        self.until = QDateEdit(today, self)
        self.until.setAccessibleName("To date (included)")
        self.until.setCalendarPopup(True)
        for edit in (self.since, self.until):
            edit.setDisplayFormat("d MMM yyyy")

        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName("journal-calendar")
        self.calendar.setAccessibleName("Calendar")
        self.calendar.setAccessibleDescription(
            "Days with entries are in bold and underlined. Choose a day to list its entries."
        )
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader
        )
        self.calendar_hint = QLabel("Bold, underlined days have entries.", self)

        self.new_button = QPushButton("&New entry", self)
        self.new_button.setAccessibleName("Start a new entry")
        self.count = QLabel(self)
        self.count.setObjectName("journal-count")
        self.count.setAccessibleName("Number of entries shown")
        self.list = QListWidget(self)
        self.list.setObjectName("journal-entries")
        self.list.setAccessibleName("Entries")
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setUniformItemSizes(False)

        filters = QHBoxLayout()
        tag_label = QLabel("T&ag:", self)
        tag_label.setBuddy(self.tag)
        filters.addWidget(tag_label)
        filters.addWidget(self.tag, 1)
        kind_label = QLabel("&Kind:", self)
        kind_label.setBuddy(self.template)
        filters.addWidget(kind_label)
        filters.addWidget(self.template, 1)
        dates = QHBoxLayout()
        dates.addWidget(self.use_dates)
        dates.addWidget(self.since)
        dates.addWidget(QLabel("and", self))
        dates.addWidget(self.until)
        dates.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addWidget(self.calendar)
        layout.addWidget(self.calendar_hint)
        layout.addWidget(self.count)
        layout.addWidget(self.list, 1)

        self.search.textChanged.connect(self.refresh)
        self.tag.currentIndexChanged.connect(self.refresh)
        self.template.currentIndexChanged.connect(self.refresh)
        self.use_dates.toggled.connect(self.refresh)
        self.since.dateChanged.connect(self._dates_edited)
        self.until.dateChanged.connect(self._dates_edited)
        self.calendar.activated.connect(self.show_day)
        self.calendar.clicked.connect(self.show_day)
        self.list.itemActivated.connect(self._open_item)
        self.list.itemClicked.connect(self._open_item)
        self.new_button.clicked.connect(self.new_requested)
        for first, second in (
            (self.search, self.new_button), (self.new_button, self.tag),
            (self.tag, self.template), (self.template, self.use_dates),
            (self.use_dates, self.since), (self.since, self.until),
            (self.until, self.calendar), (self.calendar, self.list),
        ):
            QWidget.setTabOrder(first, second)
        self.reload()

    # ----- data -----
    @property
    def zone(self) -> tzinfo | None:
        """Days are the clock's local days."""
        return self._clock.now().tzinfo

    def entry_saved(self, entry: Entry) -> None:
        """Index a new or changed entry and show it."""
        self._index.add(entry)
        self.reload(select=entry.id)

    def reload(self, select: str | None = None) -> None:
        """Rebuild the tag list and calendar marks, then the list."""
        current = self.tag.currentData()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem("Any tag", None)
        for tag, count in self._index.tags().items():
            self.tag.addItem(f"#{tag} ({count})", tag)
        index = self.tag.findData(current) if current is not None else 0
        self.tag.setCurrentIndex(max(0, index))
        self.tag.blockSignals(False)
        self._mark_calendar()
        self.refresh(select=select)

    def _mark_calendar(self) -> None:
        plain = QTextCharFormat()
        for day in self._marked:
            self.calendar.setDateTextFormat(_qdate(day), plain)
        zone = self.zone
        self._marked = {e.created_at.astimezone(zone).date() for e in self._index}
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        bold.setFontUnderline(True)
        for day in self._marked:
            self.calendar.setDateTextFormat(_qdate(day), bold)

    def forget(self) -> None:
        """Empty the list, tags and marks (the journal is being locked)."""
        self.list.clear()
        self.tag.clear()
        self.search.clear()
        plain = QTextCharFormat()
        for day in self._marked:
            self.calendar.setDateTextFormat(_qdate(day), plain)
        self._marked.clear()
        self._shown = []

    def marked_days(self) -> set[date]:
        """Days shown as having entries."""
        return set(self._marked)

    # ----- filtering -----
    def _bounds(self) -> tuple[datetime | None, datetime | None]:
        if not self.use_dates.isChecked():
            return None, None
        zone = self.zone
        first, last = _pydate(self.since.date()), _pydate(self.until.date())
        if last < first:
            first, last = last, first
        since = datetime(first.year, first.month, first.day, tzinfo=zone)
        until = datetime(last.year, last.month, last.day, tzinfo=zone) + timedelta(days=1)
        return since, until

    def _dates_edited(self) -> None:
        if self.use_dates.isChecked():
            self.refresh()
        else:
            self.use_dates.setChecked(True)  # editing a date means "use the dates"

    def show_day(self, day: QDate) -> None:
        """List one day's entries (from the calendar)."""
        for edit in (self.since, self.until):
            edit.blockSignals(True)
            edit.setDate(day)
            edit.blockSignals(False)
        if self.use_dates.isChecked():
            self.refresh()
        else:
            self.use_dates.setChecked(True)

    def results(self) -> list[Entry]:
        """The entries the search and filters select now, newest first."""
        since, until = self._bounds()
        tag = self.tag.currentData()
        template = self.template.currentData()
        return self._index.search(
            self.search.text(),
            tag=None if tag is None else str(tag),
            template_id=None if template is None else str(template),
            since=since,
            until=until,
        )

    def shown_entries(self) -> list[Entry]:
        """The entries in the list, top to bottom."""
        return list(self._shown)

    def refresh(self, *_args: object, select: str | None = None) -> None:
        """Re-run the search; keep the current entry selected if it is still listed."""
        current = self.list.currentItem()
        keep = select or (None if current is None else current.data(ENTRY_ID_ROLE))
        self._shown = self.results()
        zone = self.zone
        self.list.clear()
        for entry in self._shown:
            item = QListWidgetItem(entry_row_text(entry, zone))
            item.setData(ENTRY_ID_ROLE, entry.id)
            self.list.addItem(item)
            if entry.id == keep:
                self.list.setCurrentItem(item)
        total = len(self._index)
        shown = len(self._shown)
        noun = "entry" if total == 1 else "entries"
        if shown == total:
            self.count.setText(f"{total} {noun}")
        else:
            self.count.setText(f"{shown} of {total} {noun}")

    def _open_item(self, item: QListWidgetItem) -> None:
        entry_id = item.data(ENTRY_ID_ROLE)
        if entry_id:
            self.open_requested.emit(str(entry_id))
