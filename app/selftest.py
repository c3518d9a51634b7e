"""`--self-test`: prove a build works on this machine, one printed line per check.

Each check is small and independent so a failing one names exactly what is broken
(no display libraries, a practice that does not validate, a missing bundled file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.core.practice_loader import load_library
from app.platform.resources import Resources


class CheckFailed(Exception):
    """A self-test check did not pass; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class Check:
    """A named check returning a one-line detail on success."""

    name: str
    run: Callable[[], str]


def check_qt() -> str:
    """Qt's widgets start on the offscreen platform (no display needed)."""
    try:
        from PySide6 import QtCore
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
    return f"Qt {QtCore.qVersion()} started ({QApplication.platformName()})"


def check_practices() -> str:
    """Every bundled practice validates."""
    result = load_library(Resources.locate().practices_dir)
    if result.skipped:
        first = result.skipped[0].problems[0]
        raise CheckFailed(f"{len(result.skipped)} practice file(s) invalid, first: {first}")
    if not result.practices:
        raise CheckFailed("no practices found")
    return f"{len(result.practices)} practices valid"


CHECKS: tuple[Check, ...] = (
    Check("qt", check_qt),
    Check("practices", check_practices),
)


def run_self_test(say: Callable[[str], None]) -> int:
    """Run every check, print 'ok'/'FAIL' per line; 0 only when all pass."""
    failed = 0
    for check in CHECKS:
        try:
            detail = check.run()
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
