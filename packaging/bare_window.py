"""The size and start-up baseline: a bare PySide6 window, bundled with PyInstaller defaults.

`make dist-baseline` builds it; tests/benchmarks/bench_bundle.py compares the app's bundle
against it. `--exit-when-shown` prints "shown" once the window is up, like the app.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def main() -> int:
    """Show an empty window; quit at once when asked to (for timing)."""
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("Bare PySide6 window")
    window.resize(1100, 720)
    window.show()
    if "--exit-when-shown" in sys.argv:
        QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
