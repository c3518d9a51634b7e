"""Keep an unreadable file beside where it was, so starting afresh never destroys it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


def set_aside(path: Path, stamp: datetime) -> Path:
    """Rename `path` to `<name>.broken-<stamp>` in its folder; returns the new path.

    Raises OSError when the rename fails (the file then stays where it was).
    """
    kept = path.with_name(f"{path.name}.broken-{stamp:%Y%m%d-%H%M%S}")
    path.replace(kept)
    return kept
