"""Logging to a rotating file in the log folder (and warnings to stderr).

Journal content never reaches a log: callers log ids and counts, never text.

The GUI holds its first records in memory and opens the rotating file after the window's
first paint: `logging.handlers` brings in the socket module, about 10 ms the window
should not wait for. Nothing is lost; the held records go to the file first.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

LOG_BYTES: Final = 1_000_000
LOG_BACKUPS: Final = 5
FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: More than a start-up ever logs; past it the oldest records are kept, the rest counted.
HELD_RECORDS: Final = 2000


class HeldRecords(logging.Handler):
    """Keeps records until the real log file is open, then passes them on in order."""

    def __init__(self, log_file: Path, *, verbose: bool = False,
                 limit: int = HELD_RECORDS) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.dropped = 0
        self.file_handler: logging.Handler | None = None
        self._log_file = log_file
        self._verbose = verbose
        self._limit = limit

    def open_log(self) -> None:
        """Open the rotating file and write out what was held (once; later calls do nothing)."""
        if self.file_handler is None:
            self.file_handler = setup_logging(self._log_file, verbose=self._verbose, held=self)

    def emit(self, record: logging.LogRecord) -> None:
        """Hold the record (or count it, past the limit)."""
        if len(self.records) < self._limit:
            self.records.append(record)
        else:
            self.dropped += 1

    def pass_to(self, handler: logging.Handler) -> None:
        """Give every held record to `handler`, then forget them."""
        for record in self.records:
            if record.levelno >= handler.level:
                handler.handle(record)
        if self.dropped:
            handler.handle(logging.makeLogRecord({
                "name": __name__, "levelno": logging.WARNING, "levelname": "WARNING",
                "msg": "%d start-up log records were not kept", "args": (self.dropped,)}))
        self.records.clear()
        self.dropped = 0


def hold_logging(log_file: Path, *, verbose: bool = False) -> HeldRecords:
    """Start logging into memory; the holder's `open_log()` later writes it to `log_file`."""
    held = HeldRecords(log_file, verbose=verbose)
    root = logging.getLogger()
    root.addHandler(held)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return held


def setup_logging(log_file: Path, *, verbose: bool = False,
                  held: HeldRecords | None = None) -> logging.Handler:
    """Attach a rotating file handler to the root logger; returns it so tests can detach it.

    With `held`, the records kept since start-up are written first and the holder removed.
    """
    import logging.handlers

    log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    if held is not None:
        root.removeHandler(held)
        held.pass_to(handler)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return handler
