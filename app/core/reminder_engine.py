"""The reminder engine: fires each due reminder exactly once, across sleep and clock changes.

How it works
------------
The engine keeps no countdowns. It remembers

* a *mark* for every occurrence key it has handled — fired, or skipped — for the last
  `RETENTION_DAYS` days (keys are stable: kind, rule name, local date, snooze count);
* the wall-clock instant of its last check;
* pending snoozes and a pause deadline (wall-clock instants).

`check()` reads the wall clock and looks at every occurrence due in (last check, now]
(computed from the rules in local time, so DST is right by construction). Each one that
has no mark yet is handled once:

* while reminders are paused, or if it fell due during a pause: dropped (marked skipped),
  never saved up for later;
* if it is still timely, `due <= now < expires`: fired (marked fired);
* otherwise — missed while the machine slept, the app was closed, or the clock jumped —
  marked skipped and never fired late.

"Still timely" (`Occurrence.expires`, set in app.core.reminders):

===============  =========================================================================
HEADS_UP         until the window starts (a heads-up after the start is pointless; the
                 start reminder covers it)
WINDOW_START     until the window ends (waking at 12:20 in a 12:00–13:00 lunch still
                 says "your protected break has started")
WINDOW_END       5 minutes after the end
JOURNAL          the rest of that local day (the manager can still write it that evening)
DAILY_PAUSE      30 minutes after its time
snoozed repeat   the original's expiry, or 5 minutes after the snoozed time if later
===============  =========================================================================

In normal running every reminder is checked within a fraction of a second of its due
time, so the grace only matters after a gap.

Clock changes and sleep. A forward jump of the wall clock looks exactly like a sleep and is
treated the same way (only still-open occurrences fire). If the wall clock goes
*backwards* the engine fires nothing for that check and simply restarts from the new time;
occurrences it meets again already carry marks, so nothing is fired twice. Marks for days
more than one day ahead of the new time are forgotten (they can only come from a clock that
was wrong in the future; keeping them would silence those days when they really come).

After each check the engine asks the scheduler to call it again at the next due time or in
`MAX_SLEEP_SECONDS` (60), whichever is sooner, so a clock change nobody reported is noticed
within a minute. The platform layer should also call `on_resume()` after suspend and
`on_clock_changed()` on a time or time-zone change.

On the first check with no saved state the engine looks back one day, so starting the app
at 12:10 still announces a lunch break that is under way. `state_to_dict()` /
`state_from_dict()` carry the marks, snoozes, pause and last check across an app restart,
so a restart never re-fires today's reminder.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from app.core.clock import Cancellable, Clock, Scheduler
from app.core.reminders import (
    SNOOZE_GRACE,
    WINDOW_KINDS,
    BankHolidaySource,
    DayFilter,
    Occurrence,
    OccurrenceKind,
    ReminderRules,
    local_instant,
    next_occurrences,
    occurrences_between,
    occurrences_on,
)

MAX_SLEEP_SECONDS: Final = 60.0
#: How long marks (fired/skipped keys) are kept, in days before today.
RETENTION_DAYS: Final = 7
#: With no saved state, the first check looks this far back for reminders still open.
FIRST_LOOKBACK: Final = timedelta(days=1)
#: How far past a check the engine precomputes occurrences.
_CACHE_SPAN: Final = 2 * 86400.0
STATE_FORMAT: Final = 1


class ReminderStateError(ValueError):
    """Saved engine state that cannot be read."""


@dataclass(frozen=True, slots=True)
class _Mark:
    day: date
    fired: bool


class ReminderEngine:
    """Fires reminders from `rules` through `on_fire`, each at most once.

    Call `start()` once the callback is ready to receive reminders.
    """

    def __init__(
        self,
        rules: ReminderRules,
        clock: Clock,
        scheduler: Scheduler,
        on_fire: Callable[[Occurrence], None],
        *,
        state: Mapping[str, Any] | None = None,
        holidays: BankHolidaySource | None = None,
    ) -> None:
        """`holidays`: where bank holidays come from (the holidays package when None)."""
        self._rules = rules
        self._holidays = holidays
        self._days = DayFilter(rules, holidays)
        self._clock = clock
        self._scheduler = scheduler
        self._on_fire = on_fire
        self._marks: dict[str, _Mark] = {}
        self._snoozes: dict[str, Occurrence] = {}
        self._paused_until: datetime | None = None
        self._last_check: datetime | None = None
        self._pending: Cancellable | None = None
        self._stopped = False
        self._checking = False
        self._pruned_for: date | None = None
        self._cache: list[Occurrence] = []
        self._cache_dues: list[float] = []
        self._cache_lo = 0.0
        self._cache_hi = -1.0
        if state is not None:
            self.state_from_dict(state)

    # -- running ------------------------------------------------------------------------

    @property
    def rules(self) -> ReminderRules:
        """The rules in force."""
        return self._rules

    def start(self) -> list[Occurrence]:
        """Check now and keep checking; returns what fired."""
        self._stopped = False
        return self.check()

    def stop(self) -> None:
        """Stop checking (the pending scheduler call is cancelled)."""
        self._stopped = True
        self._cancel_pending()

    def check(self) -> list[Occurrence]:
        """Fire what is due from the wall clock, schedule the next check; returns what fired."""
        if self._checking:  # called again from inside on_fire: the outer check carries on
            return []
        self._checking = True
        try:
            now = self._clock.now()
            due = self._process(now)
            self._reschedule(now)
        finally:
            self._checking = False
        self._fire(due)
        return due

    def on_resume(self) -> list[Occurrence]:
        """After suspend: recompute at once (missed reminders fire only if still open)."""
        return self.check()

    def on_clock_changed(self) -> list[Occurrence]:
        """After a wall-clock or time-zone change: recompute at once."""
        self._drop_cache()
        return self.check()

    def set_rules(self, rules: ReminderRules) -> list[Occurrence]:
        """Use new rules; marks are kept, so an edit does not re-fire today's reminder."""
        self._rules = rules
        self._days = DayFilter(rules, self._holidays)
        self._drop_cache()
        return self.check()

    # -- what the person asked for ------------------------------------------------------

    def snooze(self, occurrence: Occurrence, minutes: float = 10) -> Occurrence:
        """Fire `occurrence` once more in `minutes` (from the wall clock); returns the repeat."""
        now = self._clock.now()
        zone = self._rules.zone
        due = _plus(now, timedelta(minutes=minutes)).astimezone(zone)
        grace_end = _plus(due, SNOOZE_GRACE).astimezone(zone)
        expires = max(occurrence.expires, grace_end, key=datetime.timestamp)
        repeat = replace(occurrence, due=due, expires=expires, snooze=occurrence.snooze + 1)
        if repeat.key not in self._marks:
            self._snoozes[repeat.key] = repeat
        self._reschedule(now)
        return repeat

    def skip_today(self) -> list[Occurrence]:
        """Skip the remaining reminders of today's protected windows; returns those skipped."""
        now = self._clock.now()
        today = now.astimezone(self._rules.zone).date()
        skipped = [
            occ
            for occ in occurrences_on(self._rules, today, self._days)
            if occ.kind in WINDOW_KINDS and occ.key not in self._marks
        ]
        for occ in skipped:
            self._mark(occ, fired=False)
        for key, occ in list(self._snoozes.items()):
            if occ.kind in WINDOW_KINDS and occ.day == today:
                del self._snoozes[key]
                self._mark(occ, fired=False)
        self._reschedule(now)
        return skipped

    def pause_for(self, minutes: float) -> datetime:
        """Drop every reminder due in the next `minutes`; returns when the pause ends."""
        now = self._clock.now()
        return self._pause(_plus(now, timedelta(minutes=minutes)).astimezone(self._rules.zone))

    def pause_until_tomorrow(self) -> datetime:
        """Drop every reminder due before next local midnight; returns that midnight."""
        zone = self._rules.zone
        today = self._clock.now().astimezone(zone).date()
        return self._pause(local_instant(today + timedelta(days=1), time(0), zone))

    def cancel_pause(self) -> None:
        """End a pause now (reminders dropped during it stay dropped)."""
        self._paused_until = None
        self._reschedule(self._clock.now())

    @property
    def paused_until(self) -> datetime | None:
        """When the current pause ends, or None."""
        if self._paused_until is None:
            return None
        if self._clock.now().timestamp() >= self._paused_until.timestamp():
            return None
        return self._paused_until

    def next_due(self) -> Occurrence | None:
        """Return the next reminder that will fire (pauses, skips and snoozes considered)."""
        t = self._clock.now().timestamp()
        soonest = self._next_eligible(t, within=_CACHE_SPAN)
        if soonest is not None:
            return soonest
        # Nothing in the next two days: look further ahead (a long leave, a quiet holiday).
        after = datetime.fromtimestamp(max(t, self._cache_hi), UTC)
        for occ in next_occurrences(self._rules, after, limit=64, days=self._days):
            if self._eligible(occ):
                return occ
        return None

    # -- state across restarts ----------------------------------------------------------

    def state_to_dict(self) -> dict[str, Any]:
        """Return what a restart needs (marks, snoozes, pause, last check) as a JSON-able dict."""
        return {
            "format": STATE_FORMAT,
            "last_check": None if self._last_check is None else self._last_check.isoformat(),
            "paused_until": (
                None if self._paused_until is None else self._paused_until.isoformat()
            ),
            "marks": [
                {"key": key, "day": mark.day.isoformat(), "fired": mark.fired}
                for key, mark in sorted(self._marks.items())
            ],
            "snoozes": [_occurrence_to_dict(occ) for occ in self._snoozes.values()],
        }

    def state_from_dict(self, data: Mapping[str, Any]) -> None:
        """Restore state saved by `state_to_dict` (raises ReminderStateError if unreadable)."""
        zone = self._rules.zone
        try:
            if data.get("format") != STATE_FORMAT:
                raise ValueError(f"format {data.get('format')!r} is not {STATE_FORMAT}")
            last_check = _aware_or_none(data.get("last_check"))
            paused_until = _aware_or_none(data.get("paused_until"))
            marks = {
                str(m["key"]): _Mark(date.fromisoformat(m["day"]), bool(m["fired"]))
                for m in data.get("marks", [])
            }
            snoozes = [_occurrence_from_dict(s, zone) for s in data.get("snoozes", [])]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ReminderStateError(f"unreadable reminder state: {exc}") from exc
        self._last_check = last_check
        self._paused_until = None if paused_until is None else paused_until.astimezone(zone)
        self._marks = marks
        self._snoozes = {occ.key: occ for occ in snoozes}
        self._pruned_for = None
        self._drop_cache()

    # -- internals ----------------------------------------------------------------------

    def _pause(self, until: datetime) -> datetime:
        self._paused_until = until
        self._reschedule(self._clock.now())
        return until

    def _process(self, now: datetime) -> list[Occurrence]:
        t = now.timestamp()
        zone = self._rules.zone
        today = now.astimezone(zone).date()
        last = self._last_check
        last_t = (now - FIRST_LOOKBACK).timestamp() if last is None else last.timestamp()
        self._last_check = now
        if t < last_t:
            # The wall clock went back. Fire nothing now; what comes due again is marked.
            horizon = today + timedelta(days=1)
            self._marks = {k: m for k, m in self._marks.items() if m.day <= horizon}
            self._drop_cache()
            return []
        candidates = list(self._between(last_t, t))
        candidates += [s for s in self._snoozes.values() if s.due.timestamp() <= t]
        candidates.sort(key=Occurrence.sort_key)
        paused_t = None if self._paused_until is None else self._paused_until.timestamp()
        fired: list[Occurrence] = []
        for occ in candidates:
            if occ.snooze:
                self._snoozes.pop(occ.key, None)
            if occ.key in self._marks:
                continue
            if paused_t is not None and occ.due.timestamp() < paused_t:
                self._mark(occ, fired=False)  # due during a pause: dropped, not saved up
            elif occ.is_open(now):
                self._mark(occ, fired=True)
                fired.append(occ)
            else:
                self._mark(occ, fired=False)  # missed and no longer timely: never late
        if paused_t is not None and t >= paused_t:
            self._paused_until = None
        self._prune(today)
        return fired

    def _fire(self, occurrences: list[Occurrence]) -> None:
        error: Exception | None = None
        for occ in occurrences:
            try:
                self._on_fire(occ)
            except Exception as exc:  # one failing handler must not swallow the others
                error = error or exc
        if error is not None:
            raise error

    def _mark(self, occ: Occurrence, *, fired: bool) -> None:
        self._marks[occ.key] = _Mark(occ.day, fired)

    def _prune(self, today: date) -> None:
        if self._pruned_for == today:
            return
        self._pruned_for = today
        oldest = today - timedelta(days=RETENTION_DAYS)
        self._marks = {k: m for k, m in self._marks.items() if m.day >= oldest}

    def _eligible(self, occ: Occurrence) -> bool:
        if occ.key in self._marks:
            return False
        paused = self._paused_until
        return paused is None or occ.due.timestamp() >= paused.timestamp()

    def _next_eligible(self, t: float, within: float) -> Occurrence | None:
        self._ensure_cache(t, t + within)
        best: Occurrence | None = None
        start = bisect.bisect_right(self._cache_dues, t)
        for occ in self._cache[start:]:
            if occ.due.timestamp() > t + within:
                break
            if self._eligible(occ):
                best = occ
                break
        for occ in self._snoozes.values():
            if self._eligible(occ) and (best is None or occ.sort_key() < best.sort_key()):
                best = occ
        return best

    def _reschedule(self, now: datetime) -> None:
        self._cancel_pending()
        if self._stopped:
            return
        t = now.timestamp()
        soonest = self._next_eligible(t, within=MAX_SLEEP_SECONDS)
        delay = MAX_SLEEP_SECONDS
        if soonest is not None:
            delay = min(MAX_SLEEP_SECONDS, max(0.0, soonest.due.timestamp() - t))
        self._pending = self._scheduler.call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._pending = None
        self.check()

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _drop_cache(self) -> None:
        self._cache, self._cache_dues = [], []
        self._cache_lo, self._cache_hi = 0.0, -1.0

    def _ensure_cache(self, lo: float, hi: float) -> None:
        """Make the cache hold every occurrence with lo < due <= hi (and a margin)."""
        if self._cache_lo <= lo and hi <= self._cache_hi:
            return
        if self._last_check is not None:
            lo = min(lo, self._last_check.timestamp())
        hi = max(hi, lo + _CACHE_SPAN)
        self._cache = occurrences_between(
            self._rules,
            datetime.fromtimestamp(lo, UTC),
            datetime.fromtimestamp(hi, UTC),
            self._days,
        )
        self._cache_dues = [occ.due.timestamp() for occ in self._cache]
        self._cache_lo, self._cache_hi = lo, hi

    def _between(self, lo: float, hi: float) -> list[Occurrence]:
        if hi - lo > _CACHE_SPAN:  # a long sleep: compute once, do not cache days gone by
            return occurrences_between(
                self._rules,
                datetime.fromtimestamp(lo, UTC),
                datetime.fromtimestamp(hi, UTC),
                self._days,
            )
        self._ensure_cache(lo, hi)
        i = bisect.bisect_right(self._cache_dues, lo)
        j = bisect.bisect_right(self._cache_dues, hi)
        return self._cache[i:j]


def _plus(instant: datetime, delta: timedelta) -> datetime:
    """Absolute-time arithmetic (aware + timedelta in Python is wall-time arithmetic)."""
    return instant.astimezone(UTC) + delta


def _aware_or_none(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO date-time, got {value!r}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"expected a date-time with an offset, got {value!r}")
    return parsed


def _occurrence_to_dict(occ: Occurrence) -> dict[str, Any]:
    return {
        "kind": occ.kind.value,
        "rule": occ.rule,
        "day": occ.day.isoformat(),
        "due": occ.due.isoformat(),
        "expires": occ.expires.isoformat(),
        "window_start": None if occ.window_start is None else occ.window_start.isoformat(),
        "window_end": None if occ.window_end is None else occ.window_end.isoformat(),
        "snooze": occ.snooze,
    }


def _occurrence_from_dict(d: Mapping[str, Any], zone: ZoneInfo) -> Occurrence:
    def instant(key: str) -> datetime | None:
        value = _aware_or_none(d.get(key))
        return None if value is None else value.astimezone(zone)

    due, expires = instant("due"), instant("expires")
    if due is None or expires is None:
        raise ValueError("a snooze needs due and expires")
    snooze = d.get("snooze", 1)
    if not isinstance(snooze, int) or isinstance(snooze, bool):
        raise TypeError(f"expected a snooze count, got {snooze!r}")
    return Occurrence(
        kind=OccurrenceKind(d["kind"]),
        rule=str(d["rule"]),
        day=date.fromisoformat(d["day"]),
        due=due,
        expires=expires,
        window_start=instant("window_start"),
        window_end=instant("window_end"),
        snooze=snooze,
    )
