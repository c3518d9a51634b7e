"""The bundled library: every practice the mission names is there, valid and credited."""

from __future__ import annotations

import pytest

from app.core.practice_loader import load_library
from app.core.practices import StepKind

REQUIRED = {
    "me-space": 5, "pause-space": 10, "care-space": 20, "team-space-20": 20, "team-space-60": 60,
    "compassion-circle": 60, "compassion-to-others": None, "self-compassion-break": None,
    "soothing-breathing": None, "community-conversation": 60, "leadership-reflection": None,
}


@pytest.fixture(scope="module")
def load(request):
    from tests.conftest import PRACTICES

    return load_library(PRACTICES)


def test_all_files_valid(load):
    assert [str(e) for e in load.skipped] == []


def test_every_named_practice_present_with_its_length(load):
    by_id = {p.id: p for p in load.practices}
    assert set(REQUIRED) <= set(by_id)
    for practice_id, minutes in REQUIRED.items():
        if minutes is not None:
            assert by_id[practice_id].minutes == minutes, practice_id


def test_file_names_match_ids_and_credit_present(load):
    for practice in load.practices:
        assert practice.source_path is not None
        assert practice.source_path.stem == practice.id
        assert practice.credit.source


def test_group_practices_have_roles_and_ground_rules(load):
    for practice in load.practices:
        if practice.is_facilitated:
            assert practice.roles, practice.id
            assert practice.ground_rules, practice.id


def test_community_conversation_keeps_the_5_5_30_15_5_shape(load):
    practice = next(p for p in load.practices if p.id == "community-conversation")
    assert practice.total_seconds == 3600
    assert practice.steps[0].seconds == 300 and practice.steps[1].seconds == 300


def test_circle_has_silence_before_closing_round(load):
    circle = next(p for p in load.practices if p.id == "compassion-circle")
    kinds = [s.kind for s in circle.steps]
    assert StepKind.SILENCE in kinds
    silence_at = max(i for i, k in enumerate(kinds) if k is StepKind.SILENCE)
    assert StepKind.ROUND in kinds[silence_at + 1:]


def test_leadership_reflection_covers_the_four_behaviours(load):
    practice = next(p for p in load.practices if p.id == "leadership-reflection")
    titles = " ".join(s.title.lower() for s in practice.steps)
    for behaviour in ("attending", "understanding", "empathising", "helping"):
        assert behaviour in titles
