"""Light/dark and text size: follow the system unless the person chose otherwise."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication

from app.core.settings import Appearance

_SCHEMES = {
    Appearance.SYSTEM: Qt.ColorScheme.Unknown,  # Unknown = "follow the platform"
    Appearance.LIGHT: Qt.ColorScheme.Light,
    Appearance.DARK: Qt.ColorScheme.Dark,
}


def apply_appearance(app: QGuiApplication, appearance: Appearance) -> None:
    """Ask Qt for the chosen colour scheme; the palette then follows it."""
    app.styleHints().setColorScheme(_SCHEMES[appearance])


def apply_text_scale(app: QGuiApplication, base: QFont, scale: float) -> None:
    """Scale the application font from the system's own size, so layouts grow with it."""
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * scale)
    else:
        font.setPixelSize(max(8, round(base.pixelSize() * scale)))
    app.setFont(font)
