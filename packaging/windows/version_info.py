"""Fill the Windows version-resource template from app/__init__.py (called by the spec)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app import APP_AUTHOR, APP_NAME, APP_SLUG, __version__

TEMPLATE = Path(__file__).with_name("version_info.txt.in")


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """'0.1.0' -> (0, 1, 0, 0): Windows wants four numbers; a suffix like 'rc1' is dropped."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:4]]
    padded = [*numbers, 0, 0, 0, 0][:4]
    return padded[0], padded[1], padded[2], padded[3]


def render() -> str:
    """The template with every placeholder filled."""
    return TEMPLATE.read_text(encoding="utf-8").format(
        version_tuple=version_tuple(__version__), version=__version__, name=APP_NAME,
        slug=APP_SLUG, author=APP_AUTHOR,
    )


def write_version_file(path: Path) -> str:
    """Write the filled template to `path` for PyInstaller's EXE(version=...)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return str(path)
