"""The release metadata is valid and agrees with app/__init__.py, the one source of names.

desktop-file-validate and appstreamcli run when installed (.ci/run installs them); the
same files are also parsed here, so a machine without those tools still checks the keys.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import plistlib
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app import APP_ID, APP_NAME, APP_SLUG, __version__

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
ICONS = REPO / "resources" / "icons"
SPEC = REPO / "packaging" / f"{APP_SLUG}.spec"


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_desktop_entry_keys():
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(DESKTOP, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == APP_NAME
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == APP_SLUG
    assert entry["Categories"].endswith(";")
    assert parser["Desktop Action me-space"]["Exec"] == f"{APP_SLUG} start me-space"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-utils not installed; keys checked above")
def test_desktop_file_validate():
    out = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0 and "error" not in out.stdout, out.stdout + out.stderr


def test_metainfo_keys():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_NAME
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("provides/binary") == APP_SLUG
    release = root.find("releases/release")
    assert release is not None and release.get("version") == __version__
    assert root.find("content_rating") is not None


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstream not installed; keys checked above")
def test_appstreamcli_validate():
    out = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("size", [16, 22, 24, 32, 48, 64, 128, 256, 512])
def test_hicolor_png_of_each_size(size):
    png = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (size, size)


def test_windows_ico_and_macos_icns():
    ico = (ICONS / f"{APP_SLUG}.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 5
    icns = (ICONS / f"{APP_SLUG}.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert b"ic09" in icns  # 512 px


def test_icons_are_current_with_the_svg(qapp):
    from PySide6.QtGui import QImage

    make_icons = load(REPO / "packaging" / "make_icons.py")
    fresh = QImage.fromData(make_icons.render_png(48))
    committed = QImage(str(ICONS / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png"))
    assert fresh.size() == committed.size()
    worst = 0
    for x in range(48):
        for y in range(48):
            a, b = fresh.pixelColor(x, y), committed.pixelColor(x, y)
            pairs = ((a.red(), b.red()), (a.green(), b.green()), (a.blue(), b.blue()),
                     (a.alpha(), b.alpha()))
            worst = max(worst, *(abs(p - q) for p, q in pairs))
    assert worst <= 16, "run packaging/make_icons.py and commit the icons"


def test_spec_names_every_resources_folder():
    text = SPEC.read_text()
    for folder in sorted(p.name for p in (REPO / "resources").iterdir() if p.is_dir()):
        assert f'"{folder}":' in text, f"resources/{folder} is not placed in RESOURCE_FOLDERS"
    assert "practices" in text


def test_spec_comments_every_exclude():
    text = SPEC.read_text()
    block = text[text.index("excludes = ["):text.index("]\n", text.index("excludes = ["))]
    for line in block.splitlines()[1:]:
        if line.strip().startswith('"'):
            assert "#" in line, f"exclude without a reason: {line.strip()}"


def test_macos_plist_from_app_constants():
    keys = load(REPO / "packaging" / "macos" / "info_plist.py").info_plist()
    assert keys["CFBundleIdentifier"] == APP_ID
    assert keys["LSUIElement"] is True
    assert keys["CFBundleShortVersionString"] == __version__
    plistlib.dumps(keys)  # serialisable as a plist


def test_windows_version_info_from_app_constants():
    module = load(REPO / "packaging" / "windows" / "version_info.py")
    text = module.render()
    ast.parse(text, mode="eval")  # PyInstaller evaluates it as one expression
    assert f"'{__version__}'" in text and f"'{APP_SLUG}.exe'" in text
    assert module.version_tuple("1.2.3rc4") == (1, 2, 3, 4)
    assert module.version_tuple("0.1.0") == (0, 1, 0, 0)

