"""The encrypted journal repository on a real SQLite file."""

from __future__ import annotations

import sqlite3
import stat
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app.core import crypto
from app.core.journal import NEW_DRAFT, Entry, Mood, edit_entry, new_entry, template_by_id
from app.storage import backups
from app.storage.db import DatabaseError, open_db, quick_check, transaction
from app.storage.journal_repo import (
    CorruptEntry,
    EntryExists,
    EntryNotFound,
    JournalRepository,
    KeyringExists,
    Locked,
    SaveFailed,
    SessionRecord,
    open_journal,
)
from app.storage.migrations import LATEST_VERSION, schema_version
from tests.fakes import FakeClock
from tests.journal_support import FAST_KDF as FAST
from tests.journal_support import T0

PASS = "a long walk by the river"


@pytest.fixture
def clock():
    return FakeClock(T0)


@pytest.fixture
def paths(tmp_path):
    data = tmp_path / "data"
    return data / "journal.sqlite3", data / "backups"


def _open(paths, clock) -> JournalRepository:
    db_path, backup_dir = paths
    return open_journal(db_path, clock, backup_dir=backup_dir, kdf_params=FAST)


@pytest.fixture
def repo(paths, clock):
    repository = _open(paths, clock)
    repository.create_keyring(PASS)
    yield repository
    repository.connection.close()


def _entry(clock, title="Handover", body="It went fine.", **kw) -> Entry:
    entry = new_entry(clock, title=title)
    return edit_entry(entry, clock, body=body, **kw)


# --- keys -----------------------------------------------------------------------------------


def test_set_up_returns_a_recovery_key_and_unlocks(paths, clock):
    repository = _open(paths, clock)
    assert not repository.has_keyring()
    recovery = repository.create_keyring(PASS)
    assert len(recovery.split("-")) == 14
    assert repository.is_unlocked
    assert not repository.is_passphrase_free()
    with pytest.raises(KeyringExists):
        repository.create_keyring("another")
    repository.connection.close()


def test_locked_repository_refuses_content(repo, clock):
    repo.lock()
    with pytest.raises(Locked):
        repo.create_entry(_entry(clock))
    with pytest.raises(Locked):
        repo.list_entries()


def test_wrong_passphrase_changes_nothing(repo, clock):
    repo.create_entry(_entry(clock))
    before = repo.connection.execute("SELECT * FROM keyring").fetchall()
    repo.lock()
    with pytest.raises(crypto.WrongPassphrase, match="does not unlock"):
        repo.unlock("not the passphrase")
    assert not repo.is_unlocked
    assert repo.connection.execute("SELECT * FROM keyring").fetchall() == before
    repo.unlock(PASS)
    assert len(repo.list_entries()) == 1


def test_entries_survive_close_and_reopen(paths, clock):
    repository = _open(paths, clock)
    repository.create_keyring(PASS)
    entry = _entry(clock, tags=("ward",), mood=Mood.GOOD, template_id="rolfe")
    repository.create_entry(entry)
    repository.connection.close()

    again = _open(paths, clock)
    assert not again.is_unlocked
    again.unlock(PASS)
    assert again.get_entry(entry.id) == entry
    again.connection.close()


def test_recovery_key_unlocks_and_resets_the_passphrase(paths, clock):
    repository = _open(paths, clock)
    recovery = repository.create_keyring(PASS)
    entry = _entry(clock)
    repository.create_entry(entry)
    repository.lock()
    repository.unlock_with_recovery(recovery)
    assert repository.get_entry(entry.id) == entry
    repository.lock()
    with pytest.raises(crypto.InvalidRecoveryKey):
        repository.unlock_with_recovery(recovery[:-1] + ("A" if recovery[-1] != "A" else "B"))
    repository.reset_passphrase_with_recovery(recovery, "brand new")
    repository.lock()
    with pytest.raises(crypto.WrongPassphrase):
        repository.unlock(PASS)
    repository.unlock("brand new")
    assert repository.get_entry(entry.id) == entry
    repository.connection.close()


def test_change_passphrase_keeps_entries_readable(repo, clock):
    entry = _entry(clock)
    repo.create_entry(entry)
    stored = repo.connection.execute("SELECT ciphertext FROM entries").fetchone()[0]
    repo.change_passphrase(PASS, "second passphrase")
    assert repo.connection.execute("SELECT ciphertext FROM entries").fetchone()[0] == stored
    repo.lock()
    repo.unlock("second passphrase")
    assert repo.get_entry(entry.id) == entry
    with pytest.raises(crypto.WrongPassphrase):
        repo.change_passphrase("wrong", "third")


def test_no_passphrase_mode_is_flagged(paths, clock):
    repository = _open(paths, clock)
    repository.create_keyring(None)
    assert repository.is_passphrase_free()
    row = repository.connection.execute("SELECT no_passphrase FROM keyring").fetchone()
    assert row == (1,)
    repository.lock()
    repository.unlock(None)
    assert repository.is_unlocked
    repository.connection.close()


# --- entries --------------------------------------------------------------------------------


def test_crud_round_trip(repo, clock):
    first = _entry(clock, title="First")
    clock.tick(3600)
    second = _entry(clock, title="Second", tags=("team", "nights"), mood=Mood.LOW)
    repo.create_entry(first)
    repo.create_entry(second)
    assert repo.list_entries() == [second, first]
    assert repo.entry_count() == 2

    clock.tick(60)
    changed = edit_entry(first, clock, body="Rewritten", tags=("cpd",))
    repo.update_entry(changed)
    assert repo.get_entry(first.id) == changed

    repo.delete_entry(second.id)
    assert repo.list_entries() == [changed]
    with pytest.raises(EntryNotFound):
        repo.get_entry(second.id)
    with pytest.raises(EntryNotFound):
        repo.delete_entry(second.id)
    with pytest.raises(EntryNotFound):
        repo.update_entry(second)
    with pytest.raises(EntryExists):
        repo.create_entry(changed)


def test_save_entry_creates_then_updates(repo, clock):
    entry = _entry(clock)
    repo.save_entry(entry)
    updated = edit_entry(entry, clock, title="Later")
    repo.save_entry(updated)
    assert repo.list_entries() == [updated]


def test_template_body_round_trips(repo, clock):
    entry = new_entry(clock, template=template_by_id("nmc"), title="Account 1")
    repo.create_entry(entry)
    assert repo.get_entry(entry.id).body == entry.body


def test_only_ids_and_timestamps_are_in_clear(repo, clock):
    repo.create_entry(_entry(clock, title="Secret title", tags=("secrettag",)))
    columns = [r[1] for r in repo.connection.execute("PRAGMA table_info(entries)")]
    assert columns == ["id", "created_at", "updated_at", "ciphertext"]


# --- drafts and sessions ----------------------------------------------------------------------


def test_drafts_save_load_discard(repo, clock):
    draft_entry = _entry(clock, title="Half written")
    saved = repo.save_draft(draft_entry, is_new=True)
    assert saved.key == NEW_DRAFT
    loaded = repo.load_draft(NEW_DRAFT)
    assert loaded is not None
    assert loaded.entry == draft_entry
    assert loaded.is_new
    assert loaded.saved_at == T0

    clock.tick(2)
    newer = edit_entry(draft_entry, clock, body="More words")
    repo.save_draft(newer, is_new=True)
    assert repo.load_draft(NEW_DRAFT).entry == newer  # replaced, not added
    assert len(repo.list_drafts()) == 1

    repo.discard_draft(NEW_DRAFT)
    assert repo.load_draft(NEW_DRAFT) is None
    repo.discard_draft(NEW_DRAFT)  # harmless twice


def test_saving_an_entry_clears_its_drafts(repo, clock):
    entry = _entry(clock)
    repo.save_draft(entry, is_new=True)
    repo.create_entry(entry)
    assert repo.list_drafts() == []
    repo.save_draft(edit_entry(entry, clock, body="editing"), is_new=False)
    assert repo.load_draft(entry.id) is not None
    repo.delete_entry(entry.id)
    assert repo.load_draft(entry.id) is None


def test_sessions_are_sealed_and_listed(repo, clock):
    record = SessionRecord("s1", T0, {"practice": "me-space", "commitment": "drink water"})
    repo.add_session(record)
    assert repo.list_sessions() == [record]
    blob = repo.connection.execute("SELECT ciphertext FROM sessions").fetchone()[0]
    assert b"drink water" not in blob


# --- failures -------------------------------------------------------------------------------


def test_disk_full_raises_save_failed_and_keeps_earlier_data(repo, clock):
    kept = _entry(clock, title="Kept")
    repo.create_entry(kept)
    conn = repo.connection
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"
    huge = _entry(clock, title="Too big", body="x" * 200_000)
    with pytest.raises(SaveFailed, match="Nothing was changed"):
        repo.create_entry(huge)
    with pytest.raises(SaveFailed):
        repo.update_entry(edit_entry(kept, clock, body="y" * 200_000))
    assert not conn.in_transaction
    assert repo.list_entries() == [kept]
    conn.execute("PRAGMA max_page_count = 1073741823")
    repo.create_entry(huge)  # space again: saving works
    assert repo.entry_count() == 2


def test_verify_passes_on_a_healthy_journal(repo, clock):
    repo.create_entry(_entry(clock))
    repo.save_draft(_entry(clock), is_new=True)
    report = repo.verify()
    assert report.ok
    assert report.entries_checked == 1
    assert report.lines()[-1] == "OK"


def test_verify_reports_a_tampered_entry(repo, clock):
    good = _entry(clock, title="Good")
    bad = _entry(clock, title="Bad")
    repo.create_entry(good)
    repo.create_entry(bad)
    conn = repo.connection
    blob = bytearray(
        conn.execute("SELECT ciphertext FROM entries WHERE id=?", (bad.id,)).fetchone()[0]
    )
    blob[20] ^= 0xFF
    with transaction(conn):
        conn.execute("UPDATE entries SET ciphertext=? WHERE id=?", (bytes(blob), bad.id))
    report = repo.verify()
    assert not report.ok
    assert report.bad_entries == (bad.id,)
    assert f"entry {bad.id} does not decrypt" in report.lines()
    with pytest.raises(CorruptEntry, match=bad.id):
        repo.list_entries()
    assert repo.list_entries(skip_damaged=True) == [good]


def test_ciphertext_swapped_between_entries_is_caught(repo, clock):
    one, two = _entry(clock, title="One"), _entry(clock, title="Two")
    repo.create_entry(one)
    repo.create_entry(two)
    conn = repo.connection
    blob_one = conn.execute("SELECT ciphertext FROM entries WHERE id=?", (one.id,)).fetchone()[0]
    with transaction(conn):
        conn.execute("UPDATE entries SET ciphertext=? WHERE id=?", (blob_one, two.id))
    assert repo.verify().bad_entries == (two.id,)


def test_open_journal_refuses_a_damaged_file_and_keeps_it(paths, clock):
    repository = _open(paths, clock)
    repository.create_keyring(PASS)
    for i in range(30):
        repository.create_entry(_entry(clock, title=f"e{i}", body="words " * 500))
    repository.connection.close()
    db_path, _ = paths
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    assert quick_check(db_path)
    with pytest.raises(DatabaseError, match="damaged"):
        _open(paths, clock)
    assert db_path.read_bytes() == data[: len(data) // 2]


def test_quick_check_detects_a_truncated_database(tmp_path):
    path = tmp_path / "t.sqlite3"
    conn = open_db(path)
    conn.execute("CREATE TABLE t (x BLOB)")
    with transaction(conn):
        for _ in range(100):
            conn.execute("INSERT INTO t VALUES (randomblob(3000))")
    conn.close()
    assert quick_check(path) == []
    full = path.read_bytes()
    path.write_bytes(full[: len(full) - 4096 * 10])
    assert quick_check(path)
    path.write_bytes(b"")
    assert quick_check(path) == [f"{path} is empty"]
    assert quick_check(tmp_path / "missing.sqlite3")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_files_and_folders_are_owner_only(repo, paths, clock):
    db_path, backup_dir = paths
    repo.create_entry(_entry(clock))
    backup = backups.backup_now(repo.connection, backup_dir, clock)
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
    for path in [db_path, backup, *db_path.parent.glob("journal.sqlite3-*")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_connection_pragmas(repo):
    conn = repo.connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert schema_version(conn) == LATEST_VERSION


# --- privacy --------------------------------------------------------------------------------

PHRASE = "Marmalade-Lighthouse-7731 quietly"


def _forms(text: str) -> list[bytes]:
    forms = [text.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le")]
    return [*forms, text.lower().encode("utf-8"), text.upper().encode("utf-8")]


def _leaks(root: Path) -> list[str]:
    found = []
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for form in _forms(PHRASE) + _forms("Marmalade"):
            if form in data:
                found.append(f"{path.relative_to(root)} contains {form!r}")
    return found


def test_a_unique_phrase_never_reaches_the_disk(tmp_path, clock):
    db_path = tmp_path / "data" / "journal.sqlite3"
    backup_dir = tmp_path / "data" / "backups"
    # Start from a v1 file so a migration backup exists as well.
    from tests.storage.test_migrations import make_v1_database

    make_v1_database(db_path)
    repository = open_journal(db_path, clock, backup_dir=backup_dir, kdf_params=FAST)
    repository.create_keyring(PHRASE)  # even the passphrase must not be stored
    ids = []
    for i in range(5):
        entry = _entry(
            clock,
            title=f"{PHRASE} {i}",
            body=f"# Notes\n\n{PHRASE} in the body. " * 40,
            tags=(PHRASE, "marmalade"),
        )
        repository.create_entry(entry)
        ids.append(entry.id)
    repository.save_draft(_entry(clock, title=PHRASE, body=PHRASE), is_new=True)
    repository.save_draft(
        edit_entry(repository.get_entry(ids[0]), clock, body=PHRASE), is_new=False
    )
    repository.add_session(SessionRecord("s1", T0, {"note": PHRASE}))
    repository.update_entry(edit_entry(repository.get_entry(ids[1]), clock, title=PHRASE * 2))
    repository.delete_entry(ids[2])
    backups.backup_now(repository.connection, backup_dir, clock)
    clock.tick(86_400)
    backups.daily_backup(repository.connection, backup_dir, clock)

    assert (db_path.parent / "journal.sqlite3-wal").exists()
    assert _leaks(tmp_path) == []  # while open: DB, -wal, -shm, backups

    repository.lock()
    repository.connection.close()
    assert _leaks(tmp_path) == []  # after close and checkpoint

    again = open_journal(db_path, clock, backup_dir=backup_dir, kdf_params=FAST)
    again.unlock(PHRASE)
    assert PHRASE in again.get_entry(ids[0]).title
    again.connection.close()


def test_leak_scanner_would_notice_plain_text(tmp_path):
    conn = sqlite3.connect(tmp_path / "plain.sqlite3")
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.execute("INSERT INTO t VALUES (?)", (PHRASE,))
    conn.commit()
    conn.close()
    assert _leaks(tmp_path)


def test_timestamps_are_stored_in_utc_order(repo, clock):
    late = _entry(clock)
    clock.set_wall(T0 - timedelta(days=2))
    early = _entry(clock)
    repo.create_entry(late)
    repo.create_entry(early)
    rows = repo.connection.execute("SELECT created_at FROM entries ORDER BY created_at").fetchall()
    assert rows[0][0].endswith("+00:00")
    assert [e.id for e in repo.list_entries()] == [late.id, early.id]
