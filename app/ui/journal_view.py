"""The journal page: set up, locked, or open (browser beside editor).

The open page is built after unlock and destroyed on lock, so while locked no widget holds
any entry text, title or tag. Before locking, unsaved work is kept as an encrypted draft and
offered back after the next unlock.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core import crypto
from app.core.clock import Clock, Scheduler
from app.core.journal import NEW_DRAFT, Draft, SearchIndex
from app.core.settings import DEFAULT_JOURNAL_LOCK_MINUTES
from app.storage import backups
from app.storage.db import DatabaseError
from app.storage.journal_repo import JournalRepository, RepositoryError, open_journal
from app.ui.idle_lock import IdleLock
from app.ui.journal_browser import JournalBrowser
from app.ui.journal_editor import JournalEditor, format_moment
from app.ui.journal_lock import JournalLock
from app.ui.journal_setup import JournalSetup

log = logging.getLogger(__name__)


class JournalOpenPage(QWidget):
    """Browser and editor side by side, with the page's own buttons above."""

    def __init__(
        self,
        repo: JournalRepository,
        index: SearchIndex,
        clock: Clock,
        scheduler: Scheduler,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.back_button = QPushButton("← &Back to the library", self)
        self.back_button.setAccessibleName("Back to the library")
        self.lock_button = QPushButton("&Lock journal", self)
        self.lock_button.setAccessibleName("Lock the journal now")
        self.notice = QLabel(self)
        self.notice.setObjectName("journal-notice")
        self.notice.setAccessibleName("Journal notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.browser = JournalBrowser(index, clock, self)
        self.editor = JournalEditor(repo, clock, scheduler, self)
        self.splitter = QSplitter(self)
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setChildrenCollapsible(False)
        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addStretch(1)
        bar.addWidget(self.lock_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.splitter, 1)

    def show_notice(self, text: str) -> None:
        """One line above the journal ('Notice:' says what it is, not a colour)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))


class JournalView(QStackedWidget):
    """Owns the repository for the window's lifetime; `back_requested` returns to the library."""

    back_requested = Signal()
    locked = Signal()
    opened = Signal()

    def __init__(
        self,
        db_path: Path,
        clock: Clock,
        scheduler: Scheduler,
        *,
        backup_dir: Path | None = None,
        kdf_params: crypto.KdfParams = crypto.DEFAULT_KDF,
        lock_minutes: float = DEFAULT_JOURNAL_LOCK_MINUTES,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("journal-view")
        self._clock = clock
        self._scheduler = scheduler
        self._backup_dir = backup_dir
        self.repo: JournalRepository | None = None
        self.index: SearchIndex | None = None
        self.open_page: JournalOpenPage | None = None
        self.setup: JournalSetup | None = None
        self.lock_page: JournalLock | None = None
        self.idle = IdleLock(clock, scheduler, lock_minutes, self)
        self.idle.lock_requested.connect(self.lock)
        self.problem = QLabel(self)
        self.problem.setObjectName("journal-problem")
        self.problem.setAccessibleName("Journal problem")
        self.problem.setWordWrap(True)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.problem)
        try:
            self.repo = open_journal(db_path, clock, backup_dir=backup_dir, kdf_params=kdf_params)
        except (DatabaseError, RepositoryError, OSError) as exc:
            self.problem.setText(f"The journal cannot be opened: {exc}")
            return
        except Exception as exc:  # a failed migration must not take the app down
            log.warning("journal did not open: %s", type(exc).__name__)
            self.problem.setText(f"The journal cannot be opened: {exc}")
            return
        self.lock_page = JournalLock(self.repo, clock, scheduler, self)
        self.lock_page.unlocked.connect(self._open)
        self.lock_page.back_button.clicked.connect(self.back_requested)
        self.addWidget(self.lock_page)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.close_journal)
        if self.repo.has_keyring():
            self._show_locked()
        else:
            self.setup = JournalSetup(self.repo, self)
            self.setup.finished.connect(self._setup_done)
            self.setup.choose.back_button.clicked.connect(self.back_requested)
            self.addWidget(self.setup)
            self.setCurrentWidget(self.setup)

    # ----- state -----
    @property
    def state(self) -> str:
        """'problem', 'setup', 'locked' or 'open' (for tests and the window's menus)."""
        current = self.currentWidget()
        if current is self.problem:
            return "problem"
        if current is self.setup:
            return "setup"
        if current is self.lock_page:
            return "locked"
        return "open"

    @property
    def editor(self) -> JournalEditor | None:
        """The editor while open."""
        return None if self.open_page is None else self.open_page.editor

    @property
    def browser(self) -> JournalBrowser | None:
        """The browser while open."""
        return None if self.open_page is None else self.open_page.browser

    def set_lock_minutes(self, minutes: float) -> None:
        """Apply a changed journal_lock_minutes setting."""
        self.idle.set_minutes(minutes)

    def focus_first(self) -> None:
        """Put the cursor where the person will type first on this page."""
        if self.state == "locked" and self.lock_page is not None:
            self.lock_page.focus_first_field()
        elif self.state == "setup" and self.setup is not None:
            self.setup.choose.passphrase.setFocus()
        elif self.open_page is not None:
            self.open_page.editor.body.setFocus()

    # ----- transitions -----
    def _setup_done(self) -> None:
        setup, self.setup = self.setup, None
        if setup is not None:
            self.removeWidget(setup)
            setup.deleteLater()
        self._open()

    def _show_locked(self) -> None:
        assert self.repo is not None and self.lock_page is not None
        if self.repo.is_passphrase_free():
            # Nothing to type: open straight away (the choice was made with a warning).
            try:
                self.repo.unlock(None)
            except crypto.CryptoError as exc:
                self.problem.setText(f"The journal cannot be opened: {exc}")
                self.setCurrentWidget(self.problem)
                return
            self._open()
            return
        self.lock_page.set_recovery_mode(False)
        self.setCurrentWidget(self.lock_page)
        self.lock_page.focus_first_field()

    def _open(self) -> None:
        repo = self.repo
        assert repo is not None
        entries = repo.list_entries(skip_damaged=True)
        damaged = repo.entry_count() - len(entries)
        self.index = SearchIndex(entries)
        page = JournalOpenPage(repo, self.index, self._clock, self._scheduler, self)
        page.back_button.clicked.connect(self.back_requested)
        page.lock_button.clicked.connect(self.idle.lock_now)
        page.browser.open_requested.connect(self.open_entry)
        page.browser.new_requested.connect(self.new_entry)
        page.editor.saved.connect(page.browser.entry_saved)
        page.lock_button.setVisible(not repo.is_passphrase_free())
        self.open_page = page
        self.addWidget(page)
        self.setCurrentWidget(page)
        notes: list[str] = []
        if damaged:
            notes.append(
                f"Notice: {damaged} entries could not be read and are not listed. "
                "Run 'journal verify' for details; nothing has been deleted."
            )
        if repo.is_passphrase_free():
            notes.append("Notice: this journal has no passphrase; anyone using this account "
                         "can read it.")
        notes.append(self._restore_drafts(page))
        notes.append(self._daily_backup(repo))
        page.show_notice(" ".join(n for n in notes if n))
        if not repo.is_passphrase_free():
            self.idle.arm()
        page.editor.body.setFocus()
        self.opened.emit()

    def _restore_drafts(self, page: JournalOpenPage) -> str:
        """After a crash or a lock, put the newest unsaved draft back in the editor."""
        assert self.repo is not None
        try:
            drafts = self.repo.list_drafts()
        except RepositoryError as exc:
            return f"Notice: an unsaved draft could not be read ({exc})."
        if not drafts:
            return ""
        draft = drafts[0]
        self._load_draft(page, draft)
        others = len(drafts) - 1
        if others:
            return (f"{others} more unsaved drafts are waiting; each comes back when you "
                    "open its entry.")
        return ""

    def _load_draft(self, page: JournalOpenPage, draft: Draft) -> None:
        note = (f"Restored unsaved writing from {format_moment(draft.saved_at)}. "
                "Save to keep it as the entry.")
        page.editor.load(draft.entry, is_new=draft.is_new, note=note)
        page.editor.mark_unsaved()

    def _daily_backup(self, repo: JournalRepository) -> str:
        if self._backup_dir is None:
            return ""
        try:
            backups.daily_backup(repo.connection, self._backup_dir, self._clock)
        except backups.BackupError as exc:
            return f"Notice: today's backup was not made: {exc}"
        return ""

    def open_entry(self, entry_id: str) -> bool:
        """Show an entry; unsaved writing in the editor is saved first, so nothing is lost."""
        page, repo = self.open_page, self.repo
        if page is None or repo is None:
            return False
        editor = page.editor
        if not editor.is_new and editor.entry.id == entry_id:
            return True
        if not self._leave_current(page):
            return False
        try:
            draft = repo.load_draft(entry_id)
            if draft is not None:
                self._load_draft(page, draft)
            else:
                editor.load(repo.get_entry(entry_id), is_new=False)
        except RepositoryError as exc:
            editor.status.setText(f"That entry cannot be opened: {exc}")
            return False
        return True

    def new_entry(self) -> bool:
        """An empty entry; the one on screen is saved first if it has unsaved writing."""
        page = self.open_page
        if page is None or not self._leave_current(page):
            return False
        page.editor.start_new()
        page.editor.title.setFocus()
        return True

    def _leave_current(self, page: JournalOpenPage) -> bool:
        editor = page.editor
        if not editor.has_unsaved_changes or (editor.is_new and editor.is_blank()):
            if editor.is_new:
                self._drop_new_draft()
            return True
        return editor.save()  # on failure the status line says why and the text stays

    def _drop_new_draft(self) -> None:
        if self.repo is None:
            return
        with contextlib.suppress(RepositoryError):  # a blank leftover is harmless
            self.repo.discard_draft(NEW_DRAFT)

    def lock(self) -> None:
        """Keep a draft, forget the key, and destroy every widget that showed content."""
        if self.repo is None or self.state in ("setup", "problem"):
            return
        if self.repo.is_passphrase_free():
            return  # nothing to unlock with; the choice was made with a warning
        self.idle.disarm()
        page, self.open_page = self.open_page, None
        if page is not None:
            page.editor.shutdown()
            page.editor.forget()
            page.browser.forget()
            self.removeWidget(page)
            page.hide()
            page.setParent(None)  # out of the window now; deleted once this signal returns
            page.deleteLater()
        self.index = None
        self.repo.lock()
        self._show_locked()
        self.locked.emit()

    def close_journal(self) -> None:
        """On quit: keep unsaved work as a draft, lock, and close the database."""
        if self.repo is None:
            return
        if self.open_page is not None:
            self.open_page.editor.shutdown()
        self.idle.disarm()
        if self.lock_page is not None:
            self.lock_page.cancel_pending()
        self.repo.lock()
        self.repo.connection.close()
        self.repo = None
