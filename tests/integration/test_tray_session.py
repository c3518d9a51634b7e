"""The app in a real desktop session: an X server, a tray host, a notification daemon.

Xvfb (on a free display it picks itself), a private D-Bus session bus, trayer (an XEmbed
tray: with no StatusNotifierWatcher on the bus, Qt embeds its icon there) and dunst. The
app runs as `python -m app` with a real reminder rule whose window is under way, so the
"break has started" reminder fires at once. Checked from the outside: the icon sits inside
trayer's panel window, the notification crossed the bus to dunst and dunst showed it, a
second launch hands over to the first, and Quit from the tray menu (right-click, then Q)
ends the app. Started with --tray (as at login) only the icon appears until it is clicked;
closed to the tray, the app restarts lean and the copy keeps the reminder state.

Nothing here sleeps or polls: every wait blocks on something that happens. Xvfb names its
display on a pipe (-displayfd), dbus-monitor and `tail -F` of the app's log are read line
by line in threads that the test waits on, and `xdotool search --sync` blocks until a
window exists.

Set CC_SHOTS_DIR to keep screenshots of the tray, its menu and the notification.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TypeVar

import pytest

from app import APP_NAME, HOME_ENV_VAR
from tests.tray_log import LEAN_COPY_TOOK_OVER, TRAY_ICON_GEOMETRY
from tests.x11_close import close_like_a_window_manager

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "dbus-daemon", "trayer", "dunst", "dunstctl", "dbus-monitor", "xwininfo",
         "xdotool", "tail")
SUMMARY = "Your protected break has started: Tray test"
NOTIFICATIONS = "org.freedesktop.Notifications"
MAIN_WINDOW = f"^{APP_NAME}$"  # the main window's title, for xdotool --name
WAIT_SECONDS = 30.0
T = TypeVar("T")


class LineWatch:
    """Every line a process writes, read in a thread; the test blocks until they say enough."""

    def __init__(self, stream: IO[bytes], name: str) -> None:
        self.name = name
        self._lines: list[str] = []
        self._ended = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream,), name=name,
                                        daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        with stream:  # closed here, at the end of the output
            for raw in stream:
                with self._changed:
                    self._lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                    self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    @property
    def text(self) -> str:
        with self._changed:
            return "\n".join(self._lines)

    def wait_for(self, what: str, check: Callable[[str], T | None],
                 timeout: float = WAIT_SECONDS) -> T:
        """Block until `check(text)` gives something truthy; fail naming `what` otherwise."""
        found: list[T] = []

        def ready() -> bool:
            result = check("\n".join(self._lines))
            if result:
                found.append(result)
            return bool(result) or self._ended

        with self._changed:
            self._changed.wait_for(ready, timeout)
        if not found:
            ending = "it ended" if self._ended else f"{timeout:.0f} s"
            pytest.fail(f"waited for {what} in {self.name}'s output until {ending}; "
                        f"its last lines: {self.text[-1500:]}")
        return found[0]

    def join(self, timeout: float = WAIT_SECONDS) -> None:
        """Wait for the end of the stream (after the process has gone)."""
        self._thread.join(timeout)


class Desktop:
    """The processes of one private session; `env` reaches them all."""

    def __init__(self, tmp: Path) -> None:
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if missing:  # CI installs them (.ci/run); a gap must show, not be skipped
            pytest.fail(f"missing tools for the tray session: {', '.join(missing)}")
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []
        self.watches: list[LineWatch] = []
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("DBUS_", "QT_", "WAYLAND_"))}
        self.env.update({"TZ": "UTC", "QT_QPA_PLATFORM": "xcb", "NO_AT_BRIDGE": "1",
                         "XDG_RUNTIME_DIR": str(tmp / "runtime")})
        (tmp / "runtime").mkdir(mode=0o700)
        xvfb = self._spawn(["Xvfb", "-displayfd", "1", "-screen", "0", "1440x900x24",
                            "-nolisten", "tcp"], stdout=subprocess.PIPE)
        self.env["DISPLAY"] = f":{self._first_line(xvfb)}"
        bus = self._spawn(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                          stdout=subprocess.PIPE)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self._first_line(bus)
        # Everything on the notification interface, the daemon's answers, and dunst taking
        # its name on the bus.
        self.bus = self.watch("dbus-monitor", [
            "dbus-monitor", "--session", f"interface='{NOTIFICATIONS}'",
            f"type='method_return',sender='{NOTIFICATIONS}'",
            "type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',"
            f"arg0='{NOTIFICATIONS}'"])
        # A monitor connection loses its unique name once it is monitoring: ready.
        self.bus.wait_for("dbus-monitor to start monitoring",
                          lambda text: "member=NameLost" in text)
        self._spawn(["trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
                     "--height", "32", "--transparent", "false", "--tint", "0x335566",
                     "--SetDockType", "true"])
        self.panel = self.find_window("trayer's panel window", "--class", "^trayer$")
        self._spawn(["dunst"])
        self.bus.wait_for("dunst to own org.freedesktop.Notifications",
                          lambda text: f'string "{NOTIFICATIONS}"' in text)

    def _spawn(self, command: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        proc: subprocess.Popen[bytes] = subprocess.Popen(  # type: ignore[call-overload]
            command, env=self.env, **kwargs)
        self.procs.append(proc)
        return proc

    @staticmethod
    def _first_line(proc: subprocess.Popen[bytes]) -> str:
        """The one line a server prints when it is ready (display number, bus address)."""
        assert proc.stdout is not None
        line = proc.stdout.readline().decode().strip()
        proc.stdout.close()
        if not line:
            pytest.fail(f"{proc.args!r} ended before it was ready")
        return line

    def watch(self, name: str, command: list[str], **kwargs: object) -> LineWatch:
        """Start `command` and read its output in a thread."""
        proc = self._spawn(command, stdout=subprocess.PIPE, **kwargs)
        assert proc.stdout is not None
        watch = LineWatch(proc.stdout, name)
        self.watches.append(watch)
        return watch

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, env=self.env, capture_output=True, text=True,
                              timeout=WAIT_SECONDS, check=False)

    def find_window(self, what: str, *search: str) -> str:
        """Block until a visible window matches (xdotool search --sync); its id."""
        try:
            found: subprocess.CompletedProcess[str] | None = self.run(
                "xdotool", "search", "--sync", "--onlyvisible", "--limit", "1", *search)
        except subprocess.TimeoutExpired:
            found = None
        if found is None:
            pytest.fail(f"no {what} appeared within {WAIT_SECONDS:.0f} s")
        window = found.stdout.split()
        assert found.returncode == 0 and window, f"{what}: {found.stderr}"
        return window[0]

    def geometry(self, window: str) -> tuple[int, int, int, int]:
        info = self.run("xwininfo", "-id", window).stdout
        x, y, width, height = (
            int(re.search(rf"{label}:\s+(-?\d+)", info).group(1))  # type: ignore[union-attr]
            for label in ("Absolute upper-left X", "Absolute upper-left Y", "Width", "Height"))
        return x, y, width, height

    def click_centre(self, geometry: tuple[int, int, int, int], button: str) -> None:
        """Move the pointer to the middle of `geometry` (x, y, width, height) and click."""
        x, y, width, height = geometry
        self.run("xdotool", "mousemove", str(x + width // 2), str(y + height // 2))
        self.run("xdotool", "click", button)

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
        for watch in self.watches:
            watch.join()


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


def notify_call(text: str) -> str | None:
    """The Notify call carrying our summary, once dunst has answered it."""
    start = text.find(SUMMARY)
    if start < 0:
        return None
    call_start = text.rfind("method call", 0, start)
    answered = text.find("method return", start)
    return text[call_start:answered] if answered >= 0 else None


def tray_icon_geometry(log: LineWatch) -> tuple[int, int, int, int]:
    """The icon's x, y, width and height, once the app has logged them."""
    found = log.wait_for("the tray icon's geometry", TRAY_ICON_GEOMETRY.search)
    x, y, width, height = (int(v) for v in found.groups())
    return x, y, width, height


@dataclass
class RunningApp:
    """The app under test: its process, its log read line by line, how it was started."""

    proc: subprocess.Popen[bytes]
    log: LineWatch
    command: list[str]
    env: dict[str, str]


@contextmanager
def app_running(desktop: Desktop, home: Path, *options: str) -> Iterator[RunningApp]:
    """`python -m app OPTIONS` with its data under `home`; ended, and checked, at the end."""
    log_file = home / "logs" / "compassion-companion.log"
    log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    log_file.touch(mode=0o600)
    log = desktop.watch("the app's log", ["tail", "-n", "+1", "-F", str(log_file)])
    command = [sys.executable, "-m", "app", *options]
    env = {**desktop.env, HOME_ENV_VAR: str(home)}
    proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output = LineWatch(proc.stdout, "the app")
    try:
        yield RunningApp(proc, log, command, env)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=WAIT_SECONDS)
        output.join()
        assert "Traceback" not in output.text, output.text


def test_tray_icon_menu_and_notification(desktop: Desktop, tmp_path: Path) -> None:
    home = tmp_path / "home"
    lunch_under_way(home)
    with app_running(desktop, home, "--data-dir", str(home)) as running:
        app, log, command, env = running.proc, running.log, running.command, running.env
        icon = tray_icon_geometry(log)
        x, y, width, height = icon
        assert width > 0 and height > 0
        assert "no system tray" not in log.text

        # Embedded: the icon lies inside trayer's panel and is one of its descendants.
        px, py, pwidth, pheight = desktop.geometry(desktop.panel)
        assert px <= x + width // 2 < px + pwidth and py <= y + height // 2 < py + pheight
        assert "compassion-companion" in desktop.run("xwininfo", "-tree", "-id",
                                                     desktop.panel).stdout

        # The reminder crossed the bus to the daemon, with our buttons, and dunst answered.
        call = desktop.bus.wait_for("Notify with our summary, answered by dunst", notify_call)
        assert "Snooze 10 minutes" in call and "Skip today" in call
        desktop.find_window("dunst's notification window", "--class", "^Dunst$")
        desktop.shot("tray-notification.png")
        desktop.run("dunstctl", "close-all")  # closed notifications go to the history
        desktop.bus.wait_for("NotificationClosed on the bus",
                             lambda text: "member=NotificationClosed" in text)
        assert SUMMARY in desktop.run("dunstctl", "history").stdout

        # A second launch hands over to the first and exits 0.
        second = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True,
                                timeout=60, check=False)
        assert second.returncode == 0, second.stderr
        log.wait_for("the hand-over", lambda text: "handed 'show'" in text)

        # The tray menu: right-click the icon, then Q for Quit; the app ends cleanly.
        desktop.click_centre(icon, "3")
        log.wait_for("the tray menu to open", lambda text: "tray menu opened" in text)
        desktop.shot("tray-menu.png")
        desktop.run("xdotool", "key", "q")
        assert app.wait(timeout=WAIT_SECONDS) == 0
        assert "reminder state" not in log.text  # saved without complaint
        state = json.loads((home / "state" / "reminders.json").read_text())
        assert any(m["key"].startswith("window_start/Tray test/") and m["fired"]
                   for m in state["marks"])


def test_start_at_login_goes_to_the_tray_and_opens_on_a_click(desktop: Desktop,
                                                              tmp_path: Path) -> None:
    with app_running(desktop, tmp_path / "home", "--tray") as running:
        app, log, env = running.proc, running.log, running.env
        log.wait_for("the start in the tray", lambda text: "started in the tray" in text)
        icon = tray_icon_geometry(log)
        # The icon is up and no window was opened (nor built: the log says when it is).
        windows = desktop.run("xdotool", "search", "--onlyvisible", "--name", MAIN_WINDOW)
        assert windows.stdout.split() == []
        assert "main window built" not in log.text

        # A click on the icon opens the window.
        desktop.click_centre(icon, "1")
        desktop.find_window("the main window", "--name", MAIN_WINDOW)
        log.wait_for("the window being built", lambda text: "main window built" in text)

        # A second start at login leaves the running app as it is.
        again = subprocess.run([sys.executable, "-m", "app", "--tray"], env=env, cwd=REPO,
                               capture_output=True, text=True, timeout=60, check=False)
        assert again.returncode == 0, again.stderr
        log.wait_for("the hand-over", lambda text: "handed 'tray'" in text)
        app.terminate()  # as a logout would: the app quits cleanly, not killed
        assert app.wait(timeout=WAIT_SECONDS) == 0
        log.wait_for("the clean quit", lambda text: "quitting on SIGTERM" in text)


def test_closed_to_the_tray_the_app_restarts_lean_and_keeps_its_place(desktop: Desktop,
                                                                      tmp_path: Path) -> None:
    home = tmp_path / "home"
    lunch_under_way(home)
    with app_running(desktop, home, "--idle-restart-after", "0.5") as running:
        app, log = running.proc, running.log
        copy_pid = 0
        try:
            desktop.bus.wait_for("the break reminder", notify_call)
            window = desktop.find_window("the main window", "--name", MAIN_WINDOW)
            # Moved and resized (no window manager here: xdotool does it), then closed; X
            # delivers the moves to the app before the close message.
            desktop.run("xdotool", "windowsize", "--sync", window, "812", "577")
            desktop.run("xdotool", "windowmove", "--sync", window, "97", "121")
            close_like_a_window_manager(desktop.env["DISPLAY"], int(window))

            # Half a second after closing: a copy with --tray takes over, this one ends cleanly.
            taken_over = log.wait_for("the copy taking over", LEAN_COPY_TOOK_OVER.search)
            copy_pid = int(taken_over.group(1))
            assert app.wait(timeout=WAIT_SECONDS) == 0
            log.wait_for("the copy's tray icon (its first reminder check is done by then)",
                         lambda text: "tray icon geometry"
                         in text.partition("started in the tray")[2])
            windows = desktop.run("xdotool", "search", "--onlyvisible", "--name", MAIN_WINDOW)
            assert windows.stdout.split() == []  # lean: no window until asked for
            # The copy read the saved state: the break it was told about is not told again.
            assert desktop.bus.text.count(f'string "{SUMMARY}"') == 1

            # Opened again (a second launch, as a click on the launcher): the copy's window
            # comes back where the first one was left, at its size.
            again = subprocess.run(running.command, env=running.env, cwd=REPO,
                                   capture_output=True, text=True, timeout=60, check=False)
            assert again.returncode == 0, again.stderr
            reopened = desktop.find_window("the copy's window", "--name", MAIN_WINDOW)
            assert desktop.geometry(reopened) == (97, 121, 812, 577)
        finally:
            if copy_pid:
                os.kill(copy_pid, 15)  # SIGTERM, as at logout
                log.wait_for("the copy to quit", lambda text: "quitting on SIGTERM" in text)
