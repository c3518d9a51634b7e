"""The practice history: which practices were run, when, for how long, and the commitment.

Kept in its own small SQLite file beside the journal, so a session can be recorded even when
the journal is locked or was never set up. The file is owner-only. A commitment is personal:
once the person sends it to the (encrypted) journal, its clear copy here is erased
(secure_delete overwrites the freed page).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from app.core.session import SessionRecord
from app.storage.db import DatabaseError, open_db, transaction

SCHEMA_VERSION: Final = 1
_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS sessions (
    id              INTEGER PRIMARY KEY,
    practice_id     TEXT    NOT NULL,
    practice_title  TEXT    NOT NULL,
    started_at      TEXT    NOT NULL,
    ended_at        TEXT    NOT NULL,
    active_seconds  REAL    NOT NULL CHECK (active_seconds >= 0),
    completed       INTEGER NOT NULL CHECK (completed IN (0, 1)),
    steps_completed INTEGER NOT NULL,
    step_count      INTEGER NOT NULL,
    closing_prompt  TEXT    NOT NULL DEFAULT '',
    commitment      TEXT,
    in_journal      INTEGER NOT NULL DEFAULT 0 CHECK (in_journal IN (0, 1))
);
CREATE INDEX IF NOT EXISTS sessions_by_start ON sessions (started_at);
"""


class HistoryError(Exception):
    """The history file could not be read or written; the message names the file."""


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One stored session, with the row id the history view acts on."""

    id: int
    record: SessionRecord
    in_journal: bool


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("history timestamps must be aware")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class HistoryRepository:
    """Adds and lists sessions; one connection, every write in one transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path) -> HistoryRepository:
        """Open or create the history file; a file that is not a history raises HistoryError."""
        try:
            conn = open_db(path)
        except DatabaseError as exc:
            raise HistoryError(f"{path}: expected a practice history database ({exc})") from exc
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise HistoryError(
                    f"{path}: expected history schema {SCHEMA_VERSION} or older, got {version} "
                    "(saved by a newer version of the app; left unchanged)"
                )
            if version < SCHEMA_VERSION:
                with transaction(conn):
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise HistoryError(f"{path}: expected a practice history database ({exc})") from exc
        except HistoryError:
            conn.close()
            raise
        return cls(conn, path)

    def close(self) -> None:
        """Close the connection (WAL content is checkpointed by SQLite)."""
        self._conn.close()

    def add(self, record: SessionRecord) -> int:
        """Store a finished session; returns its row id."""
        try:
            with transaction(self._conn):
                cursor = self._conn.execute(
                    "INSERT INTO sessions (practice_id, practice_title, started_at, ended_at, "
                    "active_seconds, completed, steps_completed, step_count, closing_prompt, "
                    "commitment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (record.practice_id, record.practice_title, _utc_text(record.started_at),
                     _utc_text(record.ended_at), record.active_seconds, int(record.completed),
                     record.steps_completed, record.step_count, record.closing_prompt,
                     record.commitment),
                )
        except sqlite3.Error as exc:
            raise HistoryError(f"{self.path}: could not save the session ({exc})") from exc
        return int(cursor.lastrowid or 0)

    def items(self, limit: int | None = None) -> list[HistoryItem]:
        """Newest first."""
        sql = ("SELECT id, practice_id, practice_title, started_at, ended_at, active_seconds, "
               "completed, steps_completed, step_count, closing_prompt, commitment, in_journal "
               "FROM sessions ORDER BY started_at DESC, id DESC")
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        rows = self._conn.execute(sql, params).fetchall()
        return [
            HistoryItem(
                id=int(row[0]),
                record=SessionRecord(
                    practice_id=str(row[1]), practice_title=str(row[2]),
                    started_at=datetime.fromisoformat(str(row[3])),
                    ended_at=datetime.fromisoformat(str(row[4])),
                    active_seconds=float(row[5]), completed=bool(row[6]),
                    steps_completed=int(row[7]), step_count=int(row[8]),
                    closing_prompt=str(row[9]), commitment=row[10],
                ),
                in_journal=bool(row[11]),
            )
            for row in rows
        ]

    def mark_in_journal(self, item_id: int) -> None:
        """The commitment now lives (encrypted) in the journal: erase the clear copy here."""
        with transaction(self._conn):
            self._conn.execute(
                "UPDATE sessions SET in_journal = 1, commitment = NULL WHERE id = ?", (item_id,)
            )
        # The old page still sits in the write-ahead log: fold it in and empty the log, so
        # the words are left in no file (secure_delete already blanked the main file's copy).
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def total_minutes_since(self, since: datetime) -> float:
        """Minutes practised since `since`, for the history summary line."""
        row = self._conn.execute(
            "SELECT COALESCE(SUM(active_seconds), 0) FROM sessions WHERE started_at >= ?",
            (_utc_text(since),),
        ).fetchone()
        return float(row[0]) / 60
