"""Bundle benchmark: start-up of the frozen app vs the same app from source, and sizes.

Builds the bundles first when dist/ has none (`make dist`, `make dist-baseline`). Start-up
is timed as in bench_startup.py: spawn until the process prints "shown" after its window's
show() ran through the event loop, fresh process each time, alternating, in the same run.
Sizes: the one-folder bundle and its tarball against the bare PySide6 window bundle built
with PyInstaller's defaults. Target (issue 6): the folder under 90 MiB.
"""

from __future__ import annotations

import importlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "packaging"))  # build-time modules, not a package

from app import APP_SLUG  # noqa: E402
from tests.benchmarks.bench_startup import bench_env, summary, time_until_shown  # noqa: E402

make_dist = importlib.import_module("make_dist")

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
TARGET_MIB = 90
MIB = 1024 * 1024
BUNDLE = make_dist.DIST / APP_SLUG / APP_SLUG
BASELINE = make_dist.DIST / "bare-window" / "bare-window"


def folder_mib(folder: Path) -> float:
    size: int = make_dist.folder_size(folder)
    return size / MIB


def ensure_built() -> None:
    build = [sys.executable, str(REPO / "packaging" / "make_dist.py")]
    if not BUNDLE.exists():
        subprocess.run(build, check=True, cwd=REPO)
    if not BASELINE.exists():
        subprocess.run([*build, "--baseline"], check=True, cwd=REPO)


def main() -> int:
    ensure_built()
    env = bench_env()
    commands = {
        "bundle": [str(BUNDLE), "--exit-when-shown"],
        "source": [sys.executable, "-m", "app", "--exit-when-shown"],
        "baseline bundle": [str(BASELINE), "--exit-when-shown"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as tmp:
        env["COMPASSION_COMPANION_HOME"] = str(Path(tmp) / "home")
        for command in commands.values():  # warm the file cache, untimed
            time_until_shown(command, env)
        for _ in range(RUNS):
            for name, command in commands.items():
                times[name].append(time_until_shown(command, env))
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {RUNS} each, alternating")
    for name in commands:
        print(summary(name, times[name]))
    bundle_ms = statistics.median(times["bundle"])
    print(f"ratio bundle/source: {bundle_ms / statistics.median(times['source']):.2f}x, "
          f"bundle/baseline bundle: {bundle_ms / statistics.median(times['baseline bundle']):.2f}x")
    folder = folder_mib(BUNDLE.parent)
    baseline = folder_mib(BASELINE.parent)
    tar: Path = make_dist.tarball_path()
    tar_mib = tar.stat().st_size / MIB if tar.exists() else float("nan")
    print(f"bundle folder: {folder:.1f} MiB (target under {TARGET_MIB} MiB: "
          f"{'met' if folder < TARGET_MIB else 'NOT met'}), tarball: {tar_mib:.1f} MiB")
    print(f"baseline bare-window folder (PyInstaller defaults): {baseline:.1f} MiB; "
          f"ratio bundle/baseline: {folder / baseline:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
