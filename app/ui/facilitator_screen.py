"""Which screen the facilitator view fills: the shared display in the room, by its name.

Screens are remembered by name (for example "HDMI-1"), because their order changes when a
projector is plugged in. A remembered screen that is not connected falls back to the screen
the window is on, and the caller is told so in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True, slots=True)
class ScreenChoice:
    """The screen to use, and a notice when the remembered one was missing."""

    screen: QScreen | None
    notice: str = ""


def screen_label(screen: QScreen) -> str:
    """'HDMI-1 (1920 × 1080)': the name plus the size, so people recognise the projector."""
    size = screen.size()
    name = screen.name() or screen.model() or "Screen"
    return f"{name} ({size.width()} × {size.height()})"


def choose_screen(window: QWidget, wanted: str) -> ScreenChoice:
    """The screen called `wanted`, or the window's own screen when it is empty or absent."""
    own = window.screen()
    if not wanted:
        return ScreenChoice(own)
    for screen in QGuiApplication.screens():
        if screen.name() == wanted:
            return ScreenChoice(screen)
    return ScreenChoice(
        own,
        f"Notice: the facilitator screen '{wanted}' is not connected; "
        "using the screen this window is on.",
    )


def show_full_screen_on(window: QWidget, wanted: str) -> ScreenChoice:
    """Move the top-level window to the chosen screen and fill it."""
    choice = choose_screen(window, wanted)
    if choice.screen is not None and choice.screen is not window.screen():
        if window.isFullScreen():
            window.showNormal()
        window.setScreen(choice.screen)
        window.move(choice.screen.availableGeometry().topLeft())
    window.showFullScreen()
    return choice
