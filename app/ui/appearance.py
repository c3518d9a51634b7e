"""Light/dark and text size: follow the system unless the person chose otherwise.

Qt is asked for the colour scheme first; where the platform cannot switch (X11 without a
desktop portal, the offscreen platform) the app sets a palette of its own instead.
"""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.core.settings import Appearance


def _scheme(appearance: Appearance) -> QtCore.Qt.ColorScheme:
    """Qt's name for the choice (Unknown means 'follow the platform').

    `QtCore.Qt` is reached only here, at run time: binding the name `Qt` at import builds
    all of Qt's enums (about 20 ms) before the window can show.
    """
    scheme = QtCore.Qt.ColorScheme
    return {
        Appearance.SYSTEM: scheme.Unknown,
        Appearance.LIGHT: scheme.Light,
        Appearance.DARK: scheme.Dark,
    }[appearance]



# Built on first use: touching Qt's enums at import time costs start-up time.
_DARK = {
    "Window": "#1e2225", "WindowText": "#e9e6e1", "Base": "#15181a", "AlternateBase": "#23282b",
    "Text": "#e9e6e1", "Button": "#2a3034", "ButtonText": "#e9e6e1", "Highlight": "#3b8a8f",
    "HighlightedText": "#ffffff", "ToolTipBase": "#2a3034", "ToolTipText": "#e9e6e1",
    "Link": "#8fd0d4", "LinkVisited": "#b9a6d9", "PlaceholderText": "#9a9894",
    "BrightText": "#ffffff", "Light": "#3a4145", "Midlight": "#30363a", "Mid": "#262b2e",
    "Dark": "#111315", "Shadow": "#000000",
}
_DARK_DISABLED = {"WindowText": "#7c7a77", "Text": "#7c7a77", "ButtonText": "#7c7a77"}


def dark_palette() -> QPalette:
    """A calm dark palette with text contrast above WCAG AA."""
    palette = QPalette()
    for name, colour in _DARK.items():
        palette.setColor(getattr(QPalette.ColorRole, name), QColor(colour))
    for name, colour in _DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, name),
                         QColor(colour))
    return palette


def apply_appearance(
    app: QApplication, appearance: Appearance, system_palette: QPalette, *, at_start: bool = False
) -> None:
    """Ask Qt for the scheme; set our own palette when the platform cannot switch.

    At start-up "follow the system" needs no call at all: Qt already does, and skipping
    it spares the cost of building Qt's enum namespace before the window shows.
    """
    if at_start and appearance is Appearance.SYSTEM:
        return
    hints = app.styleHints()
    hints.setColorScheme(_scheme(appearance))
    if appearance is Appearance.SYSTEM:
        app.setPalette(system_palette)
        return
    if hints.colorScheme() == _scheme(appearance):
        return  # the platform switched its own palette
    if appearance is Appearance.DARK:
        app.setPalette(dark_palette())
    else:
        app.setPalette(app.style().standardPalette())


def apply_text_scale(app: QApplication, base: QFont, scale: float) -> None:
    """Scale the application font from the system's own size, so layouts grow with it."""
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * scale)
    else:
        font.setPixelSize(max(8, round(base.pixelSize() * scale)))
    app.setFont(font)
