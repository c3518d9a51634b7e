"""How times and dates read on screen: one place, so every panel and notice agrees."""

from __future__ import annotations

import math
from datetime import date, datetime

_EPSILON = 1e-6  # float noise must not tip a whole second either way


def position_text(seconds: float) -> str:
    """'1:05' for a place in a recording: whole seconds passed (rounded down)."""
    minutes, rest = divmod(max(0, math.floor(seconds + _EPSILON)), 60)
    return f"{minutes}:{rest:02d}"


def remaining_text(seconds: float) -> str:
    """'4:05' for time left: rounded up, so '0:01' shows until the very end."""
    minutes, rest = divmod(max(0, math.ceil(seconds - _EPSILON)), 60)
    return f"{minutes}:{rest:02d}"


def countdown_text(seconds: float) -> str:
    """'04:05': a step's countdown, two-digit minutes so it keeps its width as it ticks."""
    minutes, rest = divmod(max(0, math.ceil(seconds - _EPSILON)), 60)
    return f"{minutes:02d}:{rest:02d}"


def day_text(day: date, *, year: bool = True) -> str:
    """'Mon 3 Mar 2025' (or 'Mon 3 Mar'): the day without a leading zero on any platform."""
    text = f"{day:%a} {day.day} {day:%b}"
    return f"{text} {day:%Y}" if year else text


def moment_text(moment: datetime) -> str:
    """'Mon 3 Mar 2025, 09:30' in the moment's own zone."""
    return f"{day_text(moment)}, {moment:%H:%M}"
