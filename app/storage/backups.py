"""Rotating backups of the journal file, and restoring one.

Backups are whole-database copies made with the SQLite online backup API (consistent even
while the app writes), then switched to rollback-journal mode so each is one self-contained
file. They hold the same ciphertext as the journal, nothing in clear.

Names carry the local date and time: `journal-YYYYMMDD-HHMMSS.sqlite3` (automatic or
manual) and `journal-YYYYMMDD-HHMMSS-pre-vN.sqlite3` (taken before a migration; never
rotated away).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Final

from app.core.clock import Clock
from app.storage.db import SIDECAR_SUFFIXES, ensure_private_dir, make_private, quick_check

KEEP_DAYS: Final = 14
SUFFIX: Final = ".sqlite3"
_NAME_RE: Final = re.compile(
    r"^(?P<stem>.+)-(?P<date>\d{8})-(?P<time>\d{6})(?:-(?P<n>\d+))?(?:-pre-v(?P<v>\d+))?"
    + re.escape(SUFFIX)
    + r"$"
)


class BackupError(Exception):
    """A backup could not be made or restored; the journal itself was not changed."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file and when it was taken (local time, from its name)."""

    path: Path
    taken_at: datetime
    sequence: int  # 1, or 2, 3... for several in the same second
    before_migration_to: int | None  # schema version, for pre-migration copies

    @property
    def rotates(self) -> bool:
        """True for regular backups; pre-migration copies are kept until deleted by hand."""
        return self.before_migration_to is None


def parse_backup_name(path: Path, stem: str = "journal") -> BackupInfo | None:
    """Read the timestamp out of a backup's name; None for files that are not backups."""
    match = _NAME_RE.match(path.name)
    if match is None or match["stem"] != stem:
        return None
    try:
        taken = datetime.strptime(match["date"] + match["time"], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    version = match["v"]
    return BackupInfo(
        path=path,
        taken_at=taken,
        sequence=int(match["n"] or 1),
        before_migration_to=None if version is None else int(version),
    )


def list_backups(folder: Path, stem: str = "journal") -> list[BackupInfo]:
    """Every backup in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found = [
        info
        for p in folder.iterdir()
        if p.is_file() and (info := parse_backup_name(p, stem)) is not None
    ]
    found.sort(key=lambda b: (b.taken_at, b.sequence), reverse=True)
    return found


def backups_to_delete(taken: Iterable[datetime], keep_days: int = KEEP_DAYS) -> set[datetime]:
    """Rotation policy: keep every backup from the `keep_days` most recent days that have one.

    Counting days that have a backup (not calendar days) means a month away from the app
    never empties the folder, and several backups on one day never push out older days.
    """
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    stamps = set(taken)
    kept_days = sorted({t.date() for t in stamps}, reverse=True)[:keep_days]
    keep: set[date] = set(kept_days)
    return {t for t in stamps if t.date() not in keep}


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _free_name(folder: Path, stem: str, when: datetime) -> Path:
    base = f"{stem}-{when.strftime('%Y%m%d-%H%M%S')}"
    candidate = folder / f"{base}{SUFFIX}"
    n = 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{base}-{n}{SUFFIX}"
    return candidate


def backup_now(conn: sqlite3.Connection, folder: Path, clock: Clock, stem: str = "journal") -> Path:
    """Copy the open database into `folder` now; the copy is checked before it is kept.

    Written to a temporary name and renamed, so a half-written file never looks like a
    backup. Never overwrites an existing backup.
    """
    ensure_private_dir(folder)
    final = _free_name(folder, stem, clock.now())
    partial = final.with_name(final.name + ".partial")
    try:
        dest = sqlite3.connect(partial)
        try:
            make_private(partial)
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        problems = quick_check(partial)
        if problems:
            raise BackupError(f"The new backup failed its check: {problems[0]}")
        make_private(partial)
        os.replace(partial, final)
        _fsync_dir(folder)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"Could not write a backup to {folder}: {exc}") from exc
    finally:
        for leftover in [partial, *(partial.with_name(partial.name + s) for s in SIDECAR_SUFFIXES)]:
            leftover.unlink(missing_ok=True)
    return final


def rotate(folder: Path, stem: str = "journal", keep_days: int = KEEP_DAYS) -> list[Path]:
    """Delete regular backups the policy no longer keeps; return what was deleted."""
    regular = [b for b in list_backups(folder, stem) if b.rotates]
    doomed = backups_to_delete((b.taken_at for b in regular), keep_days)
    deleted: list[Path] = []
    for info in regular:
        if info.taken_at in doomed:
            info.path.unlink(missing_ok=True)
            deleted.append(info.path)
    return deleted


def daily_backup(
    conn: sqlite3.Connection,
    folder: Path,
    clock: Clock,
    stem: str = "journal",
    keep_days: int = KEEP_DAYS,
) -> Path | None:
    """Make today's automatic backup if there is none yet, then rotate; None if not due."""
    today = clock.now().date()
    made: Path | None = None
    if not any(b.taken_at.date() == today for b in list_backups(folder, stem) if b.rotates):
        made = backup_now(conn, folder, clock, stem)
    rotate(folder, stem, keep_days)
    return made


def newest_good_backup(folder: Path, stem: str = "journal") -> Path | None:
    """Return the most recent backup that passes quick_check (pre-migration copies included)."""
    for info in list_backups(folder, stem):
        if not quick_check(info.path):
            return info.path
    return None


def restore(backup_path: Path, db_path: Path, clock: Clock) -> Path | None:
    """Put a backup in place of the journal, keeping the current file aside; return its path.

    Close every connection to `db_path` first. The current file (and any -wal/-shm beside
    it, which belong to it) is renamed to `<name>.before-restore-<time>`, never deleted;
    None is returned if there was no current file.
    The backup is copied to a temporary file and checked before anything is moved.
    """
    problems = quick_check(backup_path)
    if problems:
        raise BackupError(f"{backup_path.name} cannot be restored: {problems[0]}")
    folder = db_path.parent
    ensure_private_dir(folder)
    incoming = db_path.with_name(db_path.name + ".restoring")
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}-{n}")
    try:
        shutil.copyfile(backup_path, incoming)
        make_private(incoming)
        with open(incoming, "rb+") as handle:
            os.fsync(handle.fileno())
        if quick_check(incoming):
            raise BackupError(f"The copy of {backup_path.name} did not check out; nothing changed")
        kept: Path | None = None
        if db_path.exists():
            os.replace(db_path, aside)
            kept = aside
        for suffix in SIDECAR_SUFFIXES:
            sidecar = db_path.with_name(db_path.name + suffix)
            if sidecar.exists():
                # A stale WAL applied to the restored file would corrupt it; keep it with
                # the file it belongs to.
                os.replace(sidecar, aside.with_name(aside.name + suffix))
        os.replace(incoming, db_path)
        _fsync_dir(folder)
    except OSError as exc:
        raise BackupError(f"Could not restore {backup_path.name}: {exc}") from exc
    finally:
        for leftover in [
            incoming,
            *(incoming.with_name(incoming.name + s) for s in SIDECAR_SUFFIXES),
        ]:
            leftover.unlink(missing_ok=True)
    return kept
