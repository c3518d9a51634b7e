# PyInstaller's own hook for PySide6.QtNetwork, minus the plugins qt_trim.py lists, and
# without its collect_qtnetwork_files() (the OpenSSL libraries QtNetwork loads for TLS).
# Only the Windows bundle has QtNetwork (the spec excludes it elsewhere), for the
# single-instance channel: a named pipe through QLocalServer, which opens no connection.
from qt_trim import qt_hook

hiddenimports, binaries, datas = qt_hook(__file__)
