"""Shared test set-up: offscreen Qt, silent SDL, temporary app folders, the bundled library."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app.platform.resources import Resources  # plain paths: imports neither Qt nor SDL

# Set before any Qt or SDL import; `setdefault` lets a developer run UI tests on a real display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

REPO = Path(__file__).resolve().parents[1]
PRACTICES = REPO / "practices"

GUI_FIXTURES = {"qapp", "qtbot"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs a QApplication, so `-m "not gui"` runs the pure ones."""
    for item in items:
        if GUI_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def practices_dir() -> Path:
    return PRACTICES


@pytest.fixture
def resources_copy(tmp_path: Path) -> Resources:
    """A private copy of the bundled folders, so a test may break a practice file.

    The screenshots are left out: they are for the software centre, never read by the app.
    """
    root = tmp_path / "bundle"
    shutil.copytree(REPO / "practices", root / "practices")
    shutil.copytree(REPO / "resources", root / "resources",
                    ignore=shutil.ignore_patterns("screenshots"))
    return Resources(root)


@pytest.fixture
def app_paths(tmp_path: Path):
    from app.platform.paths import AppPaths

    paths = AppPaths.under(tmp_path / "home")
    paths.ensure()
    return paths
