"""The locked journal: a passphrase field and nothing else of the journal, not even titles.

Wrong passphrases get a clear message; after a few, each further try waits a little longer
(UnlockThrottle, on the monotonic clock). The recovery key route also asks for a new
passphrase, because whoever needs it has usually forgotten the old one.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.core import crypto
from app.core.clock import Cancellable, Clock, Scheduler
from app.storage.journal_repo import JournalRepository, RepositoryError
from app.ui.journal_setup import MIN_LENGTH, narrow_column, passphrase_hint, wait_cursor
from app.ui.page_heading import page_heading


class JournalLock(QWidget):
    """Unlock by passphrase, or reset the passphrase with the recovery key; then `unlocked`."""

    unlocked = Signal()

    def __init__(
        self,
        repo: JournalRepository,
        clock: Clock,
        scheduler: Scheduler,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._repo = repo
        self._clock = clock
        self._scheduler = scheduler
        self._throttle = crypto.UnlockThrottle()
        self._wait_handle: Cancellable | None = None
        self._recovery_mode = False

        self.heading = page_heading("Your journal is locked", self)
        self.explain = QLabel(self)
        self.explain.setWordWrap(True)

        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setObjectName("lock-passphrase")
        self.passphrase_label = QLabel("&Passphrase:", self)
        self.passphrase_label.setBuddy(self.passphrase)

        self.recovery_key = QLineEdit(self)
        self.recovery_key.setAccessibleName("Recovery key")
        self.recovery_key.setObjectName("lock-recovery-key")
        self.recovery_key.setPlaceholderText("XXXX-XXXX-… (14 groups of 4)")
        self.new_passphrase = QLineEdit(self)
        self.new_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_passphrase.setAccessibleName("New passphrase")
        self.new_repeat = QLineEdit(self)
        self.new_repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_repeat.setAccessibleName("New passphrase again")

        self.message = QLabel(self)
        self.message.setObjectName("lock-message")
        self.message.setAccessibleName("Unlock message")
        self.message.setWordWrap(True)
        self.unlock_button = QPushButton("&Unlock", self)
        self.unlock_button.setAccessibleName("Unlock the journal")
        self.unlock_button.setDefault(True)
        self.mode_button = QPushButton(self)
        self.mode_button.setObjectName("recovery-toggle")

        self.form = QFormLayout()
        self.form.addRow(self.passphrase_label, self.passphrase)
        key_label = QLabel("&Recovery key:", self)
        key_label.setBuddy(self.recovery_key)
        self.form.addRow(key_label, self.recovery_key)
        new_label = QLabel("&New passphrase:", self)
        new_label.setBuddy(self.new_passphrase)
        self.form.addRow(new_label, self.new_passphrase)
        again_label = QLabel("&Again:", self)
        again_label.setBuddy(self.new_repeat)
        self.form.addRow(again_label, self.new_repeat)
        buttons = QHBoxLayout()
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        buttons.addWidget(self.mode_button)
        self.back_button = QPushButton("← &Back to the library", self)
        self.back_button.setAccessibleName("Back to the library")
        layout = narrow_column(self)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.heading)
        layout.addWidget(self.explain)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.unlock_button.clicked.connect(self.attempt)
        self.passphrase.returnPressed.connect(self.attempt)
        self.new_repeat.returnPressed.connect(self.attempt)
        self.mode_button.clicked.connect(lambda: self.set_recovery_mode(not self._recovery_mode))
        self.set_recovery_mode(False)

    @property
    def recovery_mode(self) -> bool:
        """True while the recovery-key fields are shown."""
        return self._recovery_mode

    def set_recovery_mode(self, on: bool) -> None:
        """Switch between the passphrase and the recovery-key route."""
        self._recovery_mode = on
        self.form.setRowVisible(self.passphrase, not on)
        for field in (self.recovery_key, self.new_passphrase, self.new_repeat):
            self.form.setRowVisible(field, on)
        if on:
            self.explain.setText(
                "Type the recovery key you saved when you set up the journal, then choose a "
                "new passphrase. Spaces, dashes and capitals do not matter."
            )
            self.mode_button.setText("Use my &passphrase instead")
            self.mode_button.setAccessibleName("Use my passphrase instead")
            self.unlock_button.setText("&Unlock and set passphrase")
        else:
            self.explain.setText("Type your passphrase to open it.")
            self.mode_button.setText("Forgotten it? Use the &recovery key")
            self.mode_button.setAccessibleName("Use the recovery key")
            self.unlock_button.setText("&Unlock")
        self.message.clear()
        self.reset_fields()
        self.focus_first_field()

    def focus_first_field(self) -> None:
        """Put the cursor where typing should start."""
        (self.recovery_key if self._recovery_mode else self.passphrase).setFocus()

    def reset_fields(self) -> None:
        """Empty every field (after unlocking, or when switching routes)."""
        for field in (self.passphrase, self.recovery_key, self.new_passphrase, self.new_repeat):
            field.clear()

    def attempt(self) -> bool:
        """Try the route on screen; return True when the journal is now unlocked."""
        wait = self._throttle.wait_seconds(self._clock)
        if wait > 0:
            self._show_wait(wait)
            return False
        try:
            ok = self._attempt_recovery() if self._recovery_mode else self._attempt_passphrase()
        except (crypto.CryptoError, RepositoryError) as exc:  # damaged file, either route
            self.message.setText(f"The journal could not be opened: {exc}")
            return False
        if ok:
            self._throttle = self._throttle.succeeded()
            self.message.clear()
            self.reset_fields()
            self.unlocked.emit()
        return ok

    def _attempt_passphrase(self) -> bool:
        passphrase = self.passphrase.text()
        if not passphrase:
            self.message.setText("Type your passphrase first.")
            return False
        try:
            with wait_cursor():
                self._repo.unlock(passphrase)
        except crypto.WrongPassphrase:
            self._failed("That passphrase is not the right one. Check Caps Lock and try again.")
            self.passphrase.selectAll()
            return False
        return True

    def _attempt_recovery(self) -> bool:
        new, again = self.new_passphrase.text(), self.new_repeat.text()
        if not self.recovery_key.text().strip():
            self.message.setText("Type your recovery key first.")
            return False
        if len(new) < MIN_LENGTH:
            self.message.setText(
                f"Choose a new passphrase of at least {MIN_LENGTH} characters. "
                + passphrase_hint(new)
            )
            return False
        if new != again:
            self.message.setText("The two new passphrases are different. Type the same one twice.")
            return False
        try:
            with wait_cursor():
                self._repo.reset_passphrase_with_recovery(self.recovery_key.text(), new)
        except crypto.InvalidRecoveryKey as exc:
            self.message.setText(str(exc))  # a typo: no penalty, the checksum caught it
            return False
        except crypto.WrongRecoveryKey:
            self._failed("That recovery key belongs to a different journal.")
            return False
        return True

    def _failed(self, text: str) -> None:
        self._throttle = self._throttle.failed(self._clock)
        wait = self._throttle.wait_seconds(self._clock)
        if wait > 0:
            self._show_wait(wait, prefix=text)
        else:
            self.message.setText(text)

    def _show_wait(self, seconds: float, prefix: str = "") -> None:
        whole = math.ceil(seconds)
        unit = "second" if whole == 1 else "seconds"
        lead = f"{prefix} " if prefix else ""
        self.message.setText(f"{lead}After several tries, please wait {whole} {unit}.")
        self.unlock_button.setEnabled(False)
        if self._wait_handle is not None:
            self._wait_handle.cancel()
        self._wait_handle = self._scheduler.call_later(seconds, self._wait_over)

    def _wait_over(self) -> None:
        self._wait_handle = None
        self.unlock_button.setEnabled(True)
        self.message.setText("You can try again now.")
        self.focus_first_field()

    def cancel_pending(self) -> None:
        """Drop the wait timer (the page is going away)."""
        if self._wait_handle is not None:
            self._wait_handle.cancel()
            self._wait_handle = None
