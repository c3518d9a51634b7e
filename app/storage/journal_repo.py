"""The journal repository: encrypted entries, drafts and practice sessions in SQLite.

Everything private is sealed with the data key before it reaches SQL; only random ids and
timestamps are stored in clear. Each write is one transaction: if the disk is full or the
file cannot be written, SaveFailed is raised and the earlier data is untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from app.core import crypto
from app.core.clock import Clock
from app.core.journal import NEW_DRAFT, Draft, Entry
from app.storage.db import DatabaseError, open_db, quick_check, quick_check_connection
from app.storage.db import transaction as _transaction
from app.storage.migrations import migrate

ENTRY_PURPOSE: Final = "entry"
DRAFT_PURPOSE: Final = "draft"
SESSION_PURPOSE: Final = "session"


class RepositoryError(Exception):
    """Base of the repository's errors."""


class Locked(RepositoryError):
    """The journal must be unlocked first."""

    def __init__(self) -> None:
        super().__init__("The journal is locked; unlock it first.")


class NoKeyring(RepositoryError):
    """The journal has not been set up yet (no keyring row)."""


class KeyringExists(RepositoryError):
    """Set-up was asked for twice; the existing key is kept."""


class EntryNotFound(RepositoryError, KeyError):
    """No entry with that id."""


class EntryExists(RepositoryError):
    """create_entry with an id already in use."""


class CorruptEntry(RepositoryError):
    """A stored record does not decrypt (altered, damaged or misplaced)."""


class SaveFailed(RepositoryError):
    """A write failed (disk full, I/O error...); it was rolled back, nothing was lost."""


def _to_db(moment: datetime) -> str:
    """UTC ISO text with fixed precision, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _from_db(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One practice session in the history; `payload` is sealed as JSON."""

    id: str
    started_at: datetime
    payload: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The result of `verify`: SQLite's integrity check plus a decryption of every record."""

    integrity_problems: tuple[str, ...] = ()
    entries_checked: int = 0
    bad_entries: tuple[str, ...] = ()
    bad_drafts: tuple[str, ...] = ()
    bad_sessions: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the file is whole and every record opened."""
        return not (
            self.integrity_problems or self.bad_entries or self.bad_drafts or self.bad_sessions
        )

    def lines(self) -> list[str]:
        """Summarise for people (ids only, never content)."""
        out = [f"{self.entries_checked} entries checked"]
        out += [f"database: {p}" for p in self.integrity_problems]
        out += [f"entry {i} does not decrypt" for i in self.bad_entries]
        out += [f"draft {i} does not decrypt" for i in self.bad_drafts]
        out += [f"session {i} does not decrypt" for i in self.bad_sessions]
        out += list(self.notes)
        out.append("OK" if self.ok else "PROBLEMS FOUND")
        return out


class JournalRepository:
    """Encrypted journal storage over one SQLite connection (from `open_db`, migrated).

    Starts locked unless given a data key; `create_keyring`, `unlock` or
    `unlock_with_recovery` load the key, `lock` wipes it.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        clock: Clock,
        *,
        kdf_params: crypto.KdfParams = crypto.DEFAULT_KDF,
        data_key: bytearray | None = None,
    ) -> None:
        self._conn = conn
        self._clock = clock
        self._kdf = kdf_params
        self._key: bytearray | None = data_key

    # --- keys --------------------------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection (for backups and closing)."""
        return self._conn

    @property
    def is_unlocked(self) -> bool:
        """True while the data key is held in memory."""
        return self._key is not None

    def has_keyring(self) -> bool:
        """Tell whether the journal has been set up."""
        return self._conn.execute("SELECT 1 FROM keyring WHERE id = 1").fetchone() is not None

    def is_passphrase_free(self) -> bool:
        """Tell whether the person chose no passphrase (the UI shows a warning)."""
        return self._read_keyring().no_passphrase

    def _read_keyring(self) -> crypto.Keyring:
        row = self._conn.execute(
            "SELECT kdf_params, salt, wrapped_by_passphrase, recovery_salt, "
            "wrapped_by_recovery, no_passphrase FROM keyring WHERE id = 1"
        ).fetchone()
        if row is None:
            raise NoKeyring("This journal has not been set up yet.")
        return crypto.Keyring(
            kdf=crypto.KdfParams.from_json(row[0]),
            salt=bytes(row[1]),
            wrapped_by_passphrase=bytes(row[2]),
            recovery_salt=bytes(row[3]),
            wrapped_by_recovery=bytes(row[4]),
            no_passphrase=bool(row[5]),
        )

    def _write_keyring(self, keyring: crypto.Keyring, *, new: bool) -> None:
        now = _to_db(self._clock.now())
        values = (
            keyring.kdf.to_json(),
            keyring.salt,
            keyring.wrapped_by_passphrase,
            keyring.recovery_salt,
            keyring.wrapped_by_recovery,
            int(keyring.no_passphrase),
        )
        with self._writing("the journal keys"):
            if new:
                self._conn.execute(
                    "INSERT INTO keyring (id, kdf_params, salt, wrapped_by_passphrase, "
                    "recovery_salt, wrapped_by_recovery, no_passphrase, created_at, updated_at) "
                    "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, now, now),
                )
            else:
                self._conn.execute(
                    "UPDATE keyring SET kdf_params = ?, salt = ?, wrapped_by_passphrase = ?, "
                    "recovery_salt = ?, wrapped_by_recovery = ?, no_passphrase = ?, "
                    "updated_at = ? WHERE id = 1",
                    (*values, now),
                )

    def _set_key(self, key: bytearray) -> None:
        if self._key is not None:
            crypto.wipe(self._key)
        self._key = key

    def create_keyring(self, passphrase: str | None) -> str:
        """Set up encryption and return the recovery key, to be shown to the person once.

        `None` is the explicit no-passphrase choice. Leaves the journal unlocked.
        """
        if self.has_keyring():
            raise KeyringExists("This journal is already set up; its keys were kept.")
        keyring, data_key, recovery = crypto.create_keyring(passphrase, self._kdf)
        try:
            self._write_keyring(keyring, new=True)
        except BaseException:
            crypto.wipe(data_key)
            raise
        self._set_key(data_key)
        return recovery

    def unlock(self, passphrase: str | None) -> None:
        """Load the data key; raises crypto.WrongPassphrase and changes nothing on failure."""
        self._set_key(crypto.unlock(self._read_keyring(), passphrase))

    def unlock_with_recovery(self, recovery_key: str) -> None:
        """Load the data key from the recovery key (InvalidRecoveryKey on a typo)."""
        self._set_key(crypto.unlock_with_recovery(self._read_keyring(), recovery_key))

    def change_passphrase(self, old: str | None, new: str | None) -> None:
        """Rewrap the data key under a new passphrase; entries are not re-encrypted.

        The KDF parameters are raised to this repository's current ones on the way.
        """
        keyring = crypto.change_passphrase(self._read_keyring(), old, new, self._kdf)
        self._write_keyring(keyring, new=False)

    def reset_passphrase_with_recovery(self, recovery_key: str, new: str | None) -> None:
        """For a forgotten passphrase: unlock with the recovery key and set a new one."""
        keyring = self._read_keyring()
        key = crypto.unlock_with_recovery(keyring, recovery_key)
        try:
            updated = crypto.set_passphrase(keyring, key, new, self._kdf)
            self._write_keyring(updated, new=False)
        except BaseException:
            crypto.wipe(key)
            raise
        self._set_key(key)

    def lock(self) -> None:
        """Forget the data key (idle timeout, sleep, quit)."""
        if self._key is not None:
            crypto.wipe(self._key)
        self._key = None

    def _require_key(self) -> bytearray:
        if self._key is None:
            raise Locked()
        return self._key

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """One transaction; storage failures become SaveFailed after the rollback."""
        try:
            with _transaction(self._conn):
                yield
        except sqlite3.IntegrityError:
            raise
        except (sqlite3.Error, OSError) as exc:
            raise SaveFailed(
                f"Could not save {what}: {exc}. Nothing was changed; your earlier "
                "entries are safe. Free some disk space or check the drive, then try again."
            ) from exc

    # --- entries -----------------------------------------------------------------------

    def _seal_entry(self, entry: Entry) -> bytes:
        return crypto.seal_json(
            self._require_key(), ENTRY_PURPOSE, entry.id, entry.private_payload()
        )

    def _open_entry(self, entry_id: str, blob: bytes) -> Entry:
        try:
            payload = crypto.open_json(self._require_key(), ENTRY_PURPOSE, entry_id, blob)
            return Entry.from_payload(entry_id, payload)
        except (crypto.DecryptionFailed, ValueError) as exc:
            raise CorruptEntry(f"Entry {entry_id} cannot be read: {exc}") from exc

    def create_entry(self, entry: Entry) -> None:
        """Store a new entry and clear its drafts, in one transaction."""
        blob = self._seal_entry(entry)
        with self._writing("the entry"):
            exists = self._conn.execute("SELECT 1 FROM entries WHERE id = ?", (entry.id,))
            if exists.fetchone() is not None:
                raise EntryExists(f"An entry with id {entry.id} already exists.")
            self._conn.execute(
                "INSERT INTO entries (id, created_at, updated_at, ciphertext) VALUES (?,?,?,?)",
                (entry.id, _to_db(entry.created_at), _to_db(entry.updated_at), blob),
            )
            self._conn.execute("DELETE FROM drafts WHERE entry_id = ?", (entry.id,))

    def create_entries(self, entries: Sequence[Entry]) -> None:
        """Store many new entries in one transaction: all of them or, on any error, none.

        For imports: one commit (one fsync) instead of one per entry, and a failure half-way
        leaves the journal exactly as it was. Raises EntryExists naming the first id that is
        already stored or repeated in `entries`.
        """
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen:
                raise EntryExists(f"The entry id {entry.id} appears twice in what is being added.")
            seen.add(entry.id)
        rows = [
            (e.id, _to_db(e.created_at), _to_db(e.updated_at), self._seal_entry(e))
            for e in entries
        ]
        with self._writing("the entries"):
            for entry_id, *_ in rows:
                exists = self._conn.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,))
                if exists.fetchone() is not None:
                    raise EntryExists(f"An entry with id {entry_id} already exists.")
            self._conn.executemany(
                "INSERT INTO entries (id, created_at, updated_at, ciphertext) VALUES (?,?,?,?)",
                rows,
            )
            self._conn.executemany(
                "DELETE FROM drafts WHERE entry_id = ?", [(row[0],) for row in rows]
            )

    def update_entry(self, entry: Entry) -> None:
        """Replace a stored entry (same id) and clear its drafts, in one transaction."""
        blob = self._seal_entry(entry)
        with self._writing("the entry"):
            cursor = self._conn.execute(
                "UPDATE entries SET created_at = ?, updated_at = ?, ciphertext = ? WHERE id = ?",
                (_to_db(entry.created_at), _to_db(entry.updated_at), blob, entry.id),
            )
            if cursor.rowcount != 1:
                raise EntryNotFound(entry.id)
            self._conn.execute("DELETE FROM drafts WHERE entry_id = ?", (entry.id,))

    def save_entry(self, entry: Entry) -> None:
        """Create or update, whichever applies."""
        if self.has_entry(entry.id):
            self.update_entry(entry)
        else:
            self.create_entry(entry)

    def delete_entry(self, entry_id: str) -> None:
        """Delete an entry and its drafts (secure_delete overwrites the freed pages)."""
        with self._writing("the deletion"):
            cursor = self._conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
            if cursor.rowcount != 1:
                raise EntryNotFound(entry_id)
            self._conn.execute("DELETE FROM drafts WHERE entry_id = ?", (entry_id,))

    def has_entry(self, entry_id: str) -> bool:
        """Tell whether an entry with this id is stored."""
        row = self._conn.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,)).fetchone()
        return row is not None

    def get_entry(self, entry_id: str) -> Entry:
        """Decrypt one entry (EntryNotFound, CorruptEntry)."""
        row = self._conn.execute(
            "SELECT ciphertext FROM entries WHERE id = ?", (entry_id,)
        ).fetchone()
        if row is None:
            raise EntryNotFound(entry_id)
        return self._open_entry(entry_id, bytes(row[0]))

    def list_entries(self, *, skip_damaged: bool = False) -> list[Entry]:
        """Every entry, newest first; a damaged one raises CorruptEntry unless skipped."""
        self._require_key()
        rows = self._conn.execute(
            "SELECT id, ciphertext FROM entries ORDER BY created_at DESC, id DESC"
        ).fetchall()
        entries: list[Entry] = []
        for entry_id, blob in rows:
            try:
                entries.append(self._open_entry(str(entry_id), bytes(blob)))
            except CorruptEntry:
                if not skip_damaged:
                    raise
        return entries

    def entry_count(self) -> int:
        """How many entries are stored (no key needed)."""
        return int(self._conn.execute("SELECT count(*) FROM entries").fetchone()[0])

    # --- drafts ------------------------------------------------------------------------

    @staticmethod
    def _draft_record_id(key: str, entry_id: str) -> str:
        return f"{key}/{entry_id}"

    def save_draft(self, entry: Entry, *, is_new: bool) -> Draft:
        """Autosave: replace the draft for this entry (or the single new-entry draft)."""
        key = NEW_DRAFT if is_new else entry.id
        saved_at = self._clock.now()
        blob = crypto.seal_json(
            self._require_key(),
            DRAFT_PURPOSE,
            self._draft_record_id(key, entry.id),
            entry.private_payload(),
        )
        with self._writing("the draft"):
            self._conn.execute(
                "INSERT OR REPLACE INTO drafts (draft_key, entry_id, saved_at, ciphertext) "
                "VALUES (?, ?, ?, ?)",
                (key, entry.id, _to_db(saved_at), blob),
            )
        return Draft(entry=entry, saved_at=saved_at, is_new=is_new)

    def _open_draft(self, key: str, entry_id: str, saved_at: str, blob: bytes) -> Draft:
        record_id = self._draft_record_id(key, entry_id)
        try:
            payload = crypto.open_json(self._require_key(), DRAFT_PURPOSE, record_id, blob)
            entry = Entry.from_payload(entry_id, payload)
        except (crypto.DecryptionFailed, ValueError) as exc:
            raise CorruptEntry(f"Draft {key} cannot be read: {exc}") from exc
        return Draft(entry=entry, saved_at=_from_db(saved_at), is_new=key == NEW_DRAFT)

    def load_draft(self, key: str) -> Draft | None:
        """Return the draft saved under NEW_DRAFT or an entry id, if any."""
        row = self._conn.execute(
            "SELECT entry_id, saved_at, ciphertext FROM drafts WHERE draft_key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        return self._open_draft(key, str(row[0]), str(row[1]), bytes(row[2]))

    def list_drafts(self) -> list[Draft]:
        """Every draft, newest first (offer to restore them after a crash)."""
        rows = self._conn.execute(
            "SELECT draft_key, entry_id, saved_at, ciphertext FROM drafts ORDER BY saved_at DESC"
        ).fetchall()
        return [self._open_draft(str(k), str(e), str(s), bytes(b)) for k, e, s, b in rows]

    def discard_draft(self, key: str) -> None:
        """Remove a draft; a missing one is not an error."""
        with self._writing("the draft removal"):
            self._conn.execute("DELETE FROM drafts WHERE draft_key = ?", (key,))

    # --- practice sessions ---------------------------------------------------------------

    def add_session(self, record: SessionRecord) -> None:
        """Store one practice session (its details sealed)."""
        blob = crypto.seal_json(
            self._require_key(), SESSION_PURPOSE, record.id, dict(record.payload)
        )
        with self._writing("the practice session"):
            self._conn.execute(
                "INSERT OR REPLACE INTO sessions (id, started_at, ciphertext) VALUES (?, ?, ?)",
                (record.id, _to_db(record.started_at), blob),
            )

    def list_sessions(self) -> list[SessionRecord]:
        """Practice sessions, newest first."""
        key = self._require_key()
        rows = self._conn.execute(
            "SELECT id, started_at, ciphertext FROM sessions ORDER BY started_at DESC"
        ).fetchall()
        out: list[SessionRecord] = []
        for session_id, started_at, blob in rows:
            try:
                payload = crypto.open_json(key, SESSION_PURPOSE, str(session_id), bytes(blob))
            except crypto.DecryptionFailed as exc:
                raise CorruptEntry(f"Session {session_id} cannot be read: {exc}") from exc
            out.append(SessionRecord(str(session_id), _from_db(str(started_at)), payload))
        return out

    # --- checking ------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Run integrity_check and try to decrypt every entry, draft and session.

        Reports ids only, so the report can be printed or logged safely.
        """
        key = self._require_key()
        try:
            rows = self._conn.execute("PRAGMA integrity_check").fetchall()
            problems = [str(r[0]) for r in rows]
            problems = [] if problems == ["ok"] else problems
        except sqlite3.DatabaseError as exc:
            problems = [str(exc)]
        if not problems:
            problems = quick_check_connection(self._conn)
        bad_entries: list[str] = []
        notes: list[str] = []
        entry_rows = self._conn.execute(
            "SELECT id, created_at, ciphertext FROM entries ORDER BY id"
        ).fetchall()
        for entry_id, created_at, blob in entry_rows:
            try:
                entry = self._open_entry(str(entry_id), bytes(blob))
            except CorruptEntry:
                bad_entries.append(str(entry_id))
                continue
            if _to_db(entry.created_at) != str(created_at):
                notes.append(f"entry {entry_id}: stored date differs from the sealed one")
        bad_drafts: list[str] = []
        for draft_key, entry_id, saved_at, blob in self._conn.execute(
            "SELECT draft_key, entry_id, saved_at, ciphertext FROM drafts ORDER BY draft_key"
        ).fetchall():
            try:
                self._open_draft(str(draft_key), str(entry_id), str(saved_at), bytes(blob))
            except CorruptEntry:
                bad_drafts.append(str(draft_key))
        bad_sessions: list[str] = []
        for session_id, blob in self._conn.execute(
            "SELECT id, ciphertext FROM sessions ORDER BY id"
        ).fetchall():
            try:
                crypto.open_json(key, SESSION_PURPOSE, str(session_id), bytes(blob))
            except crypto.DecryptionFailed:
                bad_sessions.append(str(session_id))
        return VerifyReport(
            integrity_problems=tuple(problems),
            entries_checked=len(entry_rows),
            bad_entries=tuple(bad_entries),
            bad_drafts=tuple(bad_drafts),
            bad_sessions=tuple(bad_sessions),
            notes=tuple(notes),
        )


def open_journal(
    db_path: Path,
    clock: Clock,
    *,
    backup_dir: Path | None,
    kdf_params: crypto.KdfParams = crypto.DEFAULT_KDF,
) -> JournalRepository:
    """Check, open and migrate the journal file, returning a locked repository.

    An existing file that fails quick_check raises DatabaseError and is left untouched,
    so the app can offer a restore instead of overwriting it.
    """
    if db_path.exists() and db_path.stat().st_size > 0:
        problems = quick_check(db_path)
        if problems:
            raise DatabaseError(
                f"The journal file {db_path} is damaged ({problems[0]}). It has been kept as it "
                "is; restore a backup to continue."
            )
    conn = open_db(db_path)
    try:
        migrate(conn, backup_dir=backup_dir, clock=clock, stem=db_path.stem)
    except BaseException:
        conn.close()
        raise
    return JournalRepository(conn, clock, kdf_params=kdf_params)
