"""Wire the GUI: QApplication, settings, the library and the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_AUTHOR, APP_ID, APP_NAME, APP_SLUG, __version__
from app.core.clock import Clock, SystemClock
from app.core.practices import LibraryLoad
from app.core.settings import Settings
from app.platform.paths import AppPaths
from app.platform.resources import Resources
from app.storage.library_cache import load_library_cached
from app.storage.settings_store import SettingsStore
from app.ui.appearance import apply_appearance, apply_text_scale
from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class Companion:
    """Owns the long-lived parts of a running app (no module-level state)."""

    def __init__(
        self, app: QApplication, paths: AppPaths, resources: Resources,
        clock: Clock | None = None,
    ) -> None:
        self.app = app
        self.clock: Clock = clock or SystemClock()
        self.paths = paths
        self.resources = resources
        self.base_font = app.font()
        self.system_palette = app.palette()
        self.store = SettingsStore(paths.settings_file)
        loaded = self.store.load(self.clock.now())
        self.settings_problem = loaded.problem
        self.library: LibraryLoad = load_library_cached(
            resources.practices_dir, paths.cache_dir / "library.pickle", __version__)
        for error in self.library.skipped:
            for problem in error.problems:
                log.warning("practice skipped: %s", problem)
        self.apply(loaded.settings, at_start=True)
        self.window = MainWindow(self.library.practices, self.library.skipped, loaded.settings,
                                 clock=self.clock, history_path=paths.history_db)
        self.window.settings_changed.connect(self.on_settings_changed)
        icon = QIcon(str(resources.resource("icons/compassion-companion.svg")))
        self.window.setWindowIcon(icon)
        app.setWindowIcon(icon)

    def apply(self, settings: Settings, *, at_start: bool = False) -> None:
        """Make the running app look the way the settings say."""
        apply_appearance(self.app, settings.appearance, self.system_palette, at_start=at_start)
        if not (at_start and settings.text_scale == 1.0):
            apply_text_scale(self.app, self.base_font, settings.text_scale)

    def on_settings_changed(self, settings: Settings) -> None:
        """Apply, then save atomically; a failed save is reported, not fatal."""
        self.apply(settings)
        try:
            self.store.save(settings)
        except OSError as exc:
            message = f"{self.paths.settings_file}: could not save settings: {exc.strerror}"
            log.warning(message)
            self.window.statusBar().showMessage(message, 15_000)

    def show(self, open_practice: str | None) -> None:
        """Show the window, open a practice if asked, and report a broken settings file."""
        if open_practice:
            self.open_practice(open_practice)
        self.window.show()
        if self.settings_problem:
            self.window.statusBar().showMessage(self.settings_problem, 30_000)

    def open_practice(self, practice_id: str) -> bool:
        """`start PRACTICE_ID`: the player opens on it, ready; Space or Start begins.

        Ready rather than running, so nobody is talked at before they have sat down.
        """
        window = self.window
        if not window.library.select_practice(practice_id):
            window.notice.show_text(
                f"Notice: there is no practice called '{practice_id}'. "
                "Choose one from the library."
            )
            return False
        practice = window.library.detail.practice
        if practice is not None:
            window.start_practice(practice)
        return True


def create_application(argv: list[str]) -> QApplication:
    """A QApplication named for the desktop (so notifications and docks know it)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_ID)
    return app


def run_gui(
    paths: AppPaths,
    resources: Resources,
    *,
    open_practice: str | None = None,
    exit_when_shown: bool = False,
) -> int:
    """Run the app until the person quits; returns the exit code."""
    app = create_application([APP_SLUG, *sys.argv[1:]])
    try:
        companion = Companion(app, paths, resources)
    except Exception:  # the last safety net: say it in a window and in the log
        log.exception("start-up failed")
        QMessageBox.critical(None, APP_NAME, "The app could not start; see the log file in "
                             f"{paths.log_dir}.")
        return 1
    companion.show(open_practice)
    if exit_when_shown:
        # Printed after the first paint has been queued; the benchmark reads this line.
        QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
    return app.exec()
