"""The practice history file: sessions stored, listed newest first, commitments erased once sent."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from app.core.session import SessionRecord
from app.storage.history_repo import SCHEMA_VERSION, HistoryError, HistoryRepository

T0 = datetime(2026, 11, 20, 12, 5, tzinfo=UTC)


def record(minutes_after: int, *, completed: bool = True, commitment: str | None = None):
    start = T0 + timedelta(minutes=minutes_after)
    return SessionRecord(
        practice_id="me-space", practice_title="5-minute Me Space", started_at=start,
        ended_at=start + timedelta(minutes=5), active_seconds=300.0 if completed else 90.0,
        completed=completed, steps_completed=3 if completed else 1, step_count=3,
        closing_prompt="One practical step I will take...", commitment=commitment,
    )


def test_sessions_survive_reopening_newest_first(tmp_path):
    path = tmp_path / "history.sqlite3"
    repo = HistoryRepository.open(path)
    repo.add(record(0, commitment="Drink a glass of water"))
    repo.add(record(60, completed=False))
    repo.close()
    items = HistoryRepository.open(path).items()
    assert [i.record.completed for i in items] == [False, True]
    assert items[1].record == record(0, commitment="Drink a glass of water")
    assert items[0].record.minutes_practised == pytest.approx(1.5)


def test_file_is_owner_only(tmp_path):
    path = tmp_path / "history.sqlite3"
    HistoryRepository.open(path).close()
    assert path.stat().st_mode & 0o077 == 0


def test_sending_to_the_journal_erases_the_clear_commitment(tmp_path):
    path = tmp_path / "history.sqlite3"
    repo = HistoryRepository.open(path)
    item_id = repo.add(record(0, commitment="a-unique-commitment-phrase"))
    repo.mark_in_journal(item_id)
    (item,) = repo.items()
    assert item.in_journal and item.record.commitment is None
    repo.close()
    for file in tmp_path.iterdir():
        assert b"a-unique-commitment-phrase" not in file.read_bytes(), file.name


def test_total_minutes_since(tmp_path):
    repo = HistoryRepository.open(tmp_path / "h.sqlite3")
    repo.add(record(0))
    repo.add(record(-60 * 24 * 10))
    assert repo.total_minutes_since(T0 - timedelta(days=1)) == pytest.approx(5.0)


def test_not_a_database_is_refused_and_kept(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(HistoryError, match="expected a practice history database"):
        HistoryRepository.open(path)
    assert path.read_bytes() == b"this is not sqlite" * 100


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(HistoryError, match=f"expected history schema {SCHEMA_VERSION} or older"):
        HistoryRepository.open(path)
