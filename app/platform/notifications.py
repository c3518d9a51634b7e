"""Desktop notifications with buttons: "Start Me Space", "Snooze 10 minutes", "Skip today".

Chosen once at start by `choose_notifier`, best first:

* `DBusNotifier`: the freedesktop notification service on the session bus (Linux, BSD).
  Buttons work: the server's ActionInvoked signal comes back as (token, action key).
* `TrayMessageNotifier`: the tray icon's balloon (Windows, macOS, or Linux without a
  notification service). No buttons; clicking the balloon counts as "Start Me Space".
* `NullNotifier`: only logs, so a desktop with neither still runs.

Why jeepney and not QtDBus for the bus: Notify's `replaces_id` is a D-Bus uint32 and
PySide6 cannot marshal one (a Python int goes out as int32 'i', `QDBusArgument << int` as
uint16 'q'); servers with typed bindings (dunst, GNOME Shell, Plasma) reject the call.
jeepney writes the exact signature. Its socket is watched by a QSocketNotifier, so replies
and signals arrive on the GUI event loop with no thread.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtWidgets import QSystemTrayIcon

from app import APP_ID, APP_NAME

log = logging.getLogger(__name__)

START_ME_SPACE: Final = "start-me-space"
SNOOZE: Final = "snooze"
SKIP: Final = "skip"
WRITE_JOURNAL: Final = "journal"
#: The buttons of a protected-break reminder, as (action key, label).
REMINDER_ACTIONS: Final = (
    (START_ME_SPACE, "Start Me Space"),
    (SNOOZE, "Snooze 10 minutes"),
    (SKIP, "Skip today"),
)

SERVICE: Final = "org.freedesktop.Notifications"
OBJECT_PATH: Final = "/org/freedesktop/Notifications"
INTERFACE: Final = SERVICE
BUS_TIMEOUT: Final = 2.0  # seconds; the bus daemon answers in microseconds

ActionHandler = Callable[[str, str], None]  # (token, action key)


@dataclass(frozen=True, slots=True)
class Note:
    """One notification; `token` comes back with the action so the caller knows which."""

    token: str
    summary: str
    body: str
    actions: tuple[tuple[str, str], ...] = REMINDER_ACTIONS


class Notifier(Protocol):
    """Shows notes and reports the button pressed on one."""

    name: str

    def notify(self, note: Note) -> None:
        """Show `note` (never raises: a failure is logged)."""
        ...

    def set_action_handler(self, handler: ActionHandler) -> None:
        """Call `handler(token, action key)` when a button on a note is pressed."""
        ...

    def close(self) -> None:
        """Let go of the connection (at quit)."""
        ...


class NotifierUnavailable(RuntimeError):
    """A way of notifying that cannot work here; the message says why, in one line."""


class NullNotifier:
    """Logs each note: the desktop has no way to show one."""

    name = "log only"

    def __init__(self) -> None:
        self.shown: list[Note] = []

    def notify(self, note: Note) -> None:
        """Log it (what, never journal content: reminders carry none)."""
        self.shown.append(note)
        log.info("reminder (no notification service): %s", note.summary)

    def set_action_handler(self, handler: ActionHandler) -> None:
        """Nothing can be pressed."""

    def close(self) -> None:
        """Nothing to let go of."""


class TrayMessageNotifier(QObject):
    """The tray icon's balloon; a click on it means "Start Me Space"."""

    name = "tray balloon"

    def __init__(self, tray: QSystemTrayIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tray = tray
        self._handler: ActionHandler | None = None
        self._last: Note | None = None
        tray.messageClicked.connect(self._on_clicked)

    def notify(self, note: Note) -> None:
        """Show the balloon for about 15 seconds."""
        self._last = note
        self._tray.showMessage(note.summary, note.body, QSystemTrayIcon.MessageIcon.Information,
                               15_000)

    def set_action_handler(self, handler: ActionHandler) -> None:
        """Clicks on the balloon go to `handler`."""
        self._handler = handler

    def close(self) -> None:
        """Nothing to let go of."""

    def _on_clicked(self) -> None:
        note = self._last
        if note is None or self._handler is None:
            return
        keys = [key for key, _label in note.actions]
        if START_ME_SPACE in keys or WRITE_JOURNAL in keys:
            self._handler(note.token, START_ME_SPACE if START_ME_SPACE in keys else WRITE_JOURNAL)


class DBusNotifier(QObject):
    """org.freedesktop.Notifications on the session bus, buttons included."""

    name = "desktop notifications (D-Bus)"

    def __init__(self, connection: Any, icon: str = "", parent: QObject | None = None) -> None:
        """Take an open jeepney blocking connection; see `open_dbus_notifier`."""
        super().__init__(parent)
        self._conn = connection
        self._icon = icon
        self._handler: ActionHandler | None = None
        self._waiting: dict[int, str] = {}  # call serial -> token
        self._tokens: dict[int, str] = {}  # notification id -> token
        self._serial = 1_000_000  # our own serials, clear of jeepney's counter
        self._errors_logged: set[str] = set()
        from jeepney import MatchRule, message_bus

        rule = MatchRule(type="signal", interface=INTERFACE, path=OBJECT_PATH)
        self._call(message_bus.AddMatch(rule))
        self._watch = QSocketNotifier(connection.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._watch.activated.connect(self._read)

    def notify(self, note: Note) -> None:
        """Send Notify; the id comes back later in the reply."""
        from jeepney import DBusAddress, new_method_call

        flat: list[str] = []
        for key, label in note.actions:
            flat += [key, label]
        hints = {"desktop-entry": ("s", APP_ID), "urgency": ("y", 1),
                 "category": ("s", "x-compassion-companion.reminder")}
        message = new_method_call(
            DBusAddress(OBJECT_PATH, bus_name=SERVICE, interface=INTERFACE),
            "Notify", "susssasa{sv}i",
            (APP_NAME, 0, self._icon, note.summary, note.body, flat, hints, -1),
        )
        serial = self._call(message)
        if serial is not None:
            self._waiting[serial] = note.token

    def set_action_handler(self, handler: ActionHandler) -> None:
        """Button presses go to `handler`."""
        self._handler = handler

    def close(self) -> None:
        """Stop watching and close the socket."""
        self._watch.setEnabled(False)
        with contextlib.suppress(OSError):
            self._conn.close()

    def _call(self, message: Any) -> int | None:
        self._serial += 1
        try:
            self._conn.send(message, serial=self._serial)
        except OSError as exc:
            self._log_once("send", f"notification not sent: the session bus is gone ({exc})")
            return None
        return self._serial

    def _read(self) -> None:
        while True:
            try:
                message = self._conn.receive(timeout=0)
            except TimeoutError:
                return
            except (OSError, EOFError, ValueError) as exc:
                self._watch.setEnabled(False)
                self._log_once("read", f"notifications: lost the session bus ({exc})")
                return
            self._handle(message)

    def _handle(self, message: Any) -> None:
        from jeepney import HeaderFields, MessageType

        header = message.header
        kind = header.message_type
        fields = header.fields
        if kind in (MessageType.method_return, MessageType.error):
            token = self._waiting.pop(fields.get(HeaderFields.reply_serial, -1), None)
            if token is None:
                return
            if kind == MessageType.error:
                name = str(fields.get(HeaderFields.error_name, "error"))
                detail = message.body[0] if message.body else ""
                self._log_once(name, f"the notification service refused a reminder: {detail}")
            elif message.body:
                self._tokens[int(message.body[0])] = token
            return
        if kind != MessageType.signal or fields.get(HeaderFields.interface) != INTERFACE:
            return
        member = fields.get(HeaderFields.member)
        if member == "ActionInvoked" and len(message.body) == 2:
            note_id, action = int(message.body[0]), str(message.body[1])
            token = self._tokens.get(note_id)
            if token is not None and self._handler is not None:
                self._handler(token, action)
        elif member == "NotificationClosed" and message.body:
            self._tokens.pop(int(message.body[0]), None)

    def _log_once(self, key: str, message: str) -> None:
        if key not in self._errors_logged:
            self._errors_logged.add(key)
            log.warning(message)


def _connect(bus: str) -> Any:
    """Open a connection like jeepney's open_dbus_connection, with a time limit on Hello.

    jeepney waits for the bus's answer to Hello without a limit; a bus that never answers
    would freeze the app's start.
    """
    from jeepney import message_bus
    from jeepney.bus import get_bus
    from jeepney.io.blocking import DBusConnection, DBusConnectionBase, Proxy, prep_socket
    from jeepney.io.common import MessageFilters

    class TimedConnection(DBusConnection):  # type: ignore[misc]
        def __init__(self, sock: Any) -> None:
            DBusConnectionBase.__init__(self, sock, False)
            self._filters = MessageFilters()
            self.bus_proxy = Proxy(message_bus, self, timeout=BUS_TIMEOUT)
            try:
                self.unique_name = self.bus_proxy.Hello()[0]
            except BaseException:
                self.close()
                raise

    return TimedConnection(prep_socket(get_bus(bus), False, timeout=BUS_TIMEOUT))


def open_dbus_notifier(bus: str = "SESSION", icon: str = "") -> DBusNotifier:
    """Connect to `bus` (a name or an address) and check a notification service is there.

    Raises NotifierUnavailable with a one-line reason otherwise.
    """
    try:
        from jeepney import DBusAddress, MessageType, new_method_call
    except ImportError as exc:
        raise NotifierUnavailable(f"the jeepney package is missing ({exc.name})") from exc
    try:
        conn = _connect(bus)
    except TimeoutError as exc:
        raise NotifierUnavailable(f"the session D-Bus did not answer ({exc})") from exc
    except (OSError, KeyError, ValueError, RuntimeError) as exc:
        raise NotifierUnavailable(f"no session D-Bus ({exc})") from exc
    try:
        bus_daemon = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                                 interface="org.freedesktop.DBus")
        names: set[str] = set()
        for method in ("ListNames", "ListActivatableNames"):  # running, else started on call
            reply = conn.send_and_get_reply(new_method_call(bus_daemon, method),
                                            timeout=BUS_TIMEOUT)
            if reply.header.message_type == MessageType.method_return:
                names.update(reply.body[0])
            if SERVICE in names:
                break
        if SERVICE not in names:
            raise NotifierUnavailable("no notification service on the session D-Bus")
    except (OSError, TimeoutError, NotifierUnavailable) as exc:
        conn.close()
        if isinstance(exc, NotifierUnavailable):
            raise
        raise NotifierUnavailable(f"the session D-Bus did not answer ({exc})") from exc
    return DBusNotifier(conn, icon)


@dataclass(frozen=True, slots=True)
class NotifierChoice:
    """The notifier in use and, when it is not the best kind, one line saying what is missing."""

    notifier: Notifier
    problem: str = ""


def choose_notifier(
    tray: QSystemTrayIcon | None,
    *,
    platform: str = sys.platform,
    bus: str = "SESSION",
    icon: str = "",
) -> NotifierChoice:
    """D-Bus where the desktop has it, else the tray balloon, else the log."""
    problems: list[str] = []
    if platform not in ("win32", "darwin"):
        try:
            return NotifierChoice(open_dbus_notifier(bus, icon))
        except NotifierUnavailable as exc:
            problems.append(str(exc))
    if tray is not None and QSystemTrayIcon.supportsMessages():
        problem = "; ".join(problems)
        text = f"reminders use the tray balloon without buttons: {problem}" if problem else ""
        return NotifierChoice(TrayMessageNotifier(tray), text)
    problems.append("no tray icon to show a balloon")
    return NotifierChoice(NullNotifier(), "reminders go to the log only: " + "; ".join(problems))
