"""Find the bundled folders (resources/, practices/) from source, a wheel or a frozen bundle.

The one lookup every other module uses, so a PyInstaller build and a git checkout behave
the same.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple


class ResourcesMissing(RuntimeError):
    """The bundled folders are not where any layout puts them."""


class Resources(NamedTuple):  # not a dataclass: defined on every start-up
    """Paths to the read-only content shipped with the app."""

    root: Path

    @property
    def practices_dir(self) -> Path:
        """One TOML file per practice."""
        return self.root / "practices"

    @property
    def resources_dir(self) -> Path:
        """Icons, sounds, audio, captions, styles."""
        return self.root / "resources"

    def resource(self, relative: str) -> Path:
        """A file inside resources/ (for example 'icons/app.svg')."""
        return self.resources_dir / relative

    @classmethod
    def locate(cls) -> Resources:
        """The bundle's folder when frozen, else the checkout or install next to `app/`."""
        candidates: list[Path] = []
        bundle = getattr(sys, "_MEIPASS", None)
        if bundle:
            candidates.append(Path(bundle))
        package_parent = Path(__file__).resolve().parents[2]
        candidates.append(package_parent)
        candidates.append(Path(sys.prefix) / "share" / "compassion-companion")
        for root in candidates:
            if (root / "practices").is_dir() and (root / "resources").is_dir():
                return cls(root)
        tried = ", ".join(str(c) for c in candidates)
        raise ResourcesMissing(f"resources: expected practices/ and resources/ in one of: {tried}")
