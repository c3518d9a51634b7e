"""What the bundle leaves out of Qt: plugins and translations the app never loads.

Used by the hook-PySide6.*.py files beside it, through `qt_hook` (so the libraries those
plugins link, such as GTK's cairo and pango, are never analysed or collected), and by the
spec as a last filter.
Patterns match the "/"-separated destination path inside the bundle.
"""

from __future__ import annotations

import re

DROP_PATTERNS = (
    # Platform plugins: xcb (X11), wayland, offscreen (--self-test, CI) and minimal stay;
    # Windows keeps qwindows and macOS qcocoa (the only ones their wheels ship).
    r"plugins/platforms/libq(eglfs|linuxfb|minimalegl|vnc|vkkhrdisplay)\.so$",  # kiosk boards
    r"plugins/egldeviceintegrations/",  # back-ends of the eglfs plugin dropped above
    r"plugins/platformthemes/libqgtk3\.so$",  # GTK theme: would bundle cairo, pango, atk and
    # gdk-pixbuf (~8 MB) and mix them with the system's GTK; the portal theme stays
    r"plugins/imageformats/libq(gif|icns|ico|jpeg|pdf|tga|tiff|wbmp|webp)\.so$",  # the app
    # reads SVG (its icon) and PNG (built into QtGui) only
    r"plugins/networkinformation/",  # network reachability: the app opens no connection
    r"plugins/tls/",  # TLS back-ends: QLocalServer (single instance) is a local socket
    r"plugins/generic/",  # evdev/tslib touch input for kiosk set-ups
    r"plugins/xcbglintegrations/",  # OpenGL on X11: the widgets are raster painted and the
    # app makes no GL context (Qt loads these only for one)
    r"plugins/wayland-graphics-integration-client/",  # OpenGL/Vulkan buffers on Wayland
    # (wayland-egl) and buffers shared by a Qt compositor: raster widgets draw into shared
    # memory, which libQt6WaylandClient does itself; with them goes libQt6OpenGL (0.8 MB)
    r"plugins/wayland-shell-integration/lib(ivi-shell|qt-shell|fullscreen-shell-v1"
    r"|wl-shell-plugin)\.so$",  # car dashboards, Qt's own compositor, kiosks and the
    # retired wl_shell; desktop compositors speak xdg-shell, which stays
    # Qt's own strings (standard buttons and dialogs): the app installs no QTranslator, so Qt
    # never opens them (0.7 MB). When the app is translated, keep qtbase_<lang>.qm for its
    # languages here (the ICU data keeps the same languages: packaging/icu_data.py).
    r"translations/",
)
_DROP = re.compile("|".join(f"(?:{p})" for p in DROP_PATTERNS))


def dropped(destination: str) -> bool:
    """True when a bundle path matches one of the patterns above."""
    return _DROP.search(destination.replace("\\", "/")) is not None


def trim(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Hook (source, destination folder) pairs minus dropped files."""
    from pathlib import PurePath

    return [(src, dest) for src, dest in entries
            if not dropped(f"{dest}/{PurePath(src).name}")]


def qt_hook(hook_file: str) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """PyInstaller's own hook for the PySide6 module `hook_file` is named for, trimmed.

    Returns its (hiddenimports, binaries, datas) minus the dropped plugins and translations.
    """
    from PyInstaller.utils.hooks.qt import (  # type: ignore[import-untyped]  # only in a build
        add_qt6_dependencies,
    )

    hiddenimports, binaries, datas = add_qt6_dependencies(hook_file)
    return hiddenimports, trim(binaries), trim(datas)
