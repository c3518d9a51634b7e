"""One AppPaths: --data-dir beats the environment variable beats the platform folders."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from app import HOME_ENV_VAR
from app.platform.paths import PORTABLE_MARKER, AppPaths, portable_root, resolve_paths


def test_data_dir_wins(tmp_path):
    paths = resolve_paths(str(tmp_path / "a"), {HOME_ENV_VAR: str(tmp_path / "b")})
    assert paths.data_dir == (tmp_path / "a" / "data").resolve()


def test_environment_variable_next(tmp_path):
    paths = resolve_paths(None, {HOME_ENV_VAR: str(tmp_path / "b")})
    assert paths.config_dir == (tmp_path / "b" / "config").resolve()
    assert paths.settings_file.parent == paths.config_dir


def test_platform_default_is_per_user(tmp_path):
    paths = resolve_paths(None, {})
    assert "compassion-companion" in str(paths.data_dir)
    assert paths.data_dir != paths.config_dir or sys.platform != "linux"


def test_portable_marker_beside_executable(tmp_path):
    exe = tmp_path / "compassion-companion"
    exe.write_text("")
    assert portable_root(exe) is None
    (tmp_path / PORTABLE_MARKER).write_text("")
    assert portable_root(exe) == tmp_path / "CompassionCompanionData"


@pytest.mark.skipif(os.name != "posix", reason="owner-only modes are a POSIX idea")
def test_folders_are_owner_only(tmp_path):
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    for folder in (paths.config_dir, paths.data_dir, paths.log_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
