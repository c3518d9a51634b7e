"""The journal page: set up, locked, or open (browser beside editor).

The open page is built after unlock and destroyed on lock, so while locked no widget holds
any entry text, title or tag. Before locking, unsaved work is kept as an encrypted draft and
offered back after the next unlock.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
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
from app.core.journal_export import ExportError
from app.core.settings import DEFAULT_JOURNAL_LOCK_MINUTES
from app.core.time_text import moment_text
from app.storage import backups
from app.storage.db import DatabaseError
from app.storage.journal_repo import JournalRepository, RepositoryError, open_journal
from app.ui.idle_lock import IdleLock
from app.ui.journal_browser import JournalBrowser
from app.ui.journal_editor import JournalEditor
from app.ui.journal_export_dialog import (
    NOT_ENCRYPTED,
    ExportDialog,
    RestoreDialog,
    ask_destination,
    pick_entries,
    write_export,
)
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
        self.export_button = QPushButton("E&xport…", self)
        self.export_button.setAccessibleName("Export entries to a file (not encrypted)")
        self.restore_button = QPushButton("&Restore from backup…", self)
        self.restore_button.setAccessibleName("Restore the journal from a backup")
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
        bar.addWidget(self.export_button)
        bar.addWidget(self.restore_button)
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
        self._db_path = db_path
        self._kdf_params = kdf_params
        self.repo: JournalRepository | None = None
        self.index: SearchIndex | None = None
        self.open_page: JournalOpenPage | None = None
        self.setup: JournalSetup | None = None
        self.lock_page: JournalLock | None = None
        self.idle = IdleLock(clock, scheduler, lock_minutes, self)
        self.idle.lock_requested.connect(self.lock)
        self.problem_page = QWidget(self)
        self.problem = QLabel(self.problem_page)
        self.problem.setObjectName("journal-problem")
        self.problem.setAccessibleName("Journal problem")
        self.problem.setWordWrap(True)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.restore_newest_button = QPushButton("Restore the &newest good backup",
                                                 self.problem_page)
        self.restore_newest_button.setAccessibleName(
            "Restore the newest good backup; the damaged file is kept")
        self.restore_newest_button.clicked.connect(self.restore_newest)
        self.problem_restore_button = QPushButton("&Choose a backup…", self.problem_page)
        self.problem_restore_button.setAccessibleName("Choose a backup to restore")
        self.problem_restore_button.clicked.connect(self.ask_restore)
        self.problem_back_button = QPushButton("← &Back to the library", self.problem_page)
        self.problem_back_button.setAccessibleName("Back to the library")
        self.problem_back_button.clicked.connect(self.back_requested)
        problem_layout = QVBoxLayout(self.problem_page)
        problem_layout.addStretch(1)
        problem_layout.addWidget(self.problem)
        for button in (self.restore_newest_button, self.problem_restore_button,
                       self.problem_back_button):
            problem_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        problem_layout.addStretch(1)
        self.addWidget(self.problem_page)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.close_journal)
        self._start()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.setCurrentWidget(self.problem_page)

    def _start(self) -> None:
        """Open the file and show set-up or the lock page; on failure, the problem page."""
        try:
            self.repo = open_journal(self._db_path, self._clock, backup_dir=self._backup_dir,
                                     kdf_params=self._kdf_params)
        except (DatabaseError, RepositoryError, OSError) as exc:
            self._show_problem(f"The journal cannot be opened: {exc}")
            return
        except Exception as exc:  # a failed migration must not take the app down
            log.warning("journal did not open: %s", type(exc).__name__)
            self._show_problem(f"The journal cannot be opened: {exc}")
            return
        self.lock_page = JournalLock(self.repo, self._clock, self._scheduler, self)
        self.lock_page.unlocked.connect(self._open)
        self.lock_page.back_button.clicked.connect(self.back_requested)
        self.addWidget(self.lock_page)
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
        if current is self.problem_page:
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
        elif self.state == "problem":
            self.restore_newest_button.setFocus()
        elif self.open_page is not None:
            self.open_page.editor.body.setFocus()

    # ----- transitions -----
    def _setup_done(self) -> None:
        setup, self.setup = self.setup, None
        if setup is not None:
            self._discard(setup)
        self._open()

    def _show_locked(self) -> None:
        assert self.repo is not None and self.lock_page is not None
        if self.repo.is_passphrase_free():
            # Nothing to type: open straight away (the choice was made with a warning).
            try:
                self.repo.unlock(None)
            except crypto.CryptoError as exc:
                self._show_problem(f"The journal cannot be opened: {exc}")
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
        page.export_button.clicked.connect(self.ask_export)
        page.restore_button.clicked.connect(self.ask_restore)
        page.browser.open_requested.connect(self.open_entry)
        page.browser.new_requested.connect(self.new_entry)
        page.editor.saved.connect(page.browser.entry_saved)
        passphrase_free = repo.is_passphrase_free()
        page.lock_button.setVisible(not passphrase_free)
        self.open_page = page
        self.addWidget(page)
        self.setCurrentWidget(page)
        notes: list[str] = []
        if damaged:
            notes.append(
                f"Notice: {damaged} entries could not be read and are not listed. "
                "Run 'journal verify' for details; nothing has been deleted."
            )
        if passphrase_free:
            notes.append("Notice: this journal has no passphrase; anyone using this account "
                         "can read it.")
        notes.append(self._restore_drafts(page))
        notes.append(self._daily_backup(repo))
        page.show_notice(" ".join(n for n in notes if n))
        if not passphrase_free:
            self.idle.arm()
        page.editor.body.setFocus()

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
        note = (f"Restored unsaved writing from {moment_text(draft.saved_at)}. "
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
        if not editor.has_work_to_keep():
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
            page.editor.save_draft_now()
            page.editor.forget()
            page.browser.forget()
            self._discard(page)
        self.index = None
        self.repo.lock()
        self._show_locked()

    def close_journal(self) -> None:
        """On quit: keep unsaved work as a draft, lock, and close the database."""
        if self.repo is None:
            return
        if self.open_page is not None:
            self.open_page.editor.save_draft_now()
        self.idle.disarm()
        if self.lock_page is not None:
            self.lock_page.cancel_pending()
        self.repo.lock()
        self.repo.connection.close()
        self.repo = None

    # ----- export and restore -----
    def _notify(self, text: str) -> None:
        """Say how an export or restore went: the open page's notice, else the problem text."""
        if self.open_page is not None:
            self.open_page.show_notice(text)
        elif self.state == "locked" and self.lock_page is not None:
            self.lock_page.message.setText(text)
        else:
            self.problem.setText(text)

    def export_to(self, path: Path, fmt: str, scope: str = "all", *,
                  since: date | None = None, until: date | None = None) -> bool:
        """Export entries with the command line's exporters; the notice says how it went."""
        page, repo = self.open_page, self.repo
        if page is None or repo is None:
            return False
        editor = page.editor
        if editor.has_work_to_keep() and not editor.save():
            page.show_notice("Notice: nothing was exported; the entry on screen could not "
                             "be saved first (see its status line).")
            return False
        entry_id = None if editor.is_new else editor.entry.id
        zone = self._clock.now().tzinfo
        assert zone is not None  # Clock.now() is aware by contract
        try:
            entries = pick_entries(repo.list_entries(), scope, zone, entry_id=entry_id,
                                   since=since, until=until)
            if not entries:
                page.show_notice("Notice: no entries to export for that choice; nothing was "
                                 "written.")
                return False
            written = write_export(entries, path, fmt, self._clock.now())
        except (ExportError, RepositoryError, ValueError) as exc:
            page.show_notice(f"Notice: the export failed: {exc}")
            return False
        except OSError as exc:
            page.show_notice(f"Notice: could not write {path}: {exc.strerror or exc}")
            return False
        count = f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'}"
        page.show_notice(f"Exported {count} to {written}. {NOT_ENCRYPTED}")
        return True

    def ask_export(self) -> bool:
        """The Export… button: what, which format, then where (the native save dialog)."""
        page = self.open_page
        if page is None:
            return False
        dialog = ExportDialog(self._clock.now().date(), has_entry=not page.editor.is_new,
                              parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        fmt, scope = str(dialog.format.currentData()), str(dialog.scope.currentData())
        since, until = dialog.chosen_range()
        suggested = f"journal-{self._clock.now().date().isoformat()}"
        path = ask_destination(self, fmt, suggested)
        if path is None:
            return False
        return self.export_to(path, fmt, scope, since=since, until=until)

    def restore_from(self, backup: Path) -> bool:
        """Put `backup` in place of the journal (the current file kept aside), then reopen."""
        if self._backup_dir is None:
            return False
        self.close_journal()  # unsaved writing kept as a draft in the old file
        self._drop_pages()
        try:
            kept = backups.restore(backup, self._db_path, self._clock)
        except backups.BackupError as exc:
            self._start()
            self._notify(f"Notice: nothing was restored: {exc}")
            return False
        log.info("journal: restored from %s", backup.name)
        self._start()
        aside = f" The journal it replaced was kept as {kept.name}." if kept else ""
        self._notify(f"Restored the journal from {backup.name}.{aside}")
        self.focus_first()
        return self.state in ("locked", "open", "setup")

    def restore_newest(self) -> bool:
        """The problem page's button: the newest backup that checks out, as the CLI picks."""
        if self._backup_dir is None:
            return False
        newest = backups.newest_good_backup(self._backup_dir)
        if newest is None:
            self._notify(f"No backup that checks out in {self._backup_dir}; nothing was changed.")
            return False
        return self.restore_from(newest)

    def ask_restore(self) -> bool:
        """Restore from backup…: the backups newest first; the chosen one replaces the journal."""
        if self._backup_dir is None:
            return False
        dialog = RestoreDialog(backups.list_backups(self._backup_dir), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        chosen = dialog.chosen()
        return chosen is not None and self.restore_from(chosen)

    def _drop_pages(self) -> None:
        """Remove the lock, set-up and open pages before the file is swapped underneath."""
        pages = [self.open_page, self.lock_page, self.setup]
        self.open_page = self.lock_page = self.setup = None
        self.index = None
        self.setCurrentWidget(self.problem_page)
        for page in pages:
            if page is not None:
                self._discard(page)

    def _discard(self, page: QWidget) -> None:
        """Take a page out of the window now; Qt deletes it once the current signal returns."""
        self.removeWidget(page)
        page.hide()
        page.setParent(None)
        page.deleteLater()
