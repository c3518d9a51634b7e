"""The main window: the practice library, its menus, and notices about skipped files."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.core.clock import Clock, SystemClock
from app.core.practices import ME_SPACE_ID, Practice
from app.core.settings import Appearance, Settings, Voice
from app.ui.library_view import LibraryView

if TYPE_CHECKING:  # imported when Start is pressed, not at start-up
    from PySide6.QtGui import QAction, QKeySequence

    from app.audio.narration import Narration
    from app.core.practice_loader import PracticeFileError
    from app.core.reminders import BankHolidaySource
    from app.core.session import SessionRecord
    from app.platform.resources import Resources
    from app.storage.history_repo import HistoryItem, HistoryRepository
    from app.ui.history_view import HistoryView
    from app.ui.journal_view import JournalView
    from app.ui.player_view import PlayerView
    from app.ui.qt_scheduler import QtScheduler
    from app.ui.record_voice_dialog import RecordVoiceDialog
    from app.ui.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)
TEXT_STEP = 0.1


class NoticeBar(QFrame):
    """A plain-text notice with a 'Details' button; the word 'Notice' says what it is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice-bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.details_button = QPushButton("&Details…", self)
        self.dismiss_button = QPushButton("Dis&miss", self)
        self.dismiss_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.details_button)
        layout.addWidget(self.dismiss_button)
        self.setAccessibleName("Notice")
        self.hide()

    def show_text(self, text: str) -> None:
        """Show a notice; screen readers get the same text as the name of the bar."""
        self.label.setText(text)
        self.setAccessibleDescription(text)
        self.show()


class MainWindow(QMainWindow):
    """Library and menus; emits `settings_changed` so the application can save and apply."""

    settings_changed = Signal(object)  # Settings
    session_finished = Signal(object)  # SessionRecord

    def __init__(
        self,
        practices: Sequence[Practice],
        skipped: Sequence[PracticeFileError],
        settings: Settings,
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
        history_path: Path | None = None,
        journal_path: Path | None = None,
        voice_data_dir: Path | None = None,
        resources: Resources | None = None,
        bank_holidays: Callable[[], BankHolidaySource] | None = None,
        fill_menus: bool = True,
    ) -> None:
        """`bank_holidays` gives the settings dialog its dates (the holidays package if None).

        `fill_menus=False` leaves the menus' items to `fill_menus()`, called once the window
        has painted: the titles are there from the start.
        """
        super().__init__(parent)
        self._bank_holidays = bank_holidays
        self._resources = resources  # None: found on first use (bells, recordings)
        self._clock: Clock = clock or SystemClock()
        self._history_path = history_path
        self._history: HistoryRepository | None = None  # opened on first use: fast start-up
        self.history_view: HistoryView | None = None
        self._journal_path = journal_path
        self._voice_data_dir = voice_data_dir  # where own-voice recordings live (data_dir)
        self._me_space_practice = next((p for p in practices if p.id == ME_SPACE_ID), None)
        self.journal_view: JournalView | None = None  # opened on first Ctrl+J: fast start-up
        self.player: PlayerView | None = None
        self._player_scheduler: QtScheduler | None = None
        self.setWindowTitle(APP_NAME)
        self.setObjectName("main-window")
        self._settings = settings
        self._skipped = tuple(skipped)
        self.library = LibraryView(practices, self)
        self.notice = NoticeBar(self)
        self.notice.details_button.clicked.connect(self.show_skipped_details)

        library_page = QWidget(self)
        layout = QVBoxLayout(library_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice)
        layout.addWidget(self.library, 1)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(library_page)
        self.setCentralWidget(self.pages)
        self.library.detail.save_guide_requested.connect(self.save_guide)
        self.library.detail.start_requested.connect(self.start_practice)
        # The titles are in the first paint; the items, their shortcuts and the QAction and
        # QKeySequence types (whose enums take a few ms to build) may come just after it.
        self.file_menu = self.menuBar().addMenu("&File")
        self.view_menu = self.menuBar().addMenu("&View")
        self.help_menu = self.menuBar().addMenu("&Help")
        self.menus_filled = False
        if fill_menus:
            self.fill_menus()
        self.statusBar()  # for notices; the library shows its own count ("11 practices shown")
        if self._skipped:
            self.notice.show_text(self._skipped_summary())
        self.resize(1100, 720)

    @property
    def settings(self) -> Settings:
        """The settings as this window last applied them."""
        return self._settings

    # ----- menus -----
    def fill_menus(self) -> None:
        """Put the items in the menus (once)."""
        if self.menus_filled:
            return
        self.menus_filled = True
        from PySide6.QtGui import QAction, QActionGroup, QKeySequence

        file_menu = self.file_menu
        self.save_guide_action = self._action(
            "Save facilitator &guide as PDF…", QKeySequence("Ctrl+Shift+S"),
            lambda: self.save_guide(self.library.detail.practice),
        )
        file_menu.addAction(self.save_guide_action)
        file_menu.addSeparator()
        self.settings_action = self._action("S&ettings…", None, self.open_settings)
        self.settings_action.setShortcuts(  # Ctrl+, where the platform names no key
            QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
            or [QKeySequence("Ctrl+,")])
        file_menu.addAction(self.settings_action)
        self.record_voice_action = self._action("Record Me Space in my own &voice…", None,
                                                self.record_own_voice)
        self.record_voice_action.setEnabled(
            self._voice_data_dir is not None and self._me_space_practice is not None)
        file_menu.addAction(self.record_voice_action)
        self.export_journal_action = self._action("E&xport journal…", None,
                                                  self._export_journal)
        file_menu.addAction(self.export_journal_action)
        self.restore_journal_action = self._action("Restore journal from &backup…", None,
                                                   self._restore_journal)
        file_menu.addAction(self.restore_journal_action)
        self._update_journal_actions()
        file_menu.addSeparator()
        # With a tray, closing the window only hides it; the application rewires this to quit.
        self.quit_action = self._action("&Quit", QKeySequence(QKeySequence.StandardKey.Quit),
                                        self.close)
        file_menu.addAction(self.quit_action)

        view_menu = self.view_menu
        view_menu.addAction(self._action("&Find a practice", QKeySequence.StandardKey.Find,
                                         self.focus_search))
        self.history_action = self._action("Practice &history", QKeySequence("Ctrl+H"),
                                           self.show_history)
        self.history_action.setEnabled(self._history_path is not None)
        view_menu.addAction(self.history_action)
        self.journal_action = self._action("&Write in my journal", QKeySequence("Ctrl+J"),
                                           self.show_journal)
        self.journal_action.setEnabled(self._journal_path is not None)
        view_menu.addAction(self.journal_action)
        self.lock_journal_action = self._action("Loc&k my journal", QKeySequence("Ctrl+Shift+L"),
                                                self.lock_journal)
        self.lock_journal_action.setEnabled(self._journal_path is not None)
        view_menu.addAction(self.lock_journal_action)
        view_menu.addSeparator()
        view_menu.addAction(self._action("&Larger text", QKeySequence("Ctrl+="),
                                         lambda: self.change_text_scale(TEXT_STEP)))
        view_menu.addAction(self._action("&Smaller text", QKeySequence("Ctrl+-"),
                                         lambda: self.change_text_scale(-TEXT_STEP)))
        view_menu.addAction(self._action("&Normal text size", QKeySequence("Ctrl+0"),
                                         lambda: self.change_text_scale(0.0)))
        view_menu.addSeparator()
        appearance_menu = view_menu.addMenu("&Appearance")
        group = QActionGroup(self)
        self.appearance_actions: dict[Appearance, QAction] = {}
        for choice, label in ((Appearance.SYSTEM, "Follow the &system"),
                              (Appearance.LIGHT, "&Light"), (Appearance.DARK, "&Dark")):
            action = QAction(label, self, checkable=True)
            action.setChecked(self._settings.appearance == choice)
            action.triggered.connect(lambda _c=False, a=choice: self.set_appearance(a))
            group.addAction(action)
            appearance_menu.addAction(action)
            self.appearance_actions[choice] = action
        self.screen_menu = view_menu.addMenu("Full screen &facilitator view on")
        # Filled as it opens (screens come and go), not at start-up.
        self.screen_menu.aboutToShow.connect(self._fill_screen_menu)

        help_menu = self.help_menu
        self.skipped_action = self._action("Practice files &skipped…", None,
                                           self.show_skipped_details)
        self.skipped_action.setEnabled(bool(self._skipped))
        help_menu.addAction(self.skipped_action)
        help_menu.addAction(self._action("&About", None, self.show_about))
        self.library.selection_changed.connect(self._update_actions)
        self._update_actions(self.library.detail.practice)

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | None,
                slot: Callable[[], object]) -> QAction:
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction(text, self)
        # setShortcuts, not setShortcut: the latter's overloads make PySide6 build all of
        # the Qt namespace's enums (about 20 ms) before the first paint.
        if isinstance(shortcut, QKeySequence):
            action.setShortcuts([shortcut])
        elif shortcut is not None:
            action.setShortcuts(shortcut)  # a standard key: every binding the platform has
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _fill_screen_menu(self) -> None:
        """The connected screens, by name, re-read each time (projectors come and go)."""
        from PySide6.QtGui import QAction, QActionGroup, QGuiApplication

        from app.ui.facilitator_screen import screen_label

        self.screen_menu.clear()
        group = QActionGroup(self.screen_menu)
        choices = [("", "The screen this window is on")]
        # A screen without a name cannot be found again next time, so it is not offered.
        choices += [(s.name(), screen_label(s)) for s in QGuiApplication.screens() if s.name()]
        if self._settings.facilitator_screen and all(
            name != self._settings.facilitator_screen for name, _ in choices
        ):
            choices.append((self._settings.facilitator_screen,
                            f"{self._settings.facilitator_screen} (not connected)"))
        for name, label in choices:
            action = QAction(label, self.screen_menu, checkable=True)
            action.setChecked(self._settings.facilitator_screen == name)
            action.triggered.connect(lambda _c=False, n=name: self.set_facilitator_screen(n))
            group.addAction(action)
            self.screen_menu.addAction(action)

    def set_facilitator_screen(self, name: str) -> None:
        """Remember which screen F11 fills in the player (saved with the settings)."""
        self._apply(replace(self._settings, facilitator_screen=name))

    def _update_actions(self, practice: Practice | None) -> None:
        self.save_guide_action.setEnabled(practice is not None and practice.is_facilitated)

    # ----- behaviour -----
    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the search box."""
        self.library.search.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.library.search.selectAll()

    def change_text_scale(self, delta: float) -> None:
        """Larger/smaller text; 0 resets to the system size."""
        scale = 1.0 if delta == 0 else self._settings.text_scale + delta
        self._apply(self._settings.with_text_scale(scale))

    def set_appearance(self, appearance: Appearance) -> None:
        """Light, dark, or follow the system."""
        self._apply(replace(self._settings, appearance=appearance))

    def record_own_voice(self) -> RecordVoiceDialog | None:
        """Record Me Space's script; choosing the result sets me_space_voice to OWN."""
        practice = self._me_space_practice
        if self._voice_data_dir is None or practice is None:
            return None
        from app.ui.record_voice_dialog import RecordVoiceDialog

        dialog = RecordVoiceDialog(practice, self._voice_data_dir, parent=self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.voice_chosen.connect(
            lambda _audio, _captions: self._apply(replace(self._settings,
                                                          me_space_voice=Voice.OWN)))
        dialog.open()
        return dialog

    def open_settings(self) -> SettingsDialog:
        """The Settings window, one at a time; what it applies goes out as settings_changed."""
        from app.ui.settings_dialog import SettingsDialog

        existing = self.findChild(SettingsDialog, "settings-dialog")
        if existing is not None and existing.isVisible():
            existing.activateWindow()
            return existing
        holidays = self._bank_holidays() if self._bank_holidays is not None else None
        dialog = SettingsDialog(self._settings, clock=self._clock, holidays=holidays,
                                parent=self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settings_applied.connect(self._apply_from_dialog)
        dialog.show()
        return dialog

    def _apply_from_dialog(self, settings: Settings) -> None:
        self.appearance_actions[settings.appearance].setChecked(True)
        self._apply(settings)

    def adopt_settings(self, settings: Settings) -> None:
        """Take settings the application corrected (a failed start-at-login), not re-emitted."""
        self._settings = settings

    def _apply(self, settings: Settings) -> None:
        if settings != self._settings:
            self._settings = settings
            if self.journal_view is not None:
                self.journal_view.set_lock_minutes(settings.journal_lock_minutes)
            self.settings_changed.emit(settings)

    def save_guide(self, practice: Practice | None, path: Path | None = None) -> Path | None:
        """Ask where (unless given), write the PDF, and say where it went."""
        from PySide6.QtWidgets import QMessageBox  # dialogs load when asked for

        if practice is None or not practice.is_facilitated:
            return None
        if path is None:
            from PySide6.QtWidgets import QFileDialog  # dialogs load when asked for

            chosen, _filter = QFileDialog.getSaveFileName(
                self, "Save facilitator guide", str(Path.home() / f"{practice.id}-guide.pdf"),
                "PDF documents (*.pdf)",
            )
            if not chosen:
                return None
            path = Path(chosen)
        from app.ui.guide_pdf import save_guide_pdf  # only when needed: keeps start-up fast

        try:
            save_guide_pdf(practice, path)
        except OSError as exc:
            message = f"Could not save the guide to {path}: {exc.strerror or exc}"
            log.warning(message)
            QMessageBox.warning(self, "Guide not saved", message)
            return None
        self.statusBar().showMessage(f"Saved the facilitator guide to {path}", 10_000)
        return path

    def start_practice(self, practice: Practice) -> PlayerView:
        """Swap the library for the player; one practice runs at a time."""
        from app.audio.bells import step_bell
        from app.audio.pygame_player import PygameAudioPlayer
        from app.platform.resources import Resources
        from app.ui.player_view import PlayerView
        from app.ui.qt_scheduler import QtScheduler

        self.close_player()
        self._player_scheduler = QtScheduler()
        if self._resources is None:
            self._resources = Resources.locate()  # bells and recordings of the bundle
        player = PlayerView(
            practice, self._clock, self._player_scheduler, self,
            audio=PygameAudioPlayer(self._clock),  # opens the sound device on first use
            narration=self._narration_for(practice, self._resources),
            bell=step_bell(self._settings, self._resources),
            full_screen_on=self._settings.facilitator_screen,
        )
        player.finished.connect(self._on_session_finished)
        player.closed.connect(self.close_player)
        self.player = player
        self.pages.addWidget(player)
        self.pages.setCurrentWidget(player)
        player.toggle_button.setFocus()
        return player

    def _narration_for(self, practice: Practice, resources: Resources) -> Narration | None:
        """The person's own recording when they chose it and it is whole; else the bundled one."""
        from app.audio.narration import Narration, bundled_narration

        bundled = bundled_narration(practice, resources)
        if (practice.id != ME_SPACE_ID or self._settings.me_space_voice is not Voice.OWN
                or self._voice_data_dir is None):
            return bundled
        from app.audio.own_voice import own_voice_files

        own = own_voice_files(self._voice_data_dir, practice.id)
        if own is None:
            self.statusBar().showMessage(
                "Your own Me Space recording is not complete, so the bundled voice guides "
                "this session. Record it again from the File menu.", 20_000)
            return bundled
        return Narration(*own, bells_included=False)

    def close_player(self) -> None:
        """Back to the library; pending step timers are cancelled."""
        if self._player_scheduler is not None:
            self._player_scheduler.cancel_all()
            self._player_scheduler = None
        if self.player is not None:
            player, self.player = self.player, None
            player.audio.close()  # free the sound device while the app idles in the tray
            self.pages.removeWidget(player)
            player.deleteLater()
            self.pages.setCurrentIndex(0)
            self.library.detail.start_button.setFocus()

    def _on_session_finished(self, record: SessionRecord) -> None:
        # Log only what, never the commitment's words: content stays out of logs.
        log.info("session %s ended: completed=%s, %.0f s", record.practice_id,
                 record.completed, record.active_seconds)
        outcome = "completed" if record.completed else "ended early"
        message = f"{record.practice_title} {outcome}. Well done."
        history = self.open_history()
        if history is not None:
            from app.storage.history_repo import HistoryError

            try:
                history.add(record)
            except HistoryError as exc:
                log.warning("%s", exc)
                message = f"Notice: this session could not be saved to your history: {exc}"
                self.notice.show_text(message)
            else:
                message += " It is in your practice history (Ctrl+H)."
                if self.history_view is not None:
                    self.history_view.reload()
        self.statusBar().showMessage(message, 15_000)
        self.session_finished.emit(record)

    def show_history(self) -> HistoryView | None:
        """Ctrl+H: the sessions so far, newest first, with the steps people chose."""
        history = self.open_history()
        if history is None:
            return None
        if self.history_view is None:
            from app.ui.history_view import HistoryView

            self.history_view = HistoryView(history, self._clock, self)
            self.history_view.back_requested.connect(self.show_library)
            self.history_view.send_to_journal.connect(self.send_to_journal)
            self.pages.addWidget(self.history_view)
        else:
            self.history_view.reload()
        self.pages.setCurrentWidget(self.history_view)
        self.history_view.table.setFocus()
        return self.history_view

    def open_history(self) -> HistoryRepository | None:
        """The history file, opened once; a broken file is reported and kept, not replaced."""
        if self._history is None and self._history_path is not None:
            from app.storage.history_repo import HistoryError, HistoryRepository

            try:
                self._history = HistoryRepository.open(self._history_path)
            except HistoryError as exc:
                log.warning("%s", exc)
                self.notice.show_text(f"Notice: your practice history cannot be opened: {exc}")
                self._history_path = None  # say it once; sessions still run
                self.history_action.setEnabled(False)
        return self._history

    def show_journal(self) -> JournalView | None:
        """Ctrl+J: the journal page (set-up, locked or open); the file opens on first use."""
        if self._journal_path is None:
            return None
        if self.journal_view is None:
            from app.ui.journal_view import JournalView
            from app.ui.qt_scheduler import QtScheduler

            self.journal_view = JournalView(
                self._journal_path, self._clock, QtScheduler(),
                backup_dir=self._journal_path.parent / "backups",
                lock_minutes=self._settings.journal_lock_minutes, parent=self)
            self.journal_view.back_requested.connect(self.show_library)
            self.journal_view.currentChanged.connect(self._update_journal_actions)
            self._update_journal_actions()
            self.pages.addWidget(self.journal_view)
        self.pages.setCurrentWidget(self.journal_view)
        self.journal_view.focus_first()
        return self.journal_view

    def _update_journal_actions(self, _index: int = 0) -> None:
        """Export only while the journal is open; restore once it has been shown."""
        state = None if self.journal_view is None else self.journal_view.state
        self.export_journal_action.setEnabled(state == "open")
        self.restore_journal_action.setEnabled(state in ("open", "locked", "problem"))

    def _export_journal(self) -> None:
        if self.journal_view is not None and self.journal_view.state == "open":
            self.show_journal()
            self.journal_view.ask_export()

    def _restore_journal(self) -> None:
        if self.journal_view is not None:
            self.show_journal()
            self.journal_view.ask_restore()

    def busy(self) -> bool:
        """Whether something is under way a restart would cut short: a practice, an open journal."""
        journal_open = self.journal_view is not None and self.journal_view.state == "open"
        return self.player is not None or journal_open

    def lock_journal(self) -> None:
        """Lock the journal now (the menu, and the machine going to sleep)."""
        if self.journal_view is not None:
            self.journal_view.idle.lock_now()

    def send_to_journal(self, item: HistoryItem) -> bool:
        """Put a session's practical step into the encrypted journal as an after-practice entry.

        The entry opens so the person can add how it felt; the clear copy in the history goes.
        """
        view = self.show_journal()
        if view is None or view.state != "open" or view.browser is None or view.repo is None:
            self.statusBar().showMessage(
                "Open your journal first (set it up or unlock it), then send the step again "
                "from the practice history (Ctrl+H).", 20_000)
            return False
        from app.core.journal import new_entry
        from app.core.journal_templates import AFTER_PRACTICE
        from app.storage.journal_repo import RepositoryError

        record = item.record
        when = record.started_at.astimezone().strftime("%a %d %b %Y, %H:%M")
        outcome = "completed" if record.completed else "ended early"
        entry = new_entry(self._clock, template=AFTER_PRACTICE, tags=("after-practice",),
                          title=f"After {record.practice_title}")
        body = entry.body.replace(
            "## Practice\n", f"## Practice\n\n{record.practice_title}, {when} ({outcome}).\n", 1,
        ).replace(
            "## One practical step I will take\n",
            f"## One practical step I will take\n\n{record.commitment or ''}\n", 1,
        )
        entry = replace(entry, body=body)
        try:
            view.repo.create_entry(entry)
        except RepositoryError as exc:
            self.statusBar().showMessage(f"The step was not added to your journal: {exc}", 20_000)
            return False
        view.browser.entry_saved(entry)
        view.open_entry(entry.id)
        history = self.open_history()
        if history is not None:
            history.mark_in_journal(item.id)
        if self.history_view is not None:
            self.history_view.reload()
        self.statusBar().showMessage("Your practical step is in your journal now.", 15_000)
        return True

    def show_library(self) -> None:
        """Back to the library page, focus on the list."""
        self.pages.setCurrentIndex(0)
        self.library.setFocus()

    def _skipped_summary(self) -> str:
        count = len(self._skipped)
        names = ", ".join(Path(e.path).name for e in self._skipped)
        noun = "practice file was" if count == 1 else "practice files were"
        return (f"Notice: {count} {noun} skipped because of mistakes in them ({names}). "
                "The other practices work as usual.")

    def show_skipped_details(self) -> None:
        """Every problem, one per line, as `practices validate` prints them."""
        from PySide6.QtWidgets import QMessageBox

        if not self._skipped:
            return
        lines = "\n".join(str(p) for error in self._skipped for p in error.problems)
        box = QMessageBox(QMessageBox.Icon.Information, "Practice files skipped",
                          "These files were not loaded. Fix them and restart the app:", parent=self)
        box.setDetailedText(lines)
        box.setInformativeText(lines if len(lines) < 600 else lines[:600] + "…")
        box.exec()

    def show_about(self) -> None:
        """Name, version and the promise about privacy."""
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self, f"About {APP_NAME}",
            f"<p><b>{APP_NAME}</b> {__version__}</p>"
            "<p>Compassion practices, protected breaks and a private journal for people who "
            "give care. Everything stays on this computer; the app never goes online.</p>"
            "<p>Each practice names its source in its Credit section.</p>",
        )
