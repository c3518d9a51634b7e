"""The reminder engine on a fake clock: a year of lunches, sleeps, clock jumps, snoozes.

The fake clock runs in UTC (the engine converts to the rules' zone itself): FakeClock adds
timedeltas to whatever tzinfo it was given, and with a ZoneInfo that is wall-time
arithmetic, which would skip the repeated autumn hour.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.reminder_engine import MAX_SLEEP_SECONDS, ReminderEngine, ReminderStateError
from app.core.reminders import (
    DailyPause,
    JournalReminder,
    Occurrence,
    ProtectedWindow,
    ReminderRules,
    default_rules,
)
from tests.fakes import FakeClock, FakeScheduler

LONDON = ZoneInfo("Europe/London")
HOUR = 3600.0


def local(y, m, d, h=0, mi=0, s=0) -> datetime:
    return datetime(y, m, d, h, mi, s, tzinfo=LONDON)


class Rig:
    """An engine on a fake clock, recording what fired and when (local time)."""

    def __init__(
        self,
        start: datetime,
        rules: ReminderRules | None = None,
        state: dict[str, Any] | None = None,
        clock: FakeClock | None = None,
    ) -> None:
        self.clock = clock or FakeClock(start.astimezone(UTC))
        self.scheduler = FakeScheduler(self.clock)
        self.fired: list[tuple[Occurrence, datetime]] = []
        self.engine = ReminderEngine(
            rules or default_rules("Europe/London"),
            self.clock,
            self.scheduler,
            self._on_fire,
            state=state,
        )

    def _on_fire(self, occ: Occurrence) -> None:
        self.fired.append((occ, self.clock.now().astimezone(LONDON)))

    def next_key(self) -> str | None:
        occ = self.engine.next_due()
        return None if occ is None else occ.key

    def paused(self) -> bool:
        return self.engine.paused_until is not None

    def now(self) -> datetime:
        return self.clock.now().astimezone(LONDON)

    def run_until(self, when: datetime) -> list[str]:
        """Let time pass normally (timers run) until `when`; returns keys fired meanwhile."""
        before = len(self.fired)
        self.scheduler.advance((when - self.clock.now()).total_seconds())
        return [occ.key for occ, _ in self.fired[before:]]

    def sleep_until(self, when: datetime) -> list[str]:
        """Suspend: the wall clock moves, no timer runs; then the resume notification."""
        self.clock.jump_wall((when - self.clock.now()).total_seconds())
        return [occ.key for occ in self.engine.on_resume()]

    def fired_keys(self) -> list[str]:
        return [occ.key for occ, _ in self.fired]


def assert_never_twice_never_late(rig: Rig) -> None:
    counts = Counter(rig.fired_keys())
    assert [k for k, n in counts.items() if n > 1] == []
    for occ, when in rig.fired:
        assert occ.due.timestamp() <= when.timestamp() < occ.expires.timestamp(), occ.key


# -- a simulated year ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def year() -> Rig:
    rig = Rig(local(2026, 1, 1))
    rig.engine.start()
    day = date(2026, 1, 1)
    while day < date(2027, 1, 1):
        day += timedelta(days=1)
        rig.run_until(datetime.combine(day, time(0), LONDON))
    return rig


def test_year_fires_every_key_once_and_never_late(year):
    assert_never_twice_never_late(year)


def test_year_lunch_on_every_working_weekday_at_local_time(year):
    bank = holidays.country_holidays("GB", subdiv="ENG", years=2026)
    fired = {occ.key: when for occ, when in year.fired}
    day = date(2026, 1, 1)
    expected_days = 0
    while day < date(2027, 1, 1):
        keys = [f"{k}/Lunch/{day.isoformat()}" for k in ("heads_up", "window_start", "window_end")]
        if day.weekday() < 5 and day not in bank:
            expected_days += 1
            heads_up, start, end = (fired[k] for k in keys)
            assert (heads_up.date(), heads_up.time()) == (day, time(11, 50))
            assert (start.date(), start.time()) == (day, time(12))
            assert (end.date(), end.time()) == (day, time(13))
        else:
            assert not any(k in fired for k in keys), day
        day += timedelta(days=1)
    assert expected_days == 261 - 8  # 2026: 261 weekdays, 8 English bank holidays on them


def test_year_nothing_on_weekends_or_bank_holidays(year):
    bank = holidays.country_holidays("GB", subdiv="ENG", years=2026)
    assert date(2026, 12, 25) in bank and date(2026, 5, 4) in bank
    for occ, when in year.fired:
        assert when.weekday() < 5 or occ.kind == "journal", occ.key
        assert occ.day not in bank, occ.key
    days = {occ.day for occ, _ in year.fired}
    assert date(2026, 12, 25) not in days
    assert date(2026, 5, 4) not in days


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 3, 27),
        date(2026, 3, 30),  # either side of 29 March (spring forward)
        date(2026, 10, 23),
        date(2026, 10, 26),  # either side of 25 October (fall back)
    ],
)
def test_year_dst_weeks(year, day):
    fired = {occ.key: when for occ, when in year.fired}
    assert fired[f"heads_up/Lunch/{day}"] == datetime.combine(day, time(11, 50), LONDON)
    assert fired[f"window_start/Lunch/{day}"] == datetime.combine(day, time(12), LONDON)
    assert fired[f"window_start/Lunch/{day}"].utcoffset() == timedelta(
        hours=1 if date(2026, 3, 29) < day < date(2026, 10, 25) else 0
    )


def test_year_journal_every_second_friday(year):
    journal = [when for occ, when in year.fired if occ.kind == "journal"]
    assert journal[0] == local(2026, 1, 2, 16)
    assert all(when.weekday() == 4 and when.time() == time(16) for when in journal)
    gaps = {(b.date() - a.date()).days for a, b in pairwise(journal)}
    assert gaps == {14}  # no fortnightly Friday in 2026 falls on an English bank holiday
    assert len(journal) == 26


def test_the_engine_never_sleeps_longer_than_a_minute():
    rig = Rig(local(2026, 6, 1, 8))
    rig.engine.start()
    (pending,) = rig.scheduler.pending
    assert pending.due - rig.clock.monotonic() == MAX_SLEEP_SECONDS
    rig.run_until(local(2026, 6, 1, 11, 49, 30))
    (pending,) = rig.scheduler.pending
    assert pending.due - rig.clock.monotonic() == 30  # wakes exactly at the heads-up


# -- sleep and resume ----------------------------------------------------------------------


def test_suspend_over_the_start_fires_the_start_once_at_resume_but_not_the_heads_up():
    rig = Rig(local(2026, 6, 1, 9))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 11, 45))
    assert rig.sleep_until(local(2026, 6, 1, 12, 20)) == ["window_start/Lunch/2026-06-01"]
    # The heads-up's moment passed (the break has begun): it is skipped, never late.
    assert rig.run_until(local(2026, 6, 1, 13, 30)) == ["window_end/Lunch/2026-06-01"]
    assert rig.fired_keys() == ["window_start/Lunch/2026-06-01", "window_end/Lunch/2026-06-01"]


def test_suspend_over_the_whole_window_fires_nothing_for_that_day():
    rig = Rig(local(2026, 6, 1, 9))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 11, 45))
    assert rig.sleep_until(local(2026, 6, 1, 13, 30)) == []
    assert rig.run_until(local(2026, 6, 2, 0)) == []
    assert rig.run_until(local(2026, 6, 2, 12, 1)) == [
        "heads_up/Lunch/2026-06-02",
        "window_start/Lunch/2026-06-02",
    ]


def test_three_day_suspend_fires_nothing_late_then_carries_on():
    rig = Rig(local(2026, 6, 1, 9))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 11, 45))
    assert rig.sleep_until(local(2026, 6, 4, 11, 45)) == []
    assert rig.run_until(local(2026, 6, 4, 13, 1)) == [
        "heads_up/Lunch/2026-06-04",
        "window_start/Lunch/2026-06-04",
        "window_end/Lunch/2026-06-04",
    ]
    assert_never_twice_never_late(rig)


def test_a_missed_journal_still_fires_the_same_evening_but_not_the_next_day():
    rig = Rig(local(2026, 1, 2, 15))
    rig.engine.start()
    assert rig.sleep_until(local(2026, 1, 2, 19)) == ["journal/journal/2026-01-02"]
    rig2 = Rig(local(2026, 1, 16, 15))
    rig2.engine.start()
    assert rig2.sleep_until(local(2026, 1, 17, 9)) == []


@pytest.mark.parametrize(
    "seconds", [60, 5 * 60, 20 * 60, HOUR, 2.5 * HOUR, 8 * HOUR, 24 * HOUR, 3 * 24 * HOUR]
)
@pytest.mark.parametrize("start", [time(11, 40), time(11, 55), time(12, 30), time(12, 59)])
def test_suspends_from_a_minute_to_three_days(seconds, start):
    rig = Rig(local(2026, 6, 1, 9))
    rig.engine.start()
    rig.run_until(datetime.combine(date(2026, 6, 1), start, LONDON))
    rig.clock.jump_wall(seconds)
    woke = rig.now()
    at_resume = rig.engine.on_resume()
    # Whatever fires at resume was due during the sleep and is still open now.
    for occ in at_resume:
        assert occ.is_open(woke)
    # A resume notification that arrives twice changes nothing.
    assert rig.engine.on_resume() == []
    rig.run_until(woke + timedelta(days=2))
    assert_never_twice_never_late(rig)
    # Every later working day is complete again.
    assert f"window_start/Lunch/{(woke + timedelta(days=1)).date()}" in rig.fired_keys() or (
        (woke + timedelta(days=1)).weekday() >= 5
    )


# -- clock changes -------------------------------------------------------------------------


def test_clock_back_two_hours_after_firing_does_not_refire():
    rig = Rig(local(2026, 6, 1, 9))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 12, 30))
    assert rig.fired_keys() == ["heads_up/Lunch/2026-06-01", "window_start/Lunch/2026-06-01"]
    rig.clock.jump_wall(-2 * HOUR)
    assert rig.engine.on_clock_changed() == []
    # Wall time passes 11:50 and 12:00 again: nothing repeats; the end fires once at 13:00.
    assert rig.run_until(local(2026, 6, 1, 14)) == ["window_end/Lunch/2026-06-01"]
    assert rig.fired[-1][1] == local(2026, 6, 1, 13)


def test_clock_back_unreported_is_noticed_within_a_minute_and_does_not_refire():
    rig = Rig(local(2026, 6, 1, 9))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 12, 5))
    rig.clock.jump_wall(-2 * HOUR)  # nobody calls on_clock_changed
    assert rig.run_until(local(2026, 6, 1, 12, 59)) == []
    assert_never_twice_never_late(rig)


def test_clock_forward_two_hours_over_a_closed_window_fires_nothing():
    rig = Rig(local(2026, 6, 1, 9))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 11, 30))
    rig.clock.jump_wall(2 * HOUR)
    assert rig.engine.on_clock_changed() == []
    assert rig.run_until(local(2026, 6, 1, 23)) == []


def test_clock_forward_two_hours_into_an_open_window_fires_the_start():
    rig = Rig(local(2026, 6, 1, 9))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 10, 30))
    rig.clock.jump_wall(2 * HOUR)
    assert [o.key for o in rig.engine.on_clock_changed()] == ["window_start/Lunch/2026-06-01"]


def test_clock_forward_unreported_is_treated_like_a_sleep():
    rig = Rig(local(2026, 6, 1, 9))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 10, 30))
    rig.clock.jump_wall(2 * HOUR)
    assert rig.run_until(local(2026, 6, 1, 12, 40)) == ["window_start/Lunch/2026-06-01"]
    assert rig.fired[0][1] < local(2026, 6, 1, 12, 32)  # within a minute of the jump


# -- snooze, skip, pause, rules edits ------------------------------------------------------


def test_snooze_fires_once_more_ten_minutes_later():
    rig = Rig(local(2026, 6, 1, 11))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 12, 0, 30))
    start = rig.fired[-1][0]
    assert start.kind == "window_start"
    repeat = rig.engine.snooze(start, minutes=10)
    assert rig.engine.next_due() == repeat
    assert rig.run_until(local(2026, 6, 1, 12, 30)) == ["window_start/Lunch/2026-06-01/snooze1"]
    occ, when = rig.fired[-1]
    assert when == local(2026, 6, 1, 12, 10, 30)
    assert (occ.kind, occ.rule, occ.snooze) == ("window_start", "Lunch", 1)
    assert rig.run_until(local(2026, 6, 1, 12, 59)) == []


def test_snoozed_heads_up_still_fires_after_the_break_began():
    rig = Rig(local(2026, 6, 1, 11))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 11, 50))
    heads_up = rig.fired[-1][0]
    rig.engine.snooze(heads_up, minutes=10)
    assert sorted(rig.run_until(local(2026, 6, 1, 12, 1))) == [
        "heads_up/Lunch/2026-06-01/snooze1",
        "window_start/Lunch/2026-06-01",
    ]
    assert rig.fired[-1][1] == rig.fired[-2][1] == local(2026, 6, 1, 12)


def test_a_snooze_slept_through_is_dropped():
    rig = Rig(local(2026, 6, 1, 11))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 12, 1))
    rig.engine.snooze(rig.fired[-1][0], minutes=10)
    assert rig.sleep_until(local(2026, 6, 1, 13, 30)) == []


def test_skip_today_skips_the_rest_of_todays_windows_only():
    rig = Rig(local(2026, 6, 1, 11))
    rig.engine.start()
    skipped = rig.engine.skip_today()
    assert {o.kind for o in skipped} == {"heads_up", "window_start", "window_end"}
    assert rig.run_until(local(2026, 6, 2, 0)) == []
    assert "window_start/Lunch/2026-06-02" in rig.run_until(local(2026, 6, 2, 13))


def test_skip_today_during_the_break_skips_its_end_and_snoozes():
    rig = Rig(local(2026, 6, 1, 11))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 12, 5))
    rig.engine.snooze(rig.fired[-1][0])
    rig.engine.skip_today()
    assert rig.run_until(local(2026, 6, 1, 23)) == []


def test_pause_for_an_hour_drops_what_falls_due_and_does_not_save_it_up():
    rig = Rig(local(2026, 6, 1, 11))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 11, 30))
    until = rig.engine.pause_for(60)
    assert until == local(2026, 6, 1, 12, 30)
    assert rig.engine.paused_until == until
    assert rig.next_key() == "window_end/Lunch/2026-06-01"
    assert rig.run_until(local(2026, 6, 1, 12, 45)) == []  # no heads-up, no start, no backlog
    assert not rig.paused()
    assert rig.run_until(local(2026, 6, 1, 13, 1)) == ["window_end/Lunch/2026-06-01"]


def test_pause_until_tomorrow():
    rig = Rig(local(2026, 6, 1, 9))
    rig.engine.start()
    assert rig.engine.pause_until_tomorrow() == local(2026, 6, 2)
    assert rig.run_until(local(2026, 6, 2, 0)) == []
    assert rig.run_until(local(2026, 6, 2, 12, 1)) == [
        "heads_up/Lunch/2026-06-02",
        "window_start/Lunch/2026-06-02",
    ]


def test_cancel_pause():
    rig = Rig(local(2026, 6, 1, 11))
    rig.engine.start()
    rig.engine.pause_for(120)
    rig.engine.cancel_pause()
    assert rig.run_until(local(2026, 6, 1, 12, 1)) == [
        "heads_up/Lunch/2026-06-01",
        "window_start/Lunch/2026-06-01",
    ]


def test_editing_rules_keeps_fired_keys():
    rig = Rig(local(2026, 6, 1, 11))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 12, 5))
    later = replace(
        rig.engine.rules,
        windows=(replace(rig.engine.rules.windows[0], start=time(12, 30), end=time(13, 30)),),
    )
    assert rig.engine.set_rules(later) == []
    assert rig.run_until(local(2026, 6, 1, 14)) == ["window_end/Lunch/2026-06-01"]
    assert rig.fired[-1][1] == local(2026, 6, 1, 13, 30)


def test_next_due_looks_past_a_long_leave():
    rules = replace(
        default_rules("Europe/London"),
        journal=JournalReminder(enabled=False),
        daily_pause=DailyPause(enabled=False),
    )
    rig = Rig(local(2026, 12, 24, 14), rules=rules)
    rig.engine.start()
    assert rig.next_key() == "heads_up/Lunch/2026-12-29"
    empty = Rig(local(2026, 6, 1), rules=replace(rules, windows=()))
    assert empty.engine.next_due() is None


# -- restart -------------------------------------------------------------------------------


def test_restart_with_saved_state_does_not_refire_todays_reminder():
    rig = Rig(local(2026, 6, 1, 11))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 12, 5))
    saved = json.loads(json.dumps(rig.engine.state_to_dict()))
    rig.engine.stop()
    assert rig.scheduler.pending == []

    rig.clock.jump_wall(120)  # the app is closed for two minutes
    again = Rig(rig.now(), state=saved, clock=rig.clock)
    assert again.engine.start() == []
    assert again.run_until(local(2026, 6, 1, 13, 1)) == ["window_end/Lunch/2026-06-01"]


def test_restart_without_state_announces_a_break_under_way():
    rig = Rig(local(2026, 6, 1, 12, 10))
    assert [o.key for o in rig.engine.start()] == ["window_start/Lunch/2026-06-01"]


def test_restart_after_a_long_closure_fires_only_what_is_open():
    rig = Rig(local(2026, 6, 1, 10))
    rig.engine.start()
    saved = rig.engine.state_to_dict()
    rig.engine.stop()
    rig.clock.jump_wall(2.5 * HOUR)  # 12:30
    again = Rig(rig.now(), state=saved, clock=rig.clock)
    assert [o.key for o in again.engine.start()] == ["window_start/Lunch/2026-06-01"]


def test_restart_keeps_snoozes_and_pause():
    rig = Rig(local(2026, 6, 1, 11))
    rig.engine.start()
    rig.run_until(local(2026, 6, 1, 12, 1))
    rig.engine.snooze(rig.fired[-1][0], minutes=10)
    saved = rig.engine.state_to_dict()
    rig.engine.stop()
    again = Rig(rig.now(), state=saved, clock=rig.clock)
    again.engine.start()
    assert again.run_until(local(2026, 6, 1, 12, 30)) == ["window_start/Lunch/2026-06-01/snooze1"]

    rig = Rig(local(2026, 6, 1, 11))
    rig.engine.start()
    rig.engine.pause_for(90)
    saved = rig.engine.state_to_dict()
    rig.engine.stop()
    again = Rig(rig.now(), state=saved, clock=rig.clock)
    again.engine.start()
    assert again.run_until(local(2026, 6, 1, 12, 59)) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"format": 99},
        {"format": 1, "marks": [{"key": "x"}]},
        {"format": 1, "last_check": "yesterday"},
        {"format": 1, "last_check": "2026-06-01T12:00:00"},  # no offset
        {"format": 1, "snoozes": [{"kind": "nap"}]},
    ],
)
def test_unreadable_state_is_refused(bad):
    rig = Rig(local(2026, 6, 1, 11))
    with pytest.raises(ReminderStateError):
        rig.engine.state_from_dict(bad)


def test_old_marks_are_pruned():
    rig = Rig(local(2026, 6, 1, 9))
    rig.engine.start()
    rig.run_until(local(2026, 6, 20))
    days = {date.fromisoformat(m["day"]) for m in rig.engine.state_to_dict()["marks"]}
    assert min(days) >= date(2026, 6, 13)


def test_a_failing_handler_does_not_stop_the_others_or_the_engine():
    calls: list[str] = []

    def on_fire(occ: Occurrence) -> None:
        calls.append(occ.key)
        if occ.kind == "heads_up":
            raise RuntimeError("notification daemon gone")

    clock = FakeClock(local(2026, 6, 1, 11, 40).astimezone(UTC))
    scheduler = FakeScheduler(clock)
    engine = ReminderEngine(default_rules("Europe/London"), clock, scheduler, on_fire)
    engine.start()
    clock.jump_wall(15 * 60)  # 11:55: the heads-up is due and still open
    with pytest.raises(RuntimeError):
        engine.on_resume()
    assert scheduler.pending  # still scheduled
    scheduler.advance(10 * 60)
    assert calls == ["heads_up/Lunch/2026-06-01", "window_start/Lunch/2026-06-01"]


# -- property: never twice -----------------------------------------------------------------

ACTIONS = st.one_of(
    st.tuples(st.just("run"), st.integers(min_value=1, max_value=6 * 3600)),
    st.tuples(st.just("sleep"), st.integers(min_value=1, max_value=4 * 24 * 3600)),
    st.tuples(st.just("jump"), st.integers(min_value=-6 * 3600, max_value=6 * 3600)),
    st.tuples(st.just("jump_quiet"), st.integers(min_value=-3 * 3600, max_value=3 * 3600)),
    st.tuples(st.just("resume"), st.just(0)),
    st.tuples(st.just("snooze"), st.integers(min_value=1, max_value=30)),
)


@settings(max_examples=60, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2026, 3, 25), max_value=datetime(2026, 11, 1), timezones=st.just(UTC)
    ),
    actions=st.lists(ACTIONS, max_size=25),
    daily_pause=st.booleans(),
)
def test_random_ticks_jumps_and_resumes_never_fire_a_key_twice(start, actions, daily_pause):
    rules = replace(
        default_rules("Europe/London"),
        windows=(
            ProtectedWindow(
                name="Lunch", weekdays=frozenset(range(7)), start=time(12), end=time(13)
            ),
            ProtectedWindow(
                name="Night",
                weekdays=frozenset({6}),
                start=time(1, 30),
                end=time(2, 30),
                heads_up_minutes=45,
            ),
        ),
        daily_pause=DailyPause(at=time(15), enabled=daily_pause),
    )
    rig = Rig(start, rules=rules)
    rig.engine.start()
    for action, amount in actions:
        if action == "run":
            rig.scheduler.advance(amount)
        elif action == "sleep":
            rig.clock.jump_wall(amount)
            rig.engine.on_resume()
        elif action == "jump":
            rig.clock.jump_wall(amount)
            rig.engine.on_clock_changed()
        elif action == "jump_quiet":
            rig.clock.jump_wall(amount)
        elif action == "resume":
            rig.engine.on_resume()
        elif action == "snooze" and rig.fired:
            rig.engine.snooze(rig.fired[-1][0], minutes=amount)
        state = rig.engine.state_to_dict()
        assert json.loads(json.dumps(state)) == state
    rig.scheduler.advance(26 * 3600)
    assert_never_twice_never_late(rig)


# -- bank holidays from an injected source -------------------------------------------------


class PackageDates:
    """A BankHolidaySource that answers from the package's tables and counts the questions."""

    def __init__(self, extra: dict[date, str] | None = None) -> None:
        self.extra = extra or {}
        self.asked: list[tuple[str, int]] = []

    def dates(self, nation: str, year: int) -> dict[date, str]:
        self.asked.append((nation, year))
        table = holidays.country_holidays("GB", subdiv="ENG", years=year)
        out = {d: str(n) for d, n in table.items()}
        out.update({d: n for d, n in self.extra.items() if d.year == year})
        return out


def test_year_with_an_injected_source_fires_exactly_what_the_package_year_fires(year):
    source = PackageDates()
    rig = Rig(local(2026, 1, 1))
    rig.engine = ReminderEngine(default_rules("Europe/London"), rig.clock, rig.scheduler,
                                rig._on_fire, holidays=source)
    rig.engine.start()
    rig.run_until(local(2027, 1, 1))
    assert rig.fired_keys() == year.fired_keys()
    assert [when for _, when in rig.fired] == [when for _, when in year.fired]
    assert sorted(set(source.asked)) == [("england", 2025), ("england", 2026),
                                         ("england", 2027)]
    assert len(source.asked) == len(set(source.asked))  # each year asked once


def test_the_source_decides_and_survives_new_rules():
    staff_day = date(2026, 6, 10)  # a Wednesday, a holiday only in this source
    source = PackageDates({staff_day: "Staff day"})
    rig = Rig(local(2026, 6, 9, 13, 30))
    rig.engine = ReminderEngine(default_rules("Europe/London"), rig.clock, rig.scheduler,
                                rig._on_fire, holidays=source)
    rig.engine.start()
    assert rig.next_key() == "heads_up/Lunch/2026-06-11"
    rig.engine.set_rules(replace(default_rules("Europe/London"), timezone="Europe/London"))
    assert rig.next_key() == "heads_up/Lunch/2026-06-11"
    rig.run_until(local(2026, 6, 12))
    assert not any(key.endswith("/2026-06-10") for key in rig.fired_keys())
    assert "window_start/Lunch/2026-06-11" in rig.fired_keys()
