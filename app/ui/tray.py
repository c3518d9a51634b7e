"""The tray icon and its menu: the quickest way to a break, a practice or the journal.

The menu is built whether or not the desktop has a tray (GNOME without the AppIndicator
extension has none), so the same actions exist for the window and for tests; the icon
itself is created only when a tray is there. Each entry emits a signal; the application
decides what it does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app import APP_NAME
from app.core.practices import Practice

log = logging.getLogger(__name__)


class CompanionTray(QObject):
    """Tray icon + menu; `available` says whether the icon could be shown."""

    me_space_requested = Signal()
    practice_requested = Signal(str)  # practice id
    journal_requested = Signal()
    pause_hour_requested = Signal()
    pause_tomorrow_requested = Signal()
    resume_requested = Signal()
    open_requested = Signal()
    settings_requested = Signal()
    quit_requested = Signal()

    def __init__(
        self,
        icon: QIcon,
        practices: Sequence[Practice],
        parent: QObject | None = None,
        *,
        available: bool | None = None,
    ) -> None:
        """`available` defaults to asking Qt whether this desktop has a tray."""
        super().__init__(parent)
        self.available = (QSystemTrayIcon.isSystemTrayAvailable() if available is None
                          else available)
        self.menu = QMenu()
        self.menu.setTitle(APP_NAME)
        self.menu.setAccessibleName(f"{APP_NAME} menu")
        self.actions: dict[str, QAction] = {}
        self._build(practices)
        self.menu.aboutToShow.connect(lambda: log.info("tray menu opened"))
        self.icon: QSystemTrayIcon | None = None
        if self.available:
            self.icon = QSystemTrayIcon(icon, self)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._on_activated)
        self.set_tooltip("")

    def _add(self, menu: QMenu, key: str, text: str, signal: SignalInstance) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(f"tray-{key}")
        action.triggered.connect(lambda _checked=False: signal.emit())
        self.actions[key] = action
        return action

    def _build(self, practices: Sequence[Practice]) -> None:
        menu = self.menu
        self._add(menu, "me-space", "Start 5-minute &Me Space", self.me_space_requested)
        library = menu.addMenu("Start a &practice")
        library.setObjectName("tray-practices")
        self.practices_menu = library
        for practice in practices:
            action = library.addAction(f"{practice.title} ({practice.minutes} min)")
            action.setObjectName(f"tray-practice-{practice.id}")
            action.triggered.connect(
                lambda _checked=False, pid=practice.id: self.practice_requested.emit(pid))
        library.setEnabled(bool(practices))
        self._add(menu, "journal", "Write in my &journal", self.journal_requested)
        menu.addSeparator()
        pause = menu.addMenu("P&ause reminders")
        pause.setObjectName("tray-pause")
        self.pause_menu = pause
        self._add(pause, "pause-hour", "For 1 &hour", self.pause_hour_requested)
        self._add(pause, "pause-tomorrow", "Until &tomorrow", self.pause_tomorrow_requested)
        self._add(pause, "resume", "&Resume reminders", self.resume_requested)
        self.actions["resume"].setEnabled(False)
        menu.addSeparator()
        self._add(menu, "open", "&Open", self.open_requested)
        self._add(menu, "settings", "&Settings…", self.settings_requested)
        menu.addSeparator()
        self._add(menu, "quit", "&Quit", self.quit_requested)

    def show(self) -> None:
        """Put the icon in the tray (nothing happens without a tray)."""
        if self.icon is not None:
            self.icon.show()

    def hide(self) -> None:
        """Take the icon out of the tray (at quit, so no ghost icon stays)."""
        if self.icon is not None:
            self.icon.hide()

    @property
    def tooltip(self) -> str:
        """What hovering over the icon says."""
        return self._tooltip

    def set_tooltip(self, text: str) -> None:
        """The app's name, then e.g. "Next protected break: today 12:00–13:00"."""
        self._tooltip = f"{APP_NAME}\n{text}" if text else APP_NAME
        if self.icon is not None:
            self.icon.setToolTip(self._tooltip)

    def set_paused(self, paused: bool) -> None:
        """Offer "Resume" only while reminders are paused."""
        self.actions["resume"].setEnabled(paused)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()
