# PyInstaller's own hook for PySide6.QtCore, minus the plugins and translations that
# qt_trim.py lists (so what those plugins link is never collected either).
from PyInstaller.utils.hooks.qt import add_qt6_dependencies
from qt_trim import trim

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = trim(binaries)
datas = trim(datas)
