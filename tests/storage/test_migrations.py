"""Schema migrations by user_version, from real older files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core import crypto
from app.core.journal import Entry
from app.storage.db import open_db, quick_check
from app.storage.journal_repo import JournalRepository, open_journal
from app.storage.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    V1_STATEMENTS,
    Migration,
    MigrationFailed,
    SchemaTooNew,
    migrate,
    schema_version,
)
from tests.fakes import FakeClock
from tests.journal_support import FAST_KDF as FAST
from tests.journal_support import T0

V1_ENTRY = Entry(
    id="1" * 32,
    title="Written by version one",
    body="An old entry.",
    created_at=T0,
    updated_at=T0,
    tags=("old",),
)


def make_v1_database(path: Path, passphrase: str | None = None) -> None:
    """Build the file an installation of schema 1 would have left, with the v1 SQL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("BEGIN")
    for statement in V1_STATEMENTS:
        conn.execute(statement)
    if passphrase is not None:
        keyring, key, _ = crypto.create_keyring(passphrase, FAST)
        conn.execute(
            "INSERT INTO keyring VALUES (1, ?, ?, ?, ?, ?, 0, '2024-01-01', '2024-01-01')",
            (
                keyring.kdf.to_json(),
                keyring.salt,
                keyring.wrapped_by_passphrase,
                keyring.recovery_salt,
                keyring.wrapped_by_recovery,
            ),
        )
        blob = crypto.seal_json(key, "entry", V1_ENTRY.id, V1_ENTRY.private_payload())
        conn.execute(
            "INSERT INTO entries VALUES (?, ?, ?, ?)",
            (
                V1_ENTRY.id,
                "2025-03-03T09:30:00.000000+00:00",
                "2025-03-03T09:30:00.000000+00:00",
                blob,
            ),
        )
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()


@pytest.fixture
def clock():
    return FakeClock(T0)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_versions_are_consecutive_and_at_least_two():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert LATEST_VERSION >= 2


def test_new_database_is_built_without_a_backup(tmp_path, clock):
    conn = open_db(tmp_path / "j.sqlite3")
    report = migrate(conn, backup_dir=tmp_path / "backups", clock=clock)
    assert (report.from_version, report.to_version) == (0, LATEST_VERSION)
    assert report.backups == ()
    assert {"keyring", "entries", "drafts", "sessions"} <= _tables(conn)
    again = migrate(conn, backup_dir=tmp_path / "backups", clock=clock)
    assert not again.changed
    conn.close()


def test_v1_file_migrates_with_a_backup_and_keeps_its_entries(tmp_path, clock):
    db_path = tmp_path / "data" / "journal.sqlite3"
    backup_dir = tmp_path / "data" / "backups"
    make_v1_database(db_path, passphrase="old passphrase")

    conn = open_db(db_path)
    assert schema_version(conn) == 1
    assert "drafts" not in _tables(conn)
    report = migrate(conn, backup_dir=backup_dir, clock=clock)
    assert (report.from_version, report.to_version) == (1, 2)
    assert schema_version(conn) == 2
    assert "drafts" in _tables(conn)

    (backup,) = report.backups
    assert backup.name == "journal-20250303-093000-pre-v2.sqlite3"
    assert quick_check(backup) == []
    old = sqlite3.connect(backup)
    assert schema_version(old) == 1
    assert "drafts" not in _tables(old)
    assert old.execute("SELECT count(*) FROM entries").fetchone()[0] == 1
    old.close()

    repo = JournalRepository(conn, clock, kdf_params=FAST)
    repo.unlock("old passphrase")
    assert repo.list_entries() == [V1_ENTRY]
    repo.save_draft(V1_ENTRY, is_new=False)  # the v2 table works
    assert repo.load_draft(V1_ENTRY.id) is not None
    conn.close()


def test_open_journal_migrates_an_old_file(tmp_path, clock):
    db_path = tmp_path / "journal.sqlite3"
    make_v1_database(db_path, passphrase="pw")
    repo = open_journal(db_path, clock, backup_dir=tmp_path / "b", kdf_params=FAST)
    repo.unlock("pw")
    assert repo.get_entry(V1_ENTRY.id) == V1_ENTRY
    assert len(list((tmp_path / "b").iterdir())) == 1
    repo.connection.close()


def test_newer_schema_is_refused_and_left_untouched(tmp_path, clock):
    db_path = tmp_path / "journal.sqlite3"
    make_v1_database(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()

    conn = open_db(db_path)
    with pytest.raises(SchemaTooNew, match="newer version of Compassion Companion") as caught:
        migrate(conn, backup_dir=tmp_path / "backups", clock=clock)
    assert caught.value.found == LATEST_VERSION + 5
    assert schema_version(conn) == LATEST_VERSION + 5
    conn.close()
    assert db_path.read_bytes() == before
    assert not (tmp_path / "backups").exists()
    with pytest.raises(SchemaTooNew):
        open_journal(db_path, clock, backup_dir=None)


def test_failed_step_rolls_back_completely(tmp_path, clock):
    db_path = tmp_path / "journal.sqlite3"
    make_v1_database(db_path)
    broken = (
        MIGRATIONS[0],
        Migration(2, "broken", ("CREATE TABLE half_done (x)", "THIS IS NOT SQL")),
    )
    conn = open_db(db_path)
    with pytest.raises(MigrationFailed, match=r"schema 2 .* failed and was undone"):
        migrate(conn, backup_dir=tmp_path / "backups", clock=clock, migrations=broken)
    assert schema_version(conn) == 1
    assert "half_done" not in _tables(conn)
    assert not conn.in_transaction
    assert len(list((tmp_path / "backups").iterdir())) == 1  # the copy taken before it
    conn.close()


def test_a_gap_in_the_steps_is_an_error(tmp_path, clock):
    conn = open_db(tmp_path / "journal.sqlite3")
    gap = (MIGRATIONS[0], Migration(3, "skips two", ("SELECT 1",)))
    with pytest.raises(MigrationFailed, match="from schema 1 to 2"):
        migrate(conn, backup_dir=None, clock=clock, migrations=gap)
    assert schema_version(conn) == 1
    conn.close()


def test_backups_before_migration_never_overwrite(tmp_path, clock):
    for _ in range(2):
        db_path = tmp_path / "journal.sqlite3"
        db_path.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            (tmp_path / f"journal.sqlite3{suffix}").unlink(missing_ok=True)
        make_v1_database(db_path)
        conn = open_db(db_path)
        migrate(conn, backup_dir=tmp_path / "backups", clock=clock)
        conn.close()
    names = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert names == [
        "journal-20250303-093000-pre-v2-2.sqlite3",
        "journal-20250303-093000-pre-v2.sqlite3",
    ]
