"""Bring the window back as it was left: its place and size, and the practice on show.

The app restarts itself lean a few seconds after its window is closed to the tray
(app/ui/idle_restart.py), so the window someone opens from the tray is usually a new one.
Without this it would come back at the default size in the middle of the screen, on the
first practice. The file is the app's own memory, not a setting: a broken one is logged,
replaced at the next save, and costs nothing but the old place.
"""

from __future__ import annotations

import binascii
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from app.storage.atomic_file import write_atomic

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

FORMAT = 1


class _SaveOnHide(QObject):
    """Saves whenever the window hides: closed to the tray, or closed as the app quits.

    The filter goes on `aboutToQuit` (saving once more if the window is still up): the
    window's last events, as Python tears down, must not reach a half-collected filter.
    """

    def __init__(self, window: MainWindow, path: Path) -> None:
        super().__init__(window)
        self._window = window
        self._path = path
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._last_save)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Save on the window's hide event; never swallow it."""
        if watched is self._window and event.type() == QEvent.Type.Hide:
            save_window_state(self._window, self._path)
        return False

    def _last_save(self) -> None:
        self._window.removeEventFilter(self)
        if self._window.isVisible():
            save_window_state(self._window, self._path)


def keep_window_state(window: MainWindow, path: Path) -> None:
    """Restore a window not yet shown from `path`, and save to it each time it hides."""
    restore_window_state(window, path)
    _SaveOnHide(window, path)


def save_window_state(window: MainWindow, path: Path) -> bool:
    """Write where the window is and which practice it shows; False (logged) if it could not."""
    practice = window.library.detail.practice
    state = {
        "format": FORMAT,
        "geometry": binascii.b2a_base64(bytes(window.saveGeometry().data()),
                                        newline=False).decode("ascii"),
        "practice": practice.id if practice is not None else "",
    }
    try:
        write_atomic(path, json.dumps(state, indent=1).encode("utf-8"))
    except OSError as exc:
        log.warning("%s: could not save the window's place: %s", path, exc.strerror or exc)
        return False
    return True


def restore_window_state(window: MainWindow, path: Path) -> bool:
    """Put a window not yet shown back where it was; False if there was nothing to restore.

    A missing file is the first run; a broken one is named in the log, one line, and the
    window opens at its default place.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("%s: the window's place could not be read (%s); using the default", path,
                    exc)
        return False
    try:
        state = json.loads(text)
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            raise ValueError(f"expected an object with \"format\": {FORMAT}")
        geometry = binascii.a2b_base64(str(state.get("geometry", "")), strict_mode=True)
        practice = state.get("practice", "")
        if not isinstance(practice, str):
            raise ValueError("\"practice\" must be a practice id (text)")
    except (ValueError, binascii.Error) as exc:
        log.warning("%s: the window's place is not readable (%s); using the default", path, exc)
        return False
    from PySide6.QtCore import QByteArray

    if geometry and not window.restoreGeometry(QByteArray(geometry)):
        log.warning("%s: \"geometry\" is not a saved window geometry; using the default", path)
    if practice and not window.library.select_practice(practice):
        log.info("%s: practice %r is no longer in the library", path, practice)
    return True
