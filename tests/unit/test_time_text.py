"""Times read the same in the player, the audio panel and their notices."""

from __future__ import annotations

from app.core.time_text import countdown_text, position_text, remaining_text


def test_times_read_the_same_everywhere():
    assert position_text(65.9) == "1:05"  # a place: whole seconds passed
    assert remaining_text(64.1) == "1:05"  # time left: rounded up
    assert remaining_text(0.2) == "0:01" and remaining_text(0) == "0:00"
    assert countdown_text(300) == "05:00"
    assert position_text(-3) == "0:00"
