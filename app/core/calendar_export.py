"""Export the reminder rules as an iCalendar (.ics) file for Outlook, Google or Apple calendars.

Each enabled protected window becomes a weekly recurring event (RRULE FREQ=WEEKLY;BYDAY=…)
at its local time with a TZID and a matching VTIMEZONE, so a colleague's calendar shows the
break as busy. The journal reminder becomes FREQ=WEEKLY;INTERVAL=N on its weekday, starting
in a week that matches the anchor; the daily pause, when on, a short weekly event.

UIDs are derived from the rule, so importing a fresh export updates the events rather than
duplicating them. Quiet days and skipped bank holidays in the next `exdate_days` days are
written as EXDATEs; later ones are not (re-export to refresh them).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from typing import Final

import icalendar

from app.core.reminders import (
    DayFilter,
    ProtectedWindow,
    ReminderRules,
    journal_due_on,
    local_instant,
)

PRODID: Final = "-//Compassion Companion//Reminders//EN"
UID_DOMAIN: Final = "compassion-companion"
BYDAY: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
JOURNAL_MINUTES: Final = 30
PAUSE_MINUTES: Final = 5
VTIMEZONE_YEARS: Final = 10


def _uid(kind: str, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "rule"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{kind}-{slug}-{digest}@{UID_DOMAIN}"


def window_summary(window: ProtectedWindow) -> str:
    """Return the event title for a window: "Protected lunch break"."""
    name = window.name.strip().lower()
    return f"Protected {name}" if "break" in name else f"Protected {name} break"


def _first_day(today: date, weekdays: frozenset[int]) -> date:
    candidates = (today + timedelta(days=n) for n in range(7))
    return next(day for day in candidates if day.weekday() in weekdays)


def _skipped_days(
    days: DayFilter, today: date, horizon: int, on: frozenset[int] | None, rules: ReminderRules
) -> list[date]:
    out = []
    for n in range(horizon):
        day = today + timedelta(days=n)
        falls = day.weekday() in on if on is not None else journal_due_on(rules.journal, day)
        if falls and days.skipped(day):
            out.append(day)
    return out


def rules_to_ics(rules: ReminderRules, now: datetime, *, exdate_days: int = 366) -> bytes:
    """Return the rules as an iCalendar file (bytes), with events starting from `now`'s day."""
    zone = rules.zone
    today = now.astimezone(zone).date()
    stamp = now.astimezone(UTC)
    days = DayFilter(rules)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Compassion Companion")

    for window in rules.windows:
        if not window.enabled:
            continue
        first = _first_day(today, window.weekdays)
        event = icalendar.Event()
        event.add("uid", _uid("window", window.name))
        event.add("dtstamp", stamp)
        event.add("summary", window_summary(window))
        event.add(
            "description",
            f"This time is protected for your {window.name.lower()} break. "
            "Please do not book meetings in it.",
        )
        event.add("dtstart", local_instant(first, window.start, zone))
        event.add("dtend", local_instant(first, window.end, zone))
        event.add("rrule", {"FREQ": "WEEKLY", "BYDAY": [BYDAY[d] for d in sorted(window.weekdays)]})
        event.add("transp", "OPAQUE")
        skipped = _skipped_days(days, today, exdate_days, window.weekdays, rules)
        if skipped:
            event.add("exdate", [local_instant(d, window.start, zone) for d in skipped])
        if window.heads_up_minutes > 0:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{window_summary(window)} in {window.heads_up_minutes} min")
            alarm.add("trigger", timedelta(minutes=-window.heads_up_minutes))
            event.add_component(alarm)
        cal.add_component(event)

    journal = rules.journal
    if journal.enabled:
        first = next(
            today + timedelta(days=n)
            for n in range(7 * journal.every_weeks)
            if journal_due_on(journal, today + timedelta(days=n))
        )
        event = icalendar.Event()
        event.add("uid", _uid("journal", "leadership journal"))
        event.add("dtstamp", stamp)
        event.add("summary", "Leadership journal")
        weeks = "every week" if journal.every_weeks == 1 else f"every {journal.every_weeks} weeks"
        event.add(
            "description",
            f"Time to write your leadership journal ({weeks}) in Compassion Companion.",
        )
        start = local_instant(first, journal.at, zone)
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=JOURNAL_MINUTES))
        event.add(
            "rrule",
            {"FREQ": "WEEKLY", "INTERVAL": journal.every_weeks, "BYDAY": [BYDAY[journal.weekday]]},
        )
        skipped = _skipped_days(days, today, exdate_days, None, rules)
        if skipped:
            event.add("exdate", [local_instant(d, journal.at, zone) for d in skipped])
        cal.add_component(event)

    pause = rules.daily_pause
    if pause.enabled and pause.weekdays:
        first = _first_day(today, pause.weekdays)
        event = icalendar.Event()
        event.add("uid", _uid("pause", "daily pause"))
        event.add("dtstamp", stamp)
        event.add("summary", "Pause")
        event.add("description", "A short pause for yourself.")
        event.add("dtstart", local_instant(first, pause.at, zone))
        event.add("duration", timedelta(minutes=PAUSE_MINUTES))
        event.add("rrule", {"FREQ": "WEEKLY", "BYDAY": [BYDAY[d] for d in sorted(pause.weekdays)]})
        event.add("transp", "TRANSPARENT")
        skipped = _skipped_days(days, today, exdate_days, pause.weekdays, rules)
        if skipped:
            event.add("exdate", [local_instant(d, pause.at, zone) for d in skipped])
        cal.add_component(event)

    cal.add_missing_timezones(
        first_date=today - timedelta(days=1),
        last_date=today + timedelta(days=366 * VTIMEZONE_YEARS),
    )
    ics: bytes = cal.to_ical()
    return ics
