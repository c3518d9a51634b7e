"""`--self-test`: prove a build works on this machine, one printed line per check.

Each check is small and independent so a failing one names exactly what is broken
(no display libraries, a practice that does not validate, a bundled file that is missing
or does not decode, an encryption library left out of a bundle). The frozen bundle runs
this in CI, so it exercises every library the bundle must carry.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.audio.narration import Narration, bundled_narration
from app.core.practice_loader import load_library
from app.core.practices import ME_SPACE_ID
from app.platform.resources import Resources, ResourcesMissing

# The practice that must carry guided audio (DESIGN: "guided audio with captions").
AUDIO_REQUIRED_FOR = ME_SPACE_ID
# Real Argon2id, but light, so the round trip takes milliseconds (the app uses 64 MiB, t=3).
SELF_TEST_KDF_KIB = 64
SELF_TEST_TEXT = "self-test: a kind word for a long shift"


class CheckFailed(Exception):
    """A self-test check did not pass; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class Check:
    """A named check returning a one-line detail on success."""

    name: str
    run: Callable[[Resources], str]


def check_qt(resources: Resources) -> str:
    """Qt's widgets start on the offscreen platform (no display needed)."""
    try:
        from PySide6 import QtCore
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication, QWidget
    except ImportError as exc:  # missing system libraries surface here
        raise CheckFailed(f"cannot load Qt: {exc}") from None
    app = QApplication.instance() or QApplication(["self-test", "-platform", "offscreen"])
    widget = QWidget()
    widget.resize(100, 100)
    widget.show()
    app.processEvents()
    shown = widget.isVisible()
    widget.close()
    if not shown:
        raise CheckFailed("a Qt window did not show on the offscreen platform")
    icon_file = resources.resource("icons/compassion-companion.svg")
    if QIcon(str(icon_file)).pixmap(32, 32).isNull():  # needs the QtSvg image plugin
        raise CheckFailed(f"{icon_file}: the SVG icon did not render (Qt's SVG plugin missing?)")
    return f"Qt {QtCore.qVersion()} started ({QApplication.platformName()}), SVG icon renders"


def check_practices(resources: Resources) -> str:
    """Every bundled practice validates."""
    result = load_library(resources.practices_dir)
    if result.skipped:
        first = result.skipped[0].problems[0]
        raise CheckFailed(f"{len(result.skipped)} practice file(s) invalid, first: {first}")
    if not result.practices:
        raise CheckFailed("no practices found")
    return f"{len(result.practices)} practices valid"


@contextmanager
def _dummy_audio_driver() -> Iterator[None]:
    """SDL's silent driver for the length of the check only (decoding needs no device)."""
    saved = {k: os.environ.get(k) for k in ("SDL_AUDIODRIVER", "PYGAME_HIDE_SUPPORT_PROMPT")}
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def check_audio(resources: Resources) -> str:
    """Every guided audio file a practice declares exists, decodes, and has its captions."""
    declared: list[tuple[str, Narration]] = []
    for practice in load_library(resources.practices_dir).practices:
        narration = bundled_narration(practice, resources)
        if narration is not None:
            declared.append((practice.id, narration))
    if not any(pid == AUDIO_REQUIRED_FOR for pid, _ in declared):
        raise CheckFailed(f"no guided audio declared: expected an [audio] table in "
                          f"{resources.practices_dir / (AUDIO_REQUIRED_FOR + '.toml')}")
    with _dummy_audio_driver():
        try:
            import pygame
        except ImportError as exc:
            raise CheckFailed(f"cannot load pygame: {exc}") from None
        try:
            pygame.mixer.init(frequency=22_050, size=-16, channels=1)
        except pygame.error as exc:
            raise CheckFailed(f"SDL's dummy audio driver did not open: {exc}") from None
        try:
            done = []
            for pid, narration in declared:
                audio = narration.audio
                for path in (audio, narration.captions):
                    if path is None or not path.is_file():
                        raise CheckFailed(f"{pid}: {path}: declared but missing")
                try:
                    seconds = pygame.mixer.Sound(str(audio)).get_length()
                except pygame.error as exc:
                    raise CheckFailed(f"{pid}: {audio}: does not decode: {exc}") from None
                if seconds <= 0:
                    raise CheckFailed(f"{pid}: {audio}: decodes to no sound")
                done.append(f"{pid} {audio.name} {seconds:.0f} s")
        finally:
            pygame.mixer.quit()
    return "decoded " + ", ".join(done)


def check_journal(resources: Resources) -> str:
    """A journal is created, encrypted, closed, reopened and decrypted in a temporary folder."""
    from app.core import crypto
    from app.core.clock import SystemClock
    from app.core.journal import edit_entry, new_entry
    from app.storage.journal_repo import open_journal

    clock = SystemClock()
    kdf = crypto.KdfParams(memory_kib=SELF_TEST_KDF_KIB, time_cost=1, parallelism=1)
    passphrase = "self-test passphrase"
    with tempfile.TemporaryDirectory(prefix="cc-self-test-") as tmp:
        db_path = Path(tmp) / "journal.sqlite3"
        repo = open_journal(db_path, clock, backup_dir=None, kdf_params=kdf)
        try:
            repo.create_keyring(passphrase)
            entry = edit_entry(new_entry(clock, title="Self-test"), clock, body=SELF_TEST_TEXT)
            repo.create_entry(entry)
        finally:
            repo.lock()
            repo.connection.close()
        raw = b"".join(p.read_bytes() for p in Path(tmp).glob("journal.sqlite3*"))
        if SELF_TEST_TEXT.encode() in raw:
            raise CheckFailed("the entry reached the disk unencrypted")
        repo = open_journal(db_path, clock, backup_dir=None, kdf_params=kdf)
        try:
            repo.unlock(passphrase)
            body = repo.get_entry(entry.id).body
        finally:
            repo.lock()
            repo.connection.close()
    if body != SELF_TEST_TEXT:
        raise CheckFailed("the reopened entry did not decrypt to what was written")
    return (f"entry encrypted, reopened and decrypted in a temporary folder "
            f"(light Argon2id: {kdf.memory_kib} KiB, t={kdf.time_cost}, for speed)")


def check_reminders(resources: Resources) -> str:
    """The default rules give a next protected break (needs zoneinfo and holidays data)."""
    from app.core.clock import SystemClock
    from app.core.reminders import default_rules, next_protected_break

    rules = default_rules()
    found = next_protected_break(rules, SystemClock().now())
    if found is None:
        raise CheckFailed("the default rules gave no protected break in the coming year")
    start, end = found
    return (f"next protected break {start:%a %d %b %H:%M}-{end:%H:%M} "
            f"({rules.timezone}, default rules)")


CHECKS: tuple[Check, ...] = (
    Check("qt", check_qt),
    Check("practices", check_practices),
    Check("audio", check_audio),
    Check("journal", check_journal),
    Check("reminders", check_reminders),
)


def run_self_test(say: Callable[[str], None], resources: Resources | None = None) -> int:
    """Run every check, print 'ok'/'FAIL' per line; 0 only when all pass."""
    failed = 0
    located: Resources | ResourcesMissing
    try:  # once for all the checks; if it fails, each check says so as before
        located = resources or Resources.locate()
    except ResourcesMissing as exc:
        located = exc
    for check in CHECKS:
        try:
            if isinstance(located, ResourcesMissing):
                raise located
            detail = check.run(located)
        except CheckFailed as exc:
            failed += 1
            say(f"FAIL {check.name}: {exc}")
        except Exception as exc:  # a self-test reports, it does not crash
            failed += 1
            say(f"FAIL {check.name}: unexpected {type(exc).__name__}: {exc}")
        else:
            say(f"ok   {check.name}: {detail}")
    say(f"self-test: {len(CHECKS) - failed} passed, {failed} failed")
    return 1 if failed else 0
