"""Reminder rules as data, and the due times they produce, computed from the wall clock.

A rule says *when* something happens in local wall time ("Lunch, Mon–Fri 12:00–13:00");
the functions here turn rules into concrete instants (`Occurrence`) in the rules' time
zone with zoneinfo, so daylight saving is right by construction: 12:00 is 12:00 local on
both sides of a clock change.

Wall times that do not exist (the spring-forward gap) move to the first valid instant
after them (the moment the clocks change); ambiguous ones (the repeated autumn hour) use
the first occurrence (fold=0).

Every occurrence carries a stable `key` (kind, rule name, local date, snooze count) so the
engine can make sure nothing fires twice, and an `expires` instant after which firing it
would be pointless ("heads-up" after the break started, "break starts" after it ended):
the engine fires a missed occurrence only while `due <= now < expires`.

Aware datetimes that share a tzinfo compare and subtract by *wall time* in Python, which
is wrong across a clock change; everything here compares with `timestamp()` instead.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FORMAT_VERSION: Final = 1
DEFAULT_TIMEZONE: Final = "Europe/London"
WEEKDAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WORKING_WEEK: Final = frozenset(range(5))

MAX_HEADS_UP_MINUTES: Final = 12 * 60
MAX_EVERY_WEEKS: Final = 52
#: How long after its due time a missed "break ends" reminder is still worth showing.
WINDOW_END_GRACE: Final = timedelta(minutes=5)
#: How long after its due time a missed daily pause is still worth showing.
DAILY_PAUSE_GRACE: Final = timedelta(minutes=30)
#: How long after its due time a missed snoozed reminder is still worth showing.
SNOOZE_GRACE: Final = timedelta(minutes=5)
#: How far ahead the search for the next occurrence looks before giving up.
HORIZON_DAYS: Final = 400

NATIONS: Final = MappingProxyType(
    {"england": "ENG", "scotland": "SCT", "wales": "WLS", "northern-ireland": "NIR"}
)

JOURNAL_RULE: Final = "journal"
DAILY_PAUSE_RULE: Final = "daily-pause"


class ReminderRuleError(ValueError):
    """A rule that cannot be used; `field` names it ("windows[0].end")."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class OccurrenceKind(StrEnum):
    """What a due event is."""

    HEADS_UP = "heads_up"
    WINDOW_START = "window_start"
    WINDOW_END = "window_end"
    JOURNAL = "journal"
    DAILY_PAUSE = "daily_pause"


# Order of events due at the same instant: a break that ends before the next one starts.
_KIND_ORDER: Final = MappingProxyType(
    {
        OccurrenceKind.WINDOW_END: 0,
        OccurrenceKind.HEADS_UP: 1,
        OccurrenceKind.WINDOW_START: 2,
        OccurrenceKind.JOURNAL: 3,
        OccurrenceKind.DAILY_PAUSE: 4,
    }
)
WINDOW_KINDS: Final = frozenset(
    {OccurrenceKind.HEADS_UP, OccurrenceKind.WINDOW_START, OccurrenceKind.WINDOW_END}
)


# ---------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtectedWindow:
    """A protected break on some weekdays, e.g. lunch Mon–Fri 12:00–13:00."""

    name: str
    weekdays: frozenset[int]  # 0 = Monday
    start: time
    end: time
    heads_up_minutes: int = 10  # 0: no heads-up
    enabled: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class JournalReminder:
    """Every `every_weeks` weeks on `weekday` at `at`, counting weeks from `anchor`'s week."""

    every_weeks: int = 2
    weekday: int = 4
    at: time = time(16, 0)
    anchor: date = date(2026, 1, 2)  # a Friday; the app sets it to the first reminder
    enabled: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyPause:
    """A short pause prompt at a fixed time on some weekdays (off by default)."""

    at: time = time(15, 0)
    weekdays: frozenset[int] = WORKING_WEEK
    enabled: bool = False


@dataclass(frozen=True, slots=True)
class QuietDays:
    """Leave: inclusive (first, last) date ranges on which no reminder fires."""

    ranges: tuple[tuple[date, date], ...] = ()

    def contains(self, day: date) -> bool:
        """Return whether `day` falls in one of the ranges."""
        return any(first <= day <= last for first, last in self.ranges)


@dataclass(frozen=True, slots=True)
class BankHolidays:
    """Whether to skip reminders on the UK bank holidays of one nation."""

    skip: bool = True
    nation: str = "england"  # england, scotland, wales, northern-ireland


def system_timezone_name(fallback: str = DEFAULT_TIMEZONE) -> str:
    """Return the system's IANA zone name (TZ, /etc/timezone, /etc/localtime), or `fallback`.

    Windows has no IANA name of its own; there the fallback is used.
    """
    candidates: list[str] = []
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        candidates.append(env.split("/zoneinfo/")[-1])
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    try:
        target = str(Path("/etc/localtime").resolve())
        if "/zoneinfo/" in target:
            candidates.append(target.split("/zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        if name and _zone_or_none(name) is not None:
            return name
    return fallback


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderRules:
    """All reminder rules and the time zone they are read in; validated on construction."""

    windows: tuple[ProtectedWindow, ...] = ()
    journal: JournalReminder = field(default_factory=JournalReminder)
    daily_pause: DailyPause = field(default_factory=DailyPause)
    quiet_days: QuietDays = field(default_factory=QuietDays)
    bank_holidays: BankHolidays = field(default_factory=BankHolidays)
    timezone: str = field(default_factory=system_timezone_name)

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def zone(self) -> ZoneInfo:
        """The rules' time zone."""
        return ZoneInfo(self.timezone)


def default_rules(timezone: str | None = None) -> ReminderRules:
    """Lunch protected Mon–Fri 12:00–13:00 with a 10-minute heads-up; journal fortnightly."""
    return ReminderRules(
        windows=(
            ProtectedWindow(
                name="Lunch",
                weekdays=WORKING_WEEK,
                start=time(12),
                end=time(13),
                heads_up_minutes=10,
            ),
        ),
        journal=JournalReminder(every_weeks=2, weekday=4, at=time(16)),
        daily_pause=DailyPause(enabled=False),
        quiet_days=QuietDays(),
        bank_holidays=BankHolidays(skip=True, nation="england"),
        timezone=timezone if timezone is not None else system_timezone_name(),
    )


def _zone_or_none(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return None


def _hhmm(t: time) -> str:
    return t.isoformat(timespec="minutes" if t.second == 0 and t.microsecond == 0 else "seconds")


def _days_text(days: Iterable[int]) -> str:
    return ", ".join(WEEKDAY_NAMES[d] for d in sorted(days))


def _check_weekdays(days: object, where: str, *, allow_empty: bool = False) -> None:
    if not isinstance(days, frozenset) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days
    ):
        raise ReminderRuleError(where, f"expected weekday numbers 0 (Mon) to 6 (Sun), got {days!r}")
    if not days and not allow_empty:
        raise ReminderRuleError(where, "expected at least one weekday, got none")


def _check_time(value: object, where: str) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ReminderRuleError(where, f"expected a local time of day, got {value!r}")


def _check_int(value: object, where: str, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ReminderRuleError(
            where, f"expected a whole number from {low} to {high}, got {value!r}"
        )


def _check_bool(value: object, where: str) -> None:
    if not isinstance(value, bool):
        raise ReminderRuleError(where, f"expected true or false, got {value!r}")


def _validate(rules: ReminderRules) -> None:
    if not isinstance(rules.timezone, str) or _zone_or_none(rules.timezone) is None:
        raise ReminderRuleError(
            "timezone",
            f"expected an IANA time zone such as 'Europe/London', got {rules.timezone!r}",
        )
    names: dict[str, int] = {}
    for i, w in enumerate(rules.windows):
        where = f"windows[{i}]"
        if not isinstance(w.name, str) or not w.name.strip():
            raise ReminderRuleError(f"{where}.name", f"expected a non-empty name, got {w.name!r}")
        if w.name in names:
            raise ReminderRuleError(
                f"{where}.name",
                f"expected a unique name, {w.name!r} is already used by windows[{names[w.name]}]",
            )
        names[w.name] = i
        _check_weekdays(w.weekdays, f"{where}.weekdays")
        _check_time(w.start, f"{where}.start")
        _check_time(w.end, f"{where}.end")
        if w.end <= w.start:
            raise ReminderRuleError(
                f"{where}.end",
                f"expected a time after start {_hhmm(w.start)}, got {_hhmm(w.end)}",
            )
        _check_int(w.heads_up_minutes, f"{where}.heads_up_minutes", 0, MAX_HEADS_UP_MINUTES)
        _check_bool(w.enabled, f"{where}.enabled")
    for k, b in enumerate(rules.windows):
        for i, a in enumerate(rules.windows[:k]):
            shared = a.weekdays & b.weekdays
            if a.enabled and b.enabled and shared and a.start < b.end and b.start < a.end:
                raise ReminderRuleError(
                    f"windows[{k}].start",
                    f"expected no overlap with windows[{i}] ({a.name!r}, "
                    f"{_hhmm(a.start)}–{_hhmm(a.end)}) on {_days_text(shared)}, "
                    f"got {_hhmm(b.start)}–{_hhmm(b.end)}",
                )
    j = rules.journal
    _check_int(j.every_weeks, "journal.every_weeks", 1, MAX_EVERY_WEEKS)
    _check_int(j.weekday, "journal.weekday", 0, 6)
    _check_time(j.at, "journal.at")
    if not isinstance(j.anchor, date) or isinstance(j.anchor, datetime):
        raise ReminderRuleError("journal.anchor", f"expected a date, got {j.anchor!r}")
    _check_bool(j.enabled, "journal.enabled")
    p = rules.daily_pause
    _check_time(p.at, "daily_pause.at")
    _check_bool(p.enabled, "daily_pause.enabled")
    _check_weekdays(p.weekdays, "daily_pause.weekdays", allow_empty=not p.enabled)
    for i, (first, last) in enumerate(rules.quiet_days.ranges):
        if last < first:
            raise ReminderRuleError(
                f"quiet_days[{i}].end",
                f"expected a date on or after start {first.isoformat()}, got {last.isoformat()}",
            )
    _check_bool(rules.bank_holidays.skip, "bank_holidays.skip")
    if rules.bank_holidays.nation not in NATIONS:
        raise ReminderRuleError(
            "bank_holidays.nation",
            f"expected one of {', '.join(NATIONS)}, got {rules.bank_holidays.nation!r}",
        )


# ---------------------------------------------------------------------------------------
# Plain dicts for the settings file


def rules_to_dict(rules: ReminderRules) -> dict[str, Any]:
    """Return the rules as a JSON-able dict; `rules_from_dict` reads it back."""
    return {
        "format": FORMAT_VERSION,
        "timezone": rules.timezone,
        "windows": [
            {
                "name": w.name,
                "weekdays": sorted(w.weekdays),
                "start": _hhmm(w.start),
                "end": _hhmm(w.end),
                "heads_up_minutes": w.heads_up_minutes,
                "enabled": w.enabled,
            }
            for w in rules.windows
        ],
        "journal": {
            "every_weeks": rules.journal.every_weeks,
            "weekday": rules.journal.weekday,
            "at": _hhmm(rules.journal.at),
            "anchor": rules.journal.anchor.isoformat(),
            "enabled": rules.journal.enabled,
        },
        "daily_pause": {
            "at": _hhmm(rules.daily_pause.at),
            "weekdays": sorted(rules.daily_pause.weekdays),
            "enabled": rules.daily_pause.enabled,
        },
        "quiet_days": [
            {"start": first.isoformat(), "end": last.isoformat()}
            for first, last in rules.quiet_days.ranges
        ],
        "bank_holidays": {"skip": rules.bank_holidays.skip, "nation": rules.bank_holidays.nation},
    }


_MISSING: Final = object()


def _section(d: Mapping[str, Any], key: str, where: str) -> Any:
    value = d.get(key, _MISSING)
    if value is _MISSING:
        raise ReminderRuleError(f"{where}{key}", "expected a value, got nothing")
    return value


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ReminderRuleError(where, f"expected a table of settings, got {value!r}")
    return value


def _parse_time(value: object, where: str) -> time:
    if isinstance(value, str):
        try:
            parsed = time.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None:
                return parsed
    raise ReminderRuleError(where, f"expected a time as HH:MM, got {value!r}")


def _parse_date(value: object, where: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ReminderRuleError(where, f"expected a date as YYYY-MM-DD, got {value!r}")


def _parse_weekdays(value: object, where: str) -> frozenset[int]:
    out: set[int] = set()
    items = value if isinstance(value, list | tuple) else None
    for item in items if items is not None else ():
        if isinstance(item, int) and not isinstance(item, bool) and 0 <= item <= 6:
            out.add(item)
        elif isinstance(item, str) and item[:3].title() in WEEKDAY_NAMES:
            out.add(WEEKDAY_NAMES.index(item[:3].title()))
        else:
            items = None
            break
    if items is None:
        raise ReminderRuleError(
            where, f"expected a list of weekdays 0 (Mon) to 6 (Sun) or names, got {value!r}"
        )
    return frozenset(out)


def _plain(value: object, kind: type, where: str, expected: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ReminderRuleError(where, f"expected {expected}, got {value!r}")
    return value


def rules_from_dict(d: Mapping[str, Any]) -> ReminderRules:
    """Rules from a settings dict; missing sections take their defaults.

    Unknown keys are ignored (a newer version may have written them). Raises
    ReminderRuleError naming the first bad field.
    """
    d = _mapping(d, "rules")
    base = default_rules(timezone=DEFAULT_TIMEZONE)
    timezone = d.get("timezone", _MISSING)
    if timezone is _MISSING:
        timezone = system_timezone_name()
    timezone = _plain(timezone, str, "timezone", "an IANA time zone such as 'Europe/London'")

    windows: list[ProtectedWindow] = []
    raw_windows = d.get("windows", _MISSING)
    if raw_windows is _MISSING:
        windows = list(base.windows)
    else:
        _plain(raw_windows, list, "windows", "a list of protected windows")
        for i, raw in enumerate(raw_windows):
            where = f"windows[{i}]"
            w = _mapping(raw, where)
            windows.append(
                ProtectedWindow(
                    name=_plain(_section(w, "name", f"{where}."), str, f"{where}.name", "a name"),
                    weekdays=_parse_weekdays(
                        _section(w, "weekdays", f"{where}."), f"{where}.weekdays"
                    ),
                    start=_parse_time(_section(w, "start", f"{where}."), f"{where}.start"),
                    end=_parse_time(_section(w, "end", f"{where}."), f"{where}.end"),
                    heads_up_minutes=_plain(
                        w.get("heads_up_minutes", 10),
                        int,
                        f"{where}.heads_up_minutes",
                        "a whole number of minutes",
                    ),
                    enabled=_plain(
                        w.get("enabled", True), bool, f"{where}.enabled", "true or false"
                    ),
                )
            )

    j = _mapping(d.get("journal", {}), "journal")
    journal = JournalReminder(
        every_weeks=_plain(
            j.get("every_weeks", base.journal.every_weeks),
            int,
            "journal.every_weeks",
            "a whole number of weeks",
        ),
        weekday=_plain(
            j.get("weekday", base.journal.weekday),
            int,
            "journal.weekday",
            "a weekday 0 (Mon) to 6 (Sun)",
        ),
        at=_parse_time(j["at"], "journal.at") if "at" in j else base.journal.at,
        anchor=_parse_date(j["anchor"], "journal.anchor") if "anchor" in j else base.journal.anchor,
        enabled=_plain(
            j.get("enabled", base.journal.enabled), bool, "journal.enabled", "true or false"
        ),
    )

    p = _mapping(d.get("daily_pause", {}), "daily_pause")
    daily_pause = DailyPause(
        at=_parse_time(p["at"], "daily_pause.at") if "at" in p else base.daily_pause.at,
        weekdays=(
            _parse_weekdays(p["weekdays"], "daily_pause.weekdays")
            if "weekdays" in p
            else base.daily_pause.weekdays
        ),
        enabled=_plain(
            p.get("enabled", base.daily_pause.enabled), bool, "daily_pause.enabled", "true or false"
        ),
    )

    raw_quiet = _plain(d.get("quiet_days", []), list, "quiet_days", "a list of date ranges")
    ranges: list[tuple[date, date]] = []
    for i, raw in enumerate(raw_quiet):
        q = _mapping(raw, f"quiet_days[{i}]")
        first = _parse_date(_section(q, "start", f"quiet_days[{i}]."), f"quiet_days[{i}].start")
        last = _parse_date(q["end"], f"quiet_days[{i}].end") if "end" in q else first
        ranges.append((first, last))

    b = _mapping(d.get("bank_holidays", {}), "bank_holidays")
    bank = BankHolidays(
        skip=_plain(
            b.get("skip", base.bank_holidays.skip), bool, "bank_holidays.skip", "true or false"
        ),
        nation=_plain(
            b.get("nation", base.bank_holidays.nation),
            str,
            "bank_holidays.nation",
            f"one of {', '.join(NATIONS)}",
        ),
    )
    return ReminderRules(
        windows=tuple(windows),
        journal=journal,
        daily_pause=daily_pause,
        quiet_days=QuietDays(tuple(ranges)),
        bank_holidays=bank,
        timezone=timezone,
    )


# ---------------------------------------------------------------------------------------
# Occurrences


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One due reminder: what, for which rule and local day, when, and until when.

    Datetimes are aware, in the rules' time zone. Compare them with `timestamp()`:
    Python compares aware datetimes with the same tzinfo by wall time.
    """

    kind: OccurrenceKind
    rule: str  # the window's name, JOURNAL_RULE or DAILY_PAUSE_RULE
    day: date  # the local date of the window / journal day the reminder belongs to
    due: datetime
    expires: datetime  # firing at or after this instant would be pointless
    window_start: datetime | None = None
    window_end: datetime | None = None
    snooze: int = 0  # 0: the original; n: its n-th snoozed repeat

    @property
    def key(self) -> str:
        """Stable identity: the same reminder has the same key whenever it is computed."""
        base = f"{self.kind.value}/{self.rule}/{self.day.isoformat()}"
        return f"{base}/snooze{self.snooze}" if self.snooze else base

    def is_open(self, now: datetime) -> bool:
        """Whether firing at `now` is still timely (due <= now < expires)."""
        t = now.timestamp()
        return self.due.timestamp() <= t < self.expires.timestamp()

    def sort_key(self) -> tuple[float, int, str, str]:
        """Due order; a break ending sorts before one starting at the same instant."""
        return (self.due.timestamp(), _KIND_ORDER[self.kind], self.rule, self.day.isoformat())


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Return the instant the wall clock in `zone` reads `at` on `day`.

    A wall time inside a spring-forward gap becomes the first valid instant after it (the
    transition itself); an ambiguous autumn time is its first occurrence (fold=0).
    """
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0)
    utc = first.astimezone(UTC)
    local = utc.astimezone(zone)
    if local.replace(tzinfo=None) == naive:
        return local
    # In a gap: the two folds bracket the transition. Find it to the second.
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    lo, hi = sorted((int(utc.timestamp()), int(second.timestamp())))
    after_offset = datetime.fromtimestamp(hi, zone).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).utcoffset() == after_offset:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, zone)


def _shift(instant: datetime, delta: timedelta, zone: ZoneInfo) -> datetime:
    """Absolute-time arithmetic (aware + timedelta in Python is wall-time arithmetic)."""
    return (instant.astimezone(UTC) + delta).astimezone(zone)


def journal_due_on(journal: JournalReminder, day: date) -> bool:
    """Whether the journal reminder falls on `day` (every N weeks from the anchor's week)."""
    if not journal.enabled or day.weekday() != journal.weekday:
        return False
    anchor_monday = journal.anchor - timedelta(days=journal.anchor.weekday())
    weeks = (day - anchor_monday).days // 7
    return weeks % journal.every_weeks == 0


def check_nation(nation: str | None) -> str:
    """`nation` if it is a key of NATIONS; else ValueError "nation: expected one of ..."."""
    if nation is None or nation not in NATIONS:
        got = "nothing" if nation is None else repr(nation)
        raise ValueError(f"nation: expected one of {', '.join(NATIONS)}, got {got}")
    return nation


class BankHolidaySource(Protocol):
    """Where the bank-holiday dates come from.

    The holidays package itself (`HolidaysPackage`) for the command line and the tests; the
    GUI passes a cache of what the package said, so its long-running process never loads
    the package's tables (every country's calendar, ~24 MiB that is never given back).
    """

    def dates(self, nation: str, year: int) -> Mapping[date, str]:
        """The bank holidays of `nation` (a key of NATIONS) in `year`: date -> name."""
        ...


class HolidaysPackage:
    """Bank holidays straight from the holidays package, imported on first use."""

    def dates(self, nation: str, year: int) -> Mapping[date, str]:
        """The package's table for one nation and year (date -> name)."""
        subdiv = NATIONS[check_nation(nation)]
        import holidays  # every country's tables: loaded only when a date is asked about

        table = holidays.country_holidays("GB", subdiv=subdiv, years=year)
        return MappingProxyType({day: str(name) for day, name in table.items()})

    def version(self) -> str:
        """The holidays package's version (its tables change between versions)."""
        from holidays.version import __version__

        return str(__version__)


class DayFilter:
    """Which local dates are skipped: quiet days, and bank holidays when chosen.

    Keeps each year's bank holidays once asked for, so a caller computing many days (the
    engine) asks `holidays` once per year per rules. `holidays`: where the dates come from;
    the holidays package itself when none is given.
    """

    def __init__(self, rules: ReminderRules, holidays: BankHolidaySource | None = None) -> None:
        self._quiet = rules.quiet_days
        self._bank = rules.bank_holidays
        self._source: BankHolidaySource = holidays if holidays is not None else HolidaysPackage()
        self._years: dict[int, Mapping[date, str]] = {}

    def bank_holiday(self, day: date) -> str | None:
        """Return the bank holiday's name on `day` for the chosen nation, or None."""
        dates = self._years.get(day.year)
        if dates is None:
            dates = self._years[day.year] = self._source.dates(self._bank.nation, day.year)
        return dates.get(day)

    def skipped(self, day: date) -> bool:
        """Return whether no reminder fires on `day`."""
        if self._quiet.contains(day):
            return True
        return self._bank.skip and self.bank_holiday(day) is not None


def occurrences_on(
    rules: ReminderRules, day: date, days: DayFilter | None = None
) -> list[Occurrence]:
    """Every occurrence belonging to local date `day` (a heads-up may fall the day before)."""
    days = days if days is not None else DayFilter(rules)
    if days.skipped(day):
        return []
    zone = rules.zone
    out: list[Occurrence] = []
    weekday = day.weekday()
    for w in rules.windows:
        if not w.enabled or weekday not in w.weekdays:
            continue
        start = local_instant(day, w.start, zone)
        end = local_instant(day, w.end, zone)
        if w.heads_up_minutes > 0:
            out.append(
                Occurrence(
                    OccurrenceKind.HEADS_UP,
                    w.name,
                    day,
                    _shift(start, -timedelta(minutes=w.heads_up_minutes), zone),
                    start,
                    start,
                    end,
                )
            )
        out.append(Occurrence(OccurrenceKind.WINDOW_START, w.name, day, start, end, start, end))
        out.append(
            Occurrence(
                OccurrenceKind.WINDOW_END,
                w.name,
                day,
                end,
                _shift(end, WINDOW_END_GRACE, zone),
                start,
                end,
            )
        )
    if journal_due_on(rules.journal, day):
        due = local_instant(day, rules.journal.at, zone)
        # Grace: the rest of that local day.
        end_of_day = local_instant(day + timedelta(days=1), time(0), zone)
        out.append(Occurrence(OccurrenceKind.JOURNAL, JOURNAL_RULE, day, due, end_of_day))
    pause = rules.daily_pause
    if pause.enabled and weekday in pause.weekdays:
        due = local_instant(day, pause.at, zone)
        out.append(
            Occurrence(
                OccurrenceKind.DAILY_PAUSE,
                DAILY_PAUSE_RULE,
                day,
                due,
                _shift(due, DAILY_PAUSE_GRACE, zone),
            )
        )
    return out


def _days_from(first: date) -> Iterator[date]:
    day = first
    while True:
        yield day
        day += timedelta(days=1)


def occurrences_between(
    rules: ReminderRules, after: datetime, until: datetime, days: DayFilter | None = None
) -> list[Occurrence]:
    """Occurrences with after < due <= until, in due order."""
    days = days if days is not None else DayFilter(rules)
    zone = rules.zone
    lo, hi = after.timestamp(), until.timestamp()
    if hi <= lo:
        return []
    # A heads-up may fall up to 12 hours before its window's day: look one day either side.
    first = after.astimezone(zone).date() - timedelta(days=1)
    last = until.astimezone(zone).date() + timedelta(days=1)
    out: list[Occurrence] = []
    for day in _days_from(first):
        if day > last:
            break
        out.extend(o for o in occurrences_on(rules, day, days) if lo < o.due.timestamp() <= hi)
    out.sort(key=Occurrence.sort_key)
    return out


def next_occurrences(
    rules: ReminderRules,
    after: datetime,
    limit: int = 10,
    days: DayFilter | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> list[Occurrence]:
    """Return the first `limit` occurrences due strictly after `after`, in due order."""
    days = days if days is not None else DayFilter(rules)
    lo = after.timestamp()
    first = after.astimezone(rules.zone).date() - timedelta(days=1)
    found: list[Occurrence] = []
    extra_day_done = False
    for n, day in enumerate(_days_from(first)):
        if n > horizon_days:
            break
        found.extend(o for o in occurrences_on(rules, day, days) if o.due.timestamp() > lo)
        if len(found) >= limit:
            # Tomorrow's heads-up may come before today's last event: look one day more.
            if extra_day_done:
                break
            extra_day_done = True
    found.sort(key=Occurrence.sort_key)
    return found[:limit]


def next_protected_break(
    rules: ReminderRules, now: datetime, days: DayFilter | None = None
) -> tuple[datetime, datetime] | None:
    """(start, end) of the protected break under way at `now`, else of the next one."""
    days = days if days is not None else DayFilter(rules)
    zone = rules.zone
    t = now.timestamp()
    first = now.astimezone(zone).date()
    for n, day in enumerate(_days_from(first)):
        if n > HORIZON_DAYS:
            break
        if days.skipped(day):
            continue
        spans = sorted(
            (
                (local_instant(day, w.start, zone), local_instant(day, w.end, zone))
                for w in rules.windows
                if w.enabled and day.weekday() in w.weekdays
            ),
            key=lambda span: span[0].timestamp(),
        )
        for start, end in spans:
            if end.timestamp() > t:
                return start, end
    return None


def next_journal_reminder(
    rules: ReminderRules, now: datetime, days: DayFilter | None = None
) -> datetime | None:
    """When the journal reminder is next due after `now` (None: off, or none within a year).

    Looks at the journal rule alone, so a reminder every 30 weeks is found however many
    breaks come first.
    """
    journal = rules.journal
    if not journal.enabled:
        return None
    days = days if days is not None else DayFilter(rules)
    zone = rules.zone
    t = now.timestamp()
    for n, day in enumerate(_days_from(now.astimezone(zone).date())):
        if n > HORIZON_DAYS:
            break
        if days.skipped(day) or not journal_due_on(journal, day):
            continue
        due = local_instant(day, journal.at, zone)
        if due.timestamp() > t:
            return due
    return None
