# PyInstaller's own hook for PySide6.QtNetwork, minus the plugins qt_trim.py lists, and
# without its collect_qtnetwork_files() (the OpenSSL libraries QtNetwork loads for TLS):
# the app uses QtNetwork only for QLocalServer, a local socket, and opens no connection.
from PyInstaller.utils.hooks.qt import add_qt6_dependencies
from qt_trim import trim

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = trim(binaries)
datas = trim(datas)
