"""Entries, templates and the in-memory search index."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.journal import (
    TEMPLATES,
    Entry,
    Mood,
    SearchIndex,
    edit_entry,
    new_entry,
    render_template,
    template_by_id,
    tokenize,
)
from app.core.journal_templates import NO_IDENTIFIERS
from tests.fakes import FakeClock
from tests.journal_support import T0


def make(n: int, title: str = "", body: str = "", tags=(), template=None, day: int = 0) -> Entry:
    when = T0 + timedelta(days=day)
    return Entry(
        id=f"{n:032x}",
        title=title,
        body=body,
        created_at=when,
        updated_at=when,
        tags=tuple(tags),
        template_id=template,
    )


# --- entries ------------------------------------------------------------------------------


def test_new_entry_uses_the_clock_and_a_uuid_hex_id():
    clock = FakeClock(T0)
    entry = new_entry(clock, template=template_by_id("rolfe"), tags=["ward"])
    assert entry.created_at == entry.updated_at == T0
    assert len(entry.id) == 32
    assert int(entry.id, 16) >= 0
    assert entry.template_id == "rolfe"
    assert "## So what?" in entry.body
    assert entry.tags == ("ward",)


def test_edit_entry_moves_updated_at_only():
    clock = FakeClock(T0)
    entry = new_entry(clock)
    clock.tick(60)
    edited = edit_entry(entry, clock, title="After", mood=Mood.GOOD)
    assert edited.created_at == T0
    assert edited.updated_at == T0 + timedelta(seconds=60)
    assert edited.title == "After"
    with pytest.raises(ValueError):
        edit_entry(entry, clock, id="f" * 32)


def test_entry_rejects_naive_datetimes_and_bad_ids():
    naive = datetime(2025, 1, 1)
    with pytest.raises(ValueError, match="aware"):
        Entry(id="a" * 32, title="", body="", created_at=naive, updated_at=T0)
    with pytest.raises(ValueError, match="32 lowercase hex"):
        Entry(id="not-an-id", title="", body="", created_at=T0, updated_at=T0)


def test_payload_round_trip_keeps_every_field_and_zone():
    zone = timezone(timedelta(hours=1))
    entry = Entry(
        id="c" * 32,
        title="Tea with the team",
        body="# Notes\n\nSome *Markdown*.",
        created_at=T0.astimezone(zone),
        updated_at=T0.astimezone(zone) + timedelta(minutes=5),
        tags=("team", "leadership"),
        mood=Mood.OKAY,
        template_id="leadership",
    )
    back = Entry.from_payload(entry.id, entry.private_payload())
    assert back == entry
    assert back.created_at.utcoffset() == timedelta(hours=1)


def test_payload_with_unknown_version_is_refused():
    payload = make(1).private_payload() | {"v": 99}
    with pytest.raises(ValueError, match="payload version"):
        Entry.from_payload("0" * 31 + "1", payload)


def test_mood_has_words_not_colours():
    assert [m.label for m in Mood] == ["Very low", "Low", "Okay", "Good", "Very good"]
    assert Mood(1) is Mood.VERY_LOW


# --- templates -----------------------------------------------------------------------------


def test_expected_templates_exist():
    assert [t.id for t in TEMPLATES] == ["leadership", "rolfe", "gibbs", "nmc", "after-practice"]
    with pytest.raises(KeyError, match="unknown journal template"):
        template_by_id("nope")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_templates_render_a_heading_and_prompt_per_section(template):
    body = render_template(template)
    for section in template.sections:
        assert f"## {section.heading}\n\n_{section.prompt}_" in body
    assert body.endswith("\n")
    assert template.name and template.summary


def test_leadership_has_the_four_behaviours_and_is_fortnightly():
    leadership = template_by_id("leadership")
    headings = [s.heading for s in leadership.sections]
    for behaviour in ("Attending", "Understanding", "Empathising", "Helping"):
        assert behaviour in headings
    assert headings[:3] == ["What happened", "What was hard", "What went well"]
    assert headings[-1] == "One practical step"
    assert leadership.cadence_days == 14


def test_gibbs_has_six_stages_and_rolfe_three_questions():
    assert len(template_by_id("gibbs").sections) == 6
    assert [s.heading for s in template_by_id("rolfe").sections] == [
        "What?",
        "So what?",
        "Now what?",
    ]


def test_nmc_names_the_four_themes_and_warns_about_identifiers():
    nmc = template_by_id("nmc")
    body = render_template(nmc)
    for theme in (
        "Prioritise people",
        "Practise effectively",
        "Preserve safety",
        "Promote professionalism and trust",
    ):
        assert theme in body
    assert body.startswith("> " + NO_IDENTIFIERS)
    assert "identify" in nmc.note


def test_after_practice_template():
    headings = [s.heading for s in template_by_id("after-practice").sections]
    assert headings == ["Practice", "How it felt", "One practical step I will take"]


# --- search -------------------------------------------------------------------------------


@pytest.fixture
def index():
    return SearchIndex(
        [
            make(1, "Night shift", "A hard night on the ward. Café at 3am.", ["ward", "Nights"]),
            make(2, "Team huddle", "We listened to each other properly.", ["team"], "leadership"),
            make(3, "Rolfe after the fall", "What happened on the ward", ["ward"], "rolfe", 10),
            make(4, "Quiet day", "Nothing much.", [], None, 20),
        ]
    )


def ids(entries):
    return [e.id[-1] for e in entries]


def test_tokenize_folds_case_and_accents():
    assert tokenize("Café RÉSUMÉ naïve") == ["cafe", "resume", "naive"]


def test_empty_query_lists_everything_newest_first(index):
    assert ids(index.search()) == ["4", "3", "2", "1"]  # same time: higher id first


def test_all_words_must_match_case_insensitive(index):
    assert ids(index.search("WARD night")) == ["1"]
    assert ids(index.search("ward")) == ["3", "1"]
    assert index.search("ward huddle") == []


def test_prefix_match_and_accents(index):
    assert ids(index.search("listen")) == ["2"]
    assert ids(index.search("cafe")) == ["1"]
    assert ids(index.search("caf")) == ["1"]


def test_search_covers_title_and_tags(index):
    assert ids(index.search("huddle")) == ["2"]
    assert ids(index.search("nights")) == ["1"]


def test_filters_by_tag_template_and_dates(index):
    assert ids(index.search(tag="#Ward")) == ["3", "1"]
    assert ids(index.search(template_id="leadership")) == ["2"]
    assert ids(index.search("ward", template_id="rolfe")) == ["3"]
    since = T0 + timedelta(days=5)
    assert ids(index.search(since=since)) == ["4", "3"]
    assert ids(index.search(since=since, until=T0 + timedelta(days=20))) == ["3"]
    assert index.search(tag="missing") == []


def test_update_and_remove_keep_the_index_current(index):
    index.add(make(1, "Renamed", "Completely different text", ["other"]))
    assert index.search("night") == []
    assert ids(index.search("different")) == ["1"]
    assert index.tags() == {"other": 1, "team": 1, "ward": 1}
    index.remove("0" * 31 + "3")
    assert index.search("rolfe") == []
    assert index.search(template_id="rolfe") == []
    assert len(index) == 3
    index.remove("f" * 32)  # unknown ids are ignored


def _matches(entry: Entry, words: list[str]) -> bool:
    tokens = set(tokenize(entry.title) + tokenize(entry.body) + tokenize(" ".join(entry.tags)))
    return all(any(t.startswith(w) for t in tokens) for w in words)


WORDS = st.sampled_from(["ward", "warden", "care", "caring", "team", "tea", "night", "Nå"])
TEXT = st.lists(WORDS, max_size=6).map(" ".join)
ENTRIES = st.lists(
    st.tuples(TEXT, TEXT, st.lists(st.sampled_from(["ward", "team", "self"]), max_size=2)),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(
    ENTRIES,
    st.lists(WORDS.map(lambda w: w[: max(1, len(w) - 1)]), max_size=3),
    st.lists(st.integers(0, 11), max_size=4),
    st.none() | st.sampled_from(["ward", "TEAM", "none"]),
)
def test_search_agrees_with_a_linear_scan(specs, query_words, removals, tag):
    entries = [make(i, t, b, tags, day=i) for i, (t, b, tags) in enumerate(specs)]
    index = SearchIndex(entries)
    gone = {f"{r:032x}" for r in removals}
    for entry_id in gone:
        index.remove(entry_id)
    query = " ".join(query_words)
    words = tokenize(query)
    expected = [
        e
        for e in reversed(entries)
        if e.id not in gone
        and _matches(e, words)
        and (tag is None or tag.lower() in [t.lower() for t in e.tags])
    ]
    assert index.search(query, tag=tag) == expected
