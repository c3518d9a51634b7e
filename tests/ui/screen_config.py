"""Run a script in a child process whose offscreen platform has the screens we describe.

Qt's offscreen platform reads its screens from a JSON file, so the child sees a laptop and a
projector while the test process keeps its single-screen QApplication.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LAPTOP: dict[str, object] = {
    "name": "Laptop", "x": 0, "y": 0, "width": 1280, "height": 800,
    "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1,
}
PROJECTOR: dict[str, object] = {
    "name": "HDMI-1", "x": 1280, "y": 0, "width": 1920, "height": 1080,
    "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1,
}


def run_on_screens(tmp_path: Path, script: str, *args: str,
                   screens: tuple[dict[str, object], ...] = (LAPTOP, PROJECTOR)) -> list[str]:
    """`script` run from the repository on `screens`; the lines it printed."""
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"synthesizeScreens": False, "screens": list(screens)}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    out = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True,
                         text=True, timeout=60, check=True, cwd=REPO)
    return out.stdout.splitlines()
