"""Opening the journal database safely, and checking it is whole.

Connections run in autocommit mode (`isolation_level=None`) and every write goes through
`transaction`, so each change is one explicit BEGIN IMMEDIATE ... COMMIT and a failure rolls
back completely. WAL + synchronous=FULL means a committed write survives a power cut.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

DIR_MODE: Final = 0o700
FILE_MODE: Final = 0o600
SIDECAR_SUFFIXES: Final = ("-wal", "-shm", "-journal")
_POSIX: Final = sys.platform != "win32"


class DatabaseError(Exception):
    """The database could not be opened or is not a usable journal file."""


def ensure_private_dir(path: Path) -> None:
    """Create `path` (and missing parents) readable by the owner only.

    Folders that already exist keep their permissions except `path` itself, which the app
    owns (its data or backups folder) and so is tightened to 0o700.
    """
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if _POSIX and stat.S_IMODE(path.stat().st_mode) != DIR_MODE:
        path.chmod(DIR_MODE)


def make_private(path: Path) -> None:
    """Set a file to owner read/write only (no-op where POSIX modes do not apply)."""
    if _POSIX and path.exists():
        path.chmod(FILE_MODE)


def _touch_private(path: Path) -> None:
    """Create the file 0o600 before SQLite does, so it is never briefly world-readable."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    os.close(fd)


def open_db(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (or create) the journal database with the pragmas the app relies on.

    WAL for crash safety and readers during writes, synchronous=FULL so COMMIT reaches the
    disk, foreign keys, and secure_delete so deleted ciphertext is overwritten rather than
    left in free pages.
    """
    ensure_private_dir(path.parent)
    if not path.exists():
        if not create:
            raise DatabaseError(f"No journal database at {path}")
        _touch_private(path)
    make_private(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot open {path}: {exc}") from exc
    try:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DatabaseError(f"{path}: could not switch to WAL mode (got {mode!r})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA secure_delete=ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseError(f"{path} is not a usable database: {exc}") from exc
    except DatabaseError:
        conn.close()
        raise
    for suffix in SIDECAR_SUFFIXES:
        make_private(path.with_name(path.name + suffix))
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block as one IMMEDIATE transaction; roll back on any exception."""
    if conn.isolation_level is not None:
        raise ValueError("transaction() needs a connection opened with isolation_level=None")
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def quick_check_connection(conn: sqlite3.Connection) -> list[str]:
    """Return the problems `PRAGMA quick_check` finds (empty when the file is whole)."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    problems = [str(row[0]) for row in rows]
    return [] if problems == ["ok"] else problems


def quick_check(path: Path) -> list[str]:
    """Check a database file at start-up or before restoring it; never creates or alters it.

    A missing, truncated or overwritten file yields a problem string instead of an
    exception, so the caller can report it and keep the file.
    """
    if not path.is_file():
        return [f"{path} does not exist"]
    if path.stat().st_size == 0:
        return [f"{path} is empty"]
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=10.0)
    except sqlite3.Error as exc:
        return [f"cannot open {path}: {exc}"]
    try:
        problems = quick_check_connection(conn)
        if not problems:
            # quick_check does not read pages past the last one the btrees reach; a file
            # cut short is caught by comparing the header's page count with the real size.
            problems = _size_problems(conn, path)
        return problems
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()


def _size_problems(conn: sqlite3.Connection, path: Path) -> list[str]:
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    page_count = int(conn.execute("PRAGMA page_count").fetchone()[0])
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return []  # pages may legitimately live only in the WAL until a checkpoint
    actual = path.stat().st_size
    if actual < page_size * page_count:
        return [f"{path} is truncated: {actual} bytes, expected {page_size * page_count}"]
    return []
