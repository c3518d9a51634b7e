"""Child process for the SIGKILL test: types into a real JournalEditor until it is killed.

Usage: python -m tests.integration.journal_typing_driver DB_PATH ROUND SAVE_EVERY

Every 100 ms it types one chunk "r<round>c<nnnn> " with real key events and prints
"TYPED <n> <unix time>"; every SAVE_EVERY chunks it presses Save and prints
"SAVED <entry id> <n>". Autosave runs as in the app: the editor's own QtScheduler.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.core.clock import SystemClock
from app.storage.journal_repo import open_journal
from app.ui.journal_editor import JournalEditor
from app.ui.qt_scheduler import QtScheduler
from tests.journal_support import FAST_KDF

PASSPHRASE = "typing until the lights go out"
INTERVAL_MS = 100


def chunk(round_no: int, n: int) -> str:
    """The text typed as chunk n of a round."""
    return f"r{round_no}c{n:04d} "


def main(argv: list[str]) -> int:
    db_path, round_no, save_every = Path(argv[0]), int(argv[1]), int(argv[2])
    app = QApplication([])
    clock = SystemClock()
    repo = open_journal(db_path, clock, backup_dir=None, kdf_params=FAST_KDF)
    if repo.has_keyring():
        repo.unlock(PASSPHRASE)
    else:
        repo.create_keyring(PASSPHRASE)
    editor = JournalEditor(repo, clock, QtScheduler())
    editor.start_new()
    editor.show()
    typed = 0

    def type_one() -> None:
        nonlocal typed
        QTest.keyClicks(editor.body, chunk(round_no, typed))
        print(f"TYPED {typed} {time.time():.3f}", flush=True)
        if (typed + 1) % save_every == 0 and editor.save():
            print(f"SAVED {editor.entry.id} {typed}", flush=True)
        typed += 1

    timer = QTimer()
    timer.timeout.connect(type_one)
    timer.start(INTERVAL_MS)
    print("READY", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
