"""What the app's log says at the tray moments the tray test and benchmark wait for.

One copy of each pattern, for tests/integration/test_tray_session.py and
tests/benchmarks/bench_tray_idle.py (the lines are written by app/ui/idle_restart.py and
app/ui/desktop_integration.py).
"""

from __future__ import annotations

import re

LEAN_COPY_TOOK_OVER = re.compile(r"the lean copy \(pid (\d+)\) has taken over")
TRAY_ICON_GEOMETRY = re.compile(r"tray icon geometry: (-?\d+),(-?\d+) (\d+)x(\d+)")
