"""The bank-holiday cache: a real child process of the app fills it, a warm file answers
without one, and a broken file or a failing child never makes a reminder wrong."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import date
from importlib import metadata
from pathlib import Path

import pytest

from app.core.reminders import NATIONS, HolidaysPackage
from app.storage.bank_holiday_cache import (
    CACHE_FORMAT,
    YEARS_PER_FILL,
    CachedBankHolidays,
    installed_version,
)

REPO = Path(__file__).resolve().parents[2]
VERSION = metadata.version("holidays")
PACKAGE = HolidaysPackage()


def child(code: str) -> tuple[str, ...]:
    """A launch command whose 'app' is a small Python program (the arguments follow it)."""
    return (sys.executable, "-c", code)


@pytest.fixture
def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "bank-holidays.json"


@pytest.fixture(autouse=True)
def _from_the_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    # The child is started as `python -m app`: from the repository, as `make run` does.
    monkeypatch.chdir(REPO)


def test_a_miss_runs_the_app_once_for_three_years_and_writes_the_file(cache_file):
    cache = CachedBankHolidays(cache_file)
    assert cache.dates("england", 2026) == PACKAGE.dates("england", 2026)
    assert cache.dates("england", 2026)[date(2026, 12, 28)] == "Boxing Day (observed)"
    assert cache.runs == 1
    for year in range(2026, 2026 + YEARS_PER_FILL):
        assert cache.dates("england", year) == PACKAGE.dates("england", year)
    assert cache.runs == 1, "the later years came with the first answer"
    saved = json.loads(cache_file.read_text(encoding="utf-8"))
    assert saved["format"] == CACHE_FORMAT
    assert saved["holidays_version"] == VERSION
    assert sorted(saved["nations"]["england"]) == ["2026", "2027", "2028"]
    assert saved["nations"]["england"]["2026"]["2026-12-25"] == "Christmas Day"
    if os.name == "posix":
        assert cache_file.stat().st_mode & 0o777 == 0o600


def test_a_warm_file_answers_without_a_child(cache_file):
    CachedBankHolidays(cache_file).dates("scotland", 2026)
    warm = CachedBankHolidays(cache_file)
    assert warm.dates("scotland", 2027) == PACKAGE.dates("scotland", 2027)
    assert warm.dates("scotland", 2026)[date(2026, 1, 2)] == "New Year Holiday"
    assert warm.runs == 0


def test_another_nation_or_a_later_year_is_added_to_the_same_file(cache_file):
    cache = CachedBankHolidays(cache_file)
    cache.dates("england", 2026)
    assert cache.dates("northern-ireland", 2026)[date(2026, 3, 17)] == "Saint Patrick's Day"
    assert cache.dates("england", 2030) == PACKAGE.dates("england", 2030)
    assert cache.runs == 3
    saved = json.loads(cache_file.read_text(encoding="utf-8"))["nations"]
    assert sorted(saved) == ["england", "northern-ireland"]
    assert sorted(saved["england"]) == ["2026", "2027", "2028", "2030", "2031", "2032"]


def test_every_nation_every_year_equals_the_package(cache_file):
    cache = CachedBankHolidays(cache_file)
    for nation in NATIONS:
        for year in range(2025, 2031):
            assert cache.dates(nation, year) == PACKAGE.dates(nation, year), (nation, year)
    assert cache.runs == len(NATIONS) * 2  # 2025-2027, then 2028-2030


def test_a_file_from_another_holidays_version_is_filled_again(cache_file):
    cache_file.parent.mkdir(parents=True)
    cache_file.write_text(json.dumps({
        "format": CACHE_FORMAT, "holidays_version": "0.1",
        "nations": {"england": {"2026": {"2026-06-10": "A holiday of old"}}},
    }))
    cache = CachedBankHolidays(cache_file)
    assert date(2026, 6, 10) not in cache.dates("england", 2026)
    assert cache.runs == 1
    assert json.loads(cache_file.read_text())["holidays_version"] == VERSION


@pytest.mark.parametrize("text", [
    "{not json",
    "[]",
    json.dumps({"format": 99}),
    json.dumps({"format": CACHE_FORMAT, "holidays_version": VERSION, "nations": []}),
    json.dumps({"format": CACHE_FORMAT, "holidays_version": VERSION,
                "nations": {"cornwall": {}}}),
    json.dumps({"format": CACHE_FORMAT, "holidays_version": VERSION,
                "nations": {"england": {"2026": {"26 Dec": "Boxing Day"}}}}),
    json.dumps({"format": CACHE_FORMAT, "holidays_version": VERSION,
                "nations": {"england": {"next": {}}}}),
])
def test_a_corrupt_file_is_one_log_line_and_made_afresh(cache_file, caplog, text):
    cache_file.parent.mkdir(parents=True)
    cache_file.write_text(text)
    cache = CachedBankHolidays(cache_file)
    with caplog.at_level(logging.WARNING, logger="app.storage.bank_holiday_cache"):
        assert cache.dates("england", 2026) == PACKAGE.dates("england", 2026)
    assert len(caplog.records) == 1
    assert "bank-holiday cache unreadable" in caplog.records[0].getMessage()
    assert str(cache_file) in caplog.records[0].getMessage()
    assert cache.runs == 1
    assert json.loads(cache_file.read_text())["nations"]["england"]["2026"]


@pytest.mark.parametrize(("code", "said"), [
    ("import sys; sys.exit('this child cannot work today')",
     "the child exited with 1: this child cannot work today"),
    ("print('not JSON at all')", "the child's answer is not JSON"),
    ("import json; print(json.dumps({'nation': 'wales', 'years': {}}))",
     "the child's answer is not about england"),
    ("import json; print(json.dumps({'nation': 'england', 'years': {'2026': {}}}))",
     "the child's answer does not cover exactly [2026, 2027, 2028]"),
    ("import json; print(json.dumps({'nation': 'england', "
     "'years': {'2026': {'2026-13-01': 'x'}, '2027': {}, '2028': {}}}))",
     "expected a date and a name"),
])
def test_a_failing_child_is_one_log_line_and_the_package_answers(cache_file, caplog, code,
                                                                    said):
    cache = CachedBankHolidays(cache_file, command=child(code))
    with caplog.at_level(logging.WARNING, logger="app.storage.bank_holiday_cache"):
        assert cache.dates("england", 2026) == PACKAGE.dates("england", 2026)
        assert cache.dates("england", 2031) == PACKAGE.dates("england", 2031)
    (record,) = caplog.records
    assert record.getMessage().startswith("bank holidays: ")
    assert said in record.getMessage()
    assert record.getMessage().endswith("; reading them in this process instead")
    assert cache.runs == 1, "after one failure the child is not tried again"
    saved = json.loads(cache_file.read_text())
    assert sorted(saved["nations"]["england"]) == ["2026", "2027", "2028", "2031", "2032", "2033"]
    assert CachedBankHolidays(cache_file, command=child(code)).dates("england", 2027)


def test_a_child_that_hangs_is_stopped_at_the_timeout(cache_file, caplog):
    asked: list[float] = []

    def hangs(command, *, timeout, **_kwargs):
        """subprocess.run when the child never answers: it gives up at `timeout`."""
        asked.append(timeout)
        raise subprocess.TimeoutExpired(command, timeout)

    cache = CachedBankHolidays(cache_file, command=child("pass"), timeout=0.5, run=hangs)
    with caplog.at_level(logging.WARNING, logger="app.storage.bank_holiday_cache"):
        assert cache.dates("wales", 2026) == PACKAGE.dates("wales", 2026)
    assert [r.getMessage() for r in caplog.records] == [
        "bank holidays: the child took over 0.5 s; reading them in this process instead"]
    assert asked == [0.5], "the child is given the timeout to keep to"


def test_a_child_that_cannot_start_falls_back(cache_file, caplog, tmp_path):
    cache = CachedBankHolidays(cache_file, command=(str(tmp_path / "no-such-program"),))
    with caplog.at_level(logging.WARNING, logger="app.storage.bank_holiday_cache"):
        assert cache.dates("england", 2026) == PACKAGE.dates("england", 2026)
    assert len(caplog.records) == 1
    assert "could not start" in caplog.records[0].getMessage()


def test_a_cache_that_cannot_be_written_still_answers(tmp_path, caplog):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    cache = CachedBankHolidays(blocker / "bank-holidays.json")
    with caplog.at_level(logging.WARNING, logger="app.storage.bank_holiday_cache"):
        assert cache.dates("england", 2026) == PACKAGE.dates("england", 2026)
        assert cache.dates("england", 2027) == PACKAGE.dates("england", 2027)
    read, save = (r.getMessage() for r in caplog.records)
    assert "could not read the bank-holiday cache" in read
    assert "could not save the bank-holiday cache" in save
    assert cache.runs == 1


def test_a_bad_nation_is_named(cache_file):
    with pytest.raises(ValueError, match=r"nation: expected one of england.*got 'Kernow'"):
        CachedBankHolidays(cache_file).dates("Kernow", 2026)
    assert not cache_file.exists()


def test_the_version_is_read_without_importing_the_package():
    assert installed_version() == VERSION
    assert installed_version("no-such-package-here") is None
    code = ("import sys\n"
            "from app.storage.bank_holiday_cache import installed_version\n"
            "print(installed_version(), sorted(m for m in sys.modules if m == 'holidays'\n"
            "      or m.startswith(('holidays.', 'importlib.metadata', 'email'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True, timeout=60)
    assert out.stdout.split() == [VERSION, "[]"]
