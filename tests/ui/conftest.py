"""UI fixtures: a real Companion (window, settings, library) in a temporary home."""

from __future__ import annotations

import pytest

from app.core.practice_loader import load_library
from app.core.settings import Settings


@pytest.fixture
def practices(practices_dir):
    """The bundled practices by id."""
    return {p.id: p for p in load_library(practices_dir).practices}


@pytest.fixture
def companion(qtbot, qapp, app_paths, resources_copy):
    from app.ui.application import Companion, create_application

    create_application([])
    made = Companion(qapp, app_paths, resources_copy)
    qtbot.addWidget(made.window)
    yield made
    made.window.close_player()  # lets go of the sound device, as leaving the player does
    made.apply(Settings())  # the QApplication is shared: put its font and palette back


@pytest.fixture(autouse=True)
def _sound_device_released():
    """Each test starts with SDL's (single) dummy output free, whatever the last one left open."""
    yield
    import sys

    pygame = sys.modules.get("pygame")
    if pygame is not None and pygame.mixer.get_init() is not None:
        pygame.mixer.quit()
