"""Wire the GUI: QApplication, settings, the library and the main window."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from app import APP_AUTHOR, APP_ID, APP_NAME, APP_SLUG, __version__
from app.core.clock import Clock, SystemClock
from app.core.practices import LibraryLoad
from app.core.settings import Settings
from app.platform.paths import AppPaths
from app.platform.resources import Resources
from app.platform.single_instance import (
    SHOW,
    TRAY,
    SingleInstance,
    hand_over,
    instance_name,
    try_hand_over,
)
from app.storage.library_cache import load_library_cached
from app.storage.settings_store import SettingsStore
from app.ui.appearance import apply_appearance, apply_text_scale

if TYPE_CHECKING:  # these load when first needed (the window: not at all in the tray)
    from PySide6.QtGui import QIcon

    from app.core.reminders import BankHolidaySource
    from app.platform.autostart import Autostart
    from app.ui.desktop_integration import DesktopIntegration
    from app.ui.idle_restart import IdleRestart
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

#: The hicolor PNG sizes the window and tray icon are made of (resources/icons/hicolor).
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


class Companion:
    """Owns the long-lived parts of a running app (no module-level state)."""

    def __init__(
        self, app: QApplication, paths: AppPaths, resources: Resources,
        clock: Clock | None = None, *,
        instance: SingleInstance | None = None, autostart: Autostart | None = None,
        relaunch_options: Sequence[str] = (), idle_restart_seconds: float | None = None,
    ) -> None:
        """Load settings and the library; the window and the tray come when needed.

        `relaunch_options`: the command-line options a lean copy of this app needs (the data
        folder); `idle_restart_seconds` overrides how long the window must have been closed
        to the tray before the app restarts lean, a reminder shown or not (tests and
        benchmarks: app/ui/idle_restart.py).
        """
        self.app = app
        self._relaunch_options = tuple(relaunch_options)
        self._idle_restart_seconds = idle_restart_seconds
        self.idle_restart: IdleRestart | None = None
        #: What this launch would hand to a running app ("show", "tray", "start ID").
        self.launch_command = SHOW
        self.clock: Clock = clock or SystemClock()
        self.paths = paths
        self.resources = resources
        self.base_font = app.font()
        self.system_palette = app.palette()
        self.store = SettingsStore(paths.settings_file)
        loaded = self.store.load(self.clock.now())
        self.settings_problem = loaded.problem
        self.settings = loaded.settings
        self._autostart = autostart  # the real one is made on first use (start-up stays lean)
        self.library: LibraryLoad = load_library_cached(
            resources.practices_dir, paths.cache_dir / "library.json", __version__)
        for error in self.library.skipped:
            for problem in error.problems:
                log.warning("practice skipped: %s", problem)
        self.apply(loaded.settings, at_start=True)
        self._window: MainWindow | None = None  # built on first use; never, while in the tray
        self.icon_file = str(resources.resource("icons/compassion-companion.svg"))
        self._icon: QIcon | None = None  # read when first needed: after the first paint
        self._bank_holidays: BankHolidaySource | None = None
        self.instance = instance
        self.desktop: DesktopIntegration | None = None
        if instance is not None:  # a second launch is answered even before the tray exists
            instance.command_received.connect(self.on_command)

    @property
    def window(self) -> MainWindow:
        """The main window, built the first time anything needs it."""
        return self._build_window(fill_menus=True)

    def _build_window(self, *, fill_menus: bool) -> MainWindow:
        """The window, built if need be; `fill_menus=False`: the caller fills them later."""
        if self._window is None:
            from app.ui.main_window import MainWindow

            window = MainWindow(self.library.practices, self.library.skipped, self.settings,
                                clock=self.clock, history_path=self.paths.history_db,
                                journal_path=self.paths.journal_db,
                                voice_data_dir=self.paths.data_dir, resources=self.resources,
                                bank_holidays=self.bank_holidays, fill_menus=fill_menus)
            window.settings_changed.connect(self.on_settings_changed)
            from app.ui.window_state import keep_window_state

            keep_window_state(window, self.paths.window_state_file)
            self._window = window
            log.info("main window built")
            if self.settings_problem:
                window.statusBar().showMessage(self.settings_problem, 30_000)
            if self.desktop is not None:
                self.desktop.attach_window(window)
        return self._window

    @property
    def icon(self) -> QIcon:
        """The app's icon, made and set for every window the first time it is asked for.

        Not before the first paint: reading the PNGs and handing them to the window system
        costs a few ms (about 6 on X11) the window need not wait for; the window manager
        takes the icon a moment later.
        """
        if self._icon is None:
            self._icon = app_icon(self.resources)
            self.app.setWindowIcon(self._icon)
        return self._icon

    def bank_holidays(self) -> BankHolidaySource:
        """Bank-holiday dates from a cache file that a child process fills.

        The holidays package (about 20 MiB) so never loads in this long-lived process.
        """
        if self._bank_holidays is None:
            from app.storage.bank_holiday_cache import CachedBankHolidays

            self._bank_holidays = CachedBankHolidays(self.paths.cache_dir / "bank-holidays.json")
        return self._bank_holidays

    def apply(self, settings: Settings, *, at_start: bool = False) -> None:
        """Make the running app look the way the settings say."""
        apply_appearance(self.app, settings.appearance, self.system_palette, at_start=at_start)
        if not (at_start and settings.text_scale == 1.0):
            apply_text_scale(self.app, self.base_font, settings.text_scale)

    def on_settings_changed(self, settings: Settings) -> None:
        """Apply, then save atomically; a failed save is reported, not fatal."""
        previous, self.settings = self.settings, settings
        if settings.start_at_login != previous.start_at_login:
            settings = self._set_start_at_login(settings, previous)
        self.apply(settings)
        try:
            self.store.save(settings)
        except OSError as exc:
            message = f"{self.paths.settings_file}: could not save settings: {exc.strerror}"
            log.warning(message)
            self.window.statusBar().showMessage(message, 15_000)

    def _set_start_at_login(self, settings: Settings, previous: Settings) -> Settings:
        """Write or remove the login entry; on failure say so and keep the old choice."""
        from app.platform.autostart import AutostartError, system_autostart

        if self._autostart is None:
            self._autostart = system_autostart()
        try:
            if settings.start_at_login:
                self._autostart.enable()
            else:
                self._autostart.disable()
        except AutostartError as exc:
            log.warning("start at login not changed: %s", exc)
            self.window.statusBar().showMessage(f"Start at login not changed: {exc}", 30_000)
            settings = replace(settings, start_at_login=previous.start_at_login)
            self.settings = settings
            self.window.adopt_settings(settings)
        return settings

    def show(self, open_practice: str | None,
             also_after_paint: Callable[[], None] | None = None) -> None:
        """Show the window, open a practice if asked, and report a broken settings file.

        `also_after_paint` runs before the desktop parts start, after the first paint.
        """
        self._build_window(fill_menus=False)
        if open_practice:
            self.open_practice(open_practice)
        self.window.show()
        # The menus' items, the tray, the reminders (and their bank-holiday tables), the
        # notifier's D-Bus connection and the sleep hooks are made once the window has
        # painted, or after a short grace if it never does: the person sees the window
        # first. They start once.
        def after_paint() -> None:
            self.window.fill_menus()
            if also_after_paint is not None:
                also_after_paint()
            self.start_desktop()

        self._start_desktop = _AfterFirstPaint(self.window, after_paint)

    def ensure_desktop(self) -> DesktopIntegration:
        """The tray, notifications, reminders and sleep hooks, made (not started) on first use."""
        if self.desktop is None:
            from app.ui.desktop_integration import DesktopIntegration

            self.desktop = DesktopIntegration(
                self.app, lambda: self.window, self.library.practices, self.settings,
                self.paths, self.clock, self.icon, self.open_practice, instance=self.instance,
                icon_file=self.icon_file, bank_holidays=self.bank_holidays())
            if self._window is not None:
                self.desktop.attach_window(self._window)
        return self.desktop

    def start_desktop(self) -> None:
        """Listen for second launches, show the tray and start the reminders (once).

        If another instance took the name while this window was coming up (two launches
        at once), this one hands its window over to it and quits.
        """
        if self.instance is not None and not self.instance.listen():
            if hand_over(self.instance.name, self.launch_command):
                log.info("another instance started at the same moment; leaving it to that one")
                self.app.quit()
                return
            log.warning("single instance: a second launch will open a second window")
        from app.ui.accessible_style import install_accessible_style

        install_accessible_style(self.app)  # outlined check boxes and the focus ring
        desktop = self.ensure_desktop()
        desktop.say_no_tray_once()
        # Before the reminders start: one shown by their first check keeps this process too.
        if (self.instance is not None and self.instance.listening and desktop.tray.available
                and self.idle_restart is None):
            self.idle_restart = self._make_idle_restart(desktop, self.instance)
        desktop.start()

    def _make_idle_restart(self, desktop: DesktopIntegration,
                           instance: SingleInstance) -> IdleRestart:
        from app.ui.idle_restart import AFTER_REMINDER_SECONDS, RESTART_AFTER_SECONDS, IdleRestart

        def command() -> list[str]:
            from app.platform.autostart import login_command

            return [*login_command(), *self._relaunch_options]  # this app, into the tray

        def pause() -> None:
            desktop.reminders.stop()  # stops and saves: the copy reads the state

        restart = IdleRestart(
            command, instance, is_idle=self._idle_in_tray, pause=pause,
            resume=desktop.reminders.start, quit=desktop.quit,
            after_seconds=self._idle_restart_seconds or RESTART_AFTER_SECONDS,
            after_reminder_seconds=self._idle_restart_seconds or AFTER_REMINDER_SECONDS,
            parent=desktop)
        desktop.went_to_tray.connect(restart.arm)
        desktop.came_back.connect(restart.disarm)
        desktop.reminders.fired.connect(restart.reminder_shown)
        return restart

    def _idle_in_tray(self) -> bool:
        """Closed to the tray with nothing under way and no dialog open.

        Only dialogs and main windows count: on X11 the tray icon is itself a visible
        top-level widget.
        """
        from PySide6.QtWidgets import QDialog, QMainWindow

        window = self._window
        if window is None or window.isVisible() or window.busy():
            return False
        if self.app.activePopupWidget() is not None:  # the tray menu is open
            return False
        return not any(w.isVisible() and isinstance(w, (QDialog, QMainWindow))
                       for w in self.app.topLevelWidgets())

    def quit(self) -> None:
        """Quit for real (a logout, a signal): the window closes instead of hiding."""
        if self.desktop is not None:
            self.desktop.quit()
        else:
            self.app.quit()

    def start_in_tray(self) -> None:
        """`--tray` (start at login): only the tray icon, no window until it is asked for.

        Where the desktop has no tray the window opens as usual, or the app would be
        unreachable.
        """
        if not self.ensure_desktop().tray.available:
            self.show(None)
            return
        log.info("started in the tray; the window opens from the tray icon")
        self.start_desktop()

    def on_command(self, command: str) -> None:
        """A second launch's command ("show", "tray" or "start PRACTICE_ID")."""
        self.ensure_desktop().on_command(command)

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


def app_icon(resources: Resources) -> QIcon:
    """The app's icon from its PNG sizes: no SVG renderer is loaded for the tray."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resources.resource(f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png")))
    return icon


class _AfterFirstPaint(QObject):
    """Calls `then` once, after the window's first paint (or a grace period, whichever first)."""

    GRACE_MS = 500

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._then: Callable[[], None] | None = then
        window.installEventFilter(self)
        QTimer.singleShot(self.GRACE_MS, self, self._run)
        # Quit before the paint (a signal at once, --exit-when-shown): the filter must not
        # outlive the event loop, or the window's last events reach a half-collected filter.
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._cancel)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Never consumes the event; the paint goes ahead, the call follows it."""
        if watched is self._window and event.type() == QEvent.Type.Paint and self._then:
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        if self._then is None:
            return
        then = self._then
        self._cancel()
        then()

    def _cancel(self) -> None:
        self._then = None
        self._window.removeEventFilter(self)


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
    open_log: Callable[[], None] | None = None,
    in_tray: bool = False,
    relaunch_options: Sequence[str] = (),
    idle_restart_seconds: float | None = None,
) -> int:
    """Run the app until the person quits; returns the exit code.

    `open_log` opens the log file (held in memory until then) once the window has painted.
    `in_tray` starts with the tray icon only (start at login); a running app is left as is.
    """
    app = create_application([APP_SLUG, *sys.argv[1:]])
    instance = SingleInstance(instance_name(paths))
    command = f"start {open_practice}" if open_practice else (TRAY if in_tray else SHOW)
    if not exit_when_shown and try_hand_over(instance.name, command):
        log.info("handed %r to the running instance", command)
        return 0
    try:
        companion = Companion(app, paths, resources, instance=instance,
                              relaunch_options=relaunch_options,
                              idle_restart_seconds=idle_restart_seconds)
    except Exception:  # the last safety net: say it in a window and in the log
        if open_log is not None:
            open_log()
        log.exception("start-up failed")
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, APP_NAME, "The app could not start; see the log file in "
                             f"{paths.log_dir}.")
        return 1
    companion.launch_command = command

    def after_paint() -> None:  # what the window need not wait for
        from app.platform.quit_signals import quit_on_signals

        if open_log is not None:
            open_log()
        quit_on_signals(companion.quit, app)

    if in_tray and not open_practice:
        after_paint()
        QTimer.singleShot(0, companion.start_in_tray)  # once the event loop runs
        return app.exec()
    companion.show(open_practice, also_after_paint=after_paint)
    if exit_when_shown:
        # Printed after the first paint has been queued; the benchmark reads this line.
        QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
    return app.exec()
