"""The macOS Info.plist keys for the .app bundle, built from app/__init__.py.

The spec passes `info_plist()` to PyInstaller's BUNDLE, which adds the standard keys
(CFBundleExecutable, CFBundleIconFile...) itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app import APP_ID, APP_NAME, __version__


def info_plist() -> dict[str, object]:
    """Keys that make the app a tray (menu bar) app with its own id and version."""
    return {
        "CFBundleIdentifier": APP_ID,
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleShortVersionString": __version__,
        "CFBundleVersion": __version__,
        "LSUIElement": True,  # tray-only: no Dock icon; the window opens from the menu bar
        "LSMinimumSystemVersion": "11.0",  # the oldest macOS Qt 6.8+ supports
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,  # follow the system's dark mode
        "NSHumanReadableCopyright": "GPL-3.0-or-later",
    }
