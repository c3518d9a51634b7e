"""Restarting lean in the tray: a real copy takes over, or this process carries on."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path

from app.platform.single_instance import SingleInstance
from app.ui.idle_restart import IdleRestart

REPO = Path(__file__).resolve().parents[2]

# Stays up (as the real copy does) until the test ends it: a hand-over acknowledged too
# late for the sender is sent again, and must still find it.
COPY = """
import sys
from PySide6.QtCore import QCoreApplication, QTimer
from app.platform.single_instance import SingleInstance
app = QCoreApplication([])
copy = SingleInstance(sys.argv[1])
if copy.listen():
    def received(line):
        if len(sys.argv) > 2:  # where to say which commands came
            with open(sys.argv[2], "a") as said:
                said.write(line + "\\n")
    copy.command_received.connect(received)
    QTimer.singleShot(30_000, app.quit)
    app.exec()
"""


def end_copy(restart: IdleRestart) -> None:
    if restart.copy_pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(restart.copy_pid, signal.SIGTERM)


class Calls:
    def __init__(self) -> None:
        self.made: list[str] = []

    def __call__(self, name: str):
        return lambda: self.made.append(name)


def instance_for(tmp_path: Path) -> SingleInstance:
    return SingleInstance(f"cc-test-{os.getpid()}-{tmp_path.name}"[:60])


def test_a_copy_takes_over_and_this_process_quits(qtbot, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)  # the copy imports the app from the source tree
    first = instance_for(tmp_path)
    assert first.listen()
    calls = Calls()
    restart = IdleRestart(lambda: [sys.executable, "-c", COPY, first.name], first,
                          is_idle=lambda: True, pause=calls("pause"), resume=calls("resume"),
                          quit=calls("quit"), after_seconds=0)
    try:
        assert restart.restart_if_idle()
        assert calls.made == ["pause"] and not first.listening  # the copy may take the name
        qtbot.waitUntil(lambda: "quit" in calls.made, timeout=20_000)
        assert calls.made == ["pause", "quit"]
        assert restart.copy_pid is not None and restart.copy_pid > 0
    finally:
        end_copy(restart)
        first.close()


def test_a_window_opened_while_the_copy_takes_over_is_shown_by_the_copy(qtbot, tmp_path,
                                                                       monkeypatch):
    monkeypatch.chdir(REPO)
    first = instance_for(tmp_path)
    assert first.listen()
    said = tmp_path / "said"
    calls = Calls()
    idle = [True]
    restart = IdleRestart(lambda: [sys.executable, "-c", COPY, first.name, str(said)], first,
                          is_idle=lambda: idle[0], pause=calls("pause"),
                          resume=calls("resume"), quit=calls("quit"), after_seconds=0)
    try:
        assert restart.restart_if_idle()
        idle[0] = False  # the person opens the window from the tray before the copy answers
        qtbot.waitUntil(lambda: "quit" in calls.made, timeout=20_000)
        qtbot.waitUntil(said.exists, timeout=5_000)
        assert set(said.read_text().split()) == {"show"}  # it opens its window as this goes
    finally:
        end_copy(restart)
        first.close()


def test_a_copy_that_never_answers_is_given_up_and_nothing_is_lost(qtbot, tmp_path):
    first = instance_for(tmp_path)
    assert first.listen()
    calls = Calls()
    restart = IdleRestart(lambda: [sys.executable, "-c", "pass"], first,
                          is_idle=lambda: True, pause=calls("pause"), resume=calls("resume"),
                          quit=calls("quit"), after_seconds=0, copy_deadline_seconds=0.6)
    try:
        assert restart.restart_if_idle()
        qtbot.waitUntil(lambda: "resume" in calls.made, timeout=10_000)
        assert calls.made == ["pause", "resume"]
        assert first.listening  # second launches reach this process again
    finally:
        first.close()


def test_a_program_that_cannot_start_is_given_up_at_once(tmp_path):
    first = instance_for(tmp_path)
    assert first.listen()
    calls = Calls()
    restart = IdleRestart(lambda: [str(tmp_path / "no-such-program")], first,
                          is_idle=lambda: True, pause=calls("pause"), resume=calls("resume"),
                          quit=calls("quit"))
    try:
        assert not restart.restart_if_idle()
        assert calls.made == ["pause", "resume"] and first.listening
    finally:
        first.close()


HOLDER = """
import sys
from PySide6.QtCore import QCoreApplication, QTimer
from app.platform.single_instance import SingleInstance
app = QCoreApplication([])
holder = SingleInstance(sys.argv[1])
assert holder.listen()
print("listening", flush=True)
QTimer.singleShot(0, lambda: None)
sys.stdin.readline()  # until the test is done with it
"""


def test_a_copy_that_answers_too_late_keeps_the_name_and_this_process_quits(tmp_path,
                                                                          monkeypatch):
    import subprocess

    monkeypatch.chdir(REPO)
    first = instance_for(tmp_path)  # gave the name up for the copy, which is now late
    late = subprocess.Popen([sys.executable, "-c", HOLDER, first.name], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    try:
        assert late.stdout is not None and late.stdout.readline().strip() == "listening"
        calls = Calls()
        restart = IdleRestart(lambda: ["never-run"], first, is_idle=lambda: True,
                              pause=calls("pause"), resume=calls("resume"), quit=calls("quit"))
        restart._take_back("no answer in time")
        assert calls.made == ["quit"], "two running apps would tell every reminder twice"
        assert not first.listening
    finally:
        late.communicate("done\n", timeout=30)


class FakeCountdown:
    """Stands in for the countdown QTimer: records each (re)start, no real time passes."""

    def __init__(self) -> None:
        self.active = False
        self.starts = 0
        self.interval = 0

    def setInterval(self, ms: int) -> None:  # Qt's name
        self.interval = ms

    def isActive(self) -> bool:  # Qt's name
        return self.active

    def start(self) -> None:
        self.active = True
        self.starts += 1

    def stop(self) -> None:
        self.active = False


def test_a_reminder_shown_keeps_this_process_until_its_buttons_are_stale(tmp_path):
    calls = Calls()
    now = [1000.0]
    restart = IdleRestart(lambda: ["never-run"], instance_for(tmp_path), is_idle=lambda: True,
                          pause=calls("pause"), resume=calls("resume"), quit=calls("quit"),
                          after_seconds=3, after_reminder_seconds=900,
                          monotonic=lambda: now[0])
    countdown = FakeCountdown()
    restart._due = countdown  # type: ignore[assignment]
    restart.arm()
    assert countdown.interval == 3_000  # closed to the tray, no reminder yet: a few seconds
    restart.disarm()

    restart.reminder_shown()  # shown while the window is up
    assert countdown.starts == 1 and not restart.armed  # nothing counting down: nothing to do
    now[0] += 60
    restart.arm()  # closed a minute later: its buttons still reach this process
    assert countdown.interval == 840_000
    now[0] += 100
    restart.reminder_shown()  # another one while closed: a quarter of an hour from now
    assert countdown.starts == 3 and countdown.interval == 900_000
    restart.disarm()
    now[0] += 900
    restart.arm()  # closed again once the notifications are stale: a few seconds again
    assert countdown.interval == 3_000


def test_while_something_is_under_way_it_counts_down_again(tmp_path):
    first = instance_for(tmp_path)
    calls = Calls()
    restart = IdleRestart(lambda: ["never-run"], first, is_idle=lambda: False,
                          pause=calls("pause"), resume=calls("resume"), quit=calls("quit"))
    assert not restart.restart_if_idle()
    assert restart.armed and calls.made == []
    restart.disarm()
    assert not restart.armed


def test_the_app_is_idle_only_when_closed_to_the_tray_with_nothing_under_way(qtbot, companion):
    window = companion.window
    window.show()
    qtbot.waitExposed(window)
    assert not companion._idle_in_tray()  # on screen
    practice = window.library.detail.practice
    assert practice is not None
    window.start_practice(practice)
    window.hide()
    assert not companion._idle_in_tray()  # a practice is open
    window.close_player()
    assert companion._idle_in_tray()
    dialog = window.open_settings()  # a dialog left open: the person may come back to it
    assert not companion._idle_in_tray()
    dialog.close()
    assert companion._idle_in_tray()


def test_a_reminder_shown_by_the_first_check_holds_the_restart_off(companion, tmp_path,
                                                                    monkeypatch):
    companion.instance = instance_for(tmp_path)
    desktop = companion.ensure_desktop()
    desktop.tray.available = True  # offscreen has no tray; the lean restart needs one
    first_check = desktop.reminders.start

    def start_with_a_break_under_way() -> None:
        first_check()
        desktop.reminders.fired.emit(None)  # as a break already under way at start-up does

    monkeypatch.setattr(desktop.reminders, "start", start_with_a_break_under_way)
    try:
        companion.start_desktop()
        restart = companion.idle_restart
        assert restart is not None
        restart.arm()  # the window closed soon after: the notification may still be up
        assert restart._due.interval() > 14 * 60_000
        restart.disarm()
    finally:
        companion.instance.close()
