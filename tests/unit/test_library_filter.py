"""Choosing a practice by time, by who is taking part, and by search words."""

from __future__ import annotations

import pytest

from app.core.library import LibraryQuery, filter_practices, matches
from app.core.practice_loader import load_library
from app.core.practices import Who


@pytest.fixture(scope="module")
def library(request):
    from tests.conftest import PRACTICES

    return load_library(PRACTICES).practices


def ids(practices):
    return [p.id for p in practices]


def test_no_filter_shows_everything_shortest_first(library):
    found = filter_practices(library, LibraryQuery())
    assert len(found) == len(library)
    assert [p.minutes for p in found] == sorted(p.minutes for p in found)


@pytest.mark.parametrize("minutes", [5, 10, 20, 60])
def test_time_i_have_shows_only_what_fits_best_fit_first(library, minutes):
    found = filter_practices(library, LibraryQuery(max_minutes=minutes))
    assert found, "every time choice offers at least one practice"
    assert all(p.minutes <= minutes for p in found)
    assert found[0].minutes == max(p.minutes for p in library if p.minutes <= minutes)
    hidden = [p for p in library if p.minutes > minutes]
    assert not set(ids(hidden)) & set(ids(found))


def test_five_minutes_alone(library):
    found = filter_practices(library, LibraryQuery(5, Who.INDIVIDUAL))
    assert "me-space" in ids(found)
    assert all(p.minutes <= 5 and Who.INDIVIDUAL in p.who for p in found)


def test_team_filter_excludes_solo_practices(library):
    found = filter_practices(library, LibraryQuery(who=Who.TEAM))
    assert {"team-space-20", "team-space-60"} <= set(ids(found))
    assert "me-space" not in ids(found)


def test_search_every_word_must_match_any_case_and_accents(library):
    assert ids(filter_practices(library, LibraryQuery(text="CIRCLE")))[0] == "compassion-circle"
    assert "leadership-reflection" in ids(filter_practices(library, LibraryQuery(text="attending")))
    assert filter_practices(library, LibraryQuery(text="circle zebra")) == []
    me_space = next(p for p in library if p.id == "me-space")
    assert matches(me_space, LibraryQuery(text="Me Spáce"))


def test_search_combines_with_filters(library):
    found = filter_practices(library, LibraryQuery(10, None, "breath"))
    assert ids(found)[0] == "soothing-breathing", "the practice named for it ranks first"
    assert all(p.minutes <= 10 for p in found)
    assert "community-conversation" not in ids(found)
