"""app/core stays plain Python: no PySide6, no pygame, at import time or in the source."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "app" / "core"
BANNED = ("PySide6", "shiboken6", "pygame")


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_sources_import_no_gui_or_audio_library():
    offenders = {
        str(path.relative_to(CORE)): sorted(_imported_roots(path) & set(BANNED))
        for path in CORE.rglob("*.py")
    }
    offenders = {name: found for name, found in offenders.items() if found}
    assert offenders == {}


def test_importing_every_core_module_loads_neither_qt_nor_pygame():
    modules = sorted(f"app.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__")
    assert "app.core.practice_loader" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(k for k in sys.modules if k.split('.')[0] in {BANNED!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=CORE.parents[1])
    assert out.stdout.strip() == "[]"


def test_the_ast_check_would_catch_an_offender(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QTimer\nimport pygame.mixer\n")
    assert _imported_roots(bad) & set(BANNED) == {"PySide6", "pygame"}
