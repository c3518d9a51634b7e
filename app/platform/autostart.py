r"""Start at login, one way per OS, all in this module (the Vorta pattern).

* Linux and other XDG desktops: a .desktop file in $XDG_CONFIG_HOME/autostart.
* Windows: a value in the per-user Run key (HKCU\...\CurrentVersion\Run), so no admin
  rights are needed; `winreg` is imported only there.
* macOS: a LaunchAgent plist in ~/Library/LaunchAgents with RunAtLoad.

Each entry carries a mark of its author (a key, a value name, a Label), and `disable`
removes exactly that entry and only when the mark is there: a file the person wrote by
hand at the same place is left alone. Paths come in from the caller (environment and
home folder), so tests write into a temporary home and nothing here reads global state.
"""

from __future__ import annotations

import importlib
import os
import plistlib
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Protocol

from app import APP_ID, APP_NAME
from app.storage.atomic_file import write_atomic

#: The key in our .desktop file that says this app wrote it.
DESKTOP_MARK: Final = "X-CompassionCompanion-Autostart"
#: The value name under the Windows Run key.
RUN_VALUE_NAME: Final = APP_NAME
RUN_KEY_PATH: Final = r"Software\Microsoft\Windows\CurrentVersion\Run"

# Characters that force an Exec argument into double quotes (Desktop Entry spec, "Exec key").
_EXEC_RESERVED: Final = frozenset(" \t\n\"'\\><~|&;$*?#()`")
# Inside the quotes these four need a backslash.
_EXEC_QUOTED_ESCAPES: Final = frozenset('"`$\\')


class AutostartError(Exception):
    """Start at login could not be changed; the message is one line naming the place."""


class Autostart(Protocol):
    """What the app needs: switch start-at-login on or off, and ask whether it is on."""

    @property
    def where(self) -> str:
        """Where the entry lives, for messages ("~/.config/autostart/….desktop")."""
        ...

    def enable(self) -> None:
        """Write the entry (replacing an earlier one of ours)."""
        ...

    def disable(self) -> None:
        """Remove our entry; nothing else. Harmless when there is none."""
        ...

    def is_enabled(self) -> bool:
        """Whether our entry is there and switched on."""
        ...


#: At login the app goes straight to the tray: nobody wants a window at every sign-in.
AT_LOGIN_ARGS: Final = ("--tray",)


def launch_command(*, frozen: bool, executable: str) -> tuple[str, ...]:
    """The command that starts this app: the bundle itself, or the interpreter with -m app."""
    if frozen:
        return (executable,)
    return (executable, "-m", "app")


def current_launch_command() -> tuple[str, ...]:
    """The command for the running app (PyInstaller sets sys.frozen)."""
    return launch_command(frozen=bool(getattr(sys, "frozen", False)), executable=sys.executable)


def login_command() -> tuple[str, ...]:
    """What the login entry runs: this app, into the tray."""
    return (*current_launch_command(), *AT_LOGIN_ARGS)


# ---------------------------------------------------------------------------------------
# Linux / XDG


def _exec_argument(arg: str) -> str:
    if "\n" in arg or "\r" in arg:
        raise AutostartError(f"autostart: expected a command without line breaks, got {arg!r}")
    if arg and not (_EXEC_RESERVED & set(arg)):
        quoted = arg
    else:
        quoted = '"' + "".join("\\" + c if c in _EXEC_QUOTED_ESCAPES else c for c in arg) + '"'
    # Then the rules for any string value: a backslash is written twice; % is doubled
    # because Exec gives it a meaning of its own (%f, %u…).
    return quoted.replace("\\", "\\\\").replace("%", "%%")


def desktop_exec_line(command: Sequence[str]) -> str:
    """The Exec value for `command`, quoted as the Desktop Entry spec says."""
    return " ".join(_exec_argument(arg) for arg in command)


def xdg_config_home(environ: Mapping[str, str], home: Path) -> Path:
    """$XDG_CONFIG_HOME when it is an absolute path (the spec ignores others), else ~/.config."""
    value = environ.get("XDG_CONFIG_HOME", "")
    return Path(value) if value and os.path.isabs(value) else home / ".config"


def _remove(path: Path) -> None:
    """Delete a login entry file (gone already is fine); AutostartError if it stays."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartError(f"{path}: could not remove it: {exc.strerror}") from exc


class XdgAutostart:
    """$XDG_CONFIG_HOME/autostart/<APP_ID>.desktop."""

    def __init__(self, config_home: Path, command: Sequence[str]) -> None:
        self.path = config_home / "autostart" / f"{APP_ID}.desktop"
        self.command = tuple(command)

    @property
    def where(self) -> str:
        """The .desktop file's path."""
        return str(self.path)

    def content(self) -> str:
        """The exact text written."""
        return (
            "[Desktop Entry]\n"
            "Type=Application\n"
            "Version=1.5\n"
            f"Name={APP_NAME}\n"
            "Comment=Protected breaks, compassion practices and a private journal\n"
            f"Exec={desktop_exec_line(self.command)}\n"
            f"Icon={APP_ID}\n"
            "Terminal=false\n"
            "X-GNOME-Autostart-enabled=true\n"
            "Hidden=false\n"
            f"{DESKTOP_MARK}=true\n"
        )

    def _entries(self) -> dict[str, str] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise AutostartError(f"{self.path}: could not read it: {exc}") from exc
        entries: dict[str, str] = {}
        for line in text.splitlines():
            key, sep, value = line.partition("=")
            if sep and not line.startswith("#"):
                entries.setdefault(key.strip(), value.strip())
        return entries

    def enable(self) -> None:
        """Write the file atomically, creating the autostart folder if needed."""
        entries = self._entries()
        if entries is not None and entries.get(DESKTOP_MARK) != "true":
            raise AutostartError(
                f"{self.path}: expected a file written by {APP_NAME}, found another; left alone"
            )
        try:
            write_atomic(self.path, self.content().encode("utf-8"), mode=0o644)
        except OSError as exc:
            raise AutostartError(f"{self.path}: could not write it: {exc.strerror}") from exc

    def disable(self) -> None:
        """Delete the file when it is ours; the folder and other entries stay."""
        entries = self._entries()
        if entries is None:
            return
        if entries.get(DESKTOP_MARK) != "true":
            raise AutostartError(
                f"{self.path}: expected a file written by {APP_NAME}, found another; left alone"
            )
        _remove(self.path)

    def is_enabled(self) -> bool:
        """Ours, not hidden, and not switched off in GNOME's settings."""
        entries = self._entries()
        return (
            entries is not None
            and entries.get(DESKTOP_MARK) == "true"
            and entries.get("Hidden", "false") != "true"
            and entries.get("X-GNOME-Autostart-enabled", "true") != "false"
        )


# ---------------------------------------------------------------------------------------
# Windows


class RunKeyStore(Protocol):
    """The three registry operations on the per-user Run key (a dict in tests)."""

    def read(self, name: str) -> str | None:
        """The value's data, or None when there is no such value."""
        ...

    def write(self, name: str, data: str) -> None:
        """Set a string value."""
        ...

    def delete(self, name: str) -> None:
        """Delete the value."""
        ...


class WinregRunKey:
    r"""HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run through winreg."""

    def __init__(self) -> None:
        # Imported here: the module exists only on Windows.
        self._winreg: Any = importlib.import_module("winreg")

    def read(self, name: str) -> str | None:
        """Read a value; a missing key or value is None."""
        reg = self._winreg
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY_PATH, 0, reg.KEY_READ) as key:
                data, _kind = reg.QueryValueEx(key, name)
        except FileNotFoundError:
            return None
        return str(data)

    def write(self, name: str, data: str) -> None:
        """Create the key if needed and set the value."""
        reg = self._winreg
        with reg.CreateKeyEx(reg.HKEY_CURRENT_USER, RUN_KEY_PATH, 0, reg.KEY_SET_VALUE) as key:
            reg.SetValueEx(key, name, 0, reg.REG_SZ, data)

    def delete(self, name: str) -> None:
        """Delete only this value; the Run key and its other values stay."""
        reg = self._winreg
        with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY_PATH, 0, reg.KEY_SET_VALUE) as key:
            reg.DeleteValue(key, name)


class WindowsRunKey:
    """One string value, named for the app, under the per-user Run key."""

    def __init__(self, store: RunKeyStore, command: Sequence[str]) -> None:
        self.store = store
        self.command = tuple(command)

    @property
    def where(self) -> str:
        """The registry value's full name."""
        return f"HKEY_CURRENT_USER\\{RUN_KEY_PATH}\\{RUN_VALUE_NAME}"

    def command_line(self) -> str:
        """The data written: the command quoted the way Windows parses it."""
        return subprocess.list2cmdline(self.command)

    def enable(self) -> None:
        """Set the value."""
        try:
            self.store.write(RUN_VALUE_NAME, self.command_line())
        except OSError as exc:
            raise AutostartError(f"{self.where}: could not set it: {exc}") from exc

    def disable(self) -> None:
        """Delete our value when it is there."""
        try:
            if self.store.read(RUN_VALUE_NAME) is not None:
                self.store.delete(RUN_VALUE_NAME)
        except OSError as exc:
            raise AutostartError(f"{self.where}: could not delete it: {exc}") from exc

    def is_enabled(self) -> bool:
        """Whether the value is there."""
        try:
            return self.store.read(RUN_VALUE_NAME) is not None
        except OSError as exc:
            raise AutostartError(f"{self.where}: could not read it: {exc}") from exc


# ---------------------------------------------------------------------------------------
# macOS


class MacLaunchAgent:
    """~/Library/LaunchAgents/<APP_ID>.plist, loaded by launchd at the next login."""

    def __init__(self, home: Path, command: Sequence[str]) -> None:
        self.path = home / "Library" / "LaunchAgents" / f"{APP_ID}.plist"
        self.command = tuple(command)

    @property
    def where(self) -> str:
        """The plist's path."""
        return str(self.path)

    def content(self) -> dict[str, Any]:
        """The exact property list written."""
        return {
            "Label": APP_ID,
            "ProgramArguments": list(self.command),
            "RunAtLoad": True,
            "ProcessType": "Interactive",
        }

    def _label(self) -> str | None:
        try:
            data = plistlib.loads(self.path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, plistlib.InvalidFileException, ValueError) as exc:
            raise AutostartError(f"{self.path}: could not read it: {exc}") from exc
        label = data.get("Label") if isinstance(data, dict) else None
        return str(label) if label is not None else ""

    def enable(self) -> None:
        """Write the plist atomically."""
        label = self._label()
        if label is not None and label != APP_ID:
            raise AutostartError(
                f"{self.path}: expected the label {APP_ID}, found {label!r}; left alone"
            )
        try:
            write_atomic(self.path, plistlib.dumps(self.content()), mode=0o644)
        except OSError as exc:
            raise AutostartError(f"{self.path}: could not write it: {exc.strerror}") from exc

    def disable(self) -> None:
        """Delete the plist when its label is ours."""
        label = self._label()
        if label is None:
            return
        if label != APP_ID:
            raise AutostartError(
                f"{self.path}: expected the label {APP_ID}, found {label!r}; left alone"
            )
        _remove(self.path)

    def is_enabled(self) -> bool:
        """Whether our plist is there."""
        return self._label() == APP_ID


def autostart_for(
    platform: str,
    environ: Mapping[str, str],
    home: Path,
    command: Sequence[str] | None = None,
    run_key: RunKeyStore | None = None,
) -> Autostart:
    """The right mechanism for `platform` (a sys.platform value)."""
    argv = tuple(command) if command is not None else login_command()
    if platform == "win32":
        return WindowsRunKey(run_key if run_key is not None else WinregRunKey(), argv)
    if platform == "darwin":
        return MacLaunchAgent(home, argv)
    return XdgAutostart(xdg_config_home(environ, home), argv)


def system_autostart() -> Autostart:
    """The mechanism for this machine, for this user."""
    return autostart_for(sys.platform, os.environ, Path.home())
