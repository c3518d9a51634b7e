"""The practice schema: valid files load; every kind of mistake gives a clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.practice_loader import (
    PracticeFileError,
    load_library,
    load_practice_file,
    load_practice_text,
)
from app.core.practices import StepKind, Who
from tests.unit.practice_texts import VALID


def _problems(text: str) -> list[str]:
    with pytest.raises(PracticeFileError) as caught:
        load_practice_text(text, "broken.toml")
    return [str(p) for p in caught.value.problems]


def test_valid_text_loads_every_field():
    practice = load_practice_text(VALID, "ok.toml")
    assert practice.id == "test-pause"
    assert practice.minutes == 2
    assert practice.who == (Who.GROUP, Who.TEAM)
    assert practice.group_size.min == 2 and practice.group_size.max == 8
    assert [s.kind for s in practice.steps] == [StepKind.TALK, StepKind.ROUND]
    assert practice.steps[1].speaker_seconds == 10
    assert practice.roles[0].name == "host"
    assert practice.total_seconds == 120
    assert practice.is_facilitated
    assert practice.who_label == "A group or a team"


def test_syntax_error_names_file_and_line():
    problems = _problems(VALID.replace('minutes = 2', 'minutes = = 2'))
    assert len(problems) == 1
    assert problems[0].startswith("broken.toml: (syntax): expected valid TOML, got ")
    assert "(at line 5, column 11)" in problems[0]


def test_missing_field_names_the_field():
    problems = _problems(VALID.replace('summary = "A tiny practice used by the tests."\n', ""))
    assert problems == ["broken.toml: summary: expected a piece of text, got nothing"]


def test_wrong_type_names_the_field_and_the_value():
    problems = _problems(VALID.replace("minutes = 2", 'minutes = "two"'))
    assert any(
        p.startswith("broken.toml: minutes: expected a whole number of minutes from 1 to 480, "
                     "got text 'two'") for p in problems
    )


def test_negative_minutes_rejected():
    problems = _problems(VALID.replace("minutes = 2", "minutes = -2"))
    assert "broken.toml: minutes: expected a whole number of minutes from 1 to 480, " \
           "got a number -2" in problems


def test_steps_not_adding_up_to_duration():
    problems = _problems(VALID.replace("seconds = 90", "seconds = 80"))
    assert problems == [
        "broken.toml: steps: expected step seconds adding up to minutes x 60 = 120 s, got 110 s"
    ]


def test_negative_step_seconds_names_the_step():
    problems = _problems(VALID.replace("seconds = 30", "seconds = -30"))
    assert problems[0].startswith("broken.toml: steps[0].seconds: expected a whole number of "
                                  "seconds from 1")


def test_round_without_speaker_seconds():
    problems = _problems(VALID.replace("speaker_seconds = 10\n", ""))
    assert problems == [
        "broken.toml: steps[1].speaker_seconds: expected seconds per speaker for a 'round' step, "
        "got nothing"
    ]


def test_unknown_kind_and_misspelt_field_both_reported():
    text = VALID.replace('kind = "talk"', 'kind = "chat"').replace("purpose =", "porpose =")
    problems = _problems(text)
    assert any("steps[0].kind: expected one of: talk, pairs, round" in p for p in problems)
    assert any(p.startswith("broken.toml: porpose: expected no such field") for p in problems)
    assert any(p.startswith("broken.toml: purpose: expected a piece of text") for p in problems)


def test_bad_who_and_group_size():
    text = VALID.replace('who = ["group", "team"]', 'who = ["crowd"]').replace(
        "{ min = 2, max = 8 }", "{ min = 9, max = 3 }")
    problems = _problems(text)
    assert any("who[0]: expected one of: individual, pair, group, team" in p for p in problems)
    assert any("group_size.max: expected at least group_size.min (9)" in p for p in problems)


def test_every_problem_is_one_line():
    text = "id = 3\nminutes = true\nwho = 'me'\n[[steps]]\nseconds = 0\n"
    problems = _problems(text)
    assert len(problems) >= 6
    assert all("\n" not in p and p.startswith("broken.toml: ") for p in problems)


def test_not_utf8_and_unreadable_files(tmp_path: Path):
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"id = \"\xff\xfe\"\n")
    with pytest.raises(PracticeFileError, match="expected UTF-8 text"):
        load_practice_file(binary)
    with pytest.raises(PracticeFileError, match="expected a readable file"):
        load_practice_file(tmp_path / "missing.toml")


def test_library_skips_broken_file_and_keeps_the_rest(tmp_path: Path):
    (tmp_path / "a-good.toml").write_text(VALID)
    (tmp_path / "b-broken.toml").write_text(VALID.replace("seconds = 90", "seconds = 5"))
    (tmp_path / "c-dup.toml").write_text(VALID)
    result = load_library(tmp_path)
    assert [p.id for p in result.practices] == ["test-pause"]
    assert [Path(e.path).name for e in result.skipped] == ["b-broken.toml", "c-dup.toml"]
    assert "an id no other file uses" in str(result.skipped[1])
