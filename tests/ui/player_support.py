"""Helpers for the player tests: the notes mnemonic and the accessible-name check."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QWidget


def press_alt_n(qtbot, view):
    """The button's mnemonic; Qt releases a mnemonic's click a moment later, so wait for it."""
    before = view.notes_button.isChecked()
    qtbot.keyClick(view.focusWidget() or view, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.notes_button.isChecked() != before, timeout=2000)


def unnamed_controls(root: QWidget) -> list[str]:
    """Visible focusable widgets with neither an accessible name nor button text."""
    missing = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if not widget.isWindow() and widget.focusProxy() is not None:
            continue
        named = widget.accessibleName() or (
            isinstance(widget, QAbstractButton) and widget.text()
        )
        if not named:
            missing.append(f"{type(widget).__name__} {widget.objectName()}")
    return missing
