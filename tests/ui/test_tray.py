"""The tray menu and tooltip, the no-tray path, the notifier fallbacks, one instance."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from app.platform.notifications import (
    NullNotifier,
    TrayMessageNotifier,
    choose_notifier,
)
from app.platform.single_instance import SingleInstance, hand_over
from app.ui.application import Companion
from app.ui.desktop_integration import NO_TRAY_NOTICE, DesktopIntegration
from app.ui.tray import CompanionTray

REPO = Path(__file__).resolve().parents[2]

MENU = ["Start 5-minute &Me Space", "Start a &practice", "Write in my &journal",
        "P&ause reminders", "&Open", "&Settings…", "&Quit"]


@pytest.fixture
def tray(qapp, companion):
    made = CompanionTray(QIcon(), companion.library.practices, available=False)
    yield made
    made.menu.deleteLater()


def test_menu_has_every_action_named(tray):
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts == MENU
    pause = [a.text() for a in tray.pause_menu.actions()]
    assert pause == ["For 1 &hour", "Until &tomorrow", "&Resume reminders"]
    practices = [a.objectName() for a in tray.practices_menu.actions()]
    assert "tray-practice-me-space" in practices and len(practices) == 11
    assert not tray.actions["resume"].isEnabled()
    tray.set_paused(True)
    assert tray.actions["resume"].isEnabled()


@pytest.mark.parametrize(("key", "signal"), [
    ("me-space", "me_space_requested"), ("journal", "journal_requested"),
    ("pause-hour", "pause_hour_requested"), ("pause-tomorrow", "pause_tomorrow_requested"),
    ("open", "open_requested"), ("settings", "settings_requested"), ("quit", "quit_requested"),
])
def test_each_action_emits_its_signal(qtbot, tray, key, signal):
    with qtbot.waitSignal(getattr(tray, signal), timeout=1000):
        tray.actions[key].trigger()


def test_practice_submenu_names_the_practice(qtbot, tray):
    action = next(a for a in tray.practices_menu.actions()
                  if a.objectName() == "tray-practice-compassion-circle")
    with qtbot.waitSignal(tray.practice_requested, timeout=1000) as got:
        action.trigger()
    assert got.args == ["compassion-circle"]


def test_tooltip_shows_the_next_break(tray):
    tray.set_tooltip("Next protected break: today 12:00–13:00")
    assert tray.tooltip == "Compassion Companion\nNext protected break: today 12:00–13:00"


def test_no_tray_is_said_once_and_close_minimises(qtbot, companion, caplog):
    desktop = companion.ensure_desktop()
    assert not desktop.tray.available  # offscreen has no tray
    caplog.set_level(logging.WARNING)
    companion.start_desktop()
    companion.start_desktop()
    text = companion.window.notice.label.text()
    assert text.count(NO_TRAY_NOTICE) == 1
    assert qapp_quits_on_last_window(companion)  # no tray: closing must not strand the app


def qapp_quits_on_last_window(companion) -> bool:
    return bool(companion.app.quitOnLastWindowClosed())


def test_a_fired_reminder_reaches_the_notifier_without_a_tray(companion):
    desktop = companion.ensure_desktop()
    assert isinstance(desktop.notifier, NullNotifier)  # no session bus in the test run, no tray
    desktop.reminders.on_action("unknown", "skip")  # a stale button is harmless


def test_fallback_chain(qapp, tmp_path):
    missing_bus = f"unix:path={tmp_path / 'no-bus'}"
    choice = choose_notifier(None, bus=missing_bus)
    assert isinstance(choice.notifier, NullNotifier)
    assert choice.problem.startswith("reminders go to the log only: no session D-Bus")
    tray = QSystemTrayIcon()
    choice = choose_notifier(tray, platform="win32")
    if QSystemTrayIcon.supportsMessages():
        assert isinstance(choice.notifier, TrayMessageNotifier) and choice.problem == ""
    else:
        assert isinstance(choice.notifier, NullNotifier)


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir={tmp}</listen>{rules}</busconfig>
"""


SESSION_POLICY = ('<auth>EXTERNAL</auth><policy context="default">'
                  '<allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/>'
                  '<allow own="*"/></policy>')
# Without the eavesdrop rules this daemon never delivers the answer to Hello.
MUTE_POLICY = '<policy context="default"><allow send_destination="*"/><allow own="*"/></policy>'


@pytest.mark.parametrize(("rules", "problem"), [
    # No service folders: nothing can be activated, nobody owns the name.
    (SESSION_POLICY, "no notification service on the session D-Bus"),
    # A bus that never answers: the start must not hang on it.
    (MUTE_POLICY, "the session D-Bus did not answer"),
])
def test_a_bus_without_notifications_falls_back(qapp, tmp_path, rules, problem):
    config = tmp_path / "bus.conf"
    config.write_text(BUS_CONFIG.format(tmp=tmp_path, rules=rules))
    daemon = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork",
                               "--print-address=1"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().decode().strip()
        daemon.stdout.close()
        choice = choose_notifier(None, bus=address)
        assert isinstance(choice.notifier, NullNotifier)
        assert problem in choice.problem
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


HAND_OVER = """
import sys
from PySide6.QtCore import QCoreApplication
from app.platform.single_instance import hand_over
app = QCoreApplication([])
sys.exit(0 if hand_over(sys.argv[1], sys.argv[2]) else 3)
"""


def test_second_launch_hands_over(qtbot, qapp, tmp_path):
    name = f"cc-test-{os.getpid()}-{tmp_path.name}"[:60]
    stale = Path(QDir.tempPath()) / name
    with socket.socket(socket.AF_UNIX) as left_over:  # what a crash leaves: a dead socket
        left_over.bind(str(stale))
    assert not hand_over(name, "show", timeout_ms=200)
    first = SingleInstance(name)
    assert first.listen()
    try:
        with qtbot.waitSignal(first.command_received, timeout=10_000) as got:
            proc = subprocess.Popen([sys.executable, "-c", HAND_OVER, name, "start me-space"],
                                    cwd=REPO, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=10_000)
        assert proc.returncode == 0
        assert got.args == ["start me-space"]
        assert not SingleInstance(name).listen()  # the name is taken while the first runs
    finally:
        first.close()


def desktop_of(companion: Companion) -> DesktopIntegration | None:
    """Read afresh each time (the desktop parts appear during the test)."""
    return companion.desktop


def test_desktop_parts_start_once_after_the_window_has_painted(qtbot, companion):
    companion.show(None)
    assert desktop_of(companion) is None, "the window comes first; the tray is not even made"
    qtbot.waitUntil(lambda: (d := desktop_of(companion)) is not None and d._started,
                    timeout=3000)
    desktop = desktop_of(companion)
    companion.show(None)  # a second show (from the tray) makes and starts nothing twice
    qtbot.waitUntil(lambda: companion._start_desktop._then is None, timeout=3000)
    assert desktop is not None and desktop_of(companion) is desktop and desktop._started
    from app.ui.accessible_style import AccessibleStyle

    assert isinstance(companion.app.style(), AccessibleStyle)  # installed after the paint


def test_the_menus_and_icon_come_after_the_first_paint_before_the_tray_wires_quit(
        qtbot, qapp, app_paths, resources_copy):
    made = Companion(qapp, app_paths, resources_copy)
    made.show(None)
    window = made.window
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&View", "&Help"]  # in the first paint, before any item
    assert window.file_menu.isEmpty() and window.view_menu.isEmpty()
    qtbot.waitUntil(lambda: (d := desktop_of(made)) is not None and d._started, timeout=3000)
    assert not window.file_menu.isEmpty() and window.menus_filled
    assert [k.toString() for k in window.history_action.shortcuts()] == ["Ctrl+H"]
    from app.ui.application import ICON_SIZES

    icon = window.windowIcon()  # the app's, set after the paint, for every window
    assert sorted(size.width() for size in icon.availableSizes()) == sorted(ICON_SIZES)
    window.quit_action.trigger()  # rewired by the desktop: quits instead of hiding
    desktop = desktop_of(made)
    assert desktop is not None and desktop.quitting
    made.window.close_player()


def test_a_second_launch_before_the_tray_exists_is_still_answered(qtbot, companion):
    assert desktop_of(companion) is None
    companion.on_command("start me-space")
    assert desktop_of(companion) is not None
    player = companion.window.player
    assert player is not None and player.practice.id == "me-space"
    assert companion.window.pages.currentWidget() is player


def test_nobody_listens_only_when_the_socket_file_is_missing(tmp_path, qapp):
    from app.platform.single_instance import nobody_listens

    name = f"cc-test-{os.getpid()}-{tmp_path.name}"[:60]
    assert nobody_listens(name)
    first = SingleInstance(name)
    assert first.listen()
    try:
        assert not nobody_listens(name)
        assert not nobody_listens("anything", platform="win32")  # pipes cannot be looked for
    finally:
        first.close()


class _QuitRecorder:
    def __init__(self) -> None:
        self.quit_called = False

    def quit(self) -> None:
        self.quit_called = True


LISTENER = """
import sys
from PySide6.QtCore import QCoreApplication, QTimer
from app.platform.single_instance import SingleInstance
app = QCoreApplication([])
first = SingleInstance(sys.argv[1])
assert first.listen()
first.command_received.connect(lambda line: (print(line, flush=True), app.quit()))
print("listening", flush=True)
QTimer.singleShot(20_000, app.quit)
app.exec()
"""


def test_two_launches_at_once_the_later_window_hands_over(companion, tmp_path, monkeypatch):
    name = f"cc-test-{os.getpid()}-{tmp_path.name}"[:60]
    first = subprocess.Popen([sys.executable, "-c", LISTENER, name], cwd=REPO, text=True,
                             stdout=subprocess.PIPE,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    try:
        assert first.stdout is not None
        assert first.stdout.readline().strip() == "listening"  # blocks until it listens
        companion.instance = SingleInstance(name)
        companion.launch_command = "start me-space"  # what this launch was asked to do
        recorder = _QuitRecorder()
        monkeypatch.setattr(companion, "app", recorder)
        companion.start_desktop()
        assert first.stdout.readline().strip() == "start me-space"
        assert recorder.quit_called and desktop_of(companion) is None
    finally:
        first.wait(timeout=30)
        if first.stdout is not None:
            first.stdout.close()


def test_the_app_icon_has_every_size_for_tray_and_window(resources_copy, qapp):
    from app.ui.application import ICON_SIZES, app_icon

    icon = app_icon(resources_copy)
    assert not icon.isNull()
    assert sorted(size.width() for size in icon.availableSizes()) == sorted(ICON_SIZES)
