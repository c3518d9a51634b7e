"""Build the one-folder bundle with PyInstaller and pack it with its desktop files.

`make dist` runs this: dist/compassion-companion/ (the bundle) and
dist/compassion-companion-<version>-linux-x86_64.tar.gz holding the bundle, the .desktop
file, the AppStream metainfo, the hicolor icons and INSTALL.txt.
`make dist-baseline` runs it with --baseline: the bare PySide6 window, PyInstaller defaults.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tarfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app import APP_ID, APP_NAME, APP_SLUG, __version__  # noqa: E402
from app.platform.startup_checks import QT_SYSTEM_LIBS  # noqa: E402

DIST = REPO / "dist"
BUILD = REPO / "build"
# What the bundle leaves to the system: Qt's libraries (as `make run` checks them) and
# SQLite, which Python's sqlite3 links (packaging/compassion-companion.spec says why).
SYSTEM_PACKAGES = [package for _, package in QT_SYSTEM_LIBS] + ["libsqlite3-0"]
APT_LINES = " \\\n      ".join(textwrap.wrap(" ".join(SYSTEM_PACKAGES), 70,
                                                break_on_hyphens=False))

INSTALL_NOTE = f"""{APP_NAME} {__version__} for Linux ({platform.machine()})

Run it in place:
    ./{APP_SLUG}/{APP_SLUG}
Check it works on this machine (prints one line per check):
    ./{APP_SLUG}/{APP_SLUG} --self-test

Install for your user (menu entry and icon):
    mkdir -p ~/.local/opt ~/.local/bin ~/.local/share
    cp -r {APP_SLUG} ~/.local/opt/
    ln -sf ~/.local/opt/{APP_SLUG}/{APP_SLUG} ~/.local/bin/{APP_SLUG}
    cp -r share/. ~/.local/share/
    update-desktop-database ~/.local/share/applications 2>/dev/null || true

Portable use (a USB stick): create an empty file named portable.txt beside the
{APP_SLUG} program; settings and the journal then live in CompassionCompanionData
beside it instead of your home folder.

Qt needs a few system libraries that most desktops already have. If the app says one is
missing, install them (Debian/Ubuntu):
    sudo apt-get install {APT_LINES}
To print to a printer (not only to PDF), CUPS's library too: sudo apt-get install libcups2

Uninstall: delete ~/.local/opt/{APP_SLUG}, ~/.local/bin/{APP_SLUG} and the {APP_ID}
files under ~/.local/share. Your settings and journal are kept in your user folders.
"""


def pyinstaller(spec: Path, name: str) -> float:
    """Run PyInstaller on `spec`; return the seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(BUILD / name), str(spec)],
        check=True, cwd=REPO,
    )
    return time.perf_counter() - started


def folder_size(folder: Path) -> int:
    """Bytes in every file under `folder` (what the user's disk holds)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def tarball_path() -> Path:
    """Where `tarball` writes this version's .tar.gz for this machine."""
    return DIST / f"{APP_SLUG}-{__version__}-linux-{platform.machine()}.tar.gz"


def tarball(bundle: Path) -> Path:
    """Pack the bundle, desktop entry, metainfo, icons and install note into one .tar.gz."""
    out = tarball_path()
    top = out.name.removesuffix(".tar.gz")
    linux = REPO / "packaging" / "linux"
    icons = REPO / "resources" / "icons" / "hicolor"
    with tarfile.open(out, "w:gz", compresslevel=9) as tar:
        tar.add(bundle, f"{top}/{APP_SLUG}")
        tar.add(linux / f"{APP_ID}.desktop", f"{top}/share/applications/{APP_ID}.desktop")
        tar.add(linux / f"{APP_ID}.metainfo.xml", f"{top}/share/metainfo/{APP_ID}.metainfo.xml")
        tar.add(icons, f"{top}/share/icons/hicolor")
        note = DIST / "INSTALL.txt"
        note.write_text(INSTALL_NOTE, encoding="utf-8")
        tar.add(note, f"{top}/INSTALL.txt")
        note.unlink()
    return out


def main(argv: list[str]) -> int:
    """Build, report sizes and build time, and pack (Linux only for the tarball)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", action="store_true",
                        help="build the bare PySide6 window bundle instead")
    args = parser.parse_args(argv)
    mib = 1024 * 1024
    if args.baseline:
        seconds = pyinstaller(REPO / "packaging" / "bare_window.spec", "baseline")
        bundle = DIST / "bare-window"
        print(f"baseline: {bundle} {folder_size(bundle) / mib:.1f} MiB, built in {seconds:.0f} s")
        return 0
    seconds = pyinstaller(REPO / "packaging" / f"{APP_SLUG}.spec", "app")
    bundle = DIST / APP_SLUG
    print(f"bundle: {bundle} {folder_size(bundle) / mib:.1f} MiB, built in {seconds:.0f} s")
    if sys.platform.startswith("linux"):
        out = tarball(bundle)
        print(f"tarball: {out} {out.stat().st_size / mib:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
