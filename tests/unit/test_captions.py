"""WebVTT captions: good cues kept, bad ones reported with file and line, nothing else raised."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.captions import (
    CaptionsError,
    Cue,
    load_captions,
    parse_captions,
)

GOOD = """WEBVTT
Kind: captions

NOTE written by hand for this test

1
00:00:00.000 --> 00:00:04.500
Let your shoulders drop.

intro-2
00:00:05.000 --> 00:00:09.000 align:start position:10%
Feel the floor
under your <i>feet</i> &amp; breathe.

01:00.000 --> 01:03.250
<v Guide>Ask yourself the question.</v>
"""


def test_good_file_gives_every_cue_in_order():
    captions = parse_captions(GOOD, "me-space.vtt")
    assert captions.problems == ()
    assert captions.summary() is None
    assert captions.cues == (
        Cue(0.0, 4.5, "Let your shoulders drop."),
        Cue(5.0, 9.0, "Feel the floor\nunder your feet & breathe."),
        Cue(60.0, 63.25, "Ask yourself the question."),
    )
    assert captions.end == 63.25


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0.0, 0), (4.499, 0), (4.5, None), (4.9, None), (5.0, 1), (8.99, 1), (30, None),
     (60.0, 2), (63.25, None), (-1, None), (1e9, None)],
)
def test_cue_at_a_position(seconds, expected):
    captions = parse_captions(GOOD)
    assert captions.index_at(seconds) == expected
    cue = captions.at(seconds)
    assert (cue is None) == (expected is None)
    if expected is not None:
        assert cue == captions.cues[expected]


def test_overlapping_cues_the_later_start_wins_and_the_earlier_still_covers():
    text = "WEBVTT\n\n00:00.000 --> 00:10.000\nlong\n\n00:02.000 --> 00:03.000\nshort\n"
    captions = parse_captions(text)
    assert captions.at(2.5) == Cue(2.0, 3.0, "short")
    assert captions.at(5) == Cue(0.0, 10.0, "long"), "the long cue still shows after the short"


def test_bad_timing_is_skipped_and_named_with_line_and_expectation():
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nfirst\n\n"
        "00:01 -> x\nbroken\n\n"
        "00:00:03.000 --> 00:00:04.000\nthird\n"
    )
    captions = parse_captions(text, "me-space.vtt")
    assert [c.text for c in captions.cues] == ["first", "third"]
    assert [str(p) for p in captions.problems] == [
        "me-space.vtt: line 6: expected a cue timing 'HH:MM:SS.mmm --> HH:MM:SS.mmm', "
        "got '00:01 -> x'"
    ]
    assert captions.summary() == (
        "Captions: 1 cue skipped in me-space.vtt (line 6: expected a cue timing "
        "'HH:MM:SS.mmm --> HH:MM:SS.mmm', got '00:01 -> x')"
    )


@pytest.mark.parametrize(
    ("cue", "line", "expected"),
    [
        ("00:00:05.000 --> 00:00:04.000\nbackwards", 3, "an end time after the start time"),
        ("00:00:05.000 --> 00:00:05.000\nzero", 3, "an end time after the start time"),
        ("00:00:61.000 --> 00:01:02.000\nbad seconds", 3, "a cue timing"),
        ("00:00:01.00 --> 00:00:02.000\ntwo-digit millis", 3, "a cue timing"),
        ("00:00:01.000 --> \nno end", 3, "a cue timing"),
        ("cue-7\n00:00:01.000 --> x\ntext", 4, "a cue timing"),
        ("id only\n00:00:01.000 --> 00:00:02.000", 5, "caption text after the timing"),
    ],
)
def test_each_kind_of_bad_cue_is_reported(cue, line, expected):
    captions = parse_captions(f"WEBVTT\n\n{cue}\n\n00:00:09.000 --> 00:00:10.000\nok\n", "x.vtt")
    assert [c.text for c in captions.cues] == ["ok"]
    assert len(captions.problems) == 1
    assert captions.problems[0].expected.startswith(expected)
    assert str(captions.problems[0]).startswith(f"x.vtt: line {line}: expected")


def test_missing_header_is_reported_but_the_cues_are_kept():
    captions = parse_captions("00:00:01.000 --> 00:00:02.000\nhello\n", "plain.vtt")
    assert [c.text for c in captions.cues] == ["hello"]
    assert "line 1: expected 'WEBVTT' on the first line" in str(captions.problems[0])
    assert str(captions.summary()).startswith("Captions: a problem in plain.vtt")


def test_windows_line_endings_and_a_bom():
    captions = parse_captions("\ufeffWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nhi\r\n")
    assert captions.cues == (Cue(1.0, 2.0, "hi"),)
    assert captions.problems == ()


def test_load_reads_utf8_and_reports_unreadable_files_in_one_line(tmp_path):
    good = tmp_path / "good.vtt"
    good.write_text(GOOD, encoding="utf-8")
    assert len(load_captions(good).cues) == 3
    with pytest.raises(CaptionsError, match=r"^missing\.vtt: caption file not found$"):
        load_captions(tmp_path / "missing.vtt")
    binary = tmp_path / "binary.vtt"
    binary.write_bytes(b"WEBVTT\n\n\xff\xfe")
    with pytest.raises(CaptionsError, match=r"^binary\.vtt: expected UTF-8 text"):
        load_captions(binary)
    with pytest.raises(CaptionsError, match=r"^folder: could not read"):
        (tmp_path / "folder").mkdir()
        load_captions(tmp_path / "folder")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parsing_any_text_never_raises_and_keeps_only_sane_cues(text):
    captions = parse_captions(text, "fuzz.vtt")
    for cue in captions.cues:
        assert 0 <= cue.start < cue.end and cue.text
    assert list(captions.cues) == sorted(captions.cues, key=lambda c: (c.start, c.end))
    for problem in captions.problems:
        assert str(problem).startswith("fuzz.vtt: line ")


_VTT_PIECES = st.sampled_from([
    "WEBVTT", "", "\n", "-->", " --> ", "00:00:01.000", "00:01.500", "99:59:59.999", "1:2:3.4",
    "NOTE", "STYLE", "caption", "<b>", "&amp;", "\r\n", "\ufeff", "00:00:0a.000",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_VTT_PIECES, max_size=40).map("".join), st.integers(0, 4000))
def test_near_vtt_text_only_ever_gives_cues_or_problems(text, at):
    captions = parse_captions(text)
    cue = captions.at(at / 100)
    assert cue is None or cue.start <= at / 100 < cue.end


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_loading_any_bytes_raises_only_captions_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "any.vtt"
    path.write_bytes(data)
    try:
        load_captions(path)
    except CaptionsError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("any.vtt: ")
