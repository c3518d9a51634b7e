"""The library: choose a practice by the time I have and who is taking part, or search."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.library import TIME_CHOICES, LibraryQuery, filter_practices
from app.core.practices import Practice, Who
from app.ui.choice_chips import ChoiceChips
from app.ui.practice_detail import PracticeDetail
from app.ui.practice_item_delegate import PracticeItemDelegate


class LibraryView(QWidget):
    """Filters and a list on the left, the chosen practice on the right."""

    selection_changed = Signal(object)  # Practice | None

    def __init__(self, practices: Sequence[Practice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._practices = tuple(practices)
        self._shown: list[Practice] = []  # row i of the list is self._shown[i]

        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search practices (Ctrl+F)")
        self.search.setAccessibleName("Search practices")
        self.search.setClearButtonEnabled(True)
        search_label = QLabel("&Search", self)
        search_label.setBuddy(self.search)

        time_choices: list[tuple[str, str, int | None]] = [("Any", "Any length", None)]
        time_choices += [(f"{m} min", f"Up to {m} minutes", m) for m in TIME_CHOICES]
        self.time_chips: ChoiceChips[int | None] = ChoiceChips("Time I have", time_choices, self)
        who_choices: list[tuple[str, str, Who | None]] = [("Anyone", "Anyone taking part", None)]
        who_choices += [(w.label, f"Taking part: {w.label.lower()}", w) for w in Who]
        self.who_chips: ChoiceChips[Who | None] = ChoiceChips("Who is taking part", who_choices,
                                                              self)

        self.list = QListWidget(self)
        self.list.setObjectName("practice-list")
        self.list.setAccessibleName("Practices")
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setUniformItemSizes(False)
        self.list.setItemDelegate(PracticeItemDelegate(self.list))
        self.count_label = QLabel(self)
        self.count_label.setObjectName("result-count")
        self.count_label.setAccessibleName("Number of practices shown")

        self.detail = PracticeDetail(self)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(search_label)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.time_chips)
        left_layout.addWidget(self.who_chips)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.list, 1)

        # By keyword: a positional parent makes PySide6 weigh the (Qt.Orientation, parent)
        # overload, which builds all of the Qt namespace's enums (about 20 ms) before paint.
        self.splitter = QSplitter(parent=self)  # horizontal
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.splitter)

        self.search.textChanged.connect(self.refresh)
        self.time_chips.changed.connect(self.refresh)
        self.who_chips.changed.connect(self.refresh)
        self.list.currentRowChanged.connect(self._on_current_row_changed)
        self._set_tab_order()
        self.refresh()

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [self.search]
        chain += [self.time_chips.button(i) for i in range(self.time_chips.count())]
        chain += [self.who_chips.button(i) for i in range(self.who_chips.count())]
        chain += [self.list, self.detail.browser, self.detail.start_button,
                  self.detail.guide_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def query(self) -> LibraryQuery:
        """What the filters and search box ask for now."""
        return LibraryQuery(self.time_chips.value(), self.who_chips.value(), self.search.text())

    def shown_practices(self) -> list[Practice]:
        """The practices in the list, top to bottom."""
        return list(self._shown)

    def refresh(self) -> None:
        """Re-filter, keeping the current practice selected when it is still shown."""
        current = self.detail.practice
        found = filter_practices(self._practices, self.query())
        self._shown = found
        self.list.blockSignals(True)
        self.list.clear()
        for practice in found:
            item = QListWidgetItem(f"{practice.title}\n{practice.minutes} min · "
                                   f"{practice.who_label}")
            item.setToolTip(practice.summary)
            self.list.addItem(item)
        self.list.blockSignals(False)
        n = len(found)
        self.count_label.setText(
            "No practice matches: try a longer time or clear the search." if n == 0
            else f"{n} practice{'s' if n != 1 else ''} shown"
        )
        ids = [p.id for p in found]
        keep = ids.index(current.id) if current is not None and current.id in ids else 0
        if found:
            self.list.setCurrentRow(keep)
            self._show(found[keep])
        else:
            self._show(None)

    def select_practice(self, practice_id: str) -> bool:
        """Show one practice by id, clearing filters that would hide it."""
        if not any(p.id == practice_id for p in self.shown_practices()):
            self.search.clear()
            self.time_chips.select(0)
            self.who_chips.select(0)
        for row, practice in enumerate(self.shown_practices()):
            if practice.id == practice_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def _on_current_row_changed(self, row: int) -> None:
        self._show(self._shown[row] if 0 <= row < len(self._shown) else None)

    def _show(self, practice: Practice | None) -> None:
        if practice is not self.detail.practice:
            self.detail.show_practice(practice)
            self.selection_changed.emit(practice)
