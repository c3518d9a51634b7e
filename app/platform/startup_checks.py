"""Checks before the GUI starts, so a broken machine gets one clear line, not a Qt abort.

Qt ends the process (qFatal, then abort) when no platform plugin can start: no display,
or the xcb plugin's system libraries missing. A frozen bundle started from a file manager
would vanish without a word. These checks name the cause first; `install_fatal_handler`
catches whatever they could not foresee and still says it in one line.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable, Mapping
from typing import TextIO

from app import APP_SLUG, HOME_ENV_VAR
from app.platform.paths import AppPaths

# The same list as packaging/check-system-libs.sh (a test keeps the two in step):
# the sonames Qt's xcb and EGL plumbing loads from the system, with their Debian packages.
QT_SYSTEM_LIBS: tuple[tuple[str, str], ...] = (
    ("libEGL.so.1", "libegl1"),
    ("libGL.so.1", "libgl1"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libdbus-1.so.3", "libdbus-1-3"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    # The bundle leaves these to the system (packaging/compassion-companion.spec).
    ("libstdc++.so.6", "libstdc++6"),
    ("libgssapi_krb5.so.2", "libgssapi-krb5-2"),
)


class StartupProblem(Exception):
    """The GUI cannot start here; the message is the one line to show."""


def display_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """On Linux, say so when there is no display to open a window on."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return ("no display found: neither DISPLAY nor WAYLAND_DISPLAY is set; start "
            f"{APP_SLUG} from a desktop session (QT_QPA_PLATFORM=offscreen runs it without one)")


def missing_packages(ldconfig_listing: str) -> list[str]:
    """Debian packages whose Qt system library is not in `ldconfig -p` output."""
    return [package for soname, package in QT_SYSTEM_LIBS if soname not in ldconfig_listing]


def installed_libraries() -> str:
    """`ldconfig -p`, or '' where there is no ldconfig (not Linux, or a minimal system)."""
    import subprocess  # only when Qt failed to load: not on the normal start path

    for ldconfig in ("ldconfig", "/sbin/ldconfig"):
        try:
            return subprocess.run([ldconfig, "-p"], capture_output=True, text=True,
                                  check=False, timeout=10).stdout
        except OSError:
            continue
    return ""


def libraries_hint() -> str:
    """'; install them with: sudo apt-get install ...' or '' when nothing is known missing."""
    listing = installed_libraries() if sys.platform.startswith("linux") else ""
    missing = missing_packages(listing) if listing else []
    if not missing:
        return ""
    return f"; missing system libraries, install with: sudo apt-get install {' '.join(missing)}"


def qt_import_problem(exc: ImportError) -> str:
    """One line for Qt failing to load (a system library such as libEGL.so.1 missing)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    soname = re.search(r"(lib[\w.+-]+\.so[.\d]*)", text)
    package = dict(QT_SYSTEM_LIBS).get(soname.group(1)) if soname else None
    hint = f"; install it with: sudo apt-get install {package}" if package else libraries_hint()
    return f"cannot load Qt: {text}{hint}"


def prepare_data_folders(paths: AppPaths) -> None:
    """Create the data folders owner-only (as AppPaths.ensure) and prove each takes a file.

    Raises StartupProblem with one line naming the folder.
    """
    for folder in paths:  # AppPaths is the tuple of its folders
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            raise StartupProblem(
                f"data folder {folder} is not writable ({exc.strerror or exc}); choose "
                f"another with --data-dir DIR or {HOME_ENV_VAR}"
            ) from None
        if os.name == "posix":
            try:
                folder.chmod(0o700)  # journal text lives here
            except OSError as exc:
                raise StartupProblem(f"data folder {folder}: {exc.strerror or exc}") from None


def install_fatal_handler(stream: TextIO | None = None,
                          exit_process: Callable[[int], None] = os._exit) -> None:
    """Turn Qt's fatal start-up errors into one line and exit code 1 instead of an abort.

    Other messages are printed as Qt would print them (its own message pattern).
    """
    from PySide6.QtCore import QtMsgType, qFormatLogMessage, qInstallMessageHandler

    out = stream or sys.stderr

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        if kind != QtMsgType.QtFatalMsg:
            print(qFormatLogMessage(kind, context, message), file=out, flush=True)  # type: ignore[arg-type]
            return
        first = message.strip().splitlines()[0] if message.strip() else "Qt stopped"
        print(f"{APP_SLUG}: cannot start the window system: {first}{libraries_hint()}",
              file=out, flush=True)
        exit_process(1)

    qInstallMessageHandler(handler)
