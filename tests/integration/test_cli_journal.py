"""`journal ...` as a person runs it: a subprocess, --data-dir, the passphrase on stdin.

The journal is set up through the repository with FAST_KDF; the KDF parameters are stored
in the keyring row, so the command line unlocks it with the same light settings.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.core.journal import Entry, edit_entry, new_entry, render_template, template_by_id
from app.platform.paths import AppPaths
from app.storage.journal_repo import open_journal
from tests.fakes import FakeClock
from tests.journal_support import FAST_KDF, T0

REPO = Path(__file__).resolve().parents[2]
PASS = "tea before handover"
FIXTURES = REPO / "tests" / "fixtures" / "journal"


def run(home: Path, *args: str, stdin: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(home), "journal", *args],
        input=stdin, capture_output=True, text=True, env=full_env, cwd=REPO, timeout=120,
        check=False,
    )


def make_journal(home: Path, entries: list[Entry], passphrase: str | None = PASS) -> AppPaths:
    paths = AppPaths.under(home)
    paths.ensure()
    repo = open_journal(paths.journal_db, FakeClock(T0), backup_dir=paths.data_dir / "backups",
                        kdf_params=FAST_KDF)
    repo.create_keyring(passphrase)
    repo.create_entries(entries)
    repo.connection.close()
    return paths


def count(paths: AppPaths) -> int:
    repo = open_journal(paths.journal_db, FakeClock(T0), backup_dir=None)
    try:
        return repo.entry_count()
    finally:
        repo.connection.close()


def entries() -> list[Entry]:
    clock = FakeClock(T0)
    first = edit_entry(new_entry(clock, title="Handover"), clock, body="It went well.",
                       tags=("ward",))
    clock.tick(86400 * 3)
    nmc = new_entry(clock, template=template_by_id("nmc"), title="Pause before handover")
    body = render_template(template_by_id("nmc")).replace(
        "Promote professionalism and trust._\n",
        "Promote professionalism and trust._\n\nIt helps me preserve safety.\n")
    return [first, edit_entry(nmc, clock, body=body)]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_export_json_then_import_into_a_fresh_journal(home, tmp_path):
    originals = entries()
    make_journal(home, originals)
    out = tmp_path / "out" / "journal.json"
    out.parent.mkdir()
    done = run(home, "export", "--format", "json", "--out", str(out), "--passphrase-stdin",
               stdin=PASS + "\n")
    assert done.returncode == 0, done.stderr
    assert "Exported 2 entries" in done.stdout
    assert "is not encrypted" in done.stderr
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert len(json.loads(out.read_text())["entries"]) == 2

    other = tmp_path / "other"
    paths = make_journal(other, [], passphrase="another one")
    done = run(other, "import", "--format", "json", str(out), "--passphrase-stdin",
               stdin="another one\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Imported 2 entries from {out}"
    repo = open_journal(paths.journal_db, FakeClock(T0), backup_dir=None)
    repo.unlock("another one")
    assert sorted(repo.list_entries(), key=lambda e: e.created_at) == originals
    repo.connection.close()
    again = run(other, "import", "--format", "json", str(out), "--passphrase-stdin",
                stdin="another one\n")
    assert again.returncode == 2
    assert "already in this journal" in again.stderr
    assert count(paths) == 2


def test_export_range_md_zip_and_pdf(home, tmp_path):
    make_journal(home, entries())
    zip_out = tmp_path / "first.zip"
    done = run(home, "export", "--format", "md", "--out", str(zip_out), "--to", "2025-03-04",
               "--passphrase-stdin", stdin=PASS + "\n")
    assert done.returncode == 0, done.stderr
    assert "Exported 1 entry" in done.stdout
    pdf = tmp_path / "all.pdf"
    done = run(home, "export", "--format", "pdf", "--out", str(pdf), "--passphrase-stdin",
               stdin=PASS + "\n")
    assert done.returncode == 0, done.stderr
    if os.name == "posix":
        assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    pages = PdfReader(str(pdf)).pages
    text = unicodedata.normalize("NFKC", " ".join(" ".join(p.extract_text().split())
                                                  for p in pages))  # ﬂ ligatures -> fl
    assert "Handover" in text and "Reflective account" in text
    assert "Preserve safety Yes" in text and "Prioritise people No" in text


def test_import_dayone_fixture_and_malformed_input_changes_nothing(home, tmp_path):
    paths = make_journal(home, entries())
    done = run(home, "import", "--format", "dayone-json", str(FIXTURES / "dayone-export.json"),
               "--passphrase-stdin", stdin=PASS + "\n")
    assert done.returncode == 0, done.stderr
    assert count(paths) == 5
    broken = tmp_path / "broken.json"
    good = json.loads((FIXTURES / "jrnl-export.json").read_text())
    good["entries"][2]["date"] = "someday"
    broken.write_text(json.dumps(good))
    done = run(home, "import", "--format", "jrnl-json", str(broken), "--passphrase-stdin",
               stdin=PASS + "\n")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert f"{broken}: entry 3: expected \"date\" like 2025-03-04" in done.stderr
    assert "nothing was imported" in done.stderr
    wrong_kind = run(home, "import", "--format", "markdown", str(broken), "--passphrase-stdin",
                     stdin=PASS + "\n")
    assert wrong_kind.returncode == 2
    assert "expected a folder of .md files or a .zip" in wrong_kind.stderr
    assert count(paths) == 5


def test_wrong_or_missing_passphrase_is_one_line_exit_1(home, tmp_path):
    paths = make_journal(home, entries())
    done = run(home, "verify", "--passphrase-stdin", stdin="not it\n")
    assert done.returncode == 1
    assert done.stderr.strip() == ("compassion-companion journal verify: That passphrase does "
                                   "not unlock this journal. Nothing was changed.")
    no_tty = run(home, "verify", stdin="")
    assert no_tty.returncode == 2
    assert "--passphrase-stdin" in no_tty.stderr
    assert count(paths) == 2


def test_no_passphrase_journal_needs_none(home):
    make_journal(home, entries(), passphrase=None)
    done = run(home, "verify", stdin="")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["2 entries checked", "OK"]


def test_no_journal_yet_is_reported_and_not_created(home):
    done = run(home, "verify", "--passphrase-stdin", stdin=PASS + "\n")
    assert done.returncode == 1
    assert "there is no journal" in done.stderr
    assert not AppPaths.under(home).journal_db.exists()


def test_verify_names_a_tampered_entry(home):
    originals = entries()
    paths = make_journal(home, originals)
    repo = open_journal(paths.journal_db, FakeClock(T0), backup_dir=None)
    victim = originals[1].id
    (blob,) = repo.connection.execute("SELECT ciphertext FROM entries WHERE id = ?",
                                      (victim,)).fetchone()
    flipped = bytearray(blob)
    flipped[len(flipped) // 2] ^= 0x01
    repo.connection.execute("UPDATE entries SET ciphertext = ? WHERE id = ?",
                            (bytes(flipped), victim))
    repo.connection.close()
    done = run(home, "verify", "--passphrase-stdin", stdin=PASS + "\n")
    assert done.returncode == 1
    assert done.stderr.strip() == f"entry {victim} does not decrypt"
    assert "PROBLEMS FOUND" in done.stdout


def test_backup_then_restore_newest_keeps_the_current_file_aside(home):
    paths = make_journal(home, entries())
    made = run(home, "backup")
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().removeprefix("Backup made: "))
    assert backup.parent == paths.data_dir / "backups" and backup.is_file()
    repo = open_journal(paths.journal_db, FakeClock(T0), backup_dir=None)
    repo.unlock(PASS)
    repo.delete_entry(repo.list_entries()[0].id)
    repo.connection.close()
    assert count(paths) == 1
    done = run(home, "restore")
    assert done.returncode == 0, done.stderr
    assert f"Restored the journal from {backup}" in done.stdout
    assert count(paths) == 2
    kept = [p for p in paths.data_dir.iterdir() if ".before-restore-" in p.name]
    assert kept, "the replaced journal is kept"
    bad = run(home, "restore", "no-such-backup.sqlite3")
    assert bad.returncode == 2 and "expected a backup file" in bad.stderr
