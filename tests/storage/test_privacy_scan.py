"""No journal text in clear anywhere the app writes: data, logs, temp, WAL and SHM files.

Plaintext exports the person explicitly asks for are outside the data folder by design (they
go where the person chose, owner-only, with a warning) and so are not scanned; one is made
here only to prove the scanner finds the phrase when it is there.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from app.core.journal import edit_entry, new_entry
from app.platform.logs import setup_logging
from app.platform.paths import AppPaths
from app.storage.backups import backup_now
from app.storage.journal_repo import open_journal
from tests.fakes import FakeClock
from tests.journal_support import FAST_KDF, T0

REPO = Path(__file__).resolve().parents[2]
PHRASE = "zephyr-marmalade-4417 quietly"
PASS = "correct horse battery staple"


def encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def files_with(roots: list[Path], needles: list[bytes]) -> list[str]:
    found: list[str] = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                found += [f"{path} ({n!r})" for n in needles if n in data]
    return found


def cli(home: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp),
           "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home), "journal",
                           *args], input=PASS + "\n", capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=120, check=False)


def test_the_phrase_is_nowhere_in_clear(tmp_path, monkeypatch):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.setenv("TMPDIR", str(tmp))
    home = tmp_path / "home"
    paths = AppPaths.under(home)
    paths.ensure()
    handler = setup_logging(paths.log_file)
    clock = FakeClock(T0)
    backups = paths.data_dir / "backups"
    repo = open_journal(paths.journal_db, clock, backup_dir=backups, kdf_params=FAST_KDF)
    try:
        repo.create_keyring(PASS)
        saved = edit_entry(new_entry(clock, title=f"About {PHRASE}"), clock,
                           body=f"Today {PHRASE}. " * 40, tags=(PHRASE,))
        repo.create_entry(saved)
        repo.create_entries([edit_entry(new_entry(clock), clock, body=f"{i} {PHRASE}")
                             for i in range(20)])
        repo.save_draft(edit_entry(new_entry(clock), clock, body=f"draft {PHRASE}"), is_new=True)
        repo.save_draft(edit_entry(saved, clock, body=f"editing {PHRASE} again"), is_new=False)
        backup_now(repo.connection, backups, clock)
        for args in (("backup",), ("verify", "--passphrase-stdin")):
            done = cli(home, tmp, *args)
            assert done.returncode == 0, done.stderr
            assert PHRASE not in done.stdout + done.stderr
        assert repo.verify().ok

        wal = paths.journal_db.with_name(paths.journal_db.name + "-wal")
        shm = paths.journal_db.with_name(paths.journal_db.name + "-shm")
        assert wal.is_file() and wal.stat().st_size > 0, "the scan must include a live WAL"
        assert shm.is_file()
        assert len(list(backups.iterdir())) == 2
        assert paths.log_file.stat().st_size > 0
        assert files_with([home, tmp], encodings(PHRASE)) == []

        # The scanner does find the phrase in a file that holds it (an explicit export).
        exports = tmp_path / "exports"
        exports.mkdir()
        done = cli(home, tmp, "export", "--format", "json", "--out",
                   str(exports / "mine.json"), "--passphrase-stdin")
        assert done.returncode == 0, done.stderr
        assert files_with([exports], encodings(PHRASE))
        assert files_with([home, tmp], encodings(PHRASE)) == []
    finally:
        repo.connection.close()
        logging.getLogger().removeHandler(handler)
        handler.close()
