# PyInstaller's own hook for PySide6.QtWidgets, minus the plugins and translations that
# qt_trim.py lists (so what those plugins link is never collected either).
from qt_trim import qt_hook

hiddenimports, binaries, datas = qt_hook(__file__)
