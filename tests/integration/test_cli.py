"""The command line as a person runs it: a real subprocess, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import APP_NAME, HOME_ENV_VAR, __version__

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, home: Path, env: dict[str, str] | None = None,
        cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, HOME_ENV_VAR: str(home), "QT_QPA_PLATFORM": "offscreen",
                **(env or {})}
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=120, check=False)


def test_version(tmp_path):
    out = run("--version", home=tmp_path)
    assert out.returncode == 0
    assert out.stdout.strip() == f"{APP_NAME} {__version__}"


def test_help_lists_the_commands(tmp_path):
    out = run("--help", home=tmp_path)
    assert out.returncode == 0
    for word in ("--data-dir", "--self-test", "start", "practices"):
        assert word in out.stdout


def test_practices_list(tmp_path):
    out = run("practices", "list", home=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 11
    assert any(line.startswith("me-space") and "5 min" in line for line in lines)


def test_validate_bundled(tmp_path):
    out = run("practices", "validate", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("\nok  ") + out.stdout.startswith("ok  ") == 11


def test_validate_broken_files_one_line_per_problem_exit_2(tmp_path):
    good = (REPO / "practices" / "me-space.toml").read_text()
    bad_dir = tmp_path / "mine"
    bad_dir.mkdir()
    (bad_dir / "syntax.toml").write_text("title = = 'x'\n")
    (bad_dir / "sum.toml").write_text(good.replace("seconds = 180", "seconds = 100"))
    (bad_dir / "negative.toml").write_text(good.replace("minutes = 5", "minutes = -5"))
    out = run("practices", "validate", str(bad_dir), str(REPO / "practices" / "me-space.toml"),
              home=tmp_path)
    assert out.returncode == 2
    errors = out.stderr.splitlines()
    assert any(e.startswith(f"{bad_dir / 'syntax.toml'}: (syntax): expected valid TOML")
               for e in errors)
    assert f"{bad_dir / 'sum.toml'}: steps: expected step seconds adding up to minutes x 60 = " \
           "300 s, got 220 s" in errors
    assert any(e.startswith(f"{bad_dir / 'negative.toml'}: minutes: expected a whole number")
               for e in errors)
    assert "ok  " in out.stdout and "me-space" in out.stdout, "good files are still checked"
    assert "Traceback" not in out.stderr


def test_validate_missing_path_is_bad_input(tmp_path):
    out = run("practices", "validate", str(tmp_path / "nope.toml"), home=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().endswith("expected a readable file, got No such file or directory")


def test_unknown_command_is_usage_error(tmp_path):
    out = run("frobnicate", home=tmp_path)
    assert out.returncode == 2
    assert "invalid choice" in out.stderr


def test_self_test_passes_and_prints_one_line_per_check(tmp_path):
    out = run("--self-test", home=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[-1].startswith("self-test:") and "0 failed" in lines[-1]
    assert any(line.startswith("ok   qt:") for line in lines)
    assert any(line.startswith("ok   practices: 11 practices valid") for line in lines)


def test_quitting_before_the_after_paint_work_leaves_no_python_errors(tmp_path):
    # --exit-when-shown quits before the after-paint callback runs: its event filter must
    # be gone before the window's last events, or they reach a half-collected filter.
    run("--exit-when-shown", home=tmp_path / "home")  # the first fills the library cache
    out = run("--exit-when-shown", home=tmp_path / "home")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "shown"
    assert "Error calling Python override" not in out.stderr
    assert "Traceback" not in out.stderr


def test_the_window_is_remembered_when_the_app_quits_with_it_open(tmp_path):
    state = tmp_path / "home" / "state" / "window.json"
    out = run("--exit-when-shown", home=tmp_path / "home")
    assert out.returncode == 0, out.stderr
    saved = json.loads(state.read_text())
    assert saved["format"] == 1 and saved["geometry"] and saved["practice"]


@pytest.mark.parametrize("how", ["flag", "env"])
def test_gui_starts_shows_and_writes_only_under_data_dir(tmp_path, how):
    home = tmp_path / "home"
    decoy = tmp_path / "decoy"
    if how == "flag":  # --data-dir beats the environment variable
        out = run("--exit-when-shown", "--data-dir", str(home), "start", "me-space", home=decoy)
    else:
        out = run("--exit-when-shown", "start", "me-space", home=home)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "shown"
    log = home / "logs" / "compassion-companion.log"
    assert "starting; data in" in log.read_text()
    assert not decoy.exists()
