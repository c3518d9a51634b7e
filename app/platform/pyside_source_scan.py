"""Keep PySide6 from holding the source text of every module imported after it.

PySide6's import hook (shibokensupport.feature, PYSIDE-2029) calls `inspect.getsource()` on
each newly imported module only to learn whether the text "PySide6" occurs in it. `inspect`
leaves every file it reads in `linecache` for the life of the process: about 13 MiB of
resident memory for this app idling in the tray, and milliseconds at every start. Reading
the file's bytes answers the same question and keeps nothing.

This replaces a private function, so it is careful: if that function is not there (another
PySide6 release), nothing changes; anything it cannot read goes to the original.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Final

FEATURE_MODULE: Final = "shibokensupport.feature"
SCAN_NAME: Final = "_mod_uses_pyside"
MARK: Final = "_compassion_companion_lean_scan"


def lean_scan(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    """The same test as `original`, on the file's bytes; `original` for anything else."""

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return original(module)

    setattr(mod_uses_pyside, MARK, True)
    return mod_uses_pyside


def install_lean_source_scan() -> bool:
    """Swap in the lean scan (once); False where this PySide6 has no such hook."""
    import PySide6  # noqa: F401  (loads shibokensupport and its import hook)

    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, SCAN_NAME, None)
    if feature is None or not callable(original):
        return False
    if not getattr(original, MARK, False):
        setattr(feature, SCAN_NAME, lean_scan(original))
    return True
