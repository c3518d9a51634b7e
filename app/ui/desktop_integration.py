"""Connect the desktop parts to the running app: tray, notifications, sleep, one instance.

Kept out of application.py so that file stays a short list of what the app is made of;
everything here is about living in the tray and keeping the break reminders on time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon
from PySide6.QtWidgets import QApplication

from app.core.clock import Clock
from app.core.practices import ME_SPACE_ID
from app.core.reminders import (
    BankHolidaySource,
    ReminderRuleError,
    ReminderRules,
    default_rules,
    rules_from_dict,
)
from app.core.settings import Settings
from app.platform.notifications import Notifier, choose_notifier
from app.platform.paths import AppPaths
from app.platform.single_instance import SHOW, TRAY, SingleInstance
from app.platform.sleep_watcher import SleepWatcher
from app.ui.qt_scheduler import QtScheduler
from app.ui.reminder_service import ReminderService
from app.ui.tray import CompanionTray

if TYPE_CHECKING:
    from app.core.practices import Practice
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

NO_TRAY_NOTICE = ("Notice: this desktop shows no tray icons, so the app stays in this window "
                  "(closing it minimises it). Break reminders still arrive as notifications.")


def rules_from_settings(settings: Settings) -> tuple[ReminderRules, str]:
    """The reminder rules in the settings, or the defaults with a one-line reason."""
    if not settings.reminders:
        return default_rules(), ""
    try:
        return rules_from_dict(settings.reminders), ""
    except ReminderRuleError as exc:
        return default_rules(), f"reminders.{exc}; using the default reminders"


class _CloseToTray(QObject):
    """Closing the window hides it (tray) or minimises it (no tray) unless quitting."""

    def __init__(self, has_tray: Callable[[], bool], quitting: Callable[[], bool],
                 hidden: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._has_tray = has_tray
        self._quitting = quitting
        self._hidden = hidden

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Intercept the window's close event."""
        # Only the person closing the window (a spontaneous event from the window manager)
        # sends it to the tray. Qt 6's quit() closes every window first and gives up if one
        # refuses, so a quit from the code, the session manager or logout must get through.
        if event.type() != QEvent.Type.Close or self._quitting() or not event.spontaneous():
            return False
        window = watched
        assert isinstance(event, QCloseEvent)
        event.ignore()
        if self._has_tray():
            window.hide()  # type: ignore[attr-defined]
            self._hidden()
        else:
            window.showMinimized()  # type: ignore[attr-defined]
        return True


class DesktopIntegration(QObject):
    """Owns the tray, the notifier, the sleep watcher, the reminders and the instance socket."""

    went_to_tray = Signal()  # the person closed the window; the app lives on in the tray
    came_back = Signal()  # the window was brought forward again

    def __init__(
        self,
        app: QApplication,
        get_window: Callable[[], MainWindow],
        practices: tuple[Practice, ...] | list[Practice],
        settings: Settings,
        paths: AppPaths,
        clock: Clock,
        icon: QIcon,
        open_practice: Callable[[str], bool],
        *,
        instance: SingleInstance | None = None,
        icon_file: str = "",
        bank_holidays: BankHolidaySource | None = None,
    ) -> None:
        """`get_window` builds the window when first called (the app may start in the tray).

        `instance` is closed on quit; its commands arrive through `on_command`. The window,
        once built, is handed over with `attach_window`. `bank_holidays`: where the reminders
        get their dates (the app's cache; the holidays package itself when None).
        """
        super().__init__(app)
        self.app = app
        self._get_window = get_window
        self.window: MainWindow | None = None
        self._open_practice = open_practice
        self.quitting = False
        self._started = False
        self._said_no_tray = False
        self.tray = CompanionTray(icon, practices, self)
        choice = choose_notifier(self.tray.icon, icon=icon_file)
        if choice.problem:
            log.warning("notifications: %s", choice.problem)
        self.notifier: Notifier = choice.notifier
        log.info("notifications through: %s", self.notifier.name)
        rules, self._rules_problem = rules_from_settings(settings)
        if self._rules_problem:
            log.warning("settings: %s", self._rules_problem)
        self.reminders = ReminderService(rules, clock, QtScheduler(), self.notifier,
                                         paths.state_dir / "reminders.json", self,
                                         holidays=bank_holidays)
        self.watcher = SleepWatcher(clock, parent=self)
        self.instance = instance
        self._wire()
        if self.tray.available:
            app.setQuitOnLastWindowClosed(False)
        else:
            log.warning("no system tray on this desktop: the window stays open instead")
        self._close_filter = _CloseToTray(lambda: self.tray.available, lambda: self.quitting,
                                          self.went_to_tray.emit, self)

    def _wire(self) -> None:
        tray, reminders = self.tray, self.reminders
        tray.me_space_requested.connect(lambda: self.start_practice(ME_SPACE_ID))
        tray.practice_requested.connect(self.start_practice)
        tray.journal_requested.connect(self.open_journal)
        tray.pause_hour_requested.connect(reminders.pause_for_hour)
        tray.pause_tomorrow_requested.connect(reminders.pause_until_tomorrow)
        tray.resume_requested.connect(reminders.resume)
        tray.open_requested.connect(self.show_window)
        tray.settings_requested.connect(self.open_settings)
        tray.quit_requested.connect(self.quit)
        reminders.tooltip_changed.connect(tray.set_tooltip)
        reminders.paused_changed.connect(tray.set_paused)
        reminders.me_space_requested.connect(lambda: self.start_practice(ME_SPACE_ID))
        reminders.journal_requested.connect(self.open_journal)
        self.watcher.resumed.connect(reminders.on_resume)
        self.watcher.clock_changed.connect(reminders.on_clock_changed)
        self.watcher.about_to_sleep.connect(reminders.save)
        self.app.aboutToQuit.connect(self._shut_down)

    def attach_window(self, window: MainWindow) -> None:
        """Wire the window in, once it exists: its settings, its journal, its Quit."""
        if self.window is window:
            return
        self.window = window
        if self._rules_problem:
            window.statusBar().showMessage(self._rules_problem, 30_000)
        # The journal locks when the machine sleeps: whoever opens the lid sees nothing.
        self.watcher.about_to_sleep.connect(window.lock_journal)
        window.settings_changed.connect(self.on_settings_changed)
        # No Quit item yet where the window came before its menus (--tray on a desktop
        # without a tray): its own Quit, closing the last window, quits there anyway.
        quit_action = getattr(window, "quit_action", None)
        if isinstance(quit_action, QAction):
            quit_action.triggered.disconnect()
            quit_action.triggered.connect(self.quit)
        window.installEventFilter(self._close_filter)

    def _shown_window(self) -> MainWindow:
        window = self._get_window()
        self.attach_window(window)
        return window

    def start(self) -> None:
        """Show the tray icon, start the reminders and the heartbeat (once)."""
        if self._started:
            return
        self._started = True
        self.tray.show()
        self.reminders.start()
        self.watcher.start()
        if self.tray.icon is not None:
            QTimer.singleShot(1000, self._log_tray_geometry)

    def _log_tray_geometry(self) -> None:
        if self.tray.icon is not None:
            rect = self.tray.icon.geometry()
            log.info("tray icon geometry: %d,%d %dx%d", rect.x(), rect.y(), rect.width(),
                     rect.height())

    def say_no_tray_once(self) -> None:
        """The window's notice, added to any notice already shown; once per run."""
        if self.tray.available or self._said_no_tray:
            return
        self._said_no_tray = True
        notice = self._shown_window().notice
        text = notice.label.text() if notice.isVisible() or not notice.isHidden() else ""
        notice.show_text(f"{text}\n{NO_TRAY_NOTICE}" if text else NO_TRAY_NOTICE)

    # -- what the menu and the notifications ask for ------------------------------------

    def show_window(self) -> MainWindow:
        """Bring the window forward (building it if the app started in the tray)."""
        window = self._shown_window()
        self.came_back.emit()
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def start_practice(self, practice_id: str) -> None:
        """Open the player on a practice, ready to begin."""
        self.show_window()
        self._open_practice(practice_id)

    # The tray and the reminders start after the window's menus are filled, so these exist.
    def open_journal(self) -> None:
        """The window's journal page (nothing happens where the journal has no file)."""
        self.show_window().journal_action.trigger()

    def open_settings(self) -> None:
        """The settings dialog."""
        self.show_window().settings_action.trigger()

    def on_command(self, command: str) -> None:
        """A second launch: "show" or "start PRACTICE_ID"."""
        word, _, rest = command.partition(" ")
        if word == "start" and rest.strip():
            self.start_practice(rest.strip())
        elif word == SHOW:
            self.show_window()
        elif word == TRAY:
            log.info("a second launch asked for the tray; it is already here")
        else:
            log.warning("second launch sent an unknown command: %r", command[:80])

    def on_settings_changed(self, settings: Settings) -> None:
        """New reminder rules take effect at once."""
        rules, problem = rules_from_settings(settings)
        if problem:
            log.warning("settings: %s", problem)
        if rules != self.reminders.engine.rules:
            self.reminders.set_rules(rules)

    def quit(self) -> None:
        """Quit for real (the window closes instead of hiding)."""
        self.quitting = True
        self.app.quit()

    def _shut_down(self) -> None:
        self.quitting = True
        self.reminders.stop()
        self.watcher.stop()
        self.tray.hide()
        self.notifier.close()
        if self.instance is not None:
            self.instance.close()
