"""Schema migrations keyed by PRAGMA user_version.

Each step runs in its own transaction together with the user_version bump, after a backup
copy of the file is taken with the SQLite online backup API. A file written by a newer
version of the app is refused rather than guessed at.

Only timestamps and random ids are stored in clear; titles, bodies, tags, moods, drafts and
practice sessions live in `ciphertext` columns sealed by app.core.crypto.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from app.core.clock import Clock
from app.storage.db import ensure_private_dir, make_private, transaction


class MigrationError(Exception):
    """Base of migration failures; the database is left at its previous version."""


class SchemaTooNew(MigrationError):
    """The file was written by a newer version of the app."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"This journal was saved by a newer version of Compassion Companion (schema "
            f"{found}; this version understands up to {known}). Update the app to open it; "
            "the file has not been changed."
        )
        self.found = found
        self.known = known


class MigrationFailed(MigrationError):
    """A step failed and was rolled back."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One step from `version - 1` to `version`."""

    version: int
    description: str
    statements: tuple[str, ...]


V1_STATEMENTS: Final = (
    """
    CREATE TABLE keyring (
        id                    INTEGER PRIMARY KEY CHECK (id = 1),
        kdf_params            TEXT    NOT NULL,
        salt                  BLOB    NOT NULL,
        wrapped_by_passphrase BLOB    NOT NULL,
        recovery_salt         BLOB    NOT NULL,
        wrapped_by_recovery   BLOB    NOT NULL,
        no_passphrase         INTEGER NOT NULL DEFAULT 0 CHECK (no_passphrase IN (0, 1)),
        created_at            TEXT    NOT NULL,
        updated_at            TEXT    NOT NULL
    )
    """,
    """
    CREATE TABLE entries (
        id          TEXT PRIMARY KEY CHECK (length(id) = 32),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        ciphertext  BLOB NOT NULL
    )
    """,
    "CREATE INDEX entries_by_created ON entries (created_at)",
    """
    CREATE TABLE sessions (
        id          TEXT PRIMARY KEY,
        started_at  TEXT NOT NULL,
        ciphertext  BLOB NOT NULL
    )
    """,
)

V2_STATEMENTS: Final = (
    # Autosaved drafts: draft_key is 'new' or the id of the entry being edited; entry_id
    # lets saving or deleting an entry clear its drafts in the same transaction.
    """
    CREATE TABLE drafts (
        draft_key   TEXT PRIMARY KEY,
        entry_id    TEXT NOT NULL CHECK (length(entry_id) = 32),
        saved_at    TEXT NOT NULL,
        ciphertext  BLOB NOT NULL
    )
    """,
    "CREATE INDEX drafts_by_entry ON drafts (entry_id)",
)

MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(1, "keyring, entries and practice sessions", V1_STATEMENTS),
    Migration(2, "encrypted autosave drafts", V2_STATEMENTS),
)
LATEST_VERSION: Final = MIGRATIONS[-1].version


@dataclass(frozen=True, slots=True)
class MigrationReport:
    """What `migrate` did: versions before and after, and the backups it made."""

    from_version: int
    to_version: int
    backups: tuple[Path, ...] = field(default=())

    @property
    def changed(self) -> bool:
        """True if any step ran."""
        return self.from_version != self.to_version


def schema_version(conn: sqlite3.Connection) -> int:
    """Return the file's PRAGMA user_version (0 for a new, empty database)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return int(row[0]) > 0


def backup_before_migration(
    conn: sqlite3.Connection, backup_dir: Path, stem: str, target: int, clock: Clock
) -> Path:
    """Copy the whole database with the online backup API before step `target` runs."""
    ensure_private_dir(backup_dir)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    base = f"{stem}-{stamp}-pre-v{target}"
    dest_path = backup_dir / f"{base}.sqlite3"
    counter = 1
    while dest_path.exists():  # never overwrite an earlier copy
        counter += 1
        dest_path = backup_dir / f"{base}-{counter}.sqlite3"
    dest = sqlite3.connect(dest_path)
    try:
        make_private(dest_path)
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
    finally:
        dest.close()
    make_private(dest_path)
    return dest_path


def migrate(
    conn: sqlite3.Connection,
    *,
    backup_dir: Path | None,
    clock: Clock,
    stem: str = "journal",
    migrations: Sequence[Migration] = MIGRATIONS,
) -> MigrationReport:
    """Bring the schema up to the newest version, one transaction per step.

    A backup is taken before each step unless the database was brand new (version 0, no
    tables) or `backup_dir` is None. Raises SchemaTooNew (nothing changed) or MigrationFailed (the
    failing step rolled back; earlier steps stay committed, each with its own backup).
    """
    known = migrations[-1].version if migrations else 0
    start = schema_version(conn)
    if start > known:
        raise SchemaTooNew(start, known)
    # A brand-new file has nothing to lose: no copies while it is being built.
    worth_backing_up = backup_dir is not None and (start > 0 or _has_tables(conn))
    backups: list[Path] = []
    current = start
    for step in migrations:
        if step.version <= current:
            continue
        if step.version != current + 1:
            raise MigrationFailed(f"no migration from schema {current} to {current + 1}")
        if worth_backing_up and backup_dir is not None:
            backups.append(backup_before_migration(conn, backup_dir, stem, step.version, clock))
        try:
            with transaction(conn):
                for statement in step.statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {int(step.version)}")
        except sqlite3.Error as exc:
            raise MigrationFailed(
                f"Updating the journal to schema {step.version} ({step.description}) failed "
                f"and was undone: {exc}"
            ) from exc
        current = step.version
    return MigrationReport(start, current, tuple(backups))
