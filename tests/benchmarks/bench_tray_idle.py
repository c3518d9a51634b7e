"""Idle cost in the tray: the app vs a bare PySide6 tray icon, side by side for 60 s.

All run at once in one private session (Xvfb, a session bus, trayer as the tray host), so
they see the same machine. After a settling pause, resident memory (VmRSS) and CPU time
(utime + stime from /proc) are read, then again 60 s later.
Targets (issue 5): memory at most 1.3x the bare script; under 0.05 s CPU per idle minute.
The app is measured in each state it can be in:
- window open (as after `python -m app`): not idling in the tray, shown for comparison;
- window closed to the tray, before the lean restart: the window is closed the way a window
  manager's close button does it (a WM_DELETE_WINDOW message; Xvfb has no window manager),
  so the app hides it; the restart is held off (`--idle-restart-after 3600`) to measure
  the memory the window leaves behind, which the app holds only for the few seconds of
  the default delay (app/ui/idle_restart.py);
- closed, restarted lean: the same with the default delay; the copy with --tray that
  took over is measured; the minute straight after the close is also read once a second
  (the app, then its copy), so the short stretch before the restart is seen too;
- started with `--tray` (as at login).
The last two are how the app idles in the tray for the day.
Run with `make bench`; IDLE_SECONDS shortens the idle wait and LEAN_AFTER_SECONDS the
delay before the lean restart, for a quick look.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from app import APP_NAME  # noqa: E402  (the main window's title)
from tests.tray_log import LEAN_COPY_TOOK_OVER  # noqa: E402
from tests.x11_close import close_like_a_window_manager  # noqa: E402

IDLE_SECONDS = float(os.environ.get("IDLE_SECONDS", "60"))
SETTLE_SECONDS = 8.0
LEAN_AFTER = os.environ.get("LEAN_AFTER_SECONDS")  # None: the app's own delay
FIRST_MINUTE_SECONDS = 60.0
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


def visible_main_windows(env: dict[str, str], pid: int) -> list[int]:
    """The app's visible top-level windows named for it and wider than a tray icon."""
    def run(*command: str) -> str:
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=30,
                              check=False).stdout

    windows = []
    for window in run("xdotool", "search", "--onlyvisible", "--name", f"^{APP_NAME}$").split():
        width = re.search(r"Width:\s+(\d+)", run("xwininfo", "-id", window))
        if (run("xdotool", "getwindowpid", window).strip() == str(pid)
                and width and int(width.group(1)) > 200):
            windows.append(int(window))
    return windows


def taken_over_by(log_file: Path) -> int | None:
    """The lean copy's process id once the app that started it has logged the hand-over."""
    text = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    found = LEAN_COPY_TOOK_OVER.search(text)
    return int(found.group(1)) if found else None


def copy_pid(log_file: Path, deadline_seconds: float = 180) -> int:
    """The lean copy's process id, waiting for the hand-over."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        found = taken_over_by(log_file)
        if found:
            return found
        time.sleep(0.5)
    raise SystemExit(f"bench_tray_idle: no lean copy took over ({log_file})")


def first_minute(log_file: Path, app_pid: int, bare_pid: int,
                 closed_at: float) -> tuple[list[float], float | None]:
    """Memory ratios to the bare tray, once a second for the minute after the close.

    Whichever process holds the tray is read: the app until its lean copy has taken over,
    then the copy: the minute in the tray as someone who has just closed the window has
    it. Also: how many seconds after the close the copy was seen to have taken over.
    """
    ratios = []
    holder, took_over = app_pid, None
    for second in range(int(FIRST_MINUTE_SECONDS)):
        time.sleep(max(0.0, closed_at + second + 1 - time.monotonic()))
        copy = taken_over_by(log_file)
        if copy and took_over is None:
            holder, took_over = copy, time.monotonic() - closed_at
        try:
            ratios.append(rss_mib(holder) / rss_mib(bare_pid))
        except FileNotFoundError:  # the app ending as its copy takes over, before the log says
            continue
    return ratios, took_over


def main() -> int:
    for tool in ("Xvfb", "dbus-daemon", "trayer", "xdotool", "xwininfo"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench_tray_idle: {tool} is missing (apt-get install it)")
    procs: list[subprocess.Popen[bytes]] = []
    copies: list[int] = []  # the lean copies the app started itself
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
            runs: dict[str, subprocess.Popen[bytes]] = {}
            runs["bare"] = subprocess.Popen([sys.executable, str(bare_script)], env=env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            states = {"open": [], "closed": ["--idle-restart-after", "3600"],
                      "lean": ["--idle-restart-after", LEAN_AFTER] if LEAN_AFTER else [],
                      "tray": ["--tray"]}
            for state, extra in states.items():
                runs[state] = subprocess.Popen(
                    [sys.executable, "-m", "app", "--data-dir", str(tmp / state), *extra],
                    env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.extend(runs.values())
            time.sleep(SETTLE_SECONDS)
            for proc in runs.values():
                if proc.poll() is not None:
                    raise SystemExit(f"bench_tray_idle: {proc.args!r} ended early")
            for state in ("closed", "lean"):
                windows = visible_main_windows(env, runs[state].pid)
                if not windows:
                    raise SystemExit("bench_tray_idle: the app's window was not found to close")
                for window in windows:
                    close_like_a_window_manager(env["DISPLAY"], window)
            closed_at = time.monotonic()
            lean_log = tmp / "lean" / "logs" / "compassion-companion.log"
            after_close, took_over = first_minute(lean_log, runs["lean"].pid,
                                                  runs["bare"].pid, closed_at)
            if visible_main_windows(env, runs["closed"].pid):
                raise SystemExit("bench_tray_idle: the window did not go to the tray on close")
            if runs["closed"].poll() is not None:
                raise SystemExit("bench_tray_idle: closing the window ended the app")
            pids = {name: proc.pid for name, proc in runs.items()}
            pids["lean"] = copy_pid(lean_log)
            copies.append(pids["lean"])
            time.sleep(SETTLE_SECONDS)  # the copy, just up, settles as the others did
            start = {name: cpu_seconds(pid) for name, pid in pids.items()}
            time.sleep(IDLE_SECONDS)
            minutes = IDLE_SECONDS / 60
            figures = {name: (rss_mib(pid), (cpu_seconds(pid) - start[name]) / minutes)
                       for name, pid in pids.items()}
        finally:
            for pid in copies:
                os.kill(pid, signal.SIGTERM)
            for proc in reversed(procs):
                proc.terminate()
            for proc in reversed(procs):
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
    labels = {"bare": "bare PySide6 tray icon", "open": "app, window open (not in tray)",
              "closed": "app, closed, restart held off", "tray": "app, started with --tray",
              "lean": "app, closed, restarted lean"}
    print(f"idle for {IDLE_SECONDS:.0f} s after {SETTLE_SECONDS:.0f} s to settle, "
          "under Xvfb + trayer + a session bus")
    delay = f"--idle-restart-after {LEAN_AFTER}" if LEAN_AFTER else "the default delay"
    print(f"the lean copy had taken over {took_over:.0f} s after the window was closed ({delay})"
          if took_over else f"the lean copy had not taken over a minute after the close ({delay})")
    over = sum(1 for ratio in after_close if ratio > MEMORY_TARGET)
    print(f"the first minute after closing, read once a second ({len(after_close)} readings): "
          f"mean {sum(after_close) / len(after_close):.2f}x, highest {max(after_close):.2f}x, "
          f"above {MEMORY_TARGET}x for {over} s")
    bare_rss = figures["bare"][0]
    for name, (rss, cpu) in figures.items():
        ratio = rss / bare_rss
        verdict = "" if name == "bare" else (
            f"  ratio {ratio:.2f}x ({'met' if ratio <= MEMORY_TARGET else 'NOT met'}), "
            f"CPU {'met' if cpu < CPU_TARGET else 'NOT met'}")
        print(f"{labels[name] + ':':<33} VmRSS {rss:6.1f} MiB, CPU {cpu:.3f} s per minute"
              f"{verdict}")
    print(f"targets: memory at most {MEMORY_TARGET}x the bare script, "
          f"CPU under {CPU_TARGET} s per idle minute")
    worst = max(figures["lean"][0], figures["tray"][0]) / bare_rss
    print(f"idling in the tray (restarted lean, or started with --tray): at most {worst:.2f}x "
          f"({'met' if worst <= MEMORY_TARGET else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
