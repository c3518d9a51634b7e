"""Start-up benchmark: process start to main window shown, app vs a bare PySide6 window.

Both are started the same way (a fresh Python process each time), alternately, and timed
from spawn until they print "shown" after their window's show() has run through the event
loop. Target (issue 2): the app at most 1.5x the bare script. Run with `make bench`.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_RUNS", "9"))
TARGET = 1.5

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1100, 720)
window.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
app.exec()
"""


def time_until_shown(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=REPO)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "shown":
            elapsed = time.perf_counter() - start
            break
    else:
        raise SystemExit(f"never shown: {command}: {proc.stderr.read() if proc.stderr else ''}")
    proc.wait(timeout=60)
    return elapsed


def main() -> int:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "xcb" if env.get("DISPLAY") else "offscreen")
    # Time what a person runs: an installed wheel and the bundle carry compiled bytecode,
    # so the app's modules are compiled first and the children may use (and keep) it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(REPO / "app", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_window.py"
        bare.write_text(BARE)
        env["COMPASSION_COMPANION_HOME"] = str(Path(tmp) / "home")
        app_cmd = [sys.executable, "-m", "app", "--exit-when-shown"]
        bare_cmd = [sys.executable, str(bare)]
        time_until_shown(app_cmd, env)  # warm the file cache for both, untimed
        time_until_shown(bare_cmd, env)
        app_times: list[float] = []
        bare_times: list[float] = []
        for _ in range(RUNS):
            bare_times.append(time_until_shown(bare_cmd, env))
            app_times.append(time_until_shown(app_cmd, env))
    app_median = statistics.median(app_times)
    bare_median = statistics.median(bare_times)
    ratio = app_median / bare_median
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {RUNS} each, alternating")
    print(f"bare PySide6 window: median {bare_median * 1000:.0f} ms "
          f"(min {min(bare_times) * 1000:.0f}, max {max(bare_times) * 1000:.0f})")
    print(f"Compassion Companion: median {app_median * 1000:.0f} ms "
          f"(min {min(app_times) * 1000:.0f}, max {max(app_times) * 1000:.0f})")
    print(f"ratio app/bare: {ratio:.2f}x (target at most {TARGET}x): "
          f"{'met' if ratio <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
