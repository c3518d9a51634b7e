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

BARE = REPO / "packaging" / "bare_window.py"  # also the bundle baseline's script


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


def bench_env() -> dict[str, str]:
    """The children's environment, and the app compiled as a person's copy of it is."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "xcb" if env.get("DISPLAY") else "offscreen")
    # Time what a person runs: an installed wheel and the bundle carry compiled bytecode,
    # so the app's modules are compiled first and the children may use (and keep) it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(REPO / "app", quiet=1)
    return env


def summary(name: str, times: list[float]) -> str:
    """One line: the median, min and max of `times` in ms."""
    return (f"{name}: median {statistics.median(times) * 1000:.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")


def main() -> int:
    env = bench_env()
    with tempfile.TemporaryDirectory() as tmp:
        env["COMPASSION_COMPANION_HOME"] = str(Path(tmp) / "home")
        app_cmd = [sys.executable, "-m", "app", "--exit-when-shown"]
        bare_cmd = [sys.executable, str(BARE), "--exit-when-shown"]
        time_until_shown(app_cmd, env)  # warm the file cache for both, untimed
        time_until_shown(bare_cmd, env)
        app_times: list[float] = []
        bare_times: list[float] = []
        for _ in range(RUNS):
            bare_times.append(time_until_shown(bare_cmd, env))
            app_times.append(time_until_shown(app_cmd, env))
    ratio = statistics.median(app_times) / statistics.median(bare_times)
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {RUNS} each, alternating")
    print(summary("bare PySide6 window", bare_times))
    print(summary("Compassion Companion", app_times))
    print(f"ratio app/bare: {ratio:.2f}x (target at most {TARGET}x): "
          f"{'met' if ratio <= TARGET else 'NOT met'}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
