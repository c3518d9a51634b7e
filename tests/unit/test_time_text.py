"""Times read the same in the player, the audio panel and their notices."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.core.time_text import (
    countdown_text,
    day_text,
    moment_text,
    position_text,
    remaining_text,
)


def test_times_read_the_same_everywhere():
    assert position_text(65.9) == "1:05"  # a place: whole seconds passed
    assert remaining_text(64.1) == "1:05"  # time left: rounded up
    assert remaining_text(0.2) == "0:01" and remaining_text(0) == "0:00"
    assert countdown_text(300) == "05:00"
    assert position_text(-3) == "0:00"


def test_dates_read_the_same_everywhere():
    moment = datetime(2025, 3, 3, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    assert day_text(moment) == "Mon 3 Mar 2025"  # no leading zero on the day
    assert day_text(date(2025, 11, 24), year=False) == "Mon 24 Nov"
    assert moment_text(moment) == "Mon 3 Mar 2025, 09:30"
