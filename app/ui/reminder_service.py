"""The Qt side of the reminders: runs the engine on the event loop and talks to the person.

It owns a ReminderEngine on a QtScheduler (the engine waits at most a minute between
checks), keeps the engine's state in one JSON file written atomically, once per check that
fired something (so "never twice" survives a restart),
recomputes on wake and on clock changes, and turns each fired reminder into a
notification whose buttons come back here: snooze 10 minutes, skip today, start Me Space.

Bank holidays come from the `holidays` source it is given; the app gives it the cache in
app/storage/bank_holiday_cache.py, so this long-running process never imports the holidays
package. A year not yet in the cache is filled the first time the engine or the tooltip
asks about it (after the window has painted), by a child process of ~0.2 s.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Final

from PySide6.QtCore import QObject, Signal

from app.core.clock import Cancellable, Clock, Scheduler
from app.core.reminder_engine import ReminderEngine, ReminderStateError
from app.core.reminders import (
    BankHolidaySource,
    DayFilter,
    Occurrence,
    OccurrenceKind,
    ReminderRules,
    next_protected_break,
)
from app.platform.notifications import (
    REMINDER_ACTIONS,
    SKIP,
    SNOOZE,
    START_ME_SPACE,
    WRITE_JOURNAL,
    Note,
    Notifier,
)
from app.storage.atomic_file import write_atomic
from app.storage.set_aside import set_aside

log = logging.getLogger(__name__)

SNOOZE_MINUTES: Final = 10
#: Fired reminders kept so a late button press still finds its reminder.
KEEP_FIRED: Final = 20


class TickScheduler:
    """Wraps a scheduler: runs a hook after each callback, even one that raised.

    The service saves there, once per check, what the check fired.
    """

    def __init__(self, inner: Scheduler, after: Callable[[], None]) -> None:
        self._inner = inner
        self._after = after

    def call_later(self, seconds: float, callback: Callable[[], None]) -> Cancellable:
        """Like the inner scheduler, with the hook after `callback`."""

        def run() -> None:
            try:
                callback()
            finally:
                self._after()

        return self._inner.call_later(seconds, run)


def _hhmm(when: datetime) -> str:
    return when.strftime("%H:%M")


def day_word(day: datetime, now: datetime) -> str:
    """'today', 'tomorrow', a weekday within a week, else the date."""
    days = (day.date() - now.astimezone(day.tzinfo).date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if 1 < days < 7:
        return day.strftime("%A")
    return day.strftime("%a %d %b")


def next_break_text(rules: ReminderRules, now: datetime, paused_until: datetime | None,
                    holidays: BankHolidaySource | None = None) -> str:
    """The tooltip line: "Next protected break: today 12:00–13:00" (and a pause, if any)."""
    span = next_protected_break(rules, now, DayFilter(rules, holidays))
    if span is None:
        text = "No protected break is set"
    else:
        start, end = span
        if start.timestamp() <= now.timestamp():
            text = f"Protected break now, until {_hhmm(end)}"
        else:
            text = f"Next protected break: {day_word(start, now)} {_hhmm(start)}–{_hhmm(end)}"
    if paused_until is not None:
        text += f"\nReminders paused until {day_word(paused_until, now)} {_hhmm(paused_until)}"
    return text


def note_for(occ: Occurrence, now: datetime) -> Note:
    """The words and buttons for one reminder."""
    span = ""
    if occ.window_start is not None and occ.window_end is not None:
        span = f"{_hhmm(occ.window_start)}–{_hhmm(occ.window_end)}"
    kind = occ.kind
    if kind == OccurrenceKind.HEADS_UP and occ.window_start is not None:
        minutes = max(1, round((occ.window_start.timestamp() - now.timestamp()) / 60))
        return Note(occ.key, f"{occ.rule} in {minutes} minutes",
                    f"Your protected break ({span}) is coming up. Find a point to stop.")
    if kind == OccurrenceKind.WINDOW_START:
        return Note(occ.key, f"Your protected break has started: {occ.rule}",
                    f"{span}. This time is yours: eat, rest, or take five minutes of Me Space.")
    if kind == OccurrenceKind.WINDOW_END:
        return Note(occ.key, f"{occ.rule} is over",
                    f"Your protected break ({span}) has ended. Go gently.", actions=())
    if kind == OccurrenceKind.JOURNAL:
        return Note(occ.key, "Time for your journal",
                    "A few minutes on what happened, what was hard and what went well.",
                    actions=((WRITE_JOURNAL, "Write in my journal"),
                             (SNOOZE, "Snooze 10 minutes")))
    return Note(occ.key, "A pause for you",
                "Stop for a moment: a breath, a stretch, or five minutes of Me Space.",
                actions=REMINDER_ACTIONS[:2])


class ReminderService(QObject):
    """Runs the reminders; signals what the person asked for from a notification."""

    fired = Signal(object)  # Occurrence
    tooltip_changed = Signal(str)
    paused_changed = Signal(bool)
    me_space_requested = Signal()
    journal_requested = Signal()

    def __init__(
        self,
        rules: ReminderRules,
        clock: Clock,
        scheduler: Scheduler,
        notifier: Notifier,
        state_file: Path,
        parent: QObject | None = None,
        *,
        holidays: BankHolidaySource | None = None,
    ) -> None:
        """`scheduler`: a QtScheduler in the app, a FakeScheduler in tests.

        `holidays`: where bank holidays come from; the app passes its cache
        (CachedBankHolidays), the holidays package itself is used when None.
        """
        super().__init__(parent)
        self._clock = clock
        self._holidays = holidays
        self._notifier = notifier
        self._state_file = state_file
        self._recent: dict[str, Occurrence] = {}
        self._dirty = False  # something fired and is not saved yet
        self.scheduler = TickScheduler(scheduler, after=self._after_tick)
        self.engine = ReminderEngine(rules, clock, self.scheduler, self._on_fire,
                                     holidays=holidays)
        self._load_state()
        notifier.set_action_handler(self.on_action)
        self._tooltip = ""
        self._running = False

    # -- running ------------------------------------------------------------------------

    def start(self) -> None:
        """Check now (a break under way is announced) and keep checking."""
        self._running = True
        self.engine.start()
        self._changed()

    def stop(self) -> None:
        """Stop checking and save the state (at quit); once, however often it is called.

        A second save could overwrite what a lean copy of the app has saved since.
        """
        if self._running:
            self._running = False
            self.engine.stop()
            self.save()

    def on_resume(self) -> None:
        """After waking: missed reminders fire once if still timely, never late."""
        self.engine.on_resume()
        self._changed()

    def on_clock_changed(self, _jump: float = 0.0) -> None:
        """After a wall-clock or time-zone change: recompute everything."""
        self.engine.on_clock_changed()
        self._changed()

    def set_rules(self, rules: ReminderRules) -> None:
        """New rules from the settings; today's reminders already handled stay handled."""
        self.engine.set_rules(rules)
        self._changed()

    # -- what the person asked for ------------------------------------------------------

    def on_action(self, token: str, action: str) -> None:
        """A notification button: snooze, skip today, start Me Space, or open the journal."""
        occ = self._recent.get(token)
        log.info("reminder action %s on %s", action, token)
        if action == SNOOZE and occ is not None:
            self.engine.snooze(occ, SNOOZE_MINUTES)
        elif action == SKIP:
            self.engine.skip_today()
        elif action in (START_ME_SPACE, "default"):
            self.me_space_requested.emit()
        elif action == WRITE_JOURNAL:
            self.journal_requested.emit()
        self._changed()

    def pause_for_hour(self) -> None:
        """No reminders for the next hour (those due are dropped, not saved up)."""
        self.engine.pause_for(60)
        self._changed()

    def pause_until_tomorrow(self) -> None:
        """No more reminders today."""
        self.engine.pause_until_tomorrow()
        self._changed()

    def resume(self) -> None:
        """End a pause now."""
        self.engine.cancel_pause()
        self._changed()

    @property
    def tooltip(self) -> str:
        """The latest tooltip line."""
        return self._tooltip

    # -- state --------------------------------------------------------------------------

    def save(self) -> None:
        """Write the engine state atomically; a failure is logged, the app goes on."""
        self._dirty = False
        text = json.dumps(self.engine.state_to_dict(), indent=1, sort_keys=True)
        try:
            write_atomic(self._state_file, (text + "\n").encode("utf-8"))
        except OSError as exc:
            log.warning("%s: could not save the reminder state: %s", self._state_file,
                        exc.strerror or exc)

    def _load_state(self) -> None:
        try:
            data = json.loads(self._state_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._set_aside(f"unreadable ({exc})")
            return
        if not isinstance(data, dict):
            self._set_aside("expected a JSON object")
            return
        try:
            self.engine.state_from_dict(data)
        except ReminderStateError as exc:
            self._set_aside(str(exc))

    def _set_aside(self, why: str) -> None:
        try:
            kept = set_aside(self._state_file, self._clock.now())
        except OSError:
            kept = self._state_file
        log.warning("%s: %s; reminders start afresh, the file is kept as %s",
                    self._state_file, why, kept.name)

    # -- internals ----------------------------------------------------------------------

    def _on_fire(self, occ: Occurrence) -> None:
        self._recent[occ.key] = occ
        while len(self._recent) > KEEP_FIRED:
            del self._recent[next(iter(self._recent))]
        note = note_for(occ, self._clock.now())
        log.info("reminder fired: %s (%s)", occ.key, note.summary)
        self._notifier.notify(note)
        self._dirty = True  # saved once the check is over: by _after_tick or _changed
        self.fired.emit(occ)

    def _after_tick(self) -> None:
        if self._dirty:
            self.save()
        self._update_tooltip()

    def _changed(self) -> None:
        self.save()
        self._update_tooltip()
        self.paused_changed.emit(self.engine.paused_until is not None)

    def _update_tooltip(self) -> None:
        now = self._clock.now()
        text = next_break_text(self.engine.rules, now, self.engine.paused_until,
                               self._holidays)
        if text != self._tooltip:
            self._tooltip = text
            self.tooltip_changed.emit(text)

