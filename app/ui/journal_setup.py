"""First use of the journal: choose a passphrase, then keep the recovery key (shown once).

"No passphrase" is allowed, but only after a warning that says plainly what it means. The
recovery key is the only way back in if the passphrase is forgotten, so the page will not
move on until the person confirms they have kept it; afterwards the key is dropped from the
widgets and never shown again.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.storage.atomic_file import write_atomic
from app.storage.journal_repo import JournalRepository, RepositoryError
from app.ui.page_heading import page_heading

MIN_LENGTH: Final = 8

NO_PASSPHRASE_WARNING: Final = (
    "Without a passphrase the journal is still stored in code, but the key to it sits "
    "beside it. Anyone who can open your user account or copy your files could read every "
    "entry. Choose this only on a computer nobody else uses. You can add a passphrase later."
)


def passphrase_hint(passphrase: str) -> str:
    """A plain-words strength hint (never a colour alone): length matters most.

    A rough guide for people, not a security measurement; Argon2 does the real work.
    """
    length = len(passphrase)
    if length == 0:
        return "Strength: choose a passphrase. A short sentence you can remember works well."
    if length < MIN_LENGTH:
        return f"Strength: too short. Use at least {MIN_LENGTH} characters."
    kinds = sum(
        any(ch in group for ch in passphrase)
        for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits)
    ) + any(not ch.isalnum() for ch in passphrase)
    words = len(passphrase.split())
    if length >= 20 or (words >= 4 and length >= 16):
        return "Strength: strong. Long passphrases are the hardest to guess."
    if length >= 12 and kinds >= 2:
        return "Strength: fair. A few more words would make it stronger."
    return "Strength: weak. Make it longer, for example four unrelated words."


def recovery_key_text(recovery_key: str) -> str:
    """What a saved or printed copy says, so the paper explains itself years later."""
    return (
        f"{APP_NAME}: journal recovery key\n\n"
        f"{recovery_key}\n\n"
        "Keep this somewhere safe and private. It opens the journal if the passphrase is "
        "forgotten. Anyone who has it and your journal file can read the journal.\n"
    )


def narrow_column(owner: QWidget) -> QVBoxLayout:
    """A centred column about 70 characters wide (from the font, so it scales with text)."""
    column = QWidget(owner)
    column.setMaximumWidth(owner.fontMetrics().horizontalAdvance("x") * 80)
    outer = QHBoxLayout(owner)
    outer.setContentsMargins(24, 24, 24, 24)
    outer.addStretch(1)
    outer.addWidget(column, 4)
    outer.addStretch(1)
    inner = QVBoxLayout(column)
    inner.setContentsMargins(0, 0, 0, 0)
    return inner


@contextmanager
def wait_cursor() -> Iterator[None]:
    """Show the busy cursor while the slow key derivation runs; restore it whatever happens."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class ChoosePassphrase(QWidget):
    """Two passphrase fields, a strength hint, and the no-passphrase route."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = page_heading("Set up your private journal", self)
        heading.setObjectName("journal-heading")
        intro = QLabel(
            "Your journal is encrypted on this computer with a passphrase you choose. "
            "Nobody can open it without the passphrase, and neither can this app, so pick one "
            "you will remember.",
            self,
        )
        intro.setWordWrap(True)

        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setObjectName("setup-passphrase")
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Passphrase again")
        self.repeat.setObjectName("setup-repeat")
        self.show_text = QCheckBox("S&how what I type", self)
        self.show_text.setAccessibleName("Show the passphrase as I type")
        self.hint = QLabel(passphrase_hint(""), self)
        self.hint.setObjectName("strength-hint")
        self.hint.setAccessibleName("Passphrase strength")
        self.hint.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("setup-message")
        self.message.setAccessibleName("Set-up message")
        self.message.setWordWrap(True)
        self.create_button = QPushButton("&Create my journal", self)
        self.create_button.setAccessibleName("Create my journal")
        self.create_button.setDefault(True)
        self.no_passphrase_button = QPushButton("Use &no passphrase…", self)
        self.no_passphrase_button.setAccessibleName("Use no passphrase")

        form = QFormLayout()
        label = QLabel("&Passphrase:", self)
        label.setBuddy(self.passphrase)
        form.addRow(label, self.passphrase)
        label = QLabel("&Again:", self)
        label.setBuddy(self.repeat)
        form.addRow(label, self.repeat)
        form.addRow("", self.show_text)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addStretch(1)
        buttons.addWidget(self.no_passphrase_button)
        self.back_button = QPushButton("← &Back to the library", self)
        self.back_button.setAccessibleName("Back to the library")
        layout = narrow_column(self)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.passphrase.textChanged.connect(lambda text: self.hint.setText(passphrase_hint(text)))
        self.passphrase.textChanged.connect(lambda _t: self.message.clear())
        self.repeat.textChanged.connect(lambda _t: self.message.clear())
        self.show_text.toggled.connect(self._set_visible)
        self.passphrase.returnPressed.connect(self.repeat.setFocus)
        self.repeat.returnPressed.connect(self.create_button.click)

    def _set_visible(self, visible: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.repeat.setEchoMode(mode)

    def problem(self) -> str | None:
        """Why the two fields cannot be used yet, in one line; None when they can."""
        first, second = self.passphrase.text(), self.repeat.text()
        if not first:
            return "Type a passphrase, or choose 'Use no passphrase'."
        if len(first) < MIN_LENGTH:
            return f"The passphrase is too short: use at least {MIN_LENGTH} characters."
        if first != second:
            return "The two passphrases are different. Type the same one in both fields."
        return None

    def clear(self) -> None:
        """Forget what was typed."""
        self.passphrase.clear()
        self.repeat.clear()


class RecoveryKeyPanel(QWidget):
    """Shows the recovery key once, with save and print; Continue needs a confirmation."""

    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._key = ""
        heading = page_heading("Your recovery key", self)
        explain = QLabel(
            "If you ever forget your passphrase, this key is the only way back into your "
            "journal. Write it down or save it now and keep it somewhere private. "
            "It will not be shown again.",
            self,
        )
        explain.setWordWrap(True)
        self.key_label = QLabel(self)
        self.key_label.setObjectName("recovery-key")
        self.key_label.setAccessibleName("Recovery key")
        self.key_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.key_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.key_label.setWordWrap(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(self.font().pointSizeF() * 1.3)
        self.key_label.setFont(mono)
        self.save_button = QPushButton("&Save to a file…", self)
        self.save_button.setAccessibleName("Save the recovery key to a file")
        self.print_button = QPushButton("&Print…", self)
        self.print_button.setAccessibleName("Print the recovery key")
        self.confirm = QCheckBox("I have &written it down or saved it somewhere safe", self)
        self.confirm.setAccessibleName("I have written down the recovery key")
        self.continue_button = QPushButton("C&ontinue to my journal", self)
        self.continue_button.setAccessibleName("Continue to my journal")
        self.continue_button.setEnabled(False)
        self.message = QLabel(self)
        self.message.setAccessibleName("Recovery key message")
        self.message.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.print_button)
        row.addStretch(1)
        layout = narrow_column(self)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(self.key_label)
        layout.addLayout(row)
        layout.addWidget(self.confirm)
        layout.addWidget(self.message)
        layout.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

        self.confirm.toggled.connect(self.continue_button.setEnabled)
        self.continue_button.clicked.connect(self._finish)
        self.save_button.clicked.connect(lambda: self.save_to())
        self.print_button.clicked.connect(self.print_key)

    def show_key(self, recovery_key: str) -> None:
        """Put the key on screen (once)."""
        self._key = recovery_key
        self.key_label.setText(recovery_key)
        self.confirm.setChecked(False)
        self.message.clear()

    def save_to(self, path: Path | None = None) -> Path | None:
        """Write the key to a text file readable by the owner only."""
        if not self._key:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save the recovery key", str(Path.home() / "journal-recovery-key.txt"),
                "Text files (*.txt)",
            )
            if not chosen:
                return None
            path = Path(chosen)
        try:
            write_atomic(path, recovery_key_text(self._key).encode("utf-8"))
        except OSError as exc:
            self.message.setText(f"Could not save to {path}: {exc.strerror or exc}")
            return None
        self.message.setText(f"Saved to {path}. Keep that file somewhere private.")
        return path

    def print_key(self) -> None:
        """Print through the system dialog (loaded only when asked: start-up stays quick)."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            document = QTextDocument()
            document.setPlainText(recovery_key_text(self._key))
            document.print_(printer)
            self.message.setText("Sent to the printer.")

    def _finish(self) -> None:
        if not self.confirm.isChecked():
            return
        self._key = ""
        self.key_label.clear()
        self.done.emit()


class JournalSetup(QStackedWidget):
    """Choose a passphrase, create the keys, show the recovery key; then `finished`."""

    finished = Signal()

    def __init__(self, repo: JournalRepository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._repo = repo
        self.choose = ChoosePassphrase(self)
        self.recovery = RecoveryKeyPanel(self)
        self.addWidget(self.choose)
        self.addWidget(self.recovery)
        self.choose.create_button.clicked.connect(self.create_with_passphrase)
        self.choose.no_passphrase_button.clicked.connect(self.ask_no_passphrase)
        self.recovery.done.connect(self.finished)
        self.setFocusProxy(self.choose.passphrase)

    def create_with_passphrase(self) -> bool:
        """Check the two fields and set up the journal; a problem is one line on screen."""
        problem = self.choose.problem()
        if problem is not None:
            self.choose.message.setText(problem)
            self.choose.passphrase.setFocus()
            return False
        return self._create(self.choose.passphrase.text())

    def ask_no_passphrase(self) -> bool:
        """Warn first; set up without a passphrase only on an explicit yes."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Use no passphrase?",
                          "Your journal would not be protected by a passphrase.", parent=self)
        box.setObjectName("no-passphrase-warning")
        box.setInformativeText(NO_PASSPHRASE_WARNING)
        agree = box.addButton("Use &no passphrase", QMessageBox.ButtonRole.DestructiveRole)
        back = box.addButton("&Go back and choose one", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        if box.clickedButton() is not agree:
            self.choose.passphrase.setFocus()
            return False
        return self._create(None)

    def _create(self, passphrase: str | None) -> bool:
        try:
            with wait_cursor():
                recovery = self._repo.create_keyring(passphrase)
        except RepositoryError as exc:
            self.choose.message.setText(str(exc))
            return False
        self.choose.clear()
        self.recovery.show_key(recovery)
        self.setCurrentWidget(self.recovery)
        self.recovery.key_label.setFocus()
        return True
