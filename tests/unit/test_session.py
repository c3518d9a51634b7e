"""Session state machine: whole practices run on a fake clock, never by sleeping."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.practice_loader import load_practice_file, load_practice_text
from app.core.practices import Practice, Step, StepKind
from app.core.session import (
    Session,
    SessionListener,
    SessionRecord,
    SessionState,
    Snapshot,
    TurnInfo,
)
from tests.fakes import FakeClock, FakeScheduler

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

CIRCLE_TOML = """
id = "test-circle"
title = "Test circle"
minutes = 10
who = ["group"]
group_size = { min = 3, max = 12 }
summary = "A circle for tests."
purpose = "To test rounds."
closing_prompt = "One thing I will take away is..."

[[steps]]
title = "Welcome"
seconds = 60
kind = "talk"
prompt = "Welcome everyone."

[[steps]]
title = "Round"
seconds = 480
kind = "round"
speaker_seconds = 60
prompt = "Each person speaks in turn."

[[steps]]
title = "Close"
seconds = 60
kind = "reflection"
prompt = "Notice what you take away."

[credit]
source = "Test"
"""

PAIRS_TOML = """
id = "test-pairs"
title = "Test pairs"
minutes = 5
who = ["pair"]
summary = "A pair practice for tests."
purpose = "To test swaps."

[[steps]]
title = "Arrive"
seconds = 60
kind = "silence"
prompt = "Settle."

[[steps]]
title = "Listen in pairs"
seconds = 240
kind = "pairs"
speaker_seconds = 120
prompt = "One speaks, one listens; swap at the signal."

[credit]
source = "Test"
"""


def me_space() -> Practice:
    return load_practice_file(ROOT / "practices" / "me-space.toml")


def circle() -> Practice:
    return load_practice_text(CIRCLE_TOML, "circle.toml")


def pairs() -> Practice:
    return load_practice_text(PAIRS_TOML, "pairs.toml")


def with_steps(practice: Practice, *steps: Step) -> Practice:
    """A hand-built practice that bypasses the loader's validation."""
    return practice._replace(steps=steps)


@dataclass
class Rig:
    """A session on a fake clock with every listener call written down, with its time."""

    clock: FakeClock
    scheduler: FakeScheduler
    session: Session
    origin: float
    steps: list[tuple[float, int]] = field(default_factory=list)
    turns: list[tuple[float, TurnInfo]] = field(default_factory=list)
    records: list[SessionRecord] = field(default_factory=list)
    changes: list[Snapshot] = field(default_factory=list)

    def t(self) -> float:
        return self.clock.monotonic() - self.origin

    def advance(self, seconds: float) -> None:
        self.scheduler.advance(seconds)

    def snap(self) -> Snapshot:
        return self.session.snapshot()

    def state(self) -> SessionState:
        """Read through a call so mypy does not narrow the state between operations."""
        return self.session.state

    def last_change(self) -> Snapshot:
        return self.changes[-1]


def rig(practice: Practice, participants: int | None = None) -> Rig:
    clock = FakeClock(START)
    scheduler = FakeScheduler(clock)
    holder: list[Rig] = []

    def on_step(index: int) -> None:
        holder[0].steps.append((holder[0].t(), index))

    def on_turn(turn: TurnInfo) -> None:
        holder[0].turns.append((holder[0].t(), turn))

    def on_finished(record: SessionRecord) -> None:
        holder[0].records.append(record)

    def on_change(snapshot: Snapshot) -> None:
        holder[0].changes.append(snapshot)

    listener = SessionListener(
        on_change=on_change,
        on_step_changed=on_step,
        on_turn_changed=on_turn,
        on_finished=on_finished,
    )
    session = Session(practice, clock, scheduler, listener, participants=participants)
    r = Rig(clock, scheduler, session, clock.monotonic())
    holder.append(r)
    return r


# -- a whole practice -------------------------------------------------------------------


def test_me_space_runs_start_to_finish_changing_steps_at_60_240_300() -> None:
    r = rig(me_space())
    assert r.session.start()
    r.advance(400)

    assert r.steps == [(0.0, 0), (60.0, 1), (240.0, 2)]
    assert len(r.records) == 1
    record = r.records[0]
    assert record.completed
    assert record.practice_id == "me-space"
    assert record.active_seconds == 300.0
    assert record.minutes_practised == 5.0
    assert record.steps_completed == 3
    assert record.step_count == 3
    assert record.started_at == START
    assert record.started_at.tzinfo is not None
    assert record.ended_at == START + timedelta(seconds=300)
    assert record.closing_prompt.startswith("One practical step I will take")
    assert r.state() is SessionState.FINISHED
    assert r.scheduler.pending == []


def test_steps_change_at_exactly_their_time_not_before() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(59.5)
    snap = r.snap()
    assert snap.step_index == 0
    assert snap.step_remaining == 0.5
    r.advance(0.5)
    assert r.snap().step_index == 1
    assert r.snap().step_remaining == 180.0
    r.advance(179.75)
    assert r.snap().step_index == 1
    r.advance(0.25)
    assert r.snap().step_index == 2
    r.advance(59.75)
    assert r.state() is SessionState.RUNNING
    r.advance(0.25)
    assert r.state() is SessionState.FINISHED


def test_ready_snapshot_shows_the_whole_plan() -> None:
    r = rig(me_space())
    snap = r.snap()
    assert snap.state is SessionState.READY
    assert (snap.step_index, snap.step_number, snap.step_count) == (0, 1, 3)
    assert snap.step.title == "Arrive"
    assert snap.step_remaining == 60.0
    assert snap.total_remaining == 300.0
    assert snap.progress == 0.0
    assert snap.next_step_title == "Ask yourself the question"
    assert snap.turn is None
    assert snap.elapsed == 0.0
    assert r.scheduler.pending == []  # nothing runs until start


def test_snapshot_mid_practice_totals_and_progress() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(90)
    snap = r.snap()
    assert snap.step_index == 1
    assert snap.step_elapsed == 30.0
    assert snap.step_remaining == 150.0
    assert snap.total_remaining == 210.0
    assert snap.progress == pytest.approx(90 / 300)
    assert snap.elapsed == 90.0
    assert snap.next_step_title == "Choose one kind step"
    r.advance(150)
    assert r.snap().next_step_title is None


# -- pause and resume -------------------------------------------------------------------


def test_pause_resume_keeps_fractional_remaining_exact() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(22.5)
    assert r.session.pause()
    assert r.snap().step_remaining == 37.5
    assert r.scheduler.pending == []  # no step end can fire while paused

    r.advance(600)  # ten minutes paused
    snap = r.snap()
    assert snap.state is SessionState.PAUSED
    assert snap.step_index == 0
    assert snap.step_remaining == 37.5
    assert snap.elapsed == 22.5
    assert r.steps == [(0.0, 0)]

    assert r.session.resume()
    assert r.snap().step_remaining == 37.5
    r.advance(37.25)
    assert r.snap().step_index == 0
    assert r.snap().step_remaining == 0.25
    r.advance(0.25)
    assert r.snap().step_index == 1
    assert r.steps[-1] == (660.0, 1)


def test_minutes_practised_excludes_pause_time() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(100)
    r.session.pause()
    r.advance(1800)
    r.session.resume()
    r.advance(500)

    (record,) = r.records
    assert record.completed
    assert record.active_seconds == 300.0
    assert record.ended_at - record.started_at == timedelta(seconds=2100)


def test_pause_and_resume_fire_on_change_with_the_new_state() -> None:
    r = rig(me_space())
    r.session.start()
    r.session.pause()
    assert r.last_change().state is SessionState.PAUSED
    r.session.resume()
    assert r.last_change().state is SessionState.RUNNING


# -- next, back, restart ----------------------------------------------------------------


def test_next_skips_to_the_next_step_with_its_full_time() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(10)
    assert r.session.next()
    snap = r.snap()
    assert snap.step_index == 1
    assert snap.step_remaining == 180.0
    assert r.steps == [(0.0, 0), (10.0, 1)]
    r.advance(179)
    assert r.snap().step_index == 1
    r.advance(1)  # the old step-1 timer was cancelled; the new one is due at 190 s
    assert r.steps[-1] == (190.0, 2)


def test_back_restarts_the_previous_step_and_on_step_one_restarts_it() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(100)  # 40 s into step 2
    assert r.session.back()
    assert r.snap().step_index == 0
    assert r.snap().step_remaining == 60.0
    r.advance(30)
    assert r.session.back()  # already on step 1: start it again
    assert r.snap().step_index == 0
    assert r.snap().step_remaining == 60.0
    r.advance(60)
    assert r.steps[-1] == (190.0, 1)


def test_next_and_back_keep_a_paused_session_paused() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(5)
    r.session.pause()
    assert r.session.next()
    assert r.state() is SessionState.PAUSED
    assert r.scheduler.pending == []
    r.advance(1000)
    assert r.snap().step_index == 1
    assert r.snap().step_remaining == 180.0
    assert r.session.back()
    assert r.state() is SessionState.PAUSED
    assert r.snap().step_index == 0


def test_restart_goes_to_step_one_and_keeps_practised_time() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(250)  # in step 3
    assert r.session.restart()
    snap = r.snap()
    assert snap.step_index == 0
    assert snap.step_remaining == 60.0
    assert snap.total_remaining == 300.0
    assert snap.elapsed == 250.0
    r.advance(300)
    (record,) = r.records
    assert record.completed
    assert record.active_seconds == 550.0
    assert record.started_at == START


def test_next_on_the_last_step_finishes_completed() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(250)
    assert r.session.next()
    (record,) = r.records
    assert record.completed
    assert record.steps_completed == 3
    assert record.active_seconds == 250.0


# -- invalid operations -----------------------------------------------------------------


def test_operations_that_make_no_sense_return_false_and_change_nothing() -> None:
    r = rig(me_space())
    assert not r.session.pause()
    assert not r.session.resume()
    assert not r.session.next()
    assert not r.session.back()
    assert not r.session.restart()
    assert not r.session.finish()
    assert not r.session.next_speaker()
    assert not r.session.extend_step(30)
    assert r.state() is SessionState.READY
    assert r.changes == [] and r.records == []

    assert r.session.start()
    assert not r.session.start()
    assert not r.session.resume()
    assert not r.session.next_speaker()  # not a turn step
    r.session.pause()
    assert not r.session.pause()

    r.session.finish()
    for op in (
        r.session.start,
        r.session.pause,
        r.session.resume,
        r.session.next,
        r.session.back,
        r.session.restart,
        r.session.finish,
        r.session.next_speaker,
    ):
        assert not op()
    assert not r.session.extend_step(10)
    assert not r.session.set_participants(4)
    assert r.state() is SessionState.FINISHED


def test_bad_arguments_raise_value_error() -> None:
    with pytest.raises(ValueError, match="no steps"):
        Session(with_steps(me_space()), FakeClock(START), FakeScheduler(FakeClock(START)))
    with pytest.raises(ValueError, match="participants"):
        rig(circle(), participants=0)
    r = rig(circle())
    r.session.start()
    with pytest.raises(ValueError, match="positive"):
        r.session.extend_step(0)
    with pytest.raises(ValueError, match="positive"):
        r.session.extend_step(float("nan"))
    with pytest.raises(ValueError, match="participants"):
        r.session.set_participants(0)


# -- rounds -----------------------------------------------------------------------------


def test_round_counts_eight_speakers_with_a_turn_signal_each_minute() -> None:
    r = rig(circle(), participants=8)
    r.session.start()
    r.advance(60)  # the round starts
    turn = r.snap().turn
    assert turn is not None
    assert (turn.kind, turn.number, turn.total, turn.remaining) == (StepKind.ROUND, 1, 8, 60.0)
    assert turn.label == "Speaker 1 of 8"

    r.advance(120)  # 2 minutes into the round
    turn = r.snap().turn
    assert turn is not None
    assert turn.label == "Speaker 3 of 8"
    assert turn.remaining == 60.0
    r.advance(15)
    turn = r.snap().turn
    assert turn is not None
    assert (turn.number, turn.remaining) == (3, 45.0)

    r.advance(1000)
    assert [t for t, _ in r.turns] == [120.0, 180.0, 240.0, 300.0, 360.0, 420.0, 480.0]
    assert [info.number for _, info in r.turns] == [2, 3, 4, 5, 6, 7, 8]
    assert not any(info.done for _, info in r.turns)
    assert r.steps == [(0.0, 0), (60.0, 1), (540.0, 2)]  # no extra signal at the step end


def test_next_speaker_moves_on_early_and_later_turns_follow_from_then() -> None:
    r = rig(circle(), participants=8)
    r.session.start()
    r.advance(60 + 20)
    assert r.session.next_speaker()
    assert r.turns == [(80.0, r.turns[0][1])]
    turn = r.snap().turn
    assert turn is not None
    assert (turn.number, turn.remaining) == (2, 60.0)
    r.advance(60)
    assert [t for t, _ in r.turns] == [80.0, 140.0]
    assert r.turns[-1][1].number == 3
    r.advance(1000)
    assert r.steps[1:] == [(60.0, 1), (540.0, 2)]  # the step keeps its planned end


def test_round_with_time_to_spare_signals_that_everyone_has_spoken() -> None:
    r = rig(circle(), participants=5)
    r.session.start()
    r.advance(60 + 300)
    assert len(r.turns) == 5
    last = r.turns[-1]
    assert last[0] == 360.0
    assert last[1].done
    assert last[1].label == "Everyone has spoken"
    turn = r.snap().turn
    assert turn is not None and turn.done and turn.remaining == 0.0
    assert not r.session.next_speaker()
    r.advance(180)
    assert r.steps[-1] == (540.0, 2)


def test_overrunning_round_ends_on_time_unless_extended() -> None:
    r = rig(circle(), participants=10)
    r.session.start()
    r.advance(60)
    turn = r.snap().turn
    assert turn is not None
    assert turn.overrun == 120.0  # 10 x 60 s in a 480 s step
    r.advance(480)
    assert r.steps[-1] == (540.0, 2)
    assert len(r.turns) == 7  # speakers 9 and 10 were cut off by the planned end

    r2 = rig(circle(), participants=10)
    r2.session.start()
    r2.advance(300)
    assert r2.session.extend_step(120)
    snap = r2.snap()
    assert snap.step_seconds == 600.0
    assert snap.step_remaining == 360.0
    assert snap.turn is not None and snap.turn.overrun == 0.0
    r2.advance(1000)
    assert [info.number for _, info in r2.turns] == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert r2.steps[-1] == (660.0, 2)
    assert r2.records[0].active_seconds == 720.0


def test_participants_default_to_the_practice_maximum_and_can_change() -> None:
    r = rig(circle())
    assert r.session.participants == 12
    r.session.start()
    r.advance(60 + 150)  # speaker 3 of 12, 30 s in
    assert r.session.set_participants(2)
    turn = r.snap().turn
    assert turn is not None and turn.done
    assert r.turns[-1] == (210.0, turn)
    assert r.session.set_participants(6)  # more people joined: speaker 3 starts now
    turn = r.snap().turn
    assert turn is not None
    assert (turn.number, turn.total, turn.remaining, turn.done) == (3, 6, 60.0, False)
    assert not r.session.set_participants(6)


# -- pairs ------------------------------------------------------------------------------


def test_pairs_swap_at_the_half() -> None:
    r = rig(pairs())
    r.session.start()
    r.advance(60)
    turn = r.snap().turn
    assert turn is not None
    assert (turn.kind, turn.label, turn.remaining) == (StepKind.PAIRS, "Turn 1 of 2", 120.0)
    r.advance(119.5)
    assert r.turns == []
    r.advance(0.5)
    assert len(r.turns) == 1
    assert r.turns[0][0] == 180.0
    assert r.turns[0][1].label == "Turn 2 of 2"
    r.advance(1000)
    assert len(r.turns) == 1  # the step end is not a second swap
    assert r.records[0].active_seconds == 300.0


def test_pairs_ignore_the_number_of_participants() -> None:
    r = rig(pairs(), participants=7)
    r.session.start()
    r.advance(60)
    turn = r.snap().turn
    assert turn is not None and turn.total == 2


# -- zero-second steps ------------------------------------------------------------------


def test_zero_second_step_is_skipped_with_a_note() -> None:
    base = me_space()
    empty = Step("Empty", 0, StepKind.TALK, "Nothing here.")
    practice = with_steps(base, base.steps[0], empty, base.steps[1])
    r = rig(practice)
    snap = r.snap()
    assert snap.notes == ("Step 2 'Empty' has no time set, so it is skipped.",)
    assert snap.next_step_title == base.steps[1].title
    r.session.start()
    r.advance(500)
    assert r.steps == [(0.0, 0), (60.0, 2)]
    (record,) = r.records
    assert record.completed and record.active_seconds == 240.0
    assert record.steps_completed == 3


def test_zero_second_first_and_last_steps_do_not_hang() -> None:
    base = me_space()
    empty = Step("Empty", 0, StepKind.SILENCE, "Nothing here.")
    r = rig(with_steps(base, empty, base.steps[0], empty))
    assert r.snap().step_index == 1  # READY already shows the first step with time
    r.session.start()
    assert r.steps == [(0.0, 1)]
    r.advance(60)
    assert r.state() is SessionState.FINISHED
    assert r.records[0].completed
    assert r.scheduler.pending == []


def test_practice_of_only_zero_second_steps_finishes_at_once() -> None:
    empty = Step("Empty", 0, StepKind.SILENCE, "Nothing here.")
    r = rig(with_steps(me_space(), empty, empty))
    assert r.session.start()
    assert r.state() is SessionState.FINISHED
    (record,) = r.records
    assert record.completed and record.active_seconds == 0.0
    assert r.scheduler.pending == []


def test_turn_step_without_speaker_seconds_has_no_turns() -> None:
    step = Step("Round", 120, StepKind.ROUND, "Speak.", speaker_seconds=None)
    r = rig(with_steps(circle(), step))
    r.session.start()
    assert r.snap().turn is None
    assert not r.session.next_speaker()
    r.advance(200)
    assert r.records[0].completed and r.turns == []


# -- finishing --------------------------------------------------------------------------


def test_finish_then_time_running_out_records_once() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(30)
    assert r.session.finish()
    r.advance(1000)
    assert len(r.records) == 1
    assert r.session.record is r.records[0]


def test_finish_twice_records_once() -> None:
    r = rig(me_space())
    r.session.start()
    assert r.session.finish()
    assert not r.session.finish()
    assert len(r.records) == 1


def test_finish_after_time_ran_out_records_once() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(300)
    assert not r.session.finish()
    assert len(r.records) == 1 and r.records[0].completed


def test_finishing_early_is_recorded_as_ended_early() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(30)
    r.session.next()
    r.advance(20)
    r.session.finish()
    (record,) = r.records
    assert not record.completed
    assert record.steps_completed == 1
    assert record.active_seconds == 50.0
    snap = r.snap()
    assert snap.state is SessionState.FINISHED
    assert snap.total_remaining == 0.0 and snap.turn is None
    assert snap.progress == pytest.approx(80 / 300)  # where in the plan it stopped
    r.advance(100)
    assert r.snap().elapsed == 50.0  # the clock stopped at the finish


def test_finishing_during_the_last_step_counts_as_completed() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(250)
    r.session.finish()
    (record,) = r.records
    assert record.completed
    assert record.steps_completed == 3
    assert r.snap().progress == 1.0


def test_finishing_while_paused_records_active_time_only() -> None:
    r = rig(me_space())
    r.session.start()
    r.advance(40)
    r.session.pause()
    r.advance(300)
    r.session.finish()
    (record,) = r.records
    assert record.active_seconds == 40.0
    assert record.ended_at == START + timedelta(seconds=340)


def test_commitment_is_attached_to_a_new_record_after_finish() -> None:
    r = rig(me_space())
    assert not r.session.set_commitment("Too soon")
    r.session.start()
    r.advance(300)
    original = r.records[0]
    assert r.session.set_commitment("  Drink a glass of water at lunch.  ")
    record = r.session.record
    assert record is not None
    assert record.commitment == "Drink a glass of water at lunch."
    assert record.closing_prompt == original.closing_prompt != ""
    assert original.commitment is None  # the first record was not mutated
    assert dataclasses.replace(record, commitment=None) == original
    assert r.session.set_commitment("   ")
    assert r.session.record is not None and r.session.record.commitment is None
    assert len(r.records) == 1


# -- robustness -------------------------------------------------------------------------


def test_a_stale_timer_callback_is_ignored() -> None:
    """A Qt timer can fire just after being cancelled; that must not skip a step."""
    r = rig(me_space())
    r.session.start()
    stale = r.scheduler.pending[0].callback
    r.session.pause()
    r.clock.tick(100)
    stale()
    assert r.snap().step_index == 0
    assert r.snap().state is SessionState.PAUSED


def test_an_early_timer_is_rearmed_not_obeyed() -> None:
    r = rig(me_space())
    r.session.start()
    callback = r.scheduler.pending[0].callback
    r.clock.tick(59)  # a timer that fires a second early
    callback()
    assert r.snap().step_index == 0
    assert r.scheduler.pending[0].due == r.origin + 60
    r.advance(1)
    assert r.snap().step_index == 1


def test_a_late_timer_keeps_the_planned_schedule() -> None:
    r = rig(me_space())
    r.session.start()
    callback = r.scheduler.pending[0].callback
    r.clock.tick(250)  # the timer fires very late (a busy machine)
    callback()
    assert r.steps == [(0.0, 0), (250.0, 1), (250.0, 2)]
    snap = r.snap()
    assert snap.step_index == 2 and snap.step_remaining == 50.0


def test_a_late_turn_timer_keeps_the_planned_turn_times() -> None:
    r = rig(circle(), participants=8)
    r.session.start()
    r.advance(60)  # the round starts; speaker 1's turn ends at 120 s
    callback = r.scheduler.pending[0].callback
    r.clock.tick(70)  # the timer fires 10 s late
    callback()
    turn = r.snap().turn
    assert turn is not None
    assert (turn.number, turn.remaining) == (2, 50.0)
    r.advance(50)
    assert [info.number for _, info in r.turns] == [2, 3]
    assert r.turns[-1][0] == 180.0


def test_a_stale_timer_callback_while_running_changes_nothing() -> None:
    r = rig(me_space())
    r.session.start()
    stale = r.scheduler.pending[0].callback  # step 1 would end at 60 s
    r.advance(10)
    r.session.next()  # step 2 now ends at 190 s
    r.clock.tick(50)
    stale()
    assert r.snap().step_index == 1
    assert r.snap().step_remaining == 130.0
    assert len(r.scheduler.pending) == 1
    r.advance(130)
    assert r.steps[-1] == (190.0, 2)


def test_listener_may_call_back_into_the_session() -> None:
    clock = FakeClock(START)
    scheduler = FakeScheduler(clock)
    holder: list[Session] = []
    seen: list[int] = []

    def on_step(index: int) -> None:
        seen.append(index)
        if index == 1:
            holder[0].pause()

    session = Session(me_space(), clock, scheduler, SessionListener(on_step_changed=on_step))
    holder.append(session)
    session.start()
    scheduler.advance(61)
    assert seen == [0, 1]
    assert session.state is SessionState.PAUSED
    assert session.snapshot().step_remaining == 180.0


def test_session_module_imports_no_qt_or_pygame() -> None:
    code = (
        "import sys, app.core.session; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pygame')]; "
        "print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# -- property test ----------------------------------------------------------------------

OPERATIONS = st.one_of(
    st.sampled_from(
        ["start", "pause", "resume", "next", "back", "restart", "finish", "next_speaker"]
    ),
    st.tuples(st.just("advance"), st.floats(min_value=0, max_value=400, allow_nan=False)),
    st.tuples(st.just("extend"), st.integers(min_value=1, max_value=300)),
    st.tuples(st.just("participants"), st.integers(min_value=1, max_value=15)),
)


def mixed_practice() -> Practice:
    base = circle()
    return with_steps(
        base,
        base.steps[0],
        Step("Empty", 0, StepKind.TALK, "Nothing."),
        base.steps[1],
        Step("Pairs", 240, StepKind.PAIRS, "Swap.", speaker_seconds=120),
        base.steps[2],
    )


@settings(max_examples=300, deadline=None)
@given(ops=st.lists(OPERATIONS, max_size=40))
def test_random_operations_never_break_a_session(ops: list[object]) -> None:
    r = rig(mixed_practice(), participants=6)
    r.session.start()
    for op in ops:
        if isinstance(op, str):
            getattr(r.session, op)()
        else:
            assert isinstance(op, tuple)
            name, value = op
            if name == "advance":
                r.advance(value)
            elif name == "extend":
                r.session.extend_step(value)
            else:
                r.session.set_participants(value)
        snap = r.snap()
        assert snap.step_remaining >= 0
        assert snap.total_remaining >= snap.step_remaining
        assert 0.0 <= snap.progress <= 1.0
        assert snap.step.seconds > 0  # never parked on the zero-second step
        if snap.turn is not None:
            assert 0 <= snap.turn.remaining <= snap.turn.turn_seconds
            assert 1 <= snap.turn.number <= snap.turn.total
        assert len(r.records) <= 1
        assert (r.state() is SessionState.FINISHED) == (len(r.records) == 1)
        pending = r.scheduler.pending
        assert len(pending) == (1 if r.state() is SessionState.RUNNING else 0)
    r.advance(100_000)  # whatever happened, the session ends and records exactly once
    if r.state() is SessionState.RUNNING:
        pytest.fail("session still running after a day of advancing")
    if r.state() is not SessionState.PAUSED:
        assert len(r.records) == 1
