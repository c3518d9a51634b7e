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

log = logging.getLogger(__name__)


class LoadedSettings(NamedTuple):  # not a dataclass: defined on every start-up
    """The settings to use, and what went wrong reading the file, if anything."""

    settings: Settings
    problem: str = ""


class SettingsStore:
    """Reads and writes one settings file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, stamp: datetime) -> LoadedSettings:
        """Read the file; on any problem keep a copy of it aside and use the defaults."""
        if not self.path.exists():
            return LoadedSettings(Settings())
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise SettingsError("(file): expected a JSON object at the top level")
            return LoadedSettings(settings_from_dict(data))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, SettingsError) as exc:
            kept = self._set_aside(stamp)
            detail = str(exc).splitlines()[0]
            message = f"{self.path}: {detail}; using the defaults, the file is kept as {kept.name}"
            log.warning("settings file unreadable: %s", message)
            return LoadedSettings(Settings(), message)

    def save(self, settings: Settings) -> None:
        """Write atomically; the previous file stays whole if this fails."""
        text = json.dumps(settings_to_dict(settings), indent=2, sort_keys=True)
        write_atomic(self.path, (text + "\n").encode("utf-8"))

    def _set_aside(self, stamp: datetime) -> Path:
        kept = self.path.with_name(f"{self.path.name}.broken-{stamp:%Y%m%d-%H%M%S}")
        self.path.replace(kept)
        return kept
