"""Start at login: exact files written and removed in a temporary home, per OS."""

from __future__ import annotations

import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from app import APP_ID, APP_NAME, __version__
from app.platform.autostart import (
    AutostartError,
    MacLaunchAgent,
    WindowsRunKey,
    XdgAutostart,
    autostart_for,
    desktop_exec_line,
    launch_command,
)


def parse_exec(value: str) -> list[str]:
    """Read an Exec value back as the Desktop Entry spec says a launcher does."""
    # 1. String-value escapes and %%.
    plain, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            plain.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(
                value[i + 1], "\\" + value[i + 1]))
            i += 2
            continue
        if c == "%" and value[i + 1:i + 2] == "%":
            plain.append("%")
            i += 2
            continue
        plain.append(c)
        i += 1
    text = "".join(plain)
    # 2. Exec quoting: double quotes, with \" \` \$ \\ inside them.
    args: list[str] = []
    current: list[str] = []
    started = quoted = False
    i = 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\":
                current.append(text[i + 1])
                i += 1
            elif c == '"':
                quoted = False
            else:
                current.append(c)
        elif c == '"':
            quoted = started = True
        elif c == " ":
            if started:
                args.append("".join(current))
            current, started = [], False
        else:
            current.append(c)
            started = True
        i += 1
    assert not quoted, "unbalanced quotes"
    if started:
        args.append("".join(current))
    return args


def desktop_values(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines()[1:])


# ----- the command -----

def test_launch_command_frozen_and_from_source():
    assert launch_command(frozen=True, executable="/opt/cc/companion") == ("/opt/cc/companion",)
    assert launch_command(frozen=False, executable="/usr/bin/python3") == (
        "/usr/bin/python3", "-m", "app")


@pytest.mark.parametrize("argv", [
    ["/usr/bin/python3", "-m", "app"],
    ["/home/sam/My Apps/py thon", "-m", "app"],
    ['/tmp/we"ird $HOME `x` back\\slash 100%', "-m", "app"],
])
def test_exec_line_quoting_round_trips(argv):
    assert parse_exec(desktop_exec_line(argv)) == argv


def test_exec_line_quotes_only_when_needed():
    assert desktop_exec_line(["/usr/bin/python3", "-m", "app"]) == "/usr/bin/python3 -m app"
    assert desktop_exec_line(["/a b/c"]) == '"/a b/c"'
    assert desktop_exec_line(["/a$b"]) == '"/a\\\\$b"'
    assert desktop_exec_line(["50%"]) == "50%%"


def test_exec_line_refuses_a_line_break():
    with pytest.raises(AutostartError, match="without line breaks"):
        desktop_exec_line(["/a\nb"])


# ----- Linux / XDG -----

def test_xdg_enable_writes_exact_file_and_disable_removes_only_it(tmp_path):
    home = tmp_path / "home"
    other = home / ".config" / "autostart" / "someone-else.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\nName=Other\n")
    entry = autostart_for("linux", {}, home, command=["/usr/bin/python3", "-m", "app"])
    assert isinstance(entry, XdgAutostart)
    path = home / ".config" / "autostart" / f"{APP_ID}.desktop"
    assert entry.where == str(path)
    assert not entry.is_enabled()

    entry.enable()
    assert path.read_text() == (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.5\n"
        f"Name={APP_NAME}\n"
        "Comment=Protected breaks, compassion practices and a private journal\n"
        "Exec=/usr/bin/python3 -m app\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
        "Hidden=false\n"
        "X-CompassionCompanion-Autostart=true\n"
    )
    assert entry.is_enabled()
    entry.enable()  # again: replaces our own file
    assert entry.is_enabled()

    entry.disable()
    assert not path.exists()
    assert other.read_text() == "[Desktop Entry]\nName=Other\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["someone-else.desktop"]
    entry.disable()  # nothing there: harmless
    assert not entry.is_enabled()


def test_xdg_config_home_is_used_when_absolute(tmp_path):
    config = tmp_path / "cfg"
    entry = autostart_for("linux", {"XDG_CONFIG_HOME": str(config)}, tmp_path / "home",
                          command=["x"])
    entry.enable()
    assert (config / "autostart" / f"{APP_ID}.desktop").is_file()
    relative = autostart_for("linux", {"XDG_CONFIG_HOME": "rel/cfg"}, tmp_path / "home",
                             command=["x"])
    assert relative.where == str(tmp_path / "home" / ".config" / "autostart" /
                                 f"{APP_ID}.desktop")


def test_xdg_leaves_a_hand_written_file_alone(tmp_path):
    entry = autostart_for("linux", {}, tmp_path, command=["x"])
    path = Path(entry.where)
    path.parent.mkdir(parents=True)
    path.write_text("[Desktop Entry]\nExec=my-own-thing\n")
    assert not entry.is_enabled()
    with pytest.raises(AutostartError, match="found another; left alone"):
        entry.disable()
    with pytest.raises(AutostartError, match="found another; left alone"):
        entry.enable()
    assert path.read_text() == "[Desktop Entry]\nExec=my-own-thing\n"


def test_xdg_switched_off_in_gnome_is_not_enabled(tmp_path):
    entry = autostart_for("linux", {}, tmp_path, command=["x"])
    entry.enable()
    path = Path(entry.where)
    path.write_text(path.read_text().replace("X-GNOME-Autostart-enabled=true",
                                             "X-GNOME-Autostart-enabled=false"))
    assert not entry.is_enabled()


def test_xdg_unwritable_folder_is_one_line_error(tmp_path):
    blocker = tmp_path / ".config"
    blocker.write_text("a file where a folder should be")
    entry = autostart_for("linux", {}, tmp_path, command=["x"])
    with pytest.raises(AutostartError) as info:
        entry.enable()
    assert "\n" not in str(info.value) and f"{APP_ID}.desktop" in str(info.value)


def test_xdg_exec_line_starts_this_app(tmp_path):
    """The Exec line written for this interpreter really runs the app (with --version).

    At login it starts in the tray: no window at every sign-in.
    """
    entry = autostart_for("linux", {}, tmp_path)  # the real command for this process
    entry.enable()
    argv = parse_exec(desktop_values(Path(entry.where))["Exec"])
    assert argv == [sys.executable, "-m", "app", "--tray"]
    out = subprocess.run([*argv, "--version"], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"{APP_NAME} {__version__}"


# ----- Windows (the registry behind a dict) -----

class DictRunKey:
    def __init__(self, values: dict[str, str] | None = None) -> None:
        self.values = dict(values or {})

    def read(self, name):
        return self.values.get(name)

    def write(self, name, data):
        self.values[name] = data

    def delete(self, name):
        del self.values[name]


def test_windows_run_value_written_and_removed_alone():
    key = DictRunKey({"OneDrive": r'"C:\Program Files\OneDrive\OneDrive.exe" /background'})
    entry = autostart_for("win32", {}, Path("C:/Users/sam"),
                          command=[r"C:\Program Files\Compassion Companion\companion.exe"],
                          run_key=key)
    assert isinstance(entry, WindowsRunKey)
    assert entry.where.endswith(r"Software\Microsoft\Windows\CurrentVersion\Run\Compassion "
                                "Companion")
    assert not entry.is_enabled()
    entry.enable()
    assert key.values == {
        "OneDrive": r'"C:\Program Files\OneDrive\OneDrive.exe" /background',
        APP_NAME: r'"C:\Program Files\Compassion Companion\companion.exe"',
    }
    assert entry.is_enabled()
    entry.disable()
    assert key.values == {"OneDrive": r'"C:\Program Files\OneDrive\OneDrive.exe" /background'}
    entry.disable()
    assert not entry.is_enabled()


def test_windows_from_source_command_line():
    key = DictRunKey()
    entry = autostart_for("win32", {}, Path("C:/Users/sam"),
                          command=[r"C:\Python311\pythonw.exe", "-m", "app"], run_key=key)
    entry.enable()
    assert key.values[APP_NAME] == r"C:\Python311\pythonw.exe -m app"


def test_windows_registry_failure_is_autostart_error():
    class Refusing(DictRunKey):
        def write(self, name, data):
            raise PermissionError(5, "Access is denied")

    entry = WindowsRunKey(Refusing(), ["x"])
    with pytest.raises(AutostartError, match="could not set it"):
        entry.enable()


# ----- macOS -----

def test_mac_launch_agent_written_and_removed_alone(tmp_path):
    agents = tmp_path / "Library" / "LaunchAgents"
    agents.mkdir(parents=True)
    other = agents / "com.example.other.plist"
    other.write_bytes(plistlib.dumps({"Label": "com.example.other"}))
    app_path = "/Applications/Compassion Companion.app/Contents/MacOS/Compassion Companion"
    entry = autostart_for("darwin", {}, tmp_path, command=[app_path])
    assert isinstance(entry, MacLaunchAgent)
    assert not entry.is_enabled()
    entry.enable()
    path = agents / f"{APP_ID}.plist"
    assert plistlib.loads(path.read_bytes()) == {
        "Label": APP_ID,
        "ProgramArguments": [app_path],
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    assert entry.is_enabled()
    entry.disable()
    assert sorted(p.name for p in agents.iterdir()) == ["com.example.other.plist"]
    entry.disable()
    assert not entry.is_enabled()


def test_mac_leaves_a_foreign_plist_alone(tmp_path):
    entry = MacLaunchAgent(tmp_path, ["x"])
    entry.path.parent.mkdir(parents=True)
    entry.path.write_bytes(plistlib.dumps({"Label": "someone.else"}))
    with pytest.raises(AutostartError, match="left alone"):
        entry.disable()
    assert entry.path.exists()
