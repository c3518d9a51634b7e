"""Idle cost in the tray: the app vs a bare PySide6 tray icon, side by side for 60 s.

Both run at once in one private session (Xvfb, a session bus, trayer as the tray host),
so they see the same machine. After a settling pause, resident memory (VmRSS) and CPU
time (utime + stime from /proc) are read, then again 60 s later.
Targets (issue 5): memory at most 1.3x the bare script; under 0.05 s CPU per idle minute.
The app's window stays open (as after `python -m app`), so its figure is the upper bound.
Run with `make bench`; IDLE_SECONDS shortens the wait for a quick look.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
IDLE_SECONDS = float(os.environ.get("IDLE_SECONDS", "60"))
SETTLE_SECONDS = 8.0
MEMORY_TARGET = 1.3
CPU_TARGET = 0.05  # seconds per idle minute

BARE = """
import sys
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
app = QApplication(sys.argv)
app.setQuitOnLastWindowClosed(False)
pixmap = QPixmap(22, 22)
pixmap.fill()
tray = QSystemTrayIcon(QIcon(pixmap))
tray.show()
app.exec()
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def main() -> int:
    for tool in ("Xvfb", "dbus-daemon", "trayer"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench_tray_idle: {tool} is missing (apt-get install it)")
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "QT_"))}
        env.update({"QT_QPA_PLATFORM": "xcb", "NO_AT_BRIDGE": "1", "SDL_AUDIODRIVER": "dummy"})
        try:
            xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1440x900x24",
                                     "-nolisten", "tcp"], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL)
            procs.append(xvfb)
            assert xvfb.stdout is not None
            env["DISPLAY"] = f":{xvfb.stdout.readline().decode().strip()}"
            xvfb.stdout.close()
            bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
            procs.append(bus)
            assert bus.stdout is not None
            env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
            bus.stdout.close()
            procs.append(subprocess.Popen(
                ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
                 "--height", "32", "--SetDockType", "true"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            bare_script = tmp / "bare_tray.py"
            bare_script.write_text(BARE)
            bare = subprocess.Popen([sys.executable, str(bare_script)], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(bare)
            app = subprocess.Popen([sys.executable, "-m", "app", "--data-dir",
                                    str(tmp / "home")], env=env, cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(app)
            time.sleep(SETTLE_SECONDS)
            for proc in (bare, app):
                if proc.poll() is not None:
                    raise SystemExit(f"bench_tray_idle: {proc.args!r} ended early")
            start = {p.pid: cpu_seconds(p.pid) for p in (bare, app)}
            time.sleep(IDLE_SECONDS)
            minutes = IDLE_SECONDS / 60
            figures = {name: (rss_mib(p.pid), (cpu_seconds(p.pid) - start[p.pid]) / minutes)
                       for name, p in (("bare", bare), ("app", app))}
        finally:
            for proc in reversed(procs):
                proc.terminate()
            for proc in reversed(procs):
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
    bare_rss, bare_cpu = figures["bare"]
    app_rss, app_cpu = figures["app"]
    ratio = app_rss / bare_rss
    print(f"idle for {IDLE_SECONDS:.0f} s after {SETTLE_SECONDS:.0f} s to settle, "
          "under Xvfb + trayer + a session bus")
    print(f"bare PySide6 tray icon: VmRSS {bare_rss:.1f} MiB, CPU {bare_cpu:.3f} s per minute")
    print(f"Compassion Companion:   VmRSS {app_rss:.1f} MiB, CPU {app_cpu:.3f} s per minute")
    print(f"memory ratio app/bare: {ratio:.2f}x (target at most {MEMORY_TARGET}x): "
          f"{'met' if ratio <= MEMORY_TARGET else 'NOT met'}")
    print(f"app CPU per idle minute: {app_cpu:.3f} s (target under {CPU_TARGET} s): "
          f"{'met' if app_cpu < CPU_TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
