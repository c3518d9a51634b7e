"""The Settings window: breaks, reminders, days off, time zone, sessions, journal, general.

The reminder pages are a form over the core's rules: on OK or Apply the form becomes a
plain dict and `rules_from_dict` judges it, so every rule is checked in one place (the
core) and its ReminderRuleError, which names the field, is shown above the page it belongs
to. Until the rules are valid nothing is emitted, so the last good rules stay in force.

Nothing here saves: the dialog emits `settings_applied(Settings)` and the application
applies and saves, as it does for every other change.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any, Final, TypeVar

from PySide6.QtCore import QDate, QEvent, QPoint, QRect, QSize, QTime, Signal
from PySide6.QtCore import Qt as QtNs
from PySide6.QtGui import QFontMetrics, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QStackedWidget,
    QStyle,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import Clock, SystemClock
from app.core.reminders import (
    MAX_EVERY_WEEKS,
    MAX_HEADS_UP_MINUTES,
    NATIONS,
    BankHolidays,
    BankHolidaySource,
    DayFilter,
    ReminderRuleError,
    ReminderRules,
    default_rules,
    next_journal_reminder,
    next_protected_break,
    rules_from_dict,
    rules_to_dict,
    system_timezone_name,
)
from app.core.settings import (
    MAX_JOURNAL_LOCK_MINUTES,
    MAX_TEXT_SCALE,
    MIN_TEXT_SCALE,
    Appearance,
    Settings,
    Voice,
)
from app.core.time_text import day_text

DAY_SHORT: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_LONG: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TIME_FORMAT: Final = "HH:mm"
DATE_FORMAT: Final = "ddd d MMM yyyy"

PAGE_BREAKS: Final = "Breaks"
PAGE_JOURNAL_REMINDER: Final = "Journal reminder"
PAGE_DAILY_PAUSE: Final = "Daily pause"
PAGE_LEAVE: Final = "Leave"
PAGE_BANK_HOLIDAYS: Final = "Bank holidays"
PAGE_TIME_ZONE: Final = "Time zone"
PAGE_SESSIONS: Final = "Sessions"
PAGE_JOURNAL: Final = "Journal"
PAGE_GENERAL: Final = "General"
PAGES: Final = (
    PAGE_BREAKS, PAGE_JOURNAL_REMINDER, PAGE_DAILY_PAUSE, PAGE_LEAVE, PAGE_BANK_HOLIDAYS,
    PAGE_TIME_ZONE, PAGE_SESSIONS, PAGE_JOURNAL, PAGE_GENERAL,
)
# Which page shows a rule error, by the first part of the core's field name.
PAGE_FOR_FIELD: Final = {
    "windows": PAGE_BREAKS, "journal": PAGE_JOURNAL_REMINDER, "daily_pause": PAGE_DAILY_PAUSE,
    "quiet_days": PAGE_LEAVE, "bank_holidays": PAGE_BANK_HOLIDAYS, "timezone": PAGE_TIME_ZONE,
}
NATION_LABELS: Final = {
    "england": "England", "wales": "Wales", "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}
HOLIDAYS_SHOWN: Final = 3
#: The window's first size, in average characters and lines of the current font, so it grows
#: with the text size; never more than SCREEN_SHARE of the screen.
WIDTH_CHARS: Final = 130
HEIGHT_LINES: Final = 36
SCREEN_SHARE: Final = 0.9
PROBLEM_MARK: Final = " (fix)"
_FIELD_RE: Final = re.compile(r"^(?P<head>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<tail>\w+))?$")


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _hhmm(value: QTime) -> str:
    return f"{value.hour():02d}:{value.minute():02d}"


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _iso(value: QDate) -> str:
    return f"{value.year():04d}-{value.month():02d}-{value.day():02d}"


def _time_edit(value: time, name: str, parent: QWidget) -> QTimeEdit:
    edit = QTimeEdit(_qtime(value), parent)
    edit.setDisplayFormat(TIME_FORMAT)
    edit.setAccessibleName(name)
    return edit


def _date_edit(value: date, name: str, parent: QWidget) -> QDateEdit:
    edit = QDateEdit(_qdate(value), parent)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setAccessibleName(name)
    return edit


def _note(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


def dialog_size(metrics: QFontMetrics, available: QSize) -> QSize:
    """The Settings window's first size: WIDTH_CHARS x HEIGHT_LINES of text, within the screen."""
    wanted = QSize(WIDTH_CHARS * metrics.averageCharWidth(), HEIGHT_LINES * metrics.lineSpacing())
    return wanted.boundedTo(QSize(int(available.width() * SCREEN_SHARE),
                                  int(available.height() * SCREEN_SHARE)))


class WrapLayout(QLayout):
    """Left to right, starting a new line when the next item would not fit.

    The weekday boxes wrap onto a second line at large text instead of being cut off.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []

    def addItem(self, item: QLayoutItem) -> None:
        """Qt's hook for addWidget."""
        self._items.append(item)

    def count(self) -> int:
        """How many items."""
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        """The item at `index`, or None past the end (as Qt expects)."""
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        """Remove and return the item at `index`."""
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> QtNs.Orientation:
        """Never wider than its items need."""
        return QtNs.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        """Narrower means more lines."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The height the items take when laid out in `width`."""
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        """Lay the items out in `rect`."""
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        """All on one line."""
        gap = self._gap()
        hints = [item.sizeHint() for item in self._items]
        width = sum(h.width() for h in hints) + gap * max(0, len(hints) - 1)
        height = max((h.height() for h in hints), default=0)
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(),
                     height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:
        """One item per line."""
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _gap(self) -> int:
        if self.spacing() >= 0:
            return self.spacing()
        parent = self.parentWidget()
        style = parent.style() if parent is not None else None
        return style.pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing) if style else 6

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        gap = self._gap()
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line = area.x(), y + line + gap, 0
            if place:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            line = max(line, hint.height())
        return y + line - rect.y() + margins.bottom()


class WeekdayPicker(QWidget):
    """Seven check boxes, Monday first; each is named with the full day for screen readers."""

    changed = Signal()

    def __init__(self, days: frozenset[int], owner: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = WrapLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[QCheckBox] = []
        for day in range(7):
            box = QCheckBox(DAY_SHORT[day], self)
            box.setChecked(day in days)
            box.toggled.connect(lambda _on: self.changed.emit())
            layout.addWidget(box)
            self.boxes.append(box)
        self.set_owner(owner)

    def set_owner(self, owner: str) -> None:
        """Name each box for what it belongs to: "Break 2 on Tuesday"."""
        for day, box in enumerate(self.boxes):
            box.setAccessibleName(f"{owner} on {DAY_LONG[day]}")

    def days(self) -> list[int]:
        """The ticked days, 0 = Monday."""
        return [day for day, box in enumerate(self.boxes) if box.isChecked()]


class WindowRow(QGroupBox):
    """One protected break: name, on/off, weekdays, start, end, heads-up, remove."""

    changed = Signal()
    remove_requested = Signal(object)  # WindowRow

    def __init__(self, raw: Mapping[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit(str(raw["name"]), self)
        self.enabled = QCheckBox("Remind me", self)
        self.enabled.setChecked(bool(raw.get("enabled", True)))
        self.weekdays = WeekdayPicker(frozenset(raw["weekdays"]), "", self)
        self.start = _time_edit(raw["start"], "", self)
        self.end = _time_edit(raw["end"], "", self)
        self.heads_up = QSpinBox(self)
        self.heads_up.setRange(0, MAX_HEADS_UP_MINUTES)
        self.heads_up.setSuffix(" min before")
        self.heads_up.setSpecialValueText("No heads-up")
        self.heads_up.setValue(int(raw.get("heads_up_minutes", 10)))
        self.remove = QPushButton("Remove this break", self)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))

        # One field a line, labels on the left (above them when the text is too large).
        form = _form(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Name", self.name)
        form.addRow("", self.enabled)
        form.addRow("Days", self.weekdays)
        times = QHBoxLayout()
        times.addWidget(self.start)
        times.addWidget(QLabel("to", self))
        times.addWidget(self.end)
        times.addStretch(1)
        form.addRow("From", times)
        form.addRow("Heads-up", self.heads_up)
        form.addRow("", _left(self.remove))

        for signal in (self.name.textChanged, self.enabled.toggled, self.weekdays.changed,
                       self.start.timeChanged, self.end.timeChanged, self.heads_up.valueChanged):
            signal.connect(lambda *_a: self.changed.emit())
        self.set_number(1)

    def set_number(self, number: int) -> None:
        """Title and accessible names follow the row's place in the list."""
        owner = f"Break {number}"
        self.setTitle(owner)
        self.name.setAccessibleName(f"{owner} name")
        self.enabled.setAccessibleName(f"Remind me about break {number}")
        self.weekdays.set_owner(owner)
        self.start.setAccessibleName(f"{owner} starts at")
        self.end.setAccessibleName(f"{owner} ends at")
        self.heads_up.setAccessibleName(f"{owner} heads-up, minutes before")
        self.remove.setAccessibleName(f"Remove break {number}")

    def to_dict(self) -> dict[str, Any]:
        """The row as the core's dict form."""
        return {
            "name": self.name.text().strip(),
            "weekdays": self.weekdays.days(),
            "start": _hhmm(self.start.time()),
            "end": _hhmm(self.end.time()),
            "heads_up_minutes": self.heads_up.value(),
            "enabled": self.enabled.isChecked(),
        }

    def field_widget(self, tail: str) -> QWidget:
        """The control for a field of this window ("end", "weekdays"…)."""
        return {
            "name": self.name, "weekdays": self.weekdays.boxes[0], "start": self.start,
            "end": self.end, "heads_up_minutes": self.heads_up, "enabled": self.enabled,
        }.get(tail, self.name)


class LeaveRow(QFrame):
    """One stretch of leave: first and last day, inclusive."""

    changed = Signal()
    remove_requested = Signal(object)  # LeaveRow

    def __init__(self, first: date, last: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start = _date_edit(first, "", self)
        self.end = _date_edit(last, "", self)
        self.remove = QPushButton("Remove", self)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.from_label = QLabel("From", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.from_label)
        layout.addWidget(self.start)
        layout.addWidget(QLabel("to", self))
        layout.addWidget(self.end)
        layout.addWidget(self.remove)
        layout.addStretch(1)
        self.start.dateChanged.connect(lambda _d: self.changed.emit())
        self.end.dateChanged.connect(lambda _d: self.changed.emit())
        self.set_number(1)

    def set_number(self, number: int) -> None:
        """Accessible names follow the row's place in the list."""
        self.from_label.setText(f"{number}. From")
        self.start.setAccessibleName(f"Leave {number} first day")
        self.end.setAccessibleName(f"Leave {number} last day")
        self.remove.setAccessibleName(f"Remove leave {number}")

    def to_dict(self) -> dict[str, str]:
        """The range as the core's dict form."""
        return {"start": _iso(self.start.date()), "end": _iso(self.end.date())}


_Row = TypeVar("_Row", WindowRow, LeaveRow)


def _left(widget: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row


def _form(page: QWidget) -> QFormLayout:
    """A form whose labels go above their fields when both no longer fit side by side."""
    form = QFormLayout(page)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    return form


def _scroll_page(content: QWidget, parent: QWidget) -> QScrollArea:
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    return area


class SettingsDialog(QDialog):
    """Every setting on pages; OK/Apply check the reminder rules in the core, then emit."""

    settings_applied = Signal(object)  # Settings

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        holidays: BankHolidaySource | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`holidays`: where bank-holiday dates come from (the holidays package if None)."""
        super().__init__(parent)
        self._holidays = holidays
        self.setWindowTitle("Settings")
        self.setObjectName("settings-dialog")
        self._clock: Clock = clock or SystemClock()
        self._settings = settings
        self._system_zone = system_timezone_name()
        self._problem_page: str | None = None
        rules, load_problem = self._initial_rules(settings.reminders)

        self.nav = QListWidget(self)
        self.nav.setAccessibleName("Settings pages")
        self.nav.addItems(list(PAGES))
        self.heading = QLabel(self)
        self.heading.setAccessibleName("Page title")
        heading_font = self.heading.font()
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.problem = QLabel(self)
        self.problem.setObjectName("settings-problem")
        self.problem.setWordWrap(True)
        self.problem.setFrameShape(QFrame.Shape.StyledPanel)
        self.problem.setAccessibleName("Problem")
        self.problem.setTextInteractionFlags(QtNs.TextInteractionFlag.TextSelectableByKeyboard
                                             | QtNs.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        self.stack = QStackedWidget(self)
        self.pages: dict[str, QWidget] = {}
        self.preview = QLabel(self)
        self.preview.setAccessibleName("Next protected break")
        self.preview.setWordWrap(True)

        self.window_rows: list[WindowRow] = []
        self.leave_rows: list[LeaveRow] = []
        self._add_page(PAGE_BREAKS, self._breaks_page(rules))
        self._add_page(PAGE_JOURNAL_REMINDER, self._journal_reminder_page(rules))
        self._add_page(PAGE_DAILY_PAUSE, self._daily_pause_page(rules))
        self._add_page(PAGE_LEAVE, self._leave_page(rules))
        self._add_page(PAGE_BANK_HOLIDAYS, self._bank_holidays_page(rules))
        self._add_page(PAGE_TIME_ZONE, self._time_zone_page(rules, settings.reminders))
        self._add_page(PAGE_SESSIONS, self._sessions_page(settings))
        self._add_page(PAGE_JOURNAL, self._journal_page(settings))
        self._add_page(PAGE_GENERAL, self._general_page(settings))

        self.load_notice = _note(load_problem, self)
        self.load_notice.setAccessibleName("Notice")
        self.load_notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.load_notice.setVisible(bool(load_problem))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel, self,
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        for button in (self.ok_button, self.apply_button, self.cancel_button):
            button.setIcon(QIcon())  # words only, like every other button in the app
        self.ok_button.setAccessibleName("OK: apply and close")
        self.apply_button.setAccessibleName("Apply")
        self.cancel_button.setAccessibleName("Cancel: close without applying")
        self.ok_button.clicked.connect(self._ok)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)

        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.problem)
        right.addWidget(self.stack, 1)
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.load_notice)
        layout.addLayout(body, 1)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)

        self.nav.currentRowChanged.connect(self._show_page)
        self.nav.setCurrentRow(0)
        self._fit_nav()
        self._refresh_preview()
        self._order_tabs()
        self.resize(self._text_size())

    # ----- set-up -----
    @staticmethod
    def _initial_rules(raw: Mapping[str, Any]) -> tuple[ReminderRules, str]:
        try:
            return rules_from_dict(raw), ""
        except ReminderRuleError as exc:
            return default_rules(), (
                f"Notice: the saved reminder rules could not be read ({exc.field}: "
                f"{exc.message}). The defaults are shown here; they replace the saved rules "
                "only when you press OK or Apply."
            )

    def _add_page(self, title: str, content: QWidget) -> None:
        page = _scroll_page(content, self.stack)
        page.setAccessibleName(f"{title} settings")
        self.pages[title] = page
        self.stack.addWidget(page)

    def _watch(self, *signals: Any) -> None:
        for signal in signals:
            signal.connect(lambda *_a: self._on_rules_edited())

    def _breaks_page(self, rules: ReminderRules) -> QWidget:
        page = self.breaks_content = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(_note(
            "Protected breaks are times the app keeps for you: a heads-up before, a gentle "
            "reminder when the break starts, and nothing else.", page))
        self.window_list = QVBoxLayout()
        layout.addLayout(self.window_list)
        self.add_window_button = QPushButton("A&dd a protected break", page)
        self.add_window_button.setAccessibleName("Add a protected break")
        self.add_window_button.clicked.connect(self.add_window)
        layout.addLayout(_left(self.add_window_button))
        layout.addStretch(1)
        for raw in rules_to_dict(rules)["windows"]:
            self._append_window(raw)
        return page

    def _append_window(self, raw: Mapping[str, Any]) -> WindowRow:
        parsed = dict(raw)
        parsed["start"] = time.fromisoformat(str(raw["start"]))
        parsed["end"] = time.fromisoformat(str(raw["end"]))
        return self._append_row(WindowRow(parsed, self.breaks_content), self.window_rows,
                                self.window_list, self.remove_window)

    def _append_row(self, row: _Row, rows: list[_Row], layout: QVBoxLayout,
                    on_remove: Callable[[_Row], None]) -> _Row:
        """A break or leave row at the end of its list, numbered and watched."""
        row.changed.connect(self._on_rules_edited)
        row.remove_requested.connect(on_remove)
        layout.addWidget(row)
        row.show()  # now, not at the layout's next pass: focus and Tab must reach it at once
        rows.append(row)
        row.set_number(len(rows))
        return row

    def _remove_row(self, row: _Row, rows: list[_Row], layout: QVBoxLayout,
                    add_button: QPushButton) -> None:
        """Take a row off its list, renumber the rest; focus goes to the list's Add button."""
        rows.remove(row)
        layout.removeWidget(row)
        row.deleteLater()
        for number, other in enumerate(rows, start=1):
            other.set_number(number)
        self._order_tabs()
        add_button.setFocus(QtNs.FocusReason.OtherFocusReason)
        self._on_rules_edited()

    def add_window(self) -> WindowRow:
        """A new break, weekdays 12:00–13:00, with a name not used yet; focus goes to it."""
        used = {row.name.text().strip() for row in self.window_rows}
        number = len(self.window_rows) + 1
        while f"Break {number}" in used:
            number += 1
        row = self._append_window({
            "name": f"Break {number}", "weekdays": [0, 1, 2, 3, 4], "start": "12:00",
            "end": "13:00", "heads_up_minutes": 10, "enabled": True,
        })
        self._order_tabs()
        row.name.setFocus(QtNs.FocusReason.TabFocusReason)
        row.name.selectAll()
        self._on_rules_edited()
        return row

    def remove_window(self, row: WindowRow) -> None:
        """Take a break off the list; focus goes to the Add button."""
        self._remove_row(row, self.window_rows, self.window_list, self.add_window_button)

    def _journal_reminder_page(self, rules: ReminderRules) -> QWidget:
        j = rules.journal
        page = QWidget(self)
        form = _form(page)
        form.addRow(_note("A reminder to write your reflective journal, every few weeks.", page))
        self.journal_enabled = QCheckBox("Remind me to write my &journal", page)
        self.journal_enabled.setChecked(j.enabled)
        self.journal_enabled.setAccessibleName("Remind me to write my journal")
        form.addRow(self.journal_enabled)
        self.journal_every = QSpinBox(page)
        self.journal_every.setRange(1, MAX_EVERY_WEEKS)
        self.journal_every.setPrefix("every ")
        self.journal_every.valueChanged.connect(
            lambda n: self.journal_every.setSuffix(" week" if n == 1 else " weeks"))
        self.journal_every.setValue(j.every_weeks)
        self.journal_every.setSuffix(" week" if j.every_weeks == 1 else " weeks")
        self.journal_every.setAccessibleName("Journal reminder every how many weeks")
        form.addRow("How oft&en", self.journal_every)
        self.journal_weekday = QComboBox(page)
        self.journal_weekday.addItems(list(DAY_LONG))
        self.journal_weekday.setCurrentIndex(j.weekday)
        self.journal_weekday.setAccessibleName("Journal reminder day")
        form.addRow("&Day", self.journal_weekday)
        self.journal_at = _time_edit(j.at, "Journal reminder time", page)
        form.addRow("&Time", self.journal_at)
        self.journal_anchor = _date_edit(j.anchor, "Journal weeks counted from", page)
        form.addRow("Counting &from the week of", self.journal_anchor)
        self.journal_next = _note("", page)
        self.journal_next.setAccessibleName("Next journal reminder")
        form.addRow(self.journal_next)
        self._watch(self.journal_enabled.toggled, self.journal_every.valueChanged,
                    self.journal_weekday.currentIndexChanged, self.journal_at.timeChanged,
                    self.journal_anchor.dateChanged)
        return page

    def _daily_pause_page(self, rules: ReminderRules) -> QWidget:
        p = rules.daily_pause
        page = QWidget(self)
        form = _form(page)
        form.addRow(_note("An optional short pause at the same time each day: a moment to "
                          "breathe, not a task.", page))
        self.pause_enabled = QCheckBox("Offer a daily &pause", page)
        self.pause_enabled.setChecked(p.enabled)
        self.pause_enabled.setAccessibleName("Offer a daily pause")
        form.addRow(self.pause_enabled)
        self.pause_at = _time_edit(p.at, "Daily pause time", page)
        form.addRow("&Time", self.pause_at)
        self.pause_days = WeekdayPicker(p.weekdays, "Daily pause", page)
        form.addRow("Days", self.pause_days)
        self.pause_enabled.toggled.connect(self._enable_pause_fields)
        self._enable_pause_fields(p.enabled)
        self._watch(self.pause_enabled.toggled, self.pause_at.timeChanged,
                    self.pause_days.changed)
        return page

    def _enable_pause_fields(self, on: bool) -> None:
        """Time and days can be changed only while the pause is offered."""
        self.pause_at.setEnabled(on)
        self.pause_days.setEnabled(on)

    def _leave_page(self, rules: ReminderRules) -> QWidget:
        page = self.leave_content = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(_note("On leave, no reminder comes at all. Both days are included.",
                               page))
        self.leave_list = QVBoxLayout()
        layout.addLayout(self.leave_list)
        self.add_leave_button = QPushButton("Add &leave", page)
        self.add_leave_button.setAccessibleName("Add leave")
        self.add_leave_button.clicked.connect(self.add_leave)
        layout.addLayout(_left(self.add_leave_button))
        layout.addStretch(1)
        for first, last in rules.quiet_days.ranges:
            self._append_leave(first, last)
        return page

    def _append_leave(self, first: date, last: date) -> LeaveRow:
        return self._append_row(LeaveRow(first, last, self.leave_content), self.leave_rows,
                                self.leave_list, self.remove_leave)

    def add_leave(self) -> LeaveRow:
        """A week of leave from today; focus goes to its first day."""
        today = self._clock.now().date()
        row = self._append_leave(today, today + timedelta(days=6))
        self._order_tabs()
        row.start.setFocus(QtNs.FocusReason.TabFocusReason)
        self._on_rules_edited()
        return row

    def remove_leave(self, row: LeaveRow) -> None:
        """Take a stretch of leave off the list; focus goes to the Add button."""
        self._remove_row(row, self.leave_rows, self.leave_list, self.add_leave_button)

    def _bank_holidays_page(self, rules: ReminderRules) -> QWidget:
        b = rules.bank_holidays
        page = QWidget(self)
        form = _form(page)
        form.addRow(_note("Skip reminders on the bank holidays of your nation of the UK.", page))
        self.holidays_choice = QComboBox(page)
        self.holidays_choice.addItem("Do not skip bank holidays", None)
        for nation in NATIONS:
            self.holidays_choice.addItem(f"Skip the bank holidays in {NATION_LABELS[nation]}",
                                         nation)
        self.holidays_choice.setAccessibleName("Bank holidays")
        self.holidays_choice.setCurrentIndex(
            self.holidays_choice.findData(b.nation) if b.skip else 0)
        self._kept_nation = b.nation
        form.addRow("&Bank holidays", self.holidays_choice)
        self.holidays_upcoming = _note("", page)
        self.holidays_upcoming.setAccessibleName("Next bank holidays")
        form.addRow(self.holidays_upcoming)
        self.holidays_choice.currentIndexChanged.connect(lambda _i: self._show_holidays())
        self._watch(self.holidays_choice.currentIndexChanged)
        self._show_holidays()
        return page

    def _show_holidays(self) -> None:
        nation = self.holidays_choice.currentData()
        if nation is None:
            self.holidays_upcoming.setText("Reminders come on bank holidays as on any other day.")
            return
        filt = DayFilter(ReminderRules(bank_holidays=BankHolidays(True, nation),
                                       timezone=self._system_zone), self._holidays)
        today = self._clock.now().date()
        found: list[str] = []
        for n in range(400):
            day = today + timedelta(days=n)
            name = filt.bank_holiday(day)
            if name is not None:
                found.append(f"{day_text(day)}: {name}")
            if len(found) == HOLIDAYS_SHOWN:
                break
        self.holidays_upcoming.setText("\n".join(["Coming up:", *found]) if found else "")

    def _time_zone_page(self, rules: ReminderRules, raw: Mapping[str, Any]) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(_note("Break times are read in this time zone, so 12:00 stays 12:00 "
                               "when the clocks change.", page))
        self.zone_system = QRadioButton(
            f"Use this computer's time &zone ({self._system_zone})", page)
        self.zone_system.setAccessibleName(f"Use this computer's time zone, {self._system_zone}")
        self.zone_chosen = QRadioButton("Use a&nother time zone", page)
        self.zone_chosen.setAccessibleName("Use another time zone")
        group = QButtonGroup(page)
        group.addButton(self.zone_system)
        group.addButton(self.zone_chosen)
        self.zone_name = QComboBox(page)
        self.zone_name.setEditable(True)
        self.zone_name.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone_name.addItems(sorted(zoneinfo.available_timezones()))
        self.zone_name.setAccessibleName("Time zone name, for example Europe/London")
        completer = QCompleter(self.zone_name.model(), self.zone_name)
        completer.setCaseSensitivity(QtNs.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(QtNs.MatchFlag.MatchContains)
        self.zone_name.setCompleter(completer)
        self.zone_name.setEditText(rules.timezone)
        chosen = "timezone" in raw
        self.zone_chosen.setChecked(chosen)
        self.zone_system.setChecked(not chosen)
        self.zone_name.setEnabled(chosen)
        self.zone_chosen.toggled.connect(self.zone_name.setEnabled)
        layout.addWidget(self.zone_system)
        layout.addWidget(self.zone_chosen)
        layout.addWidget(self.zone_name)
        layout.addStretch(1)
        self._watch(self.zone_chosen.toggled, self.zone_name.editTextChanged)
        return page

    def _sessions_page(self, settings: Settings) -> QWidget:
        page = QWidget(self)
        form = _form(page)
        self.bell_enabled = QCheckBox("Ring a soft &bell between steps", page)
        self.bell_enabled.setChecked(settings.bell_enabled)
        self.bell_enabled.setAccessibleName("Ring a soft bell between steps")
        form.addRow(self.bell_enabled)
        self.bell_volume = QSlider(QtNs.Orientation.Horizontal, page)
        self.bell_volume.setRange(0, 100)
        self.bell_volume.setSingleStep(5)
        self.bell_volume.setPageStep(10)
        self.bell_volume.setValue(round(settings.bell_volume * 100))
        self.bell_volume.setAccessibleName("Bell volume, percent")
        self.bell_volume.setMinimumWidth(20 * self.fontMetrics().averageCharWidth())
        self.bell_volume_text = QLabel(page)
        self.bell_volume.valueChanged.connect(self._show_volume)
        self._show_volume(self.bell_volume.value())
        self.bell_enabled.toggled.connect(self.bell_volume.setEnabled)
        self.bell_volume.setEnabled(settings.bell_enabled)
        volume_row = QHBoxLayout()
        volume_row.addWidget(self.bell_volume, 1)
        volume_row.addWidget(self.bell_volume_text)
        volume_label = QLabel("Bell &volume", page)
        volume_label.setBuddy(self.bell_volume)
        form.addRow(volume_label, volume_row)
        self.voice_bundled = QRadioButton("The &recorded voice that comes with the app", page)
        self.voice_own = QRadioButton("My o&wn recording", page)
        self.voice_bundled.setAccessibleName("Me Space voice: the recorded voice of the app")
        self.voice_own.setAccessibleName("Me Space voice: my own recording")
        voices = QButtonGroup(page)
        voices.addButton(self.voice_bundled)
        voices.addButton(self.voice_own)
        (self.voice_own if settings.me_space_voice is Voice.OWN else self.voice_bundled
         ).setChecked(True)
        voice_box = QVBoxLayout()
        voice_box.addWidget(self.voice_bundled)
        voice_box.addWidget(self.voice_own)
        form.addRow("Me Space voice", voice_box)
        self.facilitator_screen = QComboBox(page)
        self.facilitator_screen.addItem("The screen this window is on", "")
        for screen in QGuiApplication.screens():
            self.facilitator_screen.addItem(screen.name(), screen.name())
        current = settings.facilitator_screen
        if current and self.facilitator_screen.findData(current) < 0:
            self.facilitator_screen.addItem(f"{current} (not connected now)", current)
        self.facilitator_screen.setCurrentIndex(max(0, self.facilitator_screen.findData(current)))
        self.facilitator_screen.setAccessibleName("Facilitator view screen")
        form.addRow("&Facilitator view on", self.facilitator_screen)
        return page

    def _show_volume(self, value: int) -> None:
        self.bell_volume_text.setText(f"{value} %")
        self.bell_volume.setAccessibleDescription(f"{value} percent")

    def _journal_page(self, settings: Settings) -> QWidget:
        page = QWidget(self)
        form = _form(page)
        form.addRow(_note("The journal locks itself when it has not been used for a while, "
                          "and always when the computer sleeps.", page))
        self.lock_minutes = QSpinBox(page)
        self.lock_minutes.setRange(1, MAX_JOURNAL_LOCK_MINUTES)
        self.lock_minutes.setSuffix(" min")
        self.lock_minutes.setValue(settings.journal_lock_minutes)
        self.lock_minutes.setAccessibleName("Lock the journal after this many minutes unused")
        form.addRow("&Lock after", self.lock_minutes)
        return page

    def _general_page(self, settings: Settings) -> QWidget:
        page = QWidget(self)
        form = _form(page)
        self.appearance = QComboBox(page)
        for choice, label in ((Appearance.SYSTEM, "Follow the system"),
                              (Appearance.LIGHT, "Light"), (Appearance.DARK, "Dark")):
            self.appearance.addItem(label, choice.value)
        self.appearance.setCurrentIndex(self.appearance.findData(settings.appearance.value))
        self.appearance.setAccessibleName("Appearance")
        form.addRow("A&ppearance", self.appearance)
        self.text_scale = QSpinBox(page)
        self.text_scale.setRange(round(MIN_TEXT_SCALE * 100), round(MAX_TEXT_SCALE * 100))
        self.text_scale.setSingleStep(10)
        self.text_scale.setSuffix(" %")
        self.text_scale.setValue(round(settings.text_scale * 100))
        self.text_scale.setAccessibleName("Text size, percent of the system size")
        form.addRow("&Text size", self.text_scale)
        self.start_at_login = QCheckBox("&Start when I log in", page)
        self.start_at_login.setChecked(settings.start_at_login)
        self.start_at_login.setAccessibleName("Start when I log in")
        form.addRow(self.start_at_login)
        return page

    def _order_tabs(self) -> None:
        """From the page list into the page, row by row, then the Add button.

        Rows added later still come before the Add button in the Tab order.
        """
        chain: list[QWidget] = [self.nav]
        for row in self.window_rows:
            chain += [row.name, row.enabled, *row.weekdays.boxes, row.start, row.end,
                      row.heads_up, row.remove]
        chain.append(self.add_window_button)
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        leave: list[QWidget] = []
        for leave_row in self.leave_rows:
            leave += [leave_row.start, leave_row.end, leave_row.remove]
        leave.append(self.add_leave_button)
        for first, second in pairwise(leave):
            QWidget.setTabOrder(first, second)

    # ----- pages and problems -----
    def _show_page(self, index: int) -> None:
        if index < 0:
            return
        self.stack.setCurrentIndex(index)
        title = PAGES[index]
        self.heading.setText(title)
        self.problem.setVisible(self._problem_page == title)

    def show_page(self, title: str) -> None:
        """Switch to a page by its title."""
        self.nav.setCurrentRow(PAGES.index(title))

    def current_page(self) -> str:
        """The title of the page on show."""
        return PAGES[self.stack.currentIndex()]

    def _fit_nav(self) -> None:
        metrics = self.nav.fontMetrics()
        widest = max(metrics.horizontalAdvance(title + PROBLEM_MARK) for title in PAGES)
        self.nav.setFixedWidth(widest + 4 * metrics.averageCharWidth())

    def _text_size(self) -> QSize:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return dialog_size(self.fontMetrics(), screen.availableGeometry().size())

    def changeEvent(self, event: QEvent) -> None:
        """The page list and the window keep fitting the text when its size changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "nav"):
            self._fit_nav()
            self.resize(self.size().expandedTo(self._text_size()))  # grow, never shrink

    def _mark_problem(self, page: str | None) -> None:
        self._problem_page = page
        for index, title in enumerate(PAGES):
            item = self.nav.item(index)
            item.setText(title + PROBLEM_MARK if title == page else title)

    def _show_problem(self, exc: ReminderRuleError) -> None:
        match = _FIELD_RE.match(exc.field)
        head = match.group("head") if match else exc.field
        page = PAGE_FOR_FIELD.get(head, PAGE_BREAKS)
        self.problem.setText(f"Problem: {self._field_label(exc.field)} ({exc.field}): "
                             f"{exc.message}")
        self.problem.setAccessibleDescription(self.problem.text())
        self._mark_problem(page)
        self.show_page(page)
        self.problem.show()
        widget = self._field_widget(exc.field)
        if widget is not None:
            widget.setFocus(QtNs.FocusReason.OtherFocusReason)

    def _clear_problem(self) -> None:
        self._mark_problem(None)
        self.problem.clear()
        self.problem.hide()

    def _field_label(self, field: str) -> str:
        match = _FIELD_RE.match(field)
        if match is None:
            return field
        head, index, tail = match.group("head"), match.group("index"), match.group("tail")
        words = (tail or "").replace("_", " ")
        if head == "windows" and index is not None:
            i = int(index)
            name = self.window_rows[i].name.text().strip() if i < len(self.window_rows) else ""
            where = f"break {i + 1}" + (f" “{name}”" if name else "")
            return f"{where}, {words}" if words else where
        if head == "quiet_days" and index is not None:
            return f"leave {int(index) + 1}, {'last day' if tail == 'end' else 'first day'}"
        page = PAGE_FOR_FIELD.get(head, head).lower()
        return f"{page}, {words}" if words else page

    def _field_widget(self, field: str) -> QWidget | None:
        match = _FIELD_RE.match(field)
        if match is None:
            return None
        head, index, tail = match.group("head"), match.group("index"), match.group("tail")
        if head == "windows" and index is not None and int(index) < len(self.window_rows):
            return self.window_rows[int(index)].field_widget(tail or "name")
        if head == "quiet_days" and index is not None and int(index) < len(self.leave_rows):
            row = self.leave_rows[int(index)]
            return row.end if tail == "end" else row.start
        simple: dict[str, QWidget] = {
            "journal": self.journal_at, "daily_pause": self.pause_at,
            "bank_holidays": self.holidays_choice, "timezone": self.zone_name,
        }
        widgets: dict[str, QWidget] = {
            "journal.every_weeks": self.journal_every, "journal.weekday": self.journal_weekday,
            "journal.anchor": self.journal_anchor, "journal.enabled": self.journal_enabled,
            "daily_pause.weekdays": self.pause_days.boxes[0],
            "daily_pause.enabled": self.pause_enabled,
        }
        return widgets.get(field, simple.get(head))

    # ----- the form as data -----
    def reminders_dict(self) -> dict[str, Any]:
        """The reminder pages as the core's dict form (not yet judged)."""
        nation = self.holidays_choice.currentData()
        raw: dict[str, Any] = {
            "windows": [row.to_dict() for row in self.window_rows],
            "journal": {
                "every_weeks": self.journal_every.value(),
                "weekday": self.journal_weekday.currentIndex(),
                "at": _hhmm(self.journal_at.time()),
                "anchor": _iso(self.journal_anchor.date()),
                "enabled": self.journal_enabled.isChecked(),
            },
            "daily_pause": {
                "at": _hhmm(self.pause_at.time()),
                "weekdays": self.pause_days.days(),
                "enabled": self.pause_enabled.isChecked(),
            },
            "quiet_days": [row.to_dict() for row in self.leave_rows],
            "bank_holidays": {
                "skip": nation is not None,
                "nation": nation if nation is not None else self._kept_nation,
            },
        }
        if self.zone_chosen.isChecked():
            raw["timezone"] = self.zone_name.currentText().strip()
        return raw

    def build_settings(self) -> Settings:
        """The whole form as Settings; raises ReminderRuleError naming the field."""
        rules = rules_from_dict(self.reminders_dict())
        canonical = rules_to_dict(rules)
        if not self.zone_chosen.isChecked():
            del canonical["timezone"]  # follow the computer, wherever it goes
        # Keys a newer version wrote are kept; the ones this form knows are replaced.
        known = {"format", "timezone", "windows", "journal", "daily_pause", "quiet_days",
                 "bank_holidays"}
        kept = {k: v for k, v in self._settings.reminders.items() if k not in known}
        voice = Voice.OWN if self.voice_own.isChecked() else Voice.BUNDLED
        settings = replace(
            self._settings,
            reminders={**kept, **canonical},
            bell_enabled=self.bell_enabled.isChecked(),
            bell_volume=self.bell_volume.value() / 100,
            me_space_voice=voice,
            facilitator_screen=str(self.facilitator_screen.currentData() or ""),
            journal_lock_minutes=self.lock_minutes.value(),
            appearance=Appearance(self.appearance.currentData()),
            start_at_login=self.start_at_login.isChecked(),
        )
        return settings.with_text_scale(self.text_scale.value() / 100)

    @property
    def settings(self) -> Settings:
        """The settings as last applied (or as given)."""
        return self._settings

    # ----- behaviour -----
    def apply(self) -> bool:
        """Check and emit; on a problem, show it next to its page and emit nothing."""
        try:
            settings = self.build_settings()
        except ReminderRuleError as exc:
            self._show_problem(exc)
            return False
        self._clear_problem()
        self.load_notice.hide()
        self._settings = settings
        self.settings_applied.emit(settings)
        return True

    def _ok(self) -> None:
        if self.apply():
            self.accept()

    def _on_rules_edited(self) -> None:
        """Keep the preview current; once a problem is shown, re-check it as the person types."""
        if self._problem_page is not None:
            try:
                self.build_settings()
            except ReminderRuleError as exc:
                focused = self.focusWidget()
                self._show_problem(exc)
                if focused is not None:
                    focused.setFocus(QtNs.FocusReason.OtherFocusReason)  # typing continues
            else:
                self._clear_problem()
        self._refresh_preview()

    def _refresh_preview(self) -> None:
        try:
            rules = rules_from_dict(self.reminders_dict())
        except ReminderRuleError:
            self.preview.setText("Next protected break: shown once the settings above are "
                                 "valid.")
            self.journal_next.setText("")
            return
        now = self._clock.now()
        days = DayFilter(rules, self._holidays)
        span = next_protected_break(rules, now, days)
        self.preview.setText(describe_next_break(span, now, rules.zone))
        journal = next_journal_reminder(rules, now, days)
        self.journal_next.setText(
            f"Next journal reminder: {day_text(journal)} at {journal:%H:%M}."
            if journal is not None else "No journal reminder in the coming weeks.")


def describe_next_break(
    span: tuple[datetime, datetime] | None, now: datetime, zone: zoneinfo.ZoneInfo
) -> str:
    """The preview line: "Next protected break: Tue 24 Nov, 12:00–13:00 (Europe/London)"."""
    if span is None:
        return "Next protected break: none in the coming year."
    start, end = span
    if start.timestamp() <= now.timestamp():
        return f"Protected break under way until {end:%H:%M} ({zone.key})."
    local_now = now.astimezone(zone)
    if start.date() == local_now.date():
        day = "today"
    elif start.date() == local_now.date() + timedelta(days=1):
        day = "tomorrow"
    else:
        day = day_text(start, year=False)
    return f"Next protected break: {day}, {start:%H:%M}–{end:%H:%M} ({zone.key})."

