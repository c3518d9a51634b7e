"""ICS export: parse it back with icalendar and check the recurrences."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from app.core.calendar_export import rules_to_ics
from app.core.reminders import (
    DailyPause,
    JournalReminder,
    ProtectedWindow,
    QuietDays,
    default_rules,
    journal_due_on,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # a Sunday


# icalendar's property types are a wide union; the tests read them dynamically.
def parse(data: bytes) -> Any:
    assert isinstance(data, bytes)
    return icalendar.Calendar.from_ical(data)


def events(cal: Any) -> dict[str, Any]:
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_lunch_is_a_weekly_event_on_working_days_at_local_noon():
    cal = parse(rules_to_ics(default_rules("Europe/London"), NOW))
    lunch = events(cal)["Protected lunch break"]
    rrule = lunch["RRULE"]
    assert rrule["FREQ"] == ["WEEKLY"]
    assert rrule["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    assert "INTERVAL" not in rrule
    start = lunch["DTSTART"]
    assert start.params["TZID"] == "Europe/London"
    assert start.dt.replace(tzinfo=None) == datetime(2026, 11, 23, 12, 0)  # next Monday
    assert lunch["DTEND"].dt.replace(tzinfo=None) == datetime(2026, 11, 23, 13, 0)
    assert "protected" in str(lunch["DESCRIPTION"]).lower()
    assert lunch["DTSTAMP"].dt == NOW
    assert str(lunch["UID"]).endswith("@compassion-companion")
    (alarm,) = lunch.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(minutes=-10)


def test_a_vtimezone_matches_the_tzid():
    cal = parse(rules_to_ics(default_rules("Europe/London"), NOW))
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/London"
    assert cal.get_missing_tzids() == set()
    # Summer instances resolve to BST through the VTIMEZONE.
    start = events(cal)["Protected lunch break"]["DTSTART"].dt
    summer = start.replace(month=7, day=1)
    assert summer.utcoffset() == timedelta(hours=1)


def test_journal_is_fortnightly_on_friday_at_four():
    rules = default_rules("Europe/London")
    cal = parse(rules_to_ics(rules, NOW))
    journal = events(cal)["Leadership journal"]
    rrule = journal["RRULE"]
    assert rrule["FREQ"] == ["WEEKLY"]
    assert rrule["INTERVAL"] == [2]
    assert rrule["BYDAY"] == ["FR"]
    start = journal["DTSTART"]
    assert start.params["TZID"] == "Europe/London"
    assert start.dt.time() == time(16)
    # The first instance is a real journal Friday (the anchor's fortnight), not just any.
    assert journal_due_on(rules.journal, start.dt.date())
    assert start.dt.date() == date(2026, 12, 4)


def test_uids_are_stable_across_exports():
    rules = default_rules("Europe/London")
    first = {str(e["UID"]) for e in parse(rules_to_ics(rules, NOW)).walk("VEVENT")}
    later = {
        str(e["UID"]) for e in parse(rules_to_ics(rules, NOW + timedelta(days=40))).walk("VEVENT")
    }
    assert first == later
    assert len(first) == 2


def test_bank_holidays_and_leave_become_exdates():
    rules = replace(
        default_rules("Europe/London"),
        quiet_days=QuietDays(((date(2027, 2, 15), date(2027, 2, 19)),)),
    )
    lunch = events(parse(rules_to_ics(rules, NOW)))["Protected lunch break"]
    exdates = {d.dt.replace(tzinfo=None) for d in lunch["EXDATE"].dts}
    assert datetime(2026, 12, 25, 12) in exdates
    assert datetime(2026, 12, 28, 12) in exdates  # Boxing Day (observed)
    assert datetime(2027, 2, 17, 12) in exdates  # leave
    assert datetime(2026, 12, 24, 12) not in exdates


def test_disabled_rules_are_left_out_and_other_windows_named():
    rules = replace(
        default_rules("Europe/London"),
        windows=(
            ProtectedWindow(
                name="Lunch",
                weekdays=frozenset(range(5)),
                start=time(12),
                end=time(13),
                enabled=False,
            ),
            ProtectedWindow(
                name="Tea break",
                weekdays=frozenset({1, 3}),
                start=time(15),
                end=time(15, 15),
                heads_up_minutes=0,
            ),
        ),
        journal=JournalReminder(enabled=False),
        daily_pause=DailyPause(at=time(10), enabled=True),
    )
    found = events(parse(rules_to_ics(rules, NOW)))
    assert set(found) == {"Protected tea break", "Pause"}
    tea = found["Protected tea break"]
    assert tea["RRULE"]["BYDAY"] == ["TU", "TH"]
    assert tea.walk("VALARM") == []
    assert tea["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 11, 24, 15)
