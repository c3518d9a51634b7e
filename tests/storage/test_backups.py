"""Rotating backups, the keep-14 policy, and restore."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.journal import new_entry
from app.storage import backups
from app.storage.db import open_db, quick_check
from app.storage.journal_repo import open_journal
from tests.fakes import FakeClock
from tests.journal_support import FAST_KDF as FAST
from tests.journal_support import T0


@pytest.fixture
def clock():
    return FakeClock(T0)


@pytest.fixture
def journal(tmp_path, clock):
    db_path = tmp_path / "data" / "journal.sqlite3"
    repo = open_journal(db_path, clock, backup_dir=tmp_path / "data" / "backups", kdf_params=FAST)
    repo.create_keyring("pw")
    yield repo, db_path, tmp_path / "data" / "backups"
    repo.connection.close()


def _count(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM entries").fetchone()[0])
    finally:
        conn.close()


# --- policy ---------------------------------------------------------------------------------


def _days(n: int, start: date = date(2025, 1, 1)) -> list[datetime]:
    return [datetime.combine(start + timedelta(days=i), datetime.min.time()) for i in range(n)]


def test_policy_keeps_the_newest_fourteen_days():
    stamps = _days(20)
    assert backups.backups_to_delete(stamps) == set(stamps[:6])


def test_policy_keeps_everything_when_there_are_fewer():
    assert backups.backups_to_delete(_days(14)) == set()
    assert backups.backups_to_delete([]) == set()


def test_policy_counts_days_with_backups_not_calendar_days():
    sparse = [datetime(2025, 1, 1) + timedelta(days=30 * i) for i in range(15)]
    assert backups.backups_to_delete(sparse) == {sparse[0]}


def test_policy_keeps_all_backups_of_a_kept_day():
    stamps = _days(14)
    same_day = [stamps[-1] + timedelta(hours=h) for h in range(1, 6)]
    assert backups.backups_to_delete(stamps + same_day) == set()


def test_policy_rejects_keeping_nothing():
    with pytest.raises(ValueError):
        backups.backups_to_delete(_days(3), keep_days=0)


@given(st.lists(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1))))
def test_policy_properties(stamps):
    doomed = backups.backups_to_delete(stamps)
    kept = set(stamps) - doomed
    assert doomed <= set(stamps)
    assert len({t.date() for t in kept}) == min(14, len({t.date() for t in stamps}))
    if doomed and kept:
        assert max(doomed) < min(kept)


# --- making, listing, rotating ----------------------------------------------------------------


def test_backup_now_copies_a_consistent_file(journal, clock):
    repo, _, folder = journal
    repo.create_entry(new_entry(clock, title="one"))
    path = backups.backup_now(repo.connection, folder, clock)
    assert path.name == "journal-20250303-093000.sqlite3"
    assert quick_check(path) == []
    assert _count(path) == 1
    second = backups.backup_now(repo.connection, folder, clock)  # same second
    assert second.name == "journal-20250303-093000-2.sqlite3"
    assert {p.name for p in folder.iterdir()} == {path.name, second.name}


def test_daily_backup_once_a_day_and_keeps_fourteen(journal, clock, tmp_path):
    repo, _, folder = journal
    pre_migration = folder / "journal-20200101-000000-pre-v2.sqlite3"
    folder.mkdir(parents=True, exist_ok=True)
    backups.backup_now(repo.connection, tmp_path, clock)
    (tmp_path / "journal-20250303-093000.sqlite3").rename(pre_migration)
    unrelated = folder / "notes.txt"
    unrelated.write_text("not a backup")

    assert backups.daily_backup(repo.connection, folder, clock) is not None
    clock.tick(3600)
    assert backups.daily_backup(repo.connection, folder, clock) is None  # already done today
    for _ in range(20):
        clock.tick(86_400)
        assert backups.daily_backup(repo.connection, folder, clock) is not None

    listed = backups.list_backups(folder)
    regular = [b for b in listed if b.rotates]
    assert len(regular) == 14
    assert regular[0].taken_at.date() == clock.now().date()
    assert [b.taken_at for b in regular] == sorted((b.taken_at for b in regular), reverse=True)
    assert pre_migration.exists()  # pre-migration copies are never rotated
    assert listed[-1].path == pre_migration
    assert listed[-1].before_migration_to == 2
    assert unrelated.exists()


def test_list_backups_of_a_missing_folder_is_empty(tmp_path):
    assert backups.list_backups(tmp_path / "nope") == []


def test_newest_good_backup_skips_a_damaged_one(journal, clock):
    repo, _, folder = journal
    for i in range(30):
        repo.create_entry(new_entry(clock, title=f"entry {i}", tags=("x" * 2000,)))
    good = backups.backup_now(repo.connection, folder, clock)
    clock.tick(86_400)
    newest = backups.backup_now(repo.connection, folder, clock)
    data = newest.read_bytes()
    newest.write_bytes(data[: len(data) // 2])
    assert backups.list_backups(folder)[0].path == newest
    assert backups.newest_good_backup(folder) == good
    newest.write_bytes(b"")
    good.write_bytes(b"not sqlite at all" * 100)
    assert backups.newest_good_backup(folder) is None


# --- restore ----------------------------------------------------------------------------------


def test_restore_keeps_the_current_file_aside(journal, clock):
    repo, db_path, folder = journal
    repo.create_entry(new_entry(clock, title="before backup"))
    backup = backups.backup_now(repo.connection, folder, clock)
    clock.tick(60)
    repo.create_entry(new_entry(clock, title="after backup"))
    repo.connection.close()
    current = db_path.read_bytes()

    aside = backups.restore(backup, db_path, clock)
    assert aside is not None
    assert aside.name == "journal.sqlite3.before-restore-20250303-093100"
    assert aside.read_bytes() == current
    assert _count(aside) == 2
    assert _count(db_path) == 1
    assert backup.exists()
    assert not db_path.with_name("journal.sqlite3.restoring").exists()

    again = open_journal(db_path, clock, backup_dir=folder, kdf_params=FAST)
    again.unlock("pw")
    assert [e.title for e in again.list_entries()] == ["before backup"]
    again.connection.close()


def test_restore_moves_a_stale_wal_aside_with_its_file(journal, clock, tmp_path):
    repo, db_path, folder = journal
    backup = backups.backup_now(repo.connection, folder, clock)
    repo.create_entry(new_entry(clock, title="only in the wal"))
    # Simulate a crash: copy the live file and its WAL while the connection is open.
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal"):
        src = db_path.with_name(db_path.name + suffix)
        (crashed / src.name).write_bytes(src.read_bytes())
    repo.connection.close()
    for suffix in ("", "-wal"):
        (crashed / f"journal.sqlite3{suffix}").replace(db_path.with_name(db_path.name + suffix))

    aside = backups.restore(backup, db_path, clock)
    assert aside is not None
    assert aside.with_name(aside.name + "-wal").exists()
    assert not db_path.with_name(db_path.name + "-wal").exists()
    assert quick_check(db_path) == []
    assert _count(db_path) == 0
    assert _count(aside) == 1  # the kept file still opens with its own WAL


def test_restore_refuses_a_damaged_backup_and_changes_nothing(journal, clock):
    repo, db_path, folder = journal
    repo.connection.close()
    bad = folder / "journal-20250101-000000.sqlite3"
    folder.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"garbage" * 1000)
    before = db_path.read_bytes()
    with pytest.raises(backups.BackupError, match="cannot be restored"):
        backups.restore(bad, db_path, clock)
    assert db_path.read_bytes() == before
    assert [p.name for p in db_path.parent.iterdir() if "before-restore" in p.name] == []


def test_restore_into_an_empty_place(tmp_path, clock):
    source = tmp_path / "src.sqlite3"
    conn = open_db(source)
    conn.execute("CREATE TABLE entries (x)")
    backup = backups.backup_now(conn, tmp_path / "b", clock)
    conn.close()
    target = tmp_path / "new" / "journal.sqlite3"
    assert backups.restore(backup, target, clock) is None
    assert quick_check(target) == []
