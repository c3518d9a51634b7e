"""Logging to a rotating file in the log folder (and warnings to stderr).

Journal content never reaches a log: callers log ids and counts, never text.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_BYTES = 1_000_000
LOG_BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(log_file: Path, *, verbose: bool = False) -> logging.Handler:
    """Attach a rotating file handler to the root logger; returns it so tests can detach it."""
    log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return handler
