"""PySide6 must still learn which modules use it, without keeping their source in memory."""

from __future__ import annotations

import linecache
import sys

import pytest

from app.platform.pyside_source_scan import install_lean_source_scan


@pytest.fixture
def module_folder(tmp_path, monkeypatch):
    import PySide6  # noqa: F401  (loads the hook this replaces)

    feature = sys.modules["shibokensupport.feature"]
    monkeypatch.setattr(feature, "_mod_uses_pyside", feature._mod_uses_pyside)  # put back after
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in ("cc_scan_uses_qt", "cc_scan_plain"):
        sys.modules.pop(name, None)


def test_modules_are_classified_as_before_and_no_source_is_kept(module_folder):
    assert install_lean_source_scan()
    assert install_lean_source_scan()  # a second call changes nothing
    feature = sys.modules["shibokensupport.feature"]
    (module_folder / "cc_scan_uses_qt.py").write_text("import PySide6.QtCore\nVALUE = 1\n")
    (module_folder / "cc_scan_plain.py").write_text("VALUE = 2\n")
    # PySide6 watches the import statement (builtins.__import__), not importlib's functions.
    import cc_scan_plain  # type: ignore[import-not-found]  # noqa: F401
    import cc_scan_uses_qt  # type: ignore[import-not-found]  # noqa: F401
    assert feature.pyside_feature_dict["cc_scan_uses_qt"] == 0  # "uses PySide": features apply
    assert feature.pyside_feature_dict["cc_scan_plain"] == -1  # "ignore this module"
    kept = [name for name in linecache.cache if "cc_scan_" in name]
    assert kept == []


def test_modules_without_a_source_file_go_to_the_original(module_folder):
    install_lean_source_scan()
    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside(sys) is False  # built in: no __file__
