"""Reminder rules: validation, dict round trip, occurrences in local time across DST."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from importlib import metadata
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.reminders import (
    NATIONS,
    BankHolidays,
    DailyPause,
    DayFilter,
    HolidaysPackage,
    JournalReminder,
    OccurrenceKind,
    ProtectedWindow,
    QuietDays,
    ReminderRuleError,
    ReminderRules,
    check_nation,
    default_rules,
    local_instant,
    next_occurrences,
    next_protected_break,
    occurrences_between,
    occurrences_on,
    rules_from_dict,
    rules_to_dict,
)

LONDON = ZoneInfo("Europe/London")
WEEK = frozenset(range(5))


def lunch(**changes) -> ProtectedWindow:
    base = ProtectedWindow(name="Lunch", weekdays=WEEK, start=time(12), end=time(13))
    return replace(base, **changes)


def rules(**changes) -> ReminderRules:
    return replace(default_rules("Europe/London"), **changes)


def local(y, m, d, h=0, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=LONDON)


# -- defaults and validation ---------------------------------------------------------------


def test_default_rules():
    r = default_rules("Europe/London")
    (w,) = r.windows
    assert (w.name, w.weekdays, w.start, w.end, w.heads_up_minutes) == (
        "Lunch",
        WEEK,
        time(12),
        time(13),
        10,
    )
    assert (r.journal.every_weeks, r.journal.weekday, r.journal.at) == (2, 4, time(16))
    assert r.journal.anchor.weekday() == 4
    assert r.daily_pause.enabled is False
    assert r.bank_holidays == BankHolidays(skip=True, nation="england")
    assert r.timezone == "Europe/London"


def test_default_time_zone_comes_from_the_system():
    assert ZoneInfo(default_rules().timezone)  # whatever the machine says, it is a real zone


def test_end_before_start_names_the_field():
    with pytest.raises(ReminderRuleError) as err:
        rules(windows=(lunch(end=time(11)),))
    assert err.value.field == "windows[0].end"
    assert str(err.value) == "windows[0].end: expected a time after start 12:00, got 11:00"


def test_end_equal_to_start_is_refused():
    with pytest.raises(ReminderRuleError, match=r"^windows\[0\]\.end: .*got 12:00$"):
        rules(windows=(lunch(end=time(12)),))


def test_overlapping_windows_on_a_shared_weekday_are_refused():
    tea = ProtectedWindow(
        name="Tea", weekdays=frozenset({4, 5}), start=time(12, 30), end=time(12, 45)
    )
    with pytest.raises(ReminderRuleError) as err:
        rules(windows=(lunch(), tea))
    assert err.value.field == "windows[1].start"
    assert "windows[0]" in str(err.value) and "Fri" in str(err.value)


def test_overlapping_times_on_different_weekdays_are_fine():
    weekend = ProtectedWindow(
        name="Weekend lunch", weekdays=frozenset({5, 6}), start=time(12, 30), end=time(13, 30)
    )
    assert len(rules(windows=(lunch(), weekend)).windows) == 2


def test_back_to_back_windows_do_not_overlap():
    after = ProtectedWindow(name="Walk", weekdays=WEEK, start=time(13), end=time(13, 15))
    assert len(rules(windows=(lunch(), after)).windows) == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Europe/Londn"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "../etc/passwd"}, "timezone"),
        ({"windows": (lunch(weekdays=frozenset()),)}, "windows[0].weekdays"),
        ({"windows": (lunch(weekdays=frozenset({7})),)}, "windows[0].weekdays"),
        ({"windows": (lunch(name=" "),)}, "windows[0].name"),
        ({"windows": (lunch(), lunch(weekdays=frozenset({6})))}, "windows[1].name"),
        ({"windows": (lunch(heads_up_minutes=-1),)}, "windows[0].heads_up_minutes"),
        ({"journal": JournalReminder(every_weeks=0)}, "journal.every_weeks"),
        ({"journal": JournalReminder(weekday=7)}, "journal.weekday"),
        ({"daily_pause": DailyPause(enabled=True, weekdays=frozenset())}, "daily_pause.weekdays"),
        ({"quiet_days": QuietDays(((date(2026, 8, 9), date(2026, 8, 1)),))}, "quiet_days[0].end"),
        ({"bank_holidays": BankHolidays(nation="cornwall")}, "bank_holidays.nation"),
    ],
)
def test_each_bad_rule_names_its_field(changes, field):
    with pytest.raises(ReminderRuleError) as err:
        rules(**changes)
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: expected ")
    assert "\n" not in str(err.value)


def test_bad_time_zone_name_from_the_settings_file():
    data = rules_to_dict(default_rules("Europe/London"))
    data["timezone"] = "Mars/Olympus_Mons"
    with pytest.raises(ReminderRuleError) as err:
        rules_from_dict(data)
    assert err.value.field == "timezone"
    assert "Mars/Olympus_Mons" in str(err.value)


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("windows", 0, "start"), "25:00", "windows[0].start"),
        (("windows", 0, "end"), "11:00", "windows[0].end"),
        (("windows", 0, "weekdays"), "weekdays", "windows[0].weekdays"),
        (("windows", 0, "weekdays"), ["Mon", "Funday"], "windows[0].weekdays"),
        (("windows", 0, "heads_up_minutes"), "ten", "windows[0].heads_up_minutes"),
        (("windows", 0, "enabled"), "yes", "windows[0].enabled"),
        (("journal", "every_weeks"), 0, "journal.every_weeks"),
        (("journal", "anchor"), "last Friday", "journal.anchor"),
        (("journal", "at"), 16, "journal.at"),
        (("bank_holidays", "nation"), "Scotland!", "bank_holidays.nation"),
        (("bank_holidays", "skip"), 1, "bank_holidays.skip"),
    ],
)
def test_rules_from_dict_errors_name_the_field(path, value, field):
    data = rules_to_dict(default_rules("Europe/London"))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(ReminderRuleError) as err:
        rules_from_dict(data)
    assert err.value.field == field


def test_rules_from_dict_reports_a_missing_field():
    data = rules_to_dict(default_rules("Europe/London"))
    del data["windows"][0]["start"]
    with pytest.raises(ReminderRuleError) as err:
        rules_from_dict(data)
    assert err.value.field == "windows[0].start"


def test_dict_round_trip_through_json():
    r = ReminderRules(
        windows=(
            lunch(heads_up_minutes=5),
            ProtectedWindow(
                name="Afternoon tea",
                weekdays=frozenset({0, 2}),
                start=time(15, 30),
                end=time(15, 45),
                heads_up_minutes=0,
                enabled=False,
            ),
        ),
        journal=JournalReminder(every_weeks=3, weekday=1, at=time(9, 15), anchor=date(2026, 2, 3)),
        daily_pause=DailyPause(at=time(10, 30), weekdays=frozenset({0, 1, 2}), enabled=True),
        quiet_days=QuietDays(((date(2026, 8, 3), date(2026, 8, 14)), (date(2026, 9, 1),) * 2)),
        bank_holidays=BankHolidays(skip=False, nation="northern-ireland"),
        timezone="Europe/Belfast",
    )
    assert rules_from_dict(json.loads(json.dumps(rules_to_dict(r)))) == r
    assert rules_from_dict(rules_to_dict(default_rules("Europe/London"))) == default_rules(
        "Europe/London"
    )


def test_rules_from_dict_fills_missing_sections_with_defaults():
    r = rules_from_dict({"timezone": "Europe/London"})
    assert r == default_rules("Europe/London")


def test_weekday_names_are_accepted():
    data = rules_to_dict(default_rules("Europe/London"))
    data["windows"][0]["weekdays"] = ["mon", "Wednesday", "FRI"]
    assert rules_from_dict(data).windows[0].weekdays == frozenset({0, 2, 4})


# -- local times and DST -------------------------------------------------------------------


def test_lunch_is_noon_local_on_both_sides_of_the_spring_change():
    r = rules()
    before = occurrences_on(r, date(2026, 3, 27))  # Friday, GMT
    after = occurrences_on(r, date(2026, 3, 30))  # Monday, BST
    for occs, offset in ((before, 0), (after, 1)):
        by_kind = {o.kind: o for o in occs}
        start = by_kind[OccurrenceKind.WINDOW_START].due
        assert start.time() == time(12)
        assert start.utcoffset() == timedelta(hours=offset)
        assert by_kind[OccurrenceKind.HEADS_UP].due.time() == time(11, 50)
        assert by_kind[OccurrenceKind.WINDOW_END].due.time() == time(13)


def test_lunch_is_noon_local_on_both_sides_of_the_autumn_change():
    for day, offset in ((date(2026, 10, 23), 1), (date(2026, 10, 26), 0)):
        start = next(o for o in occurrences_on(rules(), day) if o.kind == "window_start").due
        assert (start.time(), start.utcoffset()) == (time(12), timedelta(hours=offset))


def test_a_wall_time_in_the_spring_gap_moves_to_the_first_valid_instant():
    moved = local_instant(date(2026, 3, 29), time(1, 30), LONDON)
    assert moved == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert moved.astimezone(LONDON).time() == time(2, 0)


def test_an_ambiguous_autumn_wall_time_uses_the_first_occurrence():
    first = local_instant(date(2026, 10, 25), time(1, 30), LONDON)
    assert first.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert first.fold == 0


def test_window_inside_the_gap_on_the_change_day():
    night = ProtectedWindow(
        name="Night break", weekdays=frozenset({6}), start=time(1, 30), end=time(3)
    )
    r = rules(windows=(night,), journal=JournalReminder(enabled=False))
    occs = {o.kind: o for o in occurrences_on(r, date(2026, 3, 29))}
    assert occs[OccurrenceKind.WINDOW_START].due.astimezone(UTC) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )
    # The heads-up is ten real minutes before the (moved) start.
    assert occs[OccurrenceKind.HEADS_UP].due.astimezone(UTC) == datetime(
        2026, 3, 29, 0, 50, tzinfo=UTC
    )


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2037, 12, 31)),
    at=st.times(),
    zone=st.sampled_from(["Europe/London", "America/New_York", "Australia/Lord_Howe", "UTC"]),
)
def test_local_instant_reads_the_wall_time_or_the_first_valid_one_after(day, at, zone):
    tz = ZoneInfo(zone)
    got = local_instant(day, at, tz)
    wanted = datetime.combine(day, at)
    wall = got.astimezone(tz).replace(tzinfo=None)
    if wall != wanted:  # a gap: we moved forward to the first instant that exists
        assert wall > wanted
        just_before = (got.astimezone(UTC) - timedelta(seconds=1)).astimezone(tz)
        assert just_before.replace(tzinfo=None) < wanted


# -- which days, and the journal -----------------------------------------------------------


@pytest.mark.parametrize("day", [date(2026, 12, 25), date(2026, 5, 4), date(2026, 8, 31)])
def test_english_bank_holidays_are_skipped(day):
    assert day in holidays.country_holidays("GB", subdiv="ENG", years=day.year)
    assert occurrences_on(rules(), day) == []
    keep = rules(bank_holidays=BankHolidays(skip=False))
    assert any(o.kind == "window_start" for o in occurrences_on(keep, day))


def test_bank_holidays_follow_the_nation():
    day = date(2026, 1, 2)  # 2 January: a bank holiday in Scotland only
    assert day in holidays.country_holidays("GB", subdiv="SCT", years=2026)
    assert day not in holidays.country_holidays("GB", subdiv="ENG", years=2026)
    england = [o for o in occurrences_on(rules(), day) if o.kind == "window_start"]
    scotland = rules(bank_holidays=BankHolidays(skip=True, nation="scotland"))
    assert len(england) == 1
    assert occurrences_on(scotland, day) == []


def test_quiet_days_are_skipped_inclusive():
    leave = rules(quiet_days=QuietDays(((date(2026, 6, 1), date(2026, 6, 5)),)))
    for n in range(5):
        assert occurrences_on(leave, date(2026, 6, 1) + timedelta(days=n)) == []
    assert occurrences_on(leave, date(2026, 6, 8))


def test_weekends_have_no_lunch():
    assert occurrences_on(rules(), date(2026, 6, 6)) == []
    assert occurrences_on(rules(), date(2026, 6, 7)) == []


def test_journal_every_second_friday_from_the_anchor():
    r = rules(windows=())
    got = next_occurrences(r, local(2026, 1, 1), limit=6)
    assert [o.kind for o in got] == ["journal"] * 6
    days = [o.day for o in got]
    assert days[0] == date(2026, 1, 2)
    assert all(b - a == timedelta(days=14) for a, b in pairwise(days))
    assert all(o.due.time() == time(16) and o.due.weekday() == 4 for o in got)


def test_journal_anchor_week_counts_even_if_the_anchor_is_not_the_weekday():
    r = rules(
        windows=(),
        journal=JournalReminder(every_weeks=3, weekday=1, at=time(9), anchor=date(2026, 3, 5)),
    )
    got = [o.day for o in next_occurrences(r, local(2026, 3, 1), limit=3)]
    assert got == [date(2026, 3, 3), date(2026, 3, 24), date(2026, 4, 14)]


def test_daily_pause_when_enabled():
    r = rules(windows=(), daily_pause=DailyPause(at=time(15), enabled=True))
    got = next_occurrences(r, local(2026, 6, 1), limit=5)
    assert [(o.kind, o.due.time()) for o in got] == [("daily_pause", time(15))] * 5


def test_next_occurrences_are_ordered_and_after_the_instant():
    after = local(2026, 6, 3, 11, 50)  # exactly at the heads-up: strictly after
    got = next_occurrences(rules(), after, limit=4)
    assert [o.key for o in got] == [
        "window_start/Lunch/2026-06-03",
        "window_end/Lunch/2026-06-03",
        "heads_up/Lunch/2026-06-04",
        "window_start/Lunch/2026-06-04",
    ]


def test_occurrences_between_is_half_open():
    got = occurrences_between(rules(), local(2026, 6, 3, 11, 50), local(2026, 6, 3, 13))
    assert [o.kind for o in got] == ["window_start", "window_end"]


def test_expiry_of_each_kind():
    occs = {o.kind: o for o in occurrences_on(rules(), date(2026, 6, 5))}
    assert occs[OccurrenceKind.HEADS_UP].expires == local(2026, 6, 5, 12)
    assert occs[OccurrenceKind.WINDOW_START].expires == local(2026, 6, 5, 13)
    assert occs[OccurrenceKind.WINDOW_END].expires == local(2026, 6, 5, 13, 5)
    assert occs[OccurrenceKind.JOURNAL].expires == local(2026, 6, 6)


def break_start(r: ReminderRules, now: datetime) -> datetime:
    found = next_protected_break(r, now)
    assert found is not None
    return found[0]


def test_next_protected_break_for_the_tooltip():
    r = rules()
    assert next_protected_break(r, local(2026, 6, 5, 9)) == (
        local(2026, 6, 5, 12),
        local(2026, 6, 5, 13),
    )
    # During the break: the current one.
    assert break_start(r, local(2026, 6, 5, 12, 30)) == local(2026, 6, 5, 12)
    # Friday afternoon: Monday's.
    assert break_start(r, local(2026, 6, 5, 13)) == local(2026, 6, 8, 12)
    # Christmas Eve afternoon: past Christmas, the weekend and Boxing Day (observed).
    assert break_start(r, local(2026, 12, 24, 14)) == local(2026, 12, 29, 12)
    assert next_protected_break(rules(windows=()), local(2026, 6, 5)) is None


# -- where bank holidays come from ---------------------------------------------------------


class FakeBankHolidays:
    """A BankHolidaySource with dates given by the test; records what it was asked."""

    def __init__(self, dates: dict[date, str]) -> None:
        self._dates = dates
        self.asked: list[tuple[str, int]] = []

    def dates(self, nation: str, year: int) -> dict[date, str]:
        self.asked.append((nation, year))
        return {d: name for d, name in self._dates.items() if d.year == year}


def test_day_filter_asks_the_injected_source_once_per_year():
    made_up = date(2026, 6, 10)  # a Wednesday no real table lists
    source = FakeBankHolidays({made_up: "Staff day", date(2027, 1, 1): "New Year"})
    days = DayFilter(rules(bank_holidays=BankHolidays(skip=True, nation="wales")), source)
    assert occurrences_on(rules(), made_up, days) == []
    assert days.bank_holiday(made_up) == "Staff day"
    assert days.bank_holiday(date(2026, 12, 25)) is None  # the source says no, so no
    assert days.skipped(date(2027, 1, 1))
    assert source.asked == [("wales", 2026), ("wales", 2027)]


def test_day_filter_with_a_source_asks_nothing_when_holidays_are_not_skipped():
    source = FakeBankHolidays({date(2026, 6, 10): "Staff day"})
    keep = rules(bank_holidays=BankHolidays(skip=False))
    assert occurrences_on(keep, date(2026, 6, 10), DayFilter(keep, source))
    assert source.asked == []


def test_next_break_and_quiet_days_with_an_injected_source():
    source = FakeBankHolidays({date(2026, 6, 10): "Staff day"})
    leave = rules(quiet_days=QuietDays(((date(2026, 6, 11), date(2026, 6, 12)),)))
    span = next_protected_break(leave, local(2026, 6, 9, 14), DayFilter(leave, source))
    # Wed 10: the source's holiday; Thu 11 and Fri 12: leave; then the weekend.
    assert span is not None and span[0] == local(2026, 6, 15, 12)


def test_the_package_source_matches_the_package_table_day_by_day():
    package = HolidaysPackage()
    for nation, subdiv in NATIONS.items():
        table = holidays.country_holidays("GB", subdiv=subdiv, years=range(2024, 2031))
        mine = {d: n for year in range(2024, 2031) for d, n in package.dates(nation, year).items()}
        assert mine == {d: str(n) for d, n in table.items()}, nation
        assert all(d.year == year for year in range(2024, 2031)
                   for d in package.dates(nation, year))


def test_check_nation_accepts_the_four_and_names_anything_else():
    assert [check_nation(n) for n in NATIONS] == list(NATIONS)
    with pytest.raises(ValueError) as bad:
        check_nation("England")
    assert str(bad.value) == ("nation: expected one of england, scotland, wales, "
                              "northern-ireland, got 'England'")
    with pytest.raises(ValueError) as missing:
        check_nation(None)
    assert str(missing.value).endswith("northern-ireland, got nothing")


def test_the_package_source_names_a_bad_nation():
    with pytest.raises(ValueError, match=r"nation: expected one of england.*got 'cornwall'"):
        HolidaysPackage().dates("cornwall", 2026)
    assert HolidaysPackage().version() == metadata.version("holidays")
