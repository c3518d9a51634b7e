"""Compassion Companion: the one source of the app's name, id and version.

The PyInstaller spec, the .desktop file and the macOS Info.plist read these names,
so they are never typed twice.
"""

__version__ = "0.1.0"

APP_NAME = "Compassion Companion"
APP_SLUG = "compassion-companion"
APP_ID = "org.compassioncompanion.CompassionCompanion"
APP_AUTHOR = "CompassionCompanion"
HOME_ENV_VAR = "COMPASSION_COMPANION_HOME"
