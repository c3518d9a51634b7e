"""Kill -9 a process typing into the journal editor, at random moments, five times.

After each kill the journal is reopened: it verifies clean, every saved entry is whole,
and the writing recovered (draft, or the saved entry when no newer draft exists) is at most
two seconds behind what had been typed when the process died.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.core.clock import SystemClock
from app.core.journal import NEW_DRAFT
from app.storage.journal_repo import open_journal
from tests.integration.journal_typing_driver import PASSPHRASE, chunk
from tests.journal_support import FAST_KDF

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 5
SAVE_EVERY = 30  # an explicit Save every 3 s; autosave must cover the time between
MAX_BEHIND_SECONDS = 2.0
LINE_TIMEOUT = 30.0

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]


class Child:
    """The driver process and a thread that hands its stdout lines over a queue."""

    def __init__(self, db_path: Path, round_no: int) -> None:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.journal_typing_driver", str(db_path),
             str(round_no), str(SAVE_EVERY)],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def next_line(self) -> str:
        line = self.lines.get(timeout=LINE_TIMEOUT)
        if line is None:
            stderr = self.proc.stderr.read() if self.proc.stderr else ""
            raise AssertionError(f"the driver ended early: {stderr}")
        self.seen.append(line)
        return line

    def wait_for(self, prefix: str) -> str:
        while True:
            line = self.next_line()
            if line.startswith(prefix):
                return line

    def kill(self) -> float:
        """SIGKILL now; return when, then collect every line it had flushed."""
        killed_at = time.time()
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=LINE_TIMEOUT)
        self._reader.join(timeout=LINE_TIMEOUT)
        while True:
            line = self.lines.get_nowait() if not self.lines.empty() else None
            if line is None:
                break
            self.seen.append(line)
        if self.proc.stdout:
            self.proc.stdout.close()
        if self.proc.stderr:
            self.proc.stderr.close()
        return killed_at


def chunks_in(body: str, round_no: int) -> int:
    """How many chunks of this round `body` holds; fails unless it is an exact prefix."""
    count = 0
    expected = ""
    while len(expected) < len(body):
        expected += chunk(round_no, count)
        count += 1
    assert body == expected, f"round {round_no}: recovered text is damaged: {body[-40:]!r}"
    return count


def test_sigkill_while_typing_loses_at_most_two_seconds(tmp_path):
    rng = random.Random(20250303)
    db_path = tmp_path / "journal.sqlite3"
    saved: dict[str, tuple[int, int]] = {}  # entry id -> (round, chunks known saved)
    for round_no in range(ROUNDS):
        child = Child(db_path, round_no)
        child.wait_for("READY")
        if round_no % 2:
            target = rng.randint(3, 65)  # anywhere, saves included
        else:  # 2.1-2.8 s after the last Save: only autosave can keep the newest writing
            target = SAVE_EVERY * rng.randint(0, 1) + rng.randint(21, 28)
        while not child.wait_for("TYPED").startswith(f"TYPED {target} "):
            pass
        killed_at = child.kill()

        typed_at: list[float] = []
        entry_id: str | None = None
        for line in child.seen:
            parts = line.split()
            if parts[0] == "TYPED":
                assert int(parts[1]) == len(typed_at)
                typed_at.append(float(parts[2]))
            elif parts[0] == "SAVED":
                entry_id = parts[1]
                saved[entry_id] = (round_no, int(parts[2]) + 1)

        repo = open_journal(db_path, SystemClock(), backup_dir=None, kdf_params=FAST_KDF)
        try:
            repo.unlock(PASSPHRASE)
            report = repo.verify()
            assert report.ok, report.lines()
            for known_id, (known_round, known_chunks) in saved.items():
                stored = repo.get_entry(known_id)
                assert chunks_in(stored.body, known_round) >= known_chunks
            draft = repo.load_draft(entry_id or NEW_DRAFT)
            if draft is not None:
                recovered = draft.entry.body
            elif entry_id is not None:
                recovered = repo.get_entry(entry_id).body
            else:
                recovered = ""
            have = chunks_in(recovered, round_no)
            must_have = sum(1 for t in typed_at if t <= killed_at - MAX_BEHIND_SECONDS)
            assert have >= must_have, (
                f"round {round_no}: recovered {have} chunks, but {must_have} had been typed "
                f"more than {MAX_BEHIND_SECONDS} s before the kill"
            )
            assert have <= len(typed_at) + 1
        finally:
            repo.connection.close()
    assert saved, "saves happened during the run, so their survival was checked"
