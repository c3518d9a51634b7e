"""`reminders list | next | export-ics | bank-holidays`: the reminder rules, in a shell.

Read-only: a broken settings file is reported in one line naming the field (exit 2) and
left exactly where it is; when there are no rules yet the defaults are used and the command
says so on stderr. The reminder core (holidays tables, icalendar) is imported only when a
reminders command runs, so other commands stay quick.

`bank-holidays` prints the holidays package's dates for a nation and some years. The app runs
it as a child process to fill its bank-holiday cache (app/storage/bank_holiday_cache.py), so
the long-running GUI never loads the package's tables itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from app import APP_SLUG

if TYPE_CHECKING:
    from app.core.reminders import Occurrence, ReminderRules
    from app.platform.paths import AppPaths

EXIT_OK: Final = 0
EXIT_BAD_INPUT: Final = 2
MAX_COUNT: Final = 500
DEFAULT_COUNT: Final = 10
FIRST_YEAR: Final = 1950
LAST_YEAR: Final = 2200
MAX_YEARS: Final = 50


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_COUNT:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {MAX_COUNT}, got {text!r}"
        )
    return value


def add_reminder_commands(commands: Any) -> None:
    """Add `reminders` and its actions to the top-level subparsers."""
    reminders = commands.add_parser(
        "reminders", help="show the reminder rules, the next reminders, or export a calendar"
    )
    actions = reminders.add_subparsers(dest="reminders_command", metavar="ACTION", required=True)
    actions.add_parser("list", help="one line per rule: breaks, journal, pause, leave, holidays")
    upcoming = actions.add_parser("next", help="the next reminders, in local time")
    upcoming.add_argument(
        "--count", "-n", type=_count, default=DEFAULT_COUNT, metavar="N",
        help=f"how many to show (default {DEFAULT_COUNT})",
    )
    export = actions.add_parser(
        "export-ics", help="write the rules as an iCalendar file for Outlook, Google or Apple"
    )
    export.add_argument("--out", required=True, type=Path, metavar="PATH",
                        help="the .ics file to write (an earlier export there is replaced)")
    bank = actions.add_parser(
        "bank-holidays",
        help="the UK bank holidays of one nation in the years given",
        description="Print the bank holidays the reminders skip, for one nation of the UK and "
        "one or more years. The app runs this itself to keep its list of dates up to date.",
    )
    bank.add_argument("--nation", metavar="NATION",
                      help="england, scotland, wales or northern-ireland (required)")
    bank.add_argument("--years", nargs="+", default=[], metavar="YEAR",
                      help=f"one or more years from {FIRST_YEAR} to {LAST_YEAR} (required)")
    bank.add_argument("--json", action="store_true",
                      help='print one JSON object: {"holidays_version", "nation", "years": '
                      '{"YYYY": {"YYYY-MM-DD": name}}}')


@dataclass(frozen=True, slots=True)
class LoadedRules:
    """The rules to use, and a note for stderr when they are the defaults."""

    rules: ReminderRules
    note: str = ""


class RulesUnreadable(Exception):
    """The settings file or its rules cannot be used; the message is one line."""


def load_rules(settings_file: Path) -> LoadedRules:
    """Rules from the settings file; defaults (with a note) when there are none yet."""
    from app.core.reminders import ReminderRuleError, default_rules, rules_from_dict
    from app.core.settings import SettingsError
    from app.storage.settings_store import SettingsStore

    try:
        settings = SettingsStore(settings_file).read()
    except json.JSONDecodeError as exc:
        raise RulesUnreadable(
            f"{settings_file}: (file): expected JSON, got an error at line {exc.lineno} "
            f"column {exc.colno}: {exc.msg}"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesUnreadable(f"{settings_file}: (file): could not read it: {exc}") from exc
    except SettingsError as exc:  # a field, or "(file): expected a JSON object at the top level"
        raise RulesUnreadable(f"{settings_file}: {exc}") from exc
    if settings is None:
        return LoadedRules(
            default_rules(), f"note: no settings file at {settings_file}; using the default rules"
        )
    if not settings.reminders:
        return LoadedRules(
            default_rules(),
            f"note: {settings_file} has no reminder rules yet; using the default rules",
        )
    try:
        return LoadedRules(rules_from_dict(settings.reminders))
    except ReminderRuleError as exc:
        raise RulesUnreadable(f"{settings_file}: reminders.{exc.field}: {exc.message}") from exc


def _weekdays(days: frozenset[int]) -> str:
    from app.core.reminders import WEEKDAY_NAMES

    ordered = sorted(days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{WEEKDAY_NAMES[ordered[0]]}–{WEEKDAY_NAMES[ordered[-1]]}"
    return ", ".join(WEEKDAY_NAMES[d] for d in ordered)


def _hhmm(value: Any) -> str:
    return str(value.strftime("%H:%M"))


def describe_rules(rules: ReminderRules, system_zone: str) -> list[str]:
    """One readable line per rule, in a fixed order."""
    from app.core.reminders import WEEKDAY_NAMES

    lines: list[str] = []
    for w in rules.windows:
        heads_up = f"heads-up {w.heads_up_minutes} min before" if w.heads_up_minutes else (
            "no heads-up")
        state = "" if w.enabled else " (off)"
        lines.append(f"break      {w.name}: {_weekdays(w.weekdays)} "
                     f"{_hhmm(w.start)}–{_hhmm(w.end)}, {heads_up}{state}")
    if not rules.windows:
        lines.append("break      none")
    j = rules.journal
    every = "every week" if j.every_weeks == 1 else f"every {j.every_weeks} weeks"
    lines.append(
        f"journal    {every} on {WEEKDAY_NAMES[j.weekday]} at {_hhmm(j.at)}, "
        f"counting from the week of {j.anchor.isoformat()}" + ("" if j.enabled else " (off)")
    )
    p = rules.daily_pause
    lines.append(f"pause      {_weekdays(p.weekdays)} at {_hhmm(p.at)}" if p.enabled
                 else "pause      off")
    for first, last in rules.quiet_days.ranges:
        span = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
        lines.append(f"leave      {span}")
    b = rules.bank_holidays
    nation = b.nation.replace("-", " ").title()
    lines.append(f"holidays   skipped ({nation} bank holidays)" if b.skip
                 else "holidays   not skipped")
    whose = " (this computer's)" if rules.timezone == system_zone else ""
    lines.append(f"time zone  {rules.timezone}{whose}")
    return lines


_KIND_TEXT: Final = {
    "heads_up": "heads-up",
    "window_start": "starts",
    "window_end": "ends",
    "journal": "journal",
    "daily_pause": "pause",
}


def describe_occurrence(occurrence: Occurrence) -> str:
    """`Tue 2026-03-03 11:50 GMT  heads-up  Lunch 12:00–13:00`."""
    due = occurrence.due
    when = f"{due:%a %Y-%m-%d %H:%M} {due.tzname() or due.strftime('%z')}"
    kind = _KIND_TEXT[occurrence.kind.value]
    if occurrence.window_start is not None and occurrence.window_end is not None:
        what = (f"{occurrence.rule} {occurrence.window_start:%H:%M}–"
                f"{occurrence.window_end:%H:%M}")
    elif occurrence.kind.value == "journal":
        what = "write your leadership journal"
    else:
        what = "a short pause"
    return f"{when:<26} {kind:<9} {what}"


def run_reminders(args: argparse.Namespace, paths: AppPaths) -> int:
    """Run one reminders action; errors are one line on stderr."""
    from app.core.clock import SystemClock
    from app.core.reminders import next_occurrences, system_timezone_name

    if args.reminders_command == "bank-holidays":
        return _bank_holidays(args.nation, args.years, as_json=args.json)
    try:
        loaded = load_rules(paths.settings_file)
    except RulesUnreadable as exc:
        print(f"{APP_SLUG}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if loaded.note:
        print(loaded.note, file=sys.stderr)
    rules = loaded.rules
    now: datetime = SystemClock().now()
    if args.reminders_command == "list":
        for line in describe_rules(rules, system_timezone_name()):
            print(line)
        return EXIT_OK
    if args.reminders_command == "next":
        upcoming = next_occurrences(rules, now, limit=args.count)
        print(f"times in {rules.timezone}")
        for occurrence in upcoming:
            print(describe_occurrence(occurrence))
        if not upcoming:
            print("nothing due in the next year")
        return EXIT_OK
    return _export_ics(rules, now, args.out)


def _export_ics(rules: ReminderRules, now: datetime, out: Path) -> int:
    from app.core.calendar_export import rules_to_ics
    from app.storage.atomic_file import write_atomic

    if out.is_dir():
        print(f"{APP_SLUG}: {out}: expected a file name, got a folder", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not out.parent.is_dir():
        print(f"{APP_SLUG}: {out}: expected an existing folder {out.parent}, found none",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    replaced = out.exists()
    write_atomic(out, rules_to_ics(rules, now), mode=0o644)
    print(f"wrote {out}" + (" (replaced the earlier file)" if replaced else ""))
    return EXIT_OK


class _BadArgument(Exception):
    """An option with a value the command cannot use; the message is one line."""


def _nation(value: str | None) -> str:
    from app.core.reminders import check_nation

    try:
        return check_nation(value)
    except ValueError as exc:  # "nation: expected one of ...", said of the option
        raise _BadArgument(f"--{exc}") from exc


def _years(values: list[str]) -> list[int]:
    if not values:
        raise _BadArgument(f"--years: expected one or more years from {FIRST_YEAR} to "
                           f"{LAST_YEAR}, got nothing")
    if len(values) > MAX_YEARS:
        raise _BadArgument(f"--years: expected at most {MAX_YEARS} years, got {len(values)}")
    years: list[int] = []
    for text in values:
        year = int(text) if text.isascii() and text.isdigit() else 0
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise _BadArgument(f"--years: expected a year from {FIRST_YEAR} to {LAST_YEAR}, "
                               f"got {text!r}")
        if year not in years:
            years.append(year)
    return years


def _bank_holidays(nation_text: str | None, year_texts: list[str], *, as_json: bool) -> int:
    """Print the bank holidays of one nation in some years (as JSON for the app's cache)."""
    from app.core.reminders import HolidaysPackage

    try:
        nation = _nation(nation_text)
        years = _years(year_texts)
    except _BadArgument as exc:
        print(f"{APP_SLUG}: reminders bank-holidays: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    package = HolidaysPackage()
    tables = {year: package.dates(nation, year) for year in years}
    if as_json:
        print(json.dumps({
            "holidays_version": package.version(),
            "nation": nation,
            "years": {
                str(year): {day.isoformat(): name for day, name in sorted(table.items())}
                for year, table in tables.items()
            },
        }, ensure_ascii=False))
        return EXIT_OK
    for year, table in tables.items():
        if not table:
            print(f"{year}       no bank holidays")
        for day, name in sorted(table.items()):
            print(f"{day:%a %Y-%m-%d}  {name}")
    return EXIT_OK
