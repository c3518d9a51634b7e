"""Load and save the settings file: JSON, versioned, written atomically.

A file that cannot be read is set aside (never overwritten) and the defaults are used,
with a one-line message for the person.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from app.core.settings import Settings, SettingsError, settings_from_dict, settings_to_dict
from app.storage.atomic_file import write_atomic
from app.storage.set_aside import set_aside

log = logging.getLogger(__name__)


class LoadedSettings(NamedTuple):  # not a dataclass: defined on every start-up
    """The settings to use, and what went wrong reading the file, if anything."""

    settings: Settings
    problem: str = ""


class SettingsStore:
    """Reads and writes one settings file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Settings | None:
        """The file's settings, or None when there is no file; touches nothing.

        Raises OSError or UnicodeDecodeError (cannot read it), json.JSONDecodeError (not
        JSON) or SettingsError (a field, or the top level, is not what was expected).
        """
        if not self.path.exists():
            return None
        data = json.loads(self.path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise SettingsError("(file): expected a JSON object at the top level")
        return settings_from_dict(data)

    def load(self, stamp: datetime) -> LoadedSettings:
        """Read the file; on any problem keep a copy of it aside and use the defaults."""
        try:
            settings = self.read()
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, SettingsError) as exc:
            kept = set_aside(self.path, stamp)
            detail = str(exc).splitlines()[0]
            message = f"{self.path}: {detail}; using the defaults, the file is kept as {kept.name}"
            log.warning("settings file unreadable: %s", message)
            return LoadedSettings(Settings(), message)
        return LoadedSettings(Settings() if settings is None else settings)

    def save(self, settings: Settings) -> None:
        """Write atomically; the previous file stays whole if this fails."""
        text = json.dumps(settings_to_dict(settings), indent=2, sort_keys=True)
        write_atomic(self.path, (text + "\n").encode("utf-8"))
