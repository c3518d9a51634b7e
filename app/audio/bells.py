"""The soft bell between steps: which file, how loud, and whether to ring at all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.settings import Settings
from app.platform.resources import Resources

STEP_BELL = "sounds/bell-soft.ogg"  # relative to resources/


@dataclass(frozen=True, slots=True)
class Bell:
    """A bell file and its volume (0..1)."""

    path: Path
    volume: float


def step_bell(settings: Settings, resources: Resources, name: str = STEP_BELL) -> Bell | None:
    """The step-change bell the settings ask for, or None when bells are switched off."""
    if not settings.bell_enabled or settings.bell_volume <= 0:
        return None
    return Bell(resources.resource(name), min(1.0, settings.bell_volume))
