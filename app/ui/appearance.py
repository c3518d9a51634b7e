"""Light/dark and text size: follow the system unless the person chose otherwise.

Qt is asked for the colour scheme first; where the platform cannot switch (X11 without a
desktop portal, the offscreen platform) the app sets a palette of its own instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.core.settings import Appearance

_SCHEMES = {
    Appearance.SYSTEM: Qt.ColorScheme.Unknown,  # Unknown = "follow the platform"
    Appearance.LIGHT: Qt.ColorScheme.Light,
    Appearance.DARK: Qt.ColorScheme.Dark,
}

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

_DARK = {
    Role.Window: "#1e2225", Role.WindowText: "#e9e6e1", Role.Base: "#15181a",
    Role.AlternateBase: "#23282b", Role.Text: "#e9e6e1", Role.Button: "#2a3034",
    Role.ButtonText: "#e9e6e1", Role.Highlight: "#3b8a8f", Role.HighlightedText: "#ffffff",
    Role.ToolTipBase: "#2a3034", Role.ToolTipText: "#e9e6e1", Role.Link: "#8fd0d4",
    Role.LinkVisited: "#b9a6d9", Role.PlaceholderText: "#9a9894", Role.BrightText: "#ffffff",
    Role.Light: "#3a4145", Role.Midlight: "#30363a", Role.Mid: "#262b2e", Role.Dark: "#111315",
    Role.Shadow: "#000000",
}
_DARK_DISABLED = {Role.WindowText: "#7c7a77", Role.Text: "#7c7a77", Role.ButtonText: "#7c7a77"}


def dark_palette() -> QPalette:
    """A calm dark palette with text contrast above WCAG AA."""
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role, colour in _DARK_DISABLED.items():
        palette.setColor(Group.Disabled, role, QColor(colour))
    return palette


def apply_appearance(
    app: QApplication, appearance: Appearance, system_palette: QPalette
) -> None:
    """Ask Qt for the scheme; set our own palette when the platform cannot switch."""
    hints = app.styleHints()
    hints.setColorScheme(_SCHEMES[appearance])
    if appearance is Appearance.SYSTEM:
        app.setPalette(system_palette)
        return
    if hints.colorScheme() == _SCHEMES[appearance]:
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
