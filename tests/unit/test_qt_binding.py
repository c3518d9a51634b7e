"""The Qt binding must not leak or drop references on calls the app makes all day long.

PySide6 6.12.0 on Python 3.11 dropped a reference to None on every call of a method that
returns nothing; the interpreter aborted after some thousands of calls (a running practice
died within minutes). Run in a child process: the failure is an abort, not an exception.
"""

from __future__ import annotations

import os
import subprocess
import sys

CALLS = 20_000

PROBE = f"""
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
before = sys.getrefcount(None)
for _ in range({CALLS}):
    label.setText("x")
    label.setToolTip("y")
print(sys.getrefcount(None) - before)
"""


def test_ten_thousands_of_void_calls_keep_none_alive():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=120, check=False,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-500:]
    assert abs(int(done.stdout.strip())) < 100  # a leak or a drop would be 40,000
