"""The reminder service on a fake clock: fires once, survives restarts, sleep and clock jumps,
and the notification buttons reach the engine. Plus the sleep watcher's two sources."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtDBus import QDBusConnection, QDBusMessage

from app.core.reminder_engine import MAX_SLEEP_SECONDS
from app.core.reminders import (
    Occurrence,
    OccurrenceKind,
    ProtectedWindow,
    ReminderRules,
)
from app.platform.notifications import SKIP, SNOOZE, START_ME_SPACE, NullNotifier
from app.platform.sleep_watcher import LOGIND_INTERFACE, LOGIND_PATH, LOGIND_SERVICE, SleepWatcher
from app.storage.bank_holiday_cache import CachedBankHolidays
from app.ui import reminder_service
from app.ui.reminder_service import ReminderService, next_break_text
from tests.fakes import FakeClock, FakeScheduler

RULES = ReminderRules(
    windows=(ProtectedWindow(name="Lunch", weekdays=frozenset(range(7)), start=time(12),
                             end=time(13), heads_up_minutes=10),),
    timezone="UTC",
)
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]


class AskedScheduler(FakeScheduler):
    """A FakeScheduler that keeps every wait it was asked for."""

    def __init__(self, clock) -> None:
        super().__init__(clock)
        self.asked: list[float] = []

    def call_later(self, seconds, callback):
        self.asked.append(seconds)
        return super().call_later(seconds, callback)


class Rig:
    def __init__(self, tmp_path, start=MONDAY_9, clock=None) -> None:
        self.clock = clock or FakeClock(start)
        self.scheduler = AskedScheduler(self.clock)
        self.notifier = NullNotifier()
        self.state_file = tmp_path / "state" / "reminders.json"
        self.service = ReminderService(RULES, self.clock, self.scheduler, self.notifier,
                                       self.state_file)
        self.fired: list[Occurrence] = []
        self.service.fired.connect(self.fired.append)

    def summaries(self) -> list[str]:
        return [note.summary for note in self.notifier.shown]


def test_fires_once_with_buttons_and_saves_state(qapp, tmp_path):
    rig = Rig(tmp_path)
    rig.service.start()
    rig.scheduler.advance(3 * 3600)  # 09:00 -> 12:00
    kinds = [occ.kind for occ in rig.fired]
    assert kinds == [OccurrenceKind.HEADS_UP, OccurrenceKind.WINDOW_START]
    start_note = rig.notifier.shown[1]
    assert start_note.summary == "Your protected break has started: Lunch"
    assert [key for key, _label in start_note.actions] == [START_ME_SPACE, SNOOZE, SKIP]
    rig.scheduler.advance(600)
    rig.service.on_resume()
    rig.service.on_clock_changed()
    assert len(rig.fired) == 2  # nothing twice
    saved = json.loads(rig.state_file.read_text())
    assert {m["key"] for m in saved["marks"] if m["fired"]} == {
        "heads_up/Lunch/2026-03-02", "window_start/Lunch/2026-03-02"}


def test_never_twice_across_a_restart(qapp, tmp_path):
    first = Rig(tmp_path, start=datetime(2026, 3, 2, 12, 5, tzinfo=UTC))
    first.service.start()
    assert first.summaries() == ["Your protected break has started: Lunch"]
    first.service.stop()
    again = Rig(tmp_path, clock=first.clock)
    again.service.start()
    again.scheduler.advance(60)
    assert again.summaries() == []


def test_unreadable_state_is_kept_aside(qapp, tmp_path):
    rig = Rig(tmp_path)
    rig.state_file.parent.mkdir(parents=True, exist_ok=True)
    rig.state_file.write_text("{not json")
    again = Rig(tmp_path)
    again.service.start()
    kept = list(rig.state_file.parent.glob("reminders.json.broken-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{not json"


def test_waits_are_capped_at_a_minute(qapp, tmp_path):
    rig = Rig(tmp_path)
    rig.service.start()
    assert rig.scheduler.asked == [MAX_SLEEP_SECONDS] == [60.0]  # 09:00: nothing due soon
    rig.scheduler.advance(5 * 3600)  # through the heads-up, the start and the end
    assert len(rig.fired) == 3
    assert max(rig.scheduler.asked) <= 60.0
    assert len(rig.scheduler.asked) >= 5 * 60  # so a clock nobody reported is seen in a minute


@pytest.fixture
def writes(monkeypatch) -> list[Path]:
    """Every state file the service writes (really written, and counted)."""
    from app.storage.atomic_file import write_atomic as real_write

    written: list[Path] = []

    def counted(path, data, **kwargs):
        written.append(path)
        real_write(path, data, **kwargs)

    monkeypatch.setattr(reminder_service, "write_atomic", counted)
    return written


def test_a_check_saves_once_and_only_when_something_fired(qapp, tmp_path, writes):
    rig = Rig(tmp_path, start=datetime(2026, 3, 2, 11, 49, 30, tzinfo=UTC))
    rig.service.start()
    assert len(writes) == 1  # the start itself
    rig.scheduler.advance(60)  # 11:50: the heads-up fires on a timer
    assert len(rig.fired) == 1 and len(writes) == 2
    saved = json.loads(rig.state_file.read_text())
    assert [m["key"] for m in saved["marks"] if m["fired"]] == ["heads_up/Lunch/2026-03-02"]
    rig.scheduler.advance(5 * 60)  # checks that fire nothing write nothing
    assert len(writes) == 2
    rig.service.stop()
    assert len(writes) == 3


def test_a_fire_at_start_is_saved_once(qapp, tmp_path, writes):
    rig = Rig(tmp_path, start=datetime(2026, 3, 2, 12, 5, tzinfo=UTC))
    rig.service.start()
    assert rig.summaries() == ["Your protected break has started: Lunch"]
    assert len(writes) == 1


def test_sleep_through_the_start_fires_once_on_resume(qapp, tmp_path):
    rig = Rig(tmp_path, start=datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    rig.service.start()
    rig.clock.jump_wall(80 * 60)  # asleep 11:00 -> 12:20; no timer ran
    rig.service.on_resume()
    assert rig.summaries() == ["Your protected break has started: Lunch"]  # heads-up dropped
    rig.service.on_resume()
    assert len(rig.summaries()) == 1


def test_snooze_button_repeats_in_ten_minutes(qapp, tmp_path):
    rig = Rig(tmp_path, start=datetime(2026, 3, 2, 11, 59, tzinfo=UTC))
    rig.service.start()
    rig.scheduler.advance(60)
    start = rig.fired[-1]
    assert start.kind == OccurrenceKind.WINDOW_START
    before = len(rig.fired)
    rig.service.on_action(start.key, SNOOZE)
    rig.scheduler.advance(9 * 60)
    assert len(rig.fired) == before
    rig.scheduler.advance(60)
    assert len(rig.fired) == before + 1
    assert rig.fired[-1].kind == OccurrenceKind.WINDOW_START and rig.fired[-1].snooze == 1


def test_skip_button_skips_the_rest_of_today(qapp, tmp_path):
    rig = Rig(tmp_path, start=datetime(2026, 3, 2, 11, 49, tzinfo=UTC))
    rig.service.start()
    rig.scheduler.advance(60)
    heads_up = rig.fired[-1]
    assert heads_up.kind == OccurrenceKind.HEADS_UP
    rig.service.on_action(heads_up.key, SKIP)
    rig.scheduler.advance(2 * 3600)
    assert [o.kind for o in rig.fired] == [OccurrenceKind.HEADS_UP]


def test_start_button_asks_for_me_space(qapp, qtbot, tmp_path):
    rig = Rig(tmp_path, start=datetime(2026, 3, 2, 12, 1, tzinfo=UTC))
    rig.service.start()
    with qtbot.waitSignal(rig.service.me_space_requested, timeout=1000):
        rig.service.on_action(rig.fired[0].key, START_ME_SPACE)


def test_pause_and_resume_change_the_tooltip(qapp, tmp_path):
    rig = Rig(tmp_path)
    paused: list[bool] = []
    rig.service.paused_changed.connect(paused.append)
    rig.service.start()
    assert rig.service.tooltip == "Next protected break: today 12:00–13:00"
    rig.service.pause_for_hour()
    assert rig.service.tooltip.endswith("Reminders paused until today 10:00")
    rig.service.resume()
    assert paused == [False, True, False]
    rig.service.pause_until_tomorrow()
    rig.scheduler.advance(4 * 3600)
    assert rig.fired == []


def test_tooltip_words():
    monday_night = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)
    assert next_break_text(RULES, monday_night, None) == (
        "Next protected break: tomorrow 12:00–13:00")
    during = datetime(2026, 3, 2, 12, 30, tzinfo=UTC)
    assert next_break_text(RULES, during, None) == "Protected break now, until 13:00"


# -- the sleep watcher -------------------------------------------------------------------


def test_clock_jump_is_noticed(qapp, qtbot):
    clock = FakeClock(MONDAY_9)
    watcher = SleepWatcher(clock, bus=QDBusConnection("not-connected"))
    watcher.start()
    clock.tick(60)
    assert watcher.check_clock() == 0.0
    clock.jump_wall(-3600)
    with qtbot.waitSignal(watcher.clock_changed, timeout=1000) as signal:
        watcher.check_clock()
    assert signal.args == [pytest.approx(-3600)]
    watcher.stop()


@pytest.fixture
def private_bus():
    """A private D-Bus daemon: real messages, no system bus needed."""
    if shutil.which("dbus-daemon") is None:
        pytest.fail("dbus-daemon is missing (CI installs it)")
    proc = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    address = proc.stdout.readline().decode().strip()
    proc.stdout.close()
    yield address
    proc.terminate()
    proc.wait(timeout=10)


def test_logind_sleep_and_resume_over_dbus(qapp, qtbot, private_bus, tmp_path):
    watcher_bus = QDBusConnection.connectToBus(private_bus, "watcher")
    logind_bus = QDBusConnection.connectToBus(private_bus, "fake-logind")
    try:
        assert logind_bus.registerService(LOGIND_SERVICE)
        clock = FakeClock(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
        watcher = SleepWatcher(clock, bus=watcher_bus)
        assert watcher.hooked
        rig = Rig(tmp_path, clock=clock)
        watcher.resumed.connect(rig.service.on_resume)
        rig.service.start()

        def send(going_to_sleep: bool) -> None:
            signal = QDBusMessage.createSignal(LOGIND_PATH, LOGIND_INTERFACE, "PrepareForSleep")
            signal.setArguments([going_to_sleep])
            assert logind_bus.send(signal)

        with qtbot.waitSignal(watcher.about_to_sleep, timeout=5000):
            send(True)
        clock.jump_wall(80 * 60)  # the suspend: wall clock moves, monotonic does not
        with qtbot.waitSignal(watcher.resumed, timeout=5000):
            send(False)
        assert rig.summaries() == ["Your protected break has started: Lunch"]
        assert watcher.check_clock() == 0.0  # the gap was the sleep, already handled
    finally:
        QDBusConnection.disconnectFromBus("watcher")
        QDBusConnection.disconnectFromBus("fake-logind")


# -- bank holidays without the holidays package in this process ----------------------------


class StaffDays:
    """A bank-holiday source with one made-up holiday, counting what it is asked."""

    def __init__(self, day) -> None:
        self.day = day
        self.asked: list[tuple[str, int]] = []

    def dates(self, nation, year):
        self.asked.append((nation, year))
        return {self.day: "Staff day"} if year == self.day.year else {}


def test_the_given_source_decides_the_reminders_and_the_tooltip(qapp, tmp_path):
    from app.core.reminders import BankHolidays

    rules = ReminderRules(windows=RULES.windows, timezone="UTC",
                          bank_holidays=BankHolidays(skip=True, nation="wales"))
    clock = FakeClock(datetime(2026, 3, 2, 13, 30, tzinfo=UTC))  # Monday, after lunch
    source = StaffDays(datetime(2026, 3, 3).date())  # Tuesday
    service = ReminderService(rules, clock, FakeScheduler(clock), NullNotifier(),
                              tmp_path / "reminders.json", holidays=source)
    service.start()
    assert service.tooltip == "Next protected break: Wednesday 12:00–13:00"
    nxt = service.engine.next_due()
    assert nxt is not None and nxt.key == "heads_up/Lunch/2026-03-04"
    assert set(source.asked) == {("wales", 2026)}


GUI_SIDE = """
import json, sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from PySide6.QtWidgets import QApplication
from app.core.reminders import default_rules
from app.platform.notifications import NullNotifier
from app.storage.bank_holiday_cache import CachedBankHolidays
from app.ui.reminder_service import ReminderService
from tests.fakes import FakeClock, FakeScheduler

app = QApplication([])
folder = Path(sys.argv[1])
cached = sys.argv[2] == "cached"
holidays = CachedBankHolidays(folder / "bank-holidays.json") if cached else None
# Christmas Eve 2026, after lunch: Fri 25 and Mon 28 (Boxing Day observed) are bank holidays.
clock = FakeClock(datetime(2026, 12, 24, 13, 30, tzinfo=ZoneInfo("Europe/London")))
service = ReminderService(default_rules("Europe/London"), clock, FakeScheduler(clock),
                          NullNotifier(), folder / "reminders.json", holidays=holidays)
service.start()
print(json.dumps({
    "next": service.engine.next_due().key,
    "tooltip": service.tooltip,
    "holidays_loaded": sorted(m for m in sys.modules if m.split(".")[0] == "holidays"),
    "children": holidays.runs if holidays is not None else None,
}))
"""


def run_gui_side(folder, how: str) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", GUI_SIDE, str(folder), how], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    answer: dict[str, Any] = json.loads(out.stdout)
    return answer


def test_the_gui_side_never_imports_holidays_on_a_warm_cache(tmp_path):
    CachedBankHolidays(tmp_path / "bank-holidays.json").dates("england", 2026)  # warm it
    warm = run_gui_side(tmp_path, "cached")
    assert warm["holidays_loaded"] == []
    assert warm["children"] == 0
    assert warm["next"] == "heads_up/Lunch/2026-12-29"
    assert warm["tooltip"] == "Next protected break: Tuesday 12:00–13:00"
    # The same without the cache: the same answer, with the package loaded in-process.
    direct = run_gui_side(tmp_path, "direct")
    assert (direct["next"], direct["tooltip"]) == (warm["next"], warm["tooltip"])
    assert "holidays" in direct["holidays_loaded"]


def test_the_gui_side_fills_a_cold_cache_with_a_child_not_the_package(tmp_path):
    cold = run_gui_side(tmp_path, "cached")
    assert cold["holidays_loaded"] == []
    assert cold["children"] == 1
    assert cold["next"] == "heads_up/Lunch/2026-12-29"
    assert (tmp_path / "bank-holidays.json").is_file()
