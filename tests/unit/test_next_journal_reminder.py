"""When the journal reminder next comes: found from the journal rule itself, however far off."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.core.reminders import (
    DayFilter,
    QuietDays,
    default_rules,
    next_journal_reminder,
)

LONDON = ZoneInfo("Europe/London")
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


def journal_rules(**journal):
    base = default_rules("Europe/London")  # lunch breaks every weekday come first
    return replace(base, journal=replace(base.journal, **journal))


def test_a_reminder_every_30_weeks_is_found_behind_months_of_breaks():
    # Anchored Fri 2 Jan 2026: the next one is 30 weeks on. Scanning the first 200
    # occurrences of every kind (about 13 weeks of lunch breaks) never reached it.
    rules = journal_rules(every_weeks=30, anchor=date(2026, 1, 2))
    assert next_journal_reminder(rules, MONDAY_9AM) == datetime(2026, 7, 31, 16, tzinfo=LONDON)


def test_the_next_reminder_is_strictly_after_now():
    rules = journal_rules(every_weeks=2, anchor=date(2026, 1, 2))
    at_due = datetime(2026, 3, 13, 16, 0, tzinfo=LONDON)
    assert next_journal_reminder(rules, at_due) == datetime(2026, 3, 27, 16, tzinfo=LONDON)
    just_before = datetime(2026, 3, 13, 15, 59, tzinfo=LONDON)
    assert next_journal_reminder(rules, just_before) == at_due


def test_a_skipped_day_moves_it_to_the_next_due_day():
    rules = replace(
        journal_rules(every_weeks=2, anchor=date(2026, 1, 2)),
        quiet_days=QuietDays(ranges=((date(2026, 3, 9), date(2026, 3, 13)),)),
    )
    got = next_journal_reminder(rules, MONDAY_9AM, DayFilter(rules))
    assert got == datetime(2026, 3, 27, 16, tzinfo=LONDON)


def test_good_friday_is_skipped_as_a_bank_holiday():
    rules = journal_rules(every_weeks=2, anchor=date(2026, 4, 3), at=time(9))
    got = next_journal_reminder(rules, datetime(2026, 3, 30, 9, tzinfo=LONDON))
    assert got == datetime(2026, 4, 17, 9, tzinfo=LONDON), "Fri 3 Apr 2026 is Good Friday"


def test_none_when_the_journal_reminder_is_off():
    assert next_journal_reminder(journal_rules(enabled=False), MONDAY_9AM) is None


def test_none_when_every_due_day_in_the_coming_year_is_quiet():
    rules = replace(
        journal_rules(every_weeks=1),
        quiet_days=QuietDays(ranges=((date(2026, 1, 1), date(2027, 12, 31)),)),
    )
    assert next_journal_reminder(rules, MONDAY_9AM) is None

