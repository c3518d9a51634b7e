"""A row of exclusive, checkable buttons: quicker than a drop-down for 'I have 10 minutes'.

Each button is in the tab order, carries a spoken name, and shows its state with a tick
in the text as well as the checked look, so state is never carried by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QGroupBox, QHBoxLayout, QPushButton, QWidget

T = TypeVar("T")

TICK = "✓ "


class ChoiceChips(QGroupBox, Generic[T]):
    """An exclusive choice among labelled values; emits `changed` with the new index."""

    changed = Signal(int)

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, str, T]],
        parent: QWidget | None = None,
    ) -> None:
        """`choices` are (visible label, spoken name, value); the first is selected."""
        super().__init__(title, parent)
        self.setAccessibleName(title)
        self._values = [value for _label, _name, value in choices]
        self._labels = [label for label, _name, _value in choices]
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        for index, (label, spoken, _value) in enumerate(choices):
            button = QPushButton(label, self)
            button.setCheckable(True)
            button.setAccessibleName(spoken)
            button.setObjectName(f"chip-{title}-{index}")
            self._group.addButton(button, index)
            layout.addWidget(button)
        layout.addStretch(1)
        self._group.idToggled.connect(self._on_toggled)
        first = self._group.button(0)
        if first is not None:
            first.setChecked(True)

    def _on_toggled(self, index: int, checked: bool) -> None:
        button = self._group.button(index)
        if button is not None:
            button.setText((TICK if checked else "") + self._labels[index])
        if checked:
            self.changed.emit(index)

    def value(self) -> T:
        """The value of the checked button."""
        return self._values[max(0, self._group.checkedId())]

    def select(self, index: int) -> None:
        """Check the button at `index` (as a click would)."""
        button = self._group.button(index)
        if button is not None:
            button.setChecked(True)

    def button(self, index: int) -> QPushButton:
        """The button at `index` (for focus order and tests)."""
        button = self._group.button(index)
        assert isinstance(button, QPushButton)
        return button

    def count(self) -> int:
        """How many choices there are."""
        return len(self._values)
