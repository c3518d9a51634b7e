"""Typed settings with defaults, and the upgrade steps that bring old files up to date.

Upgrades are small named functions on a plain dict (the Picard pattern), listed in one
immutable tuple rather than registered by a decorator into module state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any, NamedTuple

SETTINGS_VERSION = 3
MIN_TEXT_SCALE = 0.8
MAX_TEXT_SCALE = 2.0
DEFAULT_JOURNAL_LOCK_MINUTES = 5
MAX_JOURNAL_LOCK_MINUTES = 240


class Appearance(StrEnum):
    """Light or dark: follow the system unless the person chose."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


class Voice(StrEnum):
    """Whose voice guides Me Space: the bundled narration or the person's own recording."""

    BUNDLED = "bundled"
    OWN = "own"


class SettingsError(ValueError):
    """A settings file that cannot be read; names the field and what was expected."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the person can change, with the defaults a new user gets."""

    appearance: Appearance = Appearance.SYSTEM
    text_scale: float = 1.0
    bell_enabled: bool = True
    bell_volume: float = 0.6
    reminders: Mapping[str, Any] = field(default_factory=dict)
    journal_lock_minutes: int = DEFAULT_JOURNAL_LOCK_MINUTES
    start_at_login: bool = False
    me_space_voice: Voice = Voice.BUNDLED
    facilitator_screen: str = ""  # a screen name; empty means the screen the window is on
    extra: Mapping[str, Any] = field(default_factory=dict)

    def with_text_scale(self, scale: float) -> Settings:
        """A copy with the text scale clamped to what layouts are tested with."""
        clamped = round(min(MAX_TEXT_SCALE, max(MIN_TEXT_SCALE, scale)), 2)
        return replace(self, text_scale=clamped)


class Upgrade(NamedTuple):  # not a dataclass: defined on every start-up
    """One step from `version - 1` to `version`; `why` goes to the log."""

    version: int
    why: str
    apply: Callable[[dict[str, Any]], dict[str, Any]]


def _v1_font_size_to_text_scale(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 stored an absolute font size; a scale respects the system's own size."""
    out = dict(data)
    size = out.pop("font_size", None)
    if isinstance(size, int | float) and not isinstance(size, bool) and size > 0:
        out["text_scale"] = round(size / 10.0, 2)
    return out


def _v2_idle_lock_to_journal_lock_minutes(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 kept a loose `idle_lock_seconds`; the setting is now whole minutes, named."""
    out = dict(data)
    seconds = out.pop("idle_lock_seconds", None)
    if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds > 0:
        out["journal_lock_minutes"] = max(1, min(MAX_JOURNAL_LOCK_MINUTES, round(seconds / 60)))
    return out


UPGRADES: tuple[Upgrade, ...] = (
    Upgrade(2, "font_size became text_scale (relative to the system font)",
            _v1_font_size_to_text_scale),
    Upgrade(3, "idle_lock_seconds became journal_lock_minutes",
            _v2_idle_lock_to_journal_lock_minutes),
)


def upgrade(
    data: Mapping[str, Any], log: Callable[[str], None] = lambda _m: None
) -> dict[str, Any]:
    """Run every upgrade step newer than the file's version, in order."""
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SettingsError(f"version: expected a whole number from 1, got {version!r}")
    if version > SETTINGS_VERSION:
        raise SettingsError(
            f"version: expected {SETTINGS_VERSION} or older (this app is older than the file), "
            f"got {version}"
        )
    out = dict(data)
    for step in UPGRADES:
        if version < step.version:
            out = step.apply(out)
            log(f"settings upgraded to version {step.version}: {step.why}")
    out["version"] = SETTINGS_VERSION
    return out


def _expect(name: str, value: object, ok: bool, expected: str) -> None:
    if not ok:
        raise SettingsError(f"{name}: expected {expected}, got {value!r}")


def settings_from_dict(data: Mapping[str, Any]) -> Settings:
    """Build Settings from a (possibly old) file's dict; unknown keys are kept in `extra`."""
    current = upgrade(data)
    known = {f.name for f in fields(Settings)}
    defaults = Settings()
    values: dict[str, Any] = {}
    appearance = current.get("appearance", defaults.appearance.value)
    _expect("appearance", appearance, appearance in {a.value for a in Appearance},
            "one of " + ", ".join(a.value for a in Appearance))
    values["appearance"] = Appearance(appearance)
    scale = current.get("text_scale", defaults.text_scale)
    _expect("text_scale", scale,
            isinstance(scale, int | float) and not isinstance(scale, bool)
            and MIN_TEXT_SCALE <= scale <= MAX_TEXT_SCALE,
            f"a number from {MIN_TEXT_SCALE} to {MAX_TEXT_SCALE}")
    values["text_scale"] = float(scale)
    bell = current.get("bell_enabled", defaults.bell_enabled)
    _expect("bell_enabled", bell, isinstance(bell, bool), "true or false")
    values["bell_enabled"] = bell
    volume = current.get("bell_volume", defaults.bell_volume)
    _expect("bell_volume", volume,
            isinstance(volume, int | float) and not isinstance(volume, bool) and 0 <= volume <= 1,
            "a number from 0 to 1")
    values["bell_volume"] = float(volume)
    reminders = current.get("reminders", {})
    _expect("reminders", reminders, isinstance(reminders, dict), "a table of reminder rules")
    values["reminders"] = reminders
    lock = current.get("journal_lock_minutes", defaults.journal_lock_minutes)
    _expect("journal_lock_minutes", lock,
            isinstance(lock, int) and not isinstance(lock, bool)
            and 1 <= lock <= MAX_JOURNAL_LOCK_MINUTES,
            f"a whole number of minutes from 1 to {MAX_JOURNAL_LOCK_MINUTES}")
    values["journal_lock_minutes"] = lock
    login = current.get("start_at_login", defaults.start_at_login)
    _expect("start_at_login", login, isinstance(login, bool), "true or false")
    values["start_at_login"] = login
    voice = current.get("me_space_voice", defaults.me_space_voice.value)
    _expect("me_space_voice", voice, voice in {v.value for v in Voice},
            "one of " + ", ".join(v.value for v in Voice))
    values["me_space_voice"] = Voice(voice)
    screen = current.get("facilitator_screen", defaults.facilitator_screen)
    _expect("facilitator_screen", screen, isinstance(screen, str), "a screen name or \"\"")
    values["facilitator_screen"] = screen
    values["extra"] = {k: v for k, v in current.items() if k not in known and k != "version"}
    return Settings(**values)


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """The JSON-ready form, stamped with the current version."""
    data = asdict(settings)
    extra = data.pop("extra")
    data["appearance"] = settings.appearance.value
    data["me_space_voice"] = settings.me_space_voice.value
    data["reminders"] = dict(settings.reminders)
    return {"version": SETTINGS_VERSION, **dict(extra), **data}
