"""Helpers for the journal UI tests: a view on a temporary file, text walking, dialogs."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from app.core.journal import edit_entry, new_entry
from app.ui.journal_view import JournalView
from tests.fakes import FakeClock, FakeScheduler
from tests.journal_support import FAST_KDF, T0

PASSPHRASE = "a long walk by the river"


def make_view(qtbot, tmp_path, *, clock=None, minutes=5, show=True):
    clock = clock or FakeClock(T0)
    scheduler = FakeScheduler(clock)
    view = JournalView(tmp_path / "data" / "journal.sqlite3", clock, scheduler,
                       backup_dir=tmp_path / "backups", kdf_params=FAST_KDF,
                       lock_minutes=minutes)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    if show:
        view.show()
        qtbot.waitExposed(view)
    return view, clock, scheduler


def create_journal(view, passphrase: str = PASSPHRASE) -> str:
    """Choose `passphrase` on the set-up page; returns the recovery key it then shows."""
    view.setup.choose.passphrase.setText(passphrase)
    view.setup.choose.repeat.setText(passphrase)
    assert view.setup.create_with_passphrase()
    key: str = view.setup.recovery.key_label.text()
    return key


def set_up(view, passphrase=PASSPHRASE):
    """Drive the set-up page to the open journal."""
    create_journal(view, passphrase)
    view.setup.recovery.confirm.setChecked(True)
    view.setup.recovery.continue_button.click()
    assert view.state == "open"


def add_entry(view, clock, title, body, tags=(), template=None, **changes):
    """Store an entry through the repository and the browser's index, as Save does."""
    entry = new_entry(clock, template=template, title=title, tags=tags)
    entry = edit_entry(entry, clock, body=body, **changes)
    view.repo.save_entry(entry)
    view.browser.entry_saved(entry)
    return entry


def flush_deletes() -> None:
    """Run pending deleteLater calls, so destroyed pages are really gone."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def widget_texts(widget: QWidget) -> Iterator[str]:
    """Every string a widget shows or tells assistive technology."""
    yield widget.windowTitle()
    yield widget.accessibleName()
    yield widget.accessibleDescription()
    yield widget.toolTip()
    if isinstance(widget, QLabel | QAbstractButton):
        yield widget.text()
    if isinstance(widget, QLineEdit):
        yield widget.text()
        yield widget.placeholderText()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        yield widget.toPlainText()
        yield widget.document().toPlainText()
    if isinstance(widget, QComboBox):
        yield from (widget.itemText(i) for i in range(widget.count()))
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        for row, column in _cells(model):
            index = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                         Qt.ItemDataRole.AccessibleTextRole):
                value = index.data(role)
                if value is not None:
                    yield str(value)


def _cells(model: QAbstractItemModel) -> Iterator[tuple[int, int]]:
    """Every (row, column) of a flat model (hasIndex: columnCount is private in lists)."""
    row = 0
    while model.hasIndex(row, 0):
        column = 0
        while model.hasIndex(row, column):
            yield row, column
            column += 1
        row += 1


def all_app_texts() -> list[str]:
    """The text of every live widget in the application."""
    flush_deletes()
    return [t for w in QApplication.allWidgets() for t in widget_texts(w) if t]


def answer_next_dialog(button_text: str) -> list[str]:
    """Click `button_text` in the next modal message box; returns what it said."""
    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        for button in box.buttons():
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, click)
    return seen


def _inside_composite(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox | QCalendarWidget):
            return True
        parent = parent.parentWidget()
    return False


def unnamed_focusable(root: QWidget) -> list[str]:
    """Keyboard-reachable visible controls without an accessible name."""
    missing = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or _inside_composite(widget):
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        controls = (QAbstractButton | QLineEdit | QComboBox | QPlainTextEdit | QTextEdit
                    | QAbstractItemView | QAbstractSpinBox | QCalendarWidget)
        if isinstance(widget, controls) and not widget.accessibleName():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def tab_chain(start: QWidget, limit: int = 200) -> list[QWidget]:
    """Widgets visited by Tab from `start`, in order, until it comes back round."""
    chain = [start]
    widget = start.nextInFocusChain()
    while widget is not None and widget is not start and len(chain) < limit:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain
