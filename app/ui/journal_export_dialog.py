"""Asking what to export and where, and choosing a backup to restore, for the journal page.

The writing itself is the same code the command line uses (app.core.journal_export and the
PDF writer); this module only picks entries and hands them over.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Final

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.journal import Entry
from app.core.journal_export import export_json, export_markdown, select_entries
from app.storage.backups import BackupInfo

# (key, label) pairs; the key is what export_to() takes.
FORMATS: Final = (
    ("md", "Markdown files in a new folder"),
    ("zip", "Markdown files in a .zip"),
    ("json", "JSON (can be imported again)"),
    ("pdf", "PDF (for reading or printing)"),
)
SCOPES: Final = (
    ("entry", "This entry"),
    ("range", "Entries written between two dates"),
    ("all", "Everything in the journal"),
)
_SUFFIX: Final = {"md": "", "zip": ".zip", "json": ".json", "pdf": ".pdf"}
NOT_ENCRYPTED: Final = ("Warning: the exported file is NOT encrypted; anyone who can open it "
                        "can read these entries.")


def pick_entries(entries: Sequence[Entry], scope: str, zone: tzinfo, *, entry_id: str | None,
                 since: date | None, until: date | None) -> list[Entry]:
    """The entries a scope names, oldest first (as the command line orders them)."""
    if scope == "entry":
        return select_entries(entries, zone, ids=() if entry_id is None else (entry_id,))
    if scope == "range":
        return select_entries(entries, zone, since=since, until=until)
    if scope == "all":
        return select_entries(entries, zone)
    raise ValueError(f"export scope {scope!r}: expected one of entry, range, all")


def write_export(entries: Sequence[Entry], path: Path, fmt: str, now: datetime) -> Path:
    """Write `entries` to `path` in `fmt` with the existing exporters; raises on failure."""
    if fmt == "json":
        return export_json(entries, path, now)
    if fmt in ("md", "zip"):
        if fmt == "zip" and path.suffix.lower() != ".zip":
            path = path.with_name(path.name + ".zip")
        return export_markdown(entries, path)
    if fmt == "pdf":
        from app.ui.journal_pdf import export_journal_pdf

        return export_journal_pdf(entries, path)
    raise ValueError(f"export format {fmt!r}: expected one of md, zip, json, pdf")


class ExportDialog(QDialog):
    """What to export and in which format, with the one-line warning that it is not encrypted."""

    def __init__(self, today: date, *, has_entry: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export journal")
        self.scope = QComboBox(self)
        self.scope.setAccessibleName("What to export")
        for key, label in SCOPES:
            if key != "entry" or has_entry:
                self.scope.addItem(label, key)
        self.scope.setCurrentIndex(self.scope.count() - 1)
        qtoday = QDate(today.year, today.month, today.day)
        self.since = QDateEdit(qtoday.addMonths(-1), self)
        self.since.setAccessibleName("First day of the range")
        self.since.setCalendarPopup(True)
        self.until = QDateEdit(qtoday, self)
        self.until.setAccessibleName("Last day of the range")
        self.until.setCalendarPopup(True)
        self.format = QComboBox(self)
        self.format.setAccessibleName("Export format")
        for key, label in FORMATS:
            self.format.addItem(label, key)
        self.warning = QLabel(NOT_ENCRYPTED, self)
        self.warning.setAccessibleName("Export warning")
        self.warning.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Choose where to save…")
        ok.setAccessibleName("Choose where to save the export")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&What:", self.scope)
        form.addRow("&From:", self.since)
        form.addRow("&To:", self.until)
        form.addRow("F&ormat:", self.format)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(buttons)
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self._scope_changed()

    def _scope_changed(self) -> None:
        ranged = self.scope.currentData() == "range"
        self.since.setEnabled(ranged)
        self.until.setEnabled(ranged)

    def chosen_range(self) -> tuple[date, date]:
        """The two dates, as Python dates."""
        return self.since.date().toPython(), self.until.date().toPython()  # type: ignore[return-value]


def ask_destination(parent: QWidget, fmt: str, suggested: str) -> Path | None:
    """The native save dialog; None if the person cancelled."""
    filters = {"md": "Folder (*)", "zip": "Zip archive (*.zip)", "json": "JSON (*.json)",
               "pdf": "PDF (*.pdf)"}
    name, _ = QFileDialog.getSaveFileName(
        parent, "Save the export as", str(Path.home() / (suggested + _SUFFIX[fmt])), filters[fmt])
    return Path(name) if name else None


class RestoreDialog(QDialog):
    """The backups, newest first; the chosen one is put in place of the journal."""

    def __init__(self, found: Sequence[BackupInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore journal from backup")
        note = QLabel("Choose a backup. The journal it replaces is kept beside it, not deleted.",
                      self)
        note.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Backups, newest first")
        for info in found:
            label = info.taken_at.strftime("%Y-%m-%d %H:%M:%S")
            if info.before_migration_to is not None:
                label += " (made before an update)"
            item = QListWidgetItem(f"{label} — {info.path.name}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, str(info.path))
        if found:
            self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Restore this backup")
        ok.setAccessibleName("Restore the chosen backup")
        ok.setEnabled(bool(found))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel restore")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def chosen(self) -> Path | None:
        """The selected backup file."""
        item = self.list.currentItem()
        return None if item is None else Path(str(item.data(Qt.ItemDataRole.UserRole)))
