"""The app in a real desktop session: an X server, a tray host, a notification daemon.

Xvfb (on a free display it picks itself), a private D-Bus session bus, trayer (an XEmbed
tray: with no StatusNotifierWatcher on the bus, Qt embeds its icon there) and dunst. The
app runs as `python -m app` with a real reminder rule whose window is under way, so the
"break has started" reminder fires at once. Checked from the outside: the icon is a child
of trayer's panel window, the notification crossed the bus to dunst, a second launch
hands over to the first, and Quit from the tray menu (right-click, then Q) ends the app.

Set CC_SHOTS_DIR to keep screenshots of the tray, its menu and the notification.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import HOME_ENV_VAR

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "dbus-daemon", "trayer", "dunst", "dunstctl", "dbus-monitor", "xwininfo",
         "xdotool")
SUMMARY = "Your protected break has started: Tray test"


def wait_for(what: str, check: Callable[[], object], timeout: float = 30.0) -> object:
    """Poll `check` until it returns something truthy; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


class Desktop:
    """The processes of one private session; `env` reaches them all."""

    def __init__(self, tmp: Path) -> None:
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if missing:  # CI installs them (.ci/run); a gap must show, not be skipped
            pytest.fail(f"missing tools for the tray session: {', '.join(missing)}")
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("DBUS_", "QT_", "WAYLAND_"))}
        self.env.update({"TZ": "UTC", "QT_QPA_PLATFORM": "xcb", "NO_AT_BRIDGE": "1",
                         "XDG_RUNTIME_DIR": str(tmp / "runtime")})
        (tmp / "runtime").mkdir(mode=0o700)
        xvfb = self._spawn(["Xvfb", "-displayfd", "1", "-screen", "0", "1440x900x24",
                            "-nolisten", "tcp"], stdout=subprocess.PIPE)
        assert xvfb.stdout is not None
        self.display = f":{xvfb.stdout.readline().decode().strip()}"
        xvfb.stdout.close()
        self.env["DISPLAY"] = self.display
        bus = self._spawn(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                          stdout=subprocess.PIPE)
        assert bus.stdout is not None
        self.env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
        bus.stdout.close()
        self.monitor_log = tmp / "dbus-monitor.log"
        with self.monitor_log.open("wb") as monitor_out:
            self._spawn(["dbus-monitor", "--session",
                         "interface='org.freedesktop.Notifications'"], stdout=monitor_out)
        self._spawn(["trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
                     "--height", "32", "--transparent", "false", "--tint", "0x335566",
                     "--SetDockType", "true"])
        self._spawn(["dunst"])
        wait_for("trayer's panel window", self.panel_id)
        wait_for("dunst on the bus", lambda: self.run("dunstctl", "is-paused").returncode == 0)

    def _spawn(self, command: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        proc: subprocess.Popen[bytes] = subprocess.Popen(  # type: ignore[call-overload]
            command, env=self.env, **kwargs)
        self.procs.append(proc)
        return proc

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, env=self.env, capture_output=True, text=True,
                              timeout=30, check=False)

    def panel_id(self) -> str | None:
        tree = self.run("xwininfo", "-root", "-tree").stdout
        match = re.search(r"(0x[0-9a-f]+) \"panel\": \(\"panel\" \"trayer\"\)", tree)
        return match.group(1) if match else None

    def shot(self, name: str) -> None:
        folder = os.environ.get("CC_SHOTS_DIR")
        if folder and shutil.which("import"):
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.run("import", "-window", "root", str(Path(folder) / name))

    def close(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Desktop]:
    made = Desktop(tmp_path)
    try:
        yield made
    finally:
        made.close()


def lunch_under_way(home: Path) -> None:
    """A real rule: a protected window (every day, UTC) that began a minute ago."""
    now = datetime.now(UTC)
    start = now - timedelta(minutes=1)
    if start.date() != now.date():
        start = now.replace(hour=0, minute=0, second=0)
    end = min(now + timedelta(minutes=30), now.replace(hour=23, minute=59, second=59))
    settings = {"version": 3, "reminders": {
        "timezone": "UTC",
        "windows": [{"name": "Tray test", "weekdays": list(range(7)),
                     "start": start.strftime("%H:%M:%S"), "end": end.strftime("%H:%M:%S"),
                     "heads_up_minutes": 0}],
        "bank_holidays": {"skip": False},
    }}
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text(json.dumps(settings))


def test_tray_icon_menu_and_notification(desktop: Desktop, tmp_path: Path) -> None:
    home = tmp_path / "home"
    lunch_under_way(home)
    log_file = home / "logs" / "compassion-companion.log"
    command = [sys.executable, "-m", "app", "--data-dir", str(home)]
    env = {**desktop.env, HOME_ENV_VAR: str(home)}
    app = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
    try:
        log = lambda: log_file.read_text(encoding="utf-8") if log_file.exists() else ""  # noqa: E731
        geometry = wait_for("the tray icon's geometry in the log",
                            lambda: re.search(r"tray icon geometry: (-?\d+),(-?\d+) (\d+)x(\d+)",
                                              log()))
        assert isinstance(geometry, re.Match)
        x, y, width, height = (int(v) for v in geometry.groups())
        assert width > 0 and height > 0
        assert "no system tray" not in log()

        # Embedded: trayer's panel window has our icon window as a descendant.
        panel = desktop.panel_id()
        assert panel is not None
        wait_for("the icon inside trayer's panel",
                 lambda: "compassion-companion" in desktop.run("xwininfo", "-tree",
                                                               "-id", panel).stdout)

        # The reminder crossed the bus to the daemon, with our buttons.
        wait_for("Notify on the bus", lambda: SUMMARY in desktop.monitor_log.read_text("utf-8",
                                                                                  "replace"))
        monitored = desktop.monitor_log.read_text("utf-8", "replace")
        assert "Snooze 10 minutes" in monitored and "Skip today" in monitored
        wait_for("dunst to show it", lambda: desktop.run("dunstctl", "count", "displayed")
                 .stdout.strip() not in ("", "0"))
        desktop.shot("tray-notification.png")
        desktop.run("dunstctl", "close-all")  # closed notifications go to the history
        wait_for("the notification in dunst's history",
                 lambda: SUMMARY in desktop.run("dunstctl", "history").stdout)

        # A second launch hands over to the first and exits 0.
        second = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True,
                                timeout=60, check=False)
        assert second.returncode == 0, second.stderr
        wait_for("the hand-over in the log", lambda: "handed 'show'" in log())

        # The tray menu: right-click the icon, then Q for Quit; the app ends cleanly.
        desktop.run("xdotool", "mousemove", str(x + width // 2), str(y + height // 2))
        desktop.run("xdotool", "click", "3")
        wait_for("the tray menu to open", lambda: "tray menu opened" in log(), timeout=15)
        desktop.shot("tray-menu.png")
        desktop.run("xdotool", "key", "q")
        assert app.wait(timeout=30) == 0
        assert "reminder state" not in log()  # saved without complaint
        state = json.loads((home / "state" / "reminders.json").read_text())
        assert any(m["key"].startswith("window_start/Tray test/") and m["fired"]
                   for m in state["marks"])
    finally:
        if app.poll() is None:
            app.kill()
        output = app.communicate(timeout=30)[0].decode("utf-8", "replace")
        assert "Traceback" not in output, output

