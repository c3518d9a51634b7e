"""A machine the GUI cannot start on gets one clear line and exit 1, never a bare abort.

Real subprocesses of `python -m app`; the frozen bundle gets the same checks in CI
(.ci/run). The read-only folder is a real read-only tmpfs mounted in a private mount
namespace (`unshare`), so the test needs no root and leaves nothing mounted.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app import APP_SLUG, HOME_ENV_VAR
from app.platform import startup_checks as checks

REPO = Path(__file__).resolve().parents[2]


def run_app(*args: str, env: dict[str, str], prefix: tuple[str, ...] = ()):
    return subprocess.run([*prefix, sys.executable, "-m", "app", *args], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=120, check=False)


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env[HOME_ENV_VAR] = str(tmp_path / "home")
    return env


def assert_one_clear_line(out, *needles: str) -> None:
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith(f"{APP_SLUG}: ")
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in out.stderr


def test_no_display_says_so_before_qt(tmp_path):
    out = run_app("--exit-when-shown", env=base_env(tmp_path))
    assert_one_clear_line(out, "no display found", "DISPLAY", "WAYLAND_DISPLAY")
    assert not (tmp_path / "home").exists(), "nothing is created before the display check"


def test_unreachable_display_is_one_line_not_an_abort(tmp_path):
    env = {**base_env(tmp_path), "DISPLAY": ":87"}  # no X server there
    out = run_app("--exit-when-shown", env=env)
    assert out.returncode == 1, out.stderr  # not -6 (SIGABRT)
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith(f"{APP_SLUG}: cannot start the window system: ")


def test_data_folder_that_is_a_file_is_named(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    env = {**base_env(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    out = run_app("--data-dir", str(blocker / "data"), "--exit-when-shown", env=env)
    assert_one_clear_line(out, f"data folder {blocker / 'data'}", "not writable", "--data-dir")


def test_read_only_data_folder_is_named(tmp_path):
    unshare = shutil.which("unshare")
    assert unshare, "util-linux's unshare is needed for a real read-only mount"
    data = tmp_path / "ro"
    data.mkdir()
    env = {**base_env(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    mount = f"mount -t tmpfs -o ro none {data} && exec \"$@\""
    out = run_app("--data-dir", str(data), "--exit-when-shown", env=env,
                  prefix=(unshare, "--map-root-user", "--mount", "sh", "-c", mount, "sh"))
    assert_one_clear_line(out, f"data folder {data}", "Read-only file system")


def test_missing_packages_named_from_ldconfig_listing():
    listing = "\n".join(f"\t{soname} (libc6,x86-64) => /lib/{soname}"
                        for soname, _ in checks.QT_SYSTEM_LIBS if "xcb-cursor" not in soname)
    assert checks.missing_packages(listing) == ["libxcb-cursor0"]


def test_qt_import_error_names_the_package():
    exc = ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    line = checks.qt_import_problem(exc)
    assert line.startswith("cannot load Qt: libEGL.so.1: cannot open shared object file")
    assert line.endswith("install it with: sudo apt-get install libegl1")


def test_library_table_matches_check_system_libs_script():
    script = (REPO / "packaging" / "check-system-libs.sh").read_text()
    pairs = [tuple(line.split()[1:3]) for line in script.splitlines()
             if line.startswith("check lib")]
    assert pairs == list(checks.QT_SYSTEM_LIBS)


@pytest.mark.parametrize(("environ", "platform", "ok"), [
    ({}, "linux", False),
    ({"DISPLAY": ":0"}, "linux", True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
    ({}, "win32", True),
    ({}, "darwin", True),
])
def test_display_problem(environ, platform, ok):
    assert (checks.display_problem(environ, platform) is None) == ok


def test_fatal_handler_prints_one_line_and_exits(qapp):
    from PySide6.QtCore import qInstallMessageHandler

    stream, codes = io.StringIO(), list[int]()
    previous = qInstallMessageHandler(None)
    try:
        checks.install_fatal_handler(stream, codes.append)
        from PySide6.QtCore import QtMsgType, qWarning

        qWarning("an ordinary warning")  # passed through in Qt's own format
        handler: Any = qInstallMessageHandler(None)  # the handler installed above
        handler(QtMsgType.QtFatalMsg, None, "no Qt platform plugin could be initialized.\nmore")
    finally:
        qInstallMessageHandler(previous)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "an ordinary warning"
    assert lines[1].startswith(f"{APP_SLUG}: cannot start the window system: no Qt platform "
                               "plugin could be initialized.")
    assert codes == [1]
