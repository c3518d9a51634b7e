"""Where the app keeps its files: one AppPaths object built from platformdirs.

One override moves everything under a single folder: --data-dir, the
COMPASSION_COMPANION_HOME variable (tests, a portable USB stick), or a portable marker
beside a frozen executable. Nothing here reads the environment by itself; the caller
passes what it found, so no module holds configuration.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from app import APP_AUTHOR, APP_SLUG, HOME_ENV_VAR

PORTABLE_MARKER = "portable.txt"
PORTABLE_FOLDER = "CompassionCompanionData"


class AppPaths(NamedTuple):  # not a dataclass: defined on every start-up
    """The app's folders; `ensure` creates them owner-only."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path
    state_dir: Path

    @property
    def settings_file(self) -> Path:
        """The versioned settings file."""
        return self.config_dir / "settings.json"

    @property
    def log_file(self) -> Path:
        """The rotating log file."""
        return self.log_dir / f"{APP_SLUG}.log"

    @property
    def journal_db(self) -> Path:
        """The encrypted journal database."""
        return self.data_dir / "journal.sqlite3"

    @property
    def history_db(self) -> Path:
        """Which practices were run and when (kept apart so a locked journal loses nothing)."""
        return self.data_dir / "history.sqlite3"

    @property
    def window_state_file(self) -> Path:
        """Where the window was and what it showed (the app's memory, not a setting)."""
        return self.state_dir / "window.json"

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        """Every folder inside one root (tests, --data-dir, portable mode)."""
        root = root.expanduser().resolve()
        return cls(root / "config", root / "data", root / "cache", root / "logs", root / "state")

    @classmethod
    def platform_default(cls) -> AppPaths:
        """The per-user folders this OS expects (XDG, %APPDATA%, ~/Library)."""
        import platformdirs  # only when no override names the folder: faster start-up

        dirs = platformdirs.PlatformDirs(APP_SLUG, APP_AUTHOR)
        return cls(
            Path(dirs.user_config_dir), Path(dirs.user_data_dir), Path(dirs.user_cache_dir),
            Path(dirs.user_log_dir), Path(dirs.user_state_dir),
        )

    def ensure(self) -> None:
        """Create the folders, readable by the owner only (journal text lives here)."""
        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir,
                       self.state_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            if os.name == "posix":
                folder.chmod(0o700)


def portable_root(executable: Path) -> Path | None:
    """The data folder beside a frozen executable when the portable marker is there."""
    here = executable.resolve().parent
    if (here / PORTABLE_MARKER).is_file():
        return here / PORTABLE_FOLDER
    return None


def resolve_paths(data_dir: str | None, environ: Mapping[str, str]) -> AppPaths:
    """Pick the folders: --data-dir, then the environment variable, then portable, then OS."""
    if data_dir:
        return AppPaths.under(Path(data_dir))
    from_env = environ.get(HOME_ENV_VAR, "").strip()
    if from_env:
        return AppPaths.under(Path(from_env))
    if getattr(sys, "frozen", False):
        root = portable_root(Path(sys.executable))
        if root is not None:
            return AppPaths.under(root)
    return AppPaths.platform_default()
