"""The state machine of running one practice: steps, turns, pauses and the record.

Plain Python on an injected Clock and Scheduler, so the Qt adapter only calls methods and
listens, and tests run a whole hour-long circle instantly on a fake clock.

Conventions, chosen so buttons can be wired straight to methods:

* An operation that makes no sense in the current state (pause when not running, resume
  when not paused, anything after finishing) is a harmless no-op that returns False; an
  operation that did something returns True. A double-click can never break a session.
* An argument that can never be right (fewer than one participant, a non-positive
  extension, a practice with no steps) is a programming error and raises ValueError.
* Time is "active time": seconds spent RUNNING, measured on clock.monotonic(). Pauses
  freeze it, so remaining times survive any pause exactly.
* Listeners are told after the session's own state is consistent, so a listener may call
  back into the session (pause from on_step_changed, say) safely.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from functools import partial

from app.core.clock import Cancellable, Clock, Scheduler
from app.core.practices import Practice, Step, StepKind

# Float slack when comparing active time to a deadline: scheduler callbacks land on the
# deadline give or take rounding, and must count as "due".
_EPSILON = 1e-6


class SessionState(StrEnum):
    """Where a session is in its life; FINISHED is final."""

    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class TurnInfo:
    """Who is speaking in a round or pair step, so the UI can show and ring turn changes.

    `remaining` is the current speaker's own countdown; it is not cut short by the step's
    end. `overrun` is how many seconds the turns still to come need beyond the step's
    planned end: the facilitator's cue to offer `extend_step`.
    """

    kind: StepKind
    number: int  # 1-based; equals `total` once every turn has run
    total: int
    remaining: float
    turn_seconds: int
    done: bool = False
    overrun: float = 0.0

    @property
    def label(self) -> str:
        """'Speaker 3 of 8', 'Turn 2 of 2', or that the turns are over."""
        if self.kind is StepKind.ROUND:
            return "Everyone has spoken" if self.done else f"Speaker {self.number} of {self.total}"
        return "Both turns done" if self.done else f"Turn {self.number} of {self.total}"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the player and facilitator views render, taken at one instant."""

    state: SessionState
    step_index: int  # 0-based
    step_count: int
    step: Step
    step_seconds: float  # planned length plus any extension
    step_remaining: float
    step_elapsed: float
    total_remaining: float
    progress: float  # 0..1 through the planned practice
    next_step_title: str | None
    turn: TurnInfo | None
    elapsed: float  # active practice time, pauses excluded
    participants: int
    notes: tuple[str, ...] = ()  # e.g. steps skipped because they have no time

    @property
    def step_number(self) -> int:
        """The 1-based step number a person reads ('Step 2 of 3')."""
        return self.step_index + 1


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """What history keeps of one run of a practice; immutable, changed only by replace."""

    practice_id: str
    practice_title: str
    started_at: datetime  # aware, from clock.now()
    ended_at: datetime
    active_seconds: float  # time practised, pauses excluded
    completed: bool  # reached the end of the last step, rather than stopping early
    steps_completed: int
    step_count: int
    closing_prompt: str = ""
    commitment: str | None = None

    @property
    def minutes_practised(self) -> float:
        """Active minutes, for history and streak totals."""
        return self.active_seconds / 60

    def with_commitment(self, text: str) -> SessionRecord:
        """Return a copy carrying the answer to the closing prompt (blank clears it)."""
        return replace(self, commitment=text.strip() or None)


def _ignore(_: object) -> None:
    """Default listener: the session runs the same whether or not anyone listens."""


@dataclass(frozen=True, slots=True)
class SessionListener:
    """Callbacks the UI passes in; any left out are ignored.

    on_change fires when anything other than the plain passing of time changes (state,
    step, turn, participants, extension); countdowns should poll `snapshot()` on their own
    display timer. on_turn_changed fires when a speaker's turn ends and the next begins
    (or the turns run out with step time to spare), not when a step starts.
    on_finished fires exactly once per session.
    """

    on_change: Callable[[Snapshot], None] = _ignore
    on_step_changed: Callable[[int], None] = _ignore
    on_turn_changed: Callable[[TurnInfo], None] = _ignore
    on_finished: Callable[[SessionRecord], None] = _ignore


class Session:
    """One run of one practice, from READY to exactly one SessionRecord.

    Zero-second steps (only possible in a practice built by hand) are skipped with a note
    in the snapshot. `next` and `back` keep a paused session paused. `restart` goes back
    to step 1 but keeps started_at and the active time already practised, since that time
    was really spent. A finished session cannot be restarted: make a new Session.
    """

    def __init__(
        self,
        practice: Practice,
        clock: Clock,
        scheduler: Scheduler,
        listener: SessionListener | None = None,
        *,
        participants: int | None = None,
    ) -> None:
        if not practice.steps:
            raise ValueError(f"practice {practice.id!r} has no steps to run")
        people = practice.group_size.max if participants is None else participants
        _check_participants(people)
        self._practice = practice
        self._steps = practice.steps
        self._clock = clock
        self._scheduler = scheduler
        self._listener = listener or SessionListener()
        self._participants = people
        self._notes = tuple(
            f"Step {i + 1} '{step.title}' has no time set, so it is skipped."
            for i, step in enumerate(self._steps)
            if step.seconds <= 0
        )

        self._state = SessionState.READY
        self._index = self._next_playable(-1) or 0
        # Active time: banked seconds plus the running segment since _segment_start.
        self._active_banked = 0.0
        self._segment_start: float | None = None
        # Positions on the active-time line where the current step and turn began.
        self._step_start = 0.0
        self._step_extra = 0.0
        self._turn_index = 0
        self._turn_start = 0.0
        self._steps_done: set[int] = set()

        self._started_at: datetime | None = None
        self._record: SessionRecord | None = None
        self._timer: Cancellable | None = None
        self._timer_token = 0  # identifies the live timer; older callbacks are stale
        self._events: deque[Callable[[], None]] = deque()
        self._changed = False
        self._flushing = False

    # -- queries ---------------------------------------------------------------------

    @property
    def practice(self) -> Practice:
        """The practice being run."""
        return self._practice

    @property
    def state(self) -> SessionState:
        """READY, RUNNING, PAUSED or FINISHED."""
        return self._state

    @property
    def participants(self) -> int:
        """How many people take turns in a round."""
        return self._participants

    @property
    def record(self) -> SessionRecord | None:
        """The record once finished (with any commitment attached since), else None."""
        return self._record

    def snapshot(self) -> Snapshot:
        """Describe the session now; pure, so a display timer may call it at any rate."""
        now = self._active()
        finished = self._state is SessionState.FINISHED
        completed = self._record is not None and self._record.completed
        length = self._step_length()
        step_elapsed = min(max(0.0, now - self._step_start), length)
        step_remaining = 0.0 if finished else length - step_elapsed
        later = sum(max(0, s.seconds) for s in self._steps[self._index + 1 :])
        planned = sum(max(0, s.seconds) for s in self._steps) + self._step_extra
        done_before = sum(max(0, s.seconds) for s in self._steps[: self._index])
        if completed or planned <= 0:
            progress = 1.0 if finished else 0.0
        else:
            progress = min(1.0, max(0.0, (done_before + step_elapsed) / planned))
        upcoming = None if finished else self._next_playable(self._index)
        return Snapshot(
            state=self._state,
            step_index=self._index,
            step_count=len(self._steps),
            step=self._steps[self._index],
            step_seconds=length,
            step_remaining=step_remaining,
            step_elapsed=step_elapsed,
            total_remaining=0.0 if finished else step_remaining + later,
            progress=progress,
            next_step_title=None if upcoming is None else self._steps[upcoming].title,
            turn=None if finished else self._turn_info(now),
            elapsed=now,
            participants=self._participants,
            notes=self._notes,
        )

    # -- operations ------------------------------------------------------------------

    def start(self) -> bool:
        """Begin at step 1 (skipping any zero-second steps); only from READY."""
        if self._state is not SessionState.READY:
            return False
        self._started_at = self._clock.now()
        self._active_banked = 0.0
        self._segment_start = self._clock.monotonic()
        self._state = SessionState.RUNNING
        self._changed = True
        self._enter(0, at=0.0)
        return self._settle(True)

    def pause(self) -> bool:
        """Freeze every countdown; only while RUNNING."""
        if self._state is not SessionState.RUNNING:
            return False
        if not self._advance_due():  # it ran out just before the click
            return self._settle(False)
        self._active_banked = self._active()
        self._segment_start = None
        self._state = SessionState.PAUSED
        self._changed = True
        return self._settle(True)

    def resume(self) -> bool:
        """Carry on with exactly the time that was left; only while PAUSED."""
        if self._state is not SessionState.PAUSED:
            return False
        self._segment_start = self._clock.monotonic()
        self._state = SessionState.RUNNING
        self._changed = True
        return self._settle(True)

    def next(self) -> bool:
        """Skip to the next step now; on the last step this finishes (completed)."""
        if not self._catch_up():
            return self._settle(False)
        self._steps_done.add(self._index)
        self._enter(self._index + 1, at=self._active())
        return self._settle(True)

    def back(self) -> bool:
        """Go to the previous step and restart it; on the first step, restart that step."""
        if not self._catch_up():
            return self._settle(False)
        earlier = [i for i in range(self._index) if self._steps[i].seconds > 0]
        self._enter(earlier[-1] if earlier else self._index, at=self._active())
        return self._settle(True)

    def restart(self) -> bool:
        """Go back to step 1; practised time and started_at are kept."""
        if not self._catch_up():
            return self._settle(False)
        self._steps_done.clear()
        self._enter(0, at=self._active())
        return self._settle(True)

    def finish(self) -> bool:
        """End now and produce the record; completed only if no later step has time.

        Finishing during the last step counts as completed: the person reached the end
        and chose to close. Finishing earlier is recorded as ended early.
        """
        if not self._catch_up():
            return self._settle(False)
        completed = self._next_playable(self._index) is None
        if completed:
            self._steps_done.update(range(self._index, len(self._steps)))
        self._finish(completed=completed, at=self._active())
        return self._settle(True)

    def next_speaker(self) -> bool:
        """Move a round or pair step on to the next turn early."""
        if not self._catch_up():
            return self._settle(False)
        if self._turn_end() is None:  # not a turn step, or every turn has run
            return self._settle(False)
        self._next_turn(at=self._active())
        return self._settle(True)

    def extend_step(self, seconds: float) -> bool:
        """Give the current step more time, e.g. so every speaker in a long round is heard.

        The extension lasts until the step is left; going back to it starts it afresh at
        its planned length.
        """
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"an extension must be a positive number of seconds, not {seconds}")
        if not self._catch_up():
            return self._settle(False)
        self._step_extra += seconds
        self._changed = True
        return self._settle(True)

    def set_participants(self, count: int) -> bool:
        """Set how many people speak in rounds; allowed until the session finishes.

        Lowering it below the current speaker ends the round's turns; raising it after
        everyone has spoken starts the next speaker's turn now.
        """
        _check_participants(count)
        if self._state is SessionState.FINISHED:
            return False
        if self._state is SessionState.RUNNING and not self._advance_due():
            return self._settle(False)
        if count == self._participants:
            return self._settle(False)
        has_turns = self._turn_total() > 0
        was_done = self._turn_index >= self._turn_total()
        self._participants = count
        self._changed = True
        now_done = self._turn_index >= self._turn_total()
        if self._state is not SessionState.READY and has_turns and was_done != now_done:
            now = self._active()
            if not now_done:
                self._turn_start = now
            self._events.append(partial(self._listener.on_turn_changed, self._turn_info_at(now)))
        return self._settle(True)

    def set_commitment(self, text: str) -> bool:
        """Attach the answer to the closing prompt to the record; only once finished."""
        if self._record is None:
            return False
        self._record = self._record.with_commitment(text)
        return True

    # -- time ------------------------------------------------------------------------

    def _active(self) -> float:
        """Active seconds since start: the banked total plus the running segment."""
        if self._segment_start is None:
            return self._active_banked
        return self._active_banked + max(0.0, self._clock.monotonic() - self._segment_start)

    def _step_length(self) -> float:
        return max(0, self._steps[self._index].seconds) + self._step_extra

    def _turn_seconds(self) -> int:
        """Seconds per turn in the current step, or 0 when it has no timed turns."""
        step = self._steps[self._index]
        if step.kind not in (StepKind.ROUND, StepKind.PAIRS) or step.speaker_seconds is None:
            return 0
        return max(0, step.speaker_seconds)

    def _turn_total(self) -> int:
        """Count turns in the current step: one per participant in a round, two in pairs."""
        if self._turn_seconds() == 0:
            return 0
        return self._participants if self._steps[self._index].kind is StepKind.ROUND else 2

    def _turn_end(self) -> float | None:
        """Where the current turn ends on the active-time line; None if no turn is running."""
        if self._turn_index >= self._turn_total():
            return None
        return self._turn_start + self._turn_seconds()

    def _turn_info(self, now: float) -> TurnInfo | None:
        return self._turn_info_at(now) if self._turn_total() > 0 else None

    def _turn_info_at(self, now: float) -> TurnInfo:
        total = self._turn_total()
        seconds = self._turn_seconds()
        kind = self._steps[self._index].kind
        if self._turn_index >= total:
            return TurnInfo(kind, total, total, 0.0, seconds, done=True)
        remaining = min(float(seconds), max(0.0, self._turn_start + seconds - now))
        number = self._turn_index + 1
        step_remaining = max(0.0, self._step_start + self._step_length() - now)
        needed = remaining + (total - number) * seconds
        return TurnInfo(
            kind, number, total, remaining, seconds, overrun=max(0.0, needed - step_remaining)
        )

    def _next_playable(self, after: int) -> int | None:
        """Find the first step after `after` that has time, or None."""
        for i in range(after + 1, len(self._steps)):
            if self._steps[i].seconds > 0:
                return i
        return None

    # -- transitions -----------------------------------------------------------------

    def _catch_up(self) -> bool:
        """Apply anything already due; True if the session is still RUNNING or PAUSED."""
        if self._state is SessionState.RUNNING:
            self._advance_due()
        return self._state in (SessionState.RUNNING, SessionState.PAUSED)

    def _advance_due(self) -> bool:
        """Apply every turn and step end that is due, in time order, at its planned time.

        Using the planned time (not "now") means a late timer never makes the schedule drift.
        Returns whether the session is still RUNNING afterwards.
        """
        while self._state is SessionState.RUNNING:
            now = self._active()
            step_end = self._step_start + self._step_length()
            turn_end = self._turn_end()
            if (
                turn_end is not None
                and turn_end < step_end - _EPSILON
                and now >= turn_end - _EPSILON
            ):
                self._next_turn(at=turn_end)
            elif now >= step_end - _EPSILON:
                self._steps_done.add(self._index)
                self._enter(self._index + 1, at=step_end)
            else:
                break
        return self._state is SessionState.RUNNING

    def _next_turn(self, at: float) -> None:
        self._turn_index += 1
        self._turn_start = at
        self._changed = True
        self._events.append(partial(self._listener.on_turn_changed, self._turn_info_at(at)))

    def _enter(self, index: int, at: float) -> None:
        """Make `index` the current step from active time `at`, skipping zero-second steps."""
        while index < len(self._steps) and self._steps[index].seconds <= 0:
            self._steps_done.add(index)
            index += 1
        if index >= len(self._steps):
            self._finish(completed=True, at=at)
            return
        self._index = index
        self._step_start = at
        self._step_extra = 0.0
        self._turn_index = 0
        self._turn_start = at
        self._changed = True
        self._events.append(partial(self._listener.on_step_changed, index))

    def _finish(self, completed: bool, at: float) -> None:
        """Stop the clock at active time `at` and make the one and only record."""
        self._active_banked = at
        self._segment_start = None
        self._state = SessionState.FINISHED
        self._changed = True
        started = self._started_at if self._started_at is not None else self._clock.now()
        self._record = SessionRecord(
            practice_id=self._practice.id,
            practice_title=self._practice.title,
            started_at=started,
            ended_at=self._clock.now(),
            active_seconds=at,
            completed=completed,
            steps_completed=len(self._steps_done),
            step_count=len(self._steps),
            closing_prompt=self._practice.closing_prompt,
        )
        self._events.append(partial(self._listener.on_finished, self._record))

    # -- timer and listeners ---------------------------------------------------------

    def _settle(self, result: bool) -> bool:
        """End every operation: re-arm the one timer, then tell the listeners."""
        self._reschedule()
        self._flush()
        return result

    def _reschedule(self) -> None:
        """Keep exactly one pending callback, at the next turn or step end, while RUNNING."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._timer_token += 1
        if self._state is not SessionState.RUNNING:
            return
        deadline = self._step_start + self._step_length()
        turn_end = self._turn_end()
        if turn_end is not None and turn_end < deadline:
            deadline = turn_end
        delay = max(0.0, deadline - self._active())
        self._timer = self._scheduler.call_later(delay, partial(self._on_timer, self._timer_token))

    def _on_timer(self, token: int) -> None:
        """Handle a due step or turn end.

        A stale callback (a Qt timer firing just after being cancelled) is ignored, so it
        cannot orphan the live timer; an early one changes nothing and is simply re-armed,
        since everything is worked out again from the clock.
        """
        if token != self._timer_token:
            return
        self._timer = None
        self._advance_due()
        self._settle(True)

    def _flush(self) -> None:
        """Deliver queued events in order, then one on_change; re-entrant calls just queue."""
        if self._flushing:
            return
        self._flushing = True
        try:
            while self._events or self._changed:
                if self._events:
                    self._events.popleft()()
                else:
                    self._changed = False
                    self._listener.on_change(self.snapshot())
        finally:
            self._flushing = False


def _check_participants(count: int) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"participants must be a whole number of at least 1, not {count!r}")
