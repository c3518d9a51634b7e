"""`reminders list | next | export-ics` as a person runs them: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from app import HOME_ENV_VAR
from app.core.reminders import default_rules, rules_to_dict

REPO = Path(__file__).resolve().parents[2]
ZONE = "Europe/Berlin"  # not the CI machine's zone, so the TZID proves it came from here


def run(*args: str, data_dir: Path, tz: str = ZONE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": tz}
    env.pop(HOME_ENV_VAR, None)
    return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
                          check=False)


def write_settings(data_dir: Path, reminders: dict[str, object] | None = None,
                   **extra: object) -> Path:
    path = data_dir / "config" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, object] = {"version": 3, **extra}
    if reminders is not None:
        data["reminders"] = reminders
    path.write_text(json.dumps(data))
    return path


def test_list_without_settings_uses_defaults_and_says_so(tmp_path):
    out = run("reminders", "list", data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip() == (
        f"note: no settings file at {tmp_path / 'config' / 'settings.json'}; "
        "using the default rules")
    assert out.stdout.splitlines() == [
        "break      Lunch: Mon–Fri 12:00–13:00, heads-up 10 min before",
        "journal    every 2 weeks on Fri at 16:00, counting from the week of 2026-01-02",
        "pause      off",
        "holidays   skipped (England bank holidays)",
        f"time zone  {ZONE} (this computer's)",
    ]


def test_list_reads_the_rules_in_the_settings_file(tmp_path):
    rules = rules_to_dict(default_rules("Europe/London"))
    rules["windows"].append({"name": "Tea", "weekdays": [1, 3], "start": "15:00",
                             "end": "15:20", "heads_up_minutes": 0})
    rules["daily_pause"] = {"at": "10:30", "weekdays": [0, 2, 4], "enabled": True}
    rules["quiet_days"] = [{"start": "2026-08-03", "end": "2026-08-14"}]
    rules["bank_holidays"] = {"skip": True, "nation": "scotland"}
    write_settings(tmp_path, rules)
    out = run("reminders", "list", data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert out.stdout.splitlines() == [
        "break      Lunch: Mon–Fri 12:00–13:00, heads-up 10 min before",
        "break      Tea: Tue, Thu 15:00–15:20, no heads-up",
        "journal    every 2 weeks on Fri at 16:00, counting from the week of 2026-01-02",
        "pause      Mon, Wed, Fri at 10:30",
        "leave      2026-08-03 to 2026-08-14",
        "holidays   skipped (Scotland bank holidays)",
        "time zone  Europe/London",
    ]


def test_next_lists_due_times_in_local_zone_in_order(tmp_path):
    write_settings(tmp_path, {"windows": [{"name": "Lunch", "weekdays": [0, 1, 2, 3, 4, 5, 6],
                                           "start": "12:00", "end": "13:00"}]})
    before = datetime.now(ZoneInfo(ZONE))
    out = run("reminders", "next", "--count", "7", data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    header, *lines = out.stdout.splitlines()
    assert header == f"times in {ZONE}"
    assert len(lines) == 7
    dues = []
    for line in lines:
        stamp, zone_abbr, rest = line[:20], line[21:26].strip(), line[26:]
        due = datetime.strptime(stamp, "%a %Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(ZONE))
        assert zone_abbr == due.tzname(), line  # CET or CEST, as the date says
        assert rest.split()[0] in {"heads-up", "starts", "ends", "journal"}, line
        dues.append(due)
    assert dues == sorted(dues)
    assert dues[0] > before - timedelta(minutes=1)
    starts = [d for d, line in zip(dues, lines, strict=True) if " starts " in line]
    assert starts and all(d.time() == time(12) for d in starts)


def test_next_count_must_be_positive(tmp_path):
    out = run("reminders", "next", "--count", "0", data_dir=tmp_path)
    assert out.returncode == 2
    assert "expected a whole number from 1 to 500, got '0'" in out.stderr


def test_export_ics_parses_with_weekly_rule_in_local_zone(tmp_path):
    target = tmp_path / "breaks.ics"
    out = run("reminders", "export-ics", "--out", str(target), data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"wrote {target}"
    assert "using the default rules" in out.stderr
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    events = [c for c in cal.walk("VEVENT") if str(c["SUMMARY"]) == "Protected lunch break"]
    assert len(events) == 1
    event: Any = events[0]  # icalendar's property types are a wide union
    rrule = event["RRULE"]
    assert rrule["FREQ"] == ["WEEKLY"] and rrule["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    assert event["DTSTART"].params["TZID"] == ZONE
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert (start.time(), end.time()) == (time(12), time(13))
    assert str(start.tzinfo) == ZONE or getattr(start.tzinfo, "key", None) == ZONE
    assert b"TZID:" + ZONE.encode() in target.read_bytes()  # the VTIMEZONE is there

    again = run("reminders", "export-ics", "--out", str(target), data_dir=tmp_path)
    assert again.stdout.strip() == f"wrote {target} (replaced the earlier file)"


def test_export_ics_into_missing_folder_is_bad_input(tmp_path):
    target = tmp_path / "nope" / "breaks.ics"
    out = run("reminders", "export-ics", "--out", str(target), data_dir=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[-1] == (
        f"compassion-companion: {target}: expected an existing folder {target.parent}, "
        "found none")


def test_broken_rules_name_the_field_exit_2_and_file_is_kept(tmp_path):
    rules = rules_to_dict(default_rules("Europe/London"))
    rules["windows"][0]["end"] = "11:00"
    path = write_settings(tmp_path, rules)
    before = path.read_bytes()
    for action in (["list"], ["next"], ["export-ics", "--out", str(tmp_path / "x.ics")]):
        out = run("reminders", *action, data_dir=tmp_path)
        assert out.returncode == 2, action
        assert out.stdout == ""
        assert out.stderr.splitlines() == [
            f"compassion-companion: {path}: reminders.windows[0].end: "
            "expected a time after start 12:00, got 11:00"]
    assert path.read_bytes() == before, "a read-only command never moves or rewrites the file"
    assert not (tmp_path / "x.ics").exists()


def test_broken_settings_json_and_bad_field_are_one_line(tmp_path):
    path = write_settings(tmp_path)
    path.write_text("{oops")
    out = run("reminders", "list", data_dir=tmp_path)
    assert out.returncode == 2
    assert len(out.stderr.splitlines()) == 1
    assert out.stderr.startswith(f"compassion-companion: {path}: (file): expected JSON")

    write_settings(tmp_path, None, bell_volume=7)
    out = run("reminders", "list", data_dir=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip() == (f"compassion-companion: {path}: bell_volume: expected a "
                                  "number from 0 to 1, got 7")
    assert "Traceback" not in out.stderr


def test_settings_not_an_object_or_not_json_keep_their_exact_words(tmp_path):
    path = write_settings(tmp_path)
    path.write_text("[1, 2]")
    out = run("reminders", "list", data_dir=tmp_path)
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        f"compassion-companion: {path}: (file): expected a JSON object at the top level"]
    path.write_text('{"version": 3,\n oops}')
    out = run("reminders", "next", data_dir=tmp_path)
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        f"compassion-companion: {path}: (file): expected JSON, got an error at line 2 "
        "column 2: Expecting property name enclosed in double quotes"]
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"], "left in place"


def test_unknown_time_zone_in_rules(tmp_path):
    write_settings(tmp_path, {"timezone": "Mars/Olympus"})
    out = run("reminders", "next", data_dir=tmp_path)
    assert out.returncode == 2
    assert "reminders.timezone: expected an IANA time zone" in out.stderr
    assert "'Mars/Olympus'" in out.stderr


def test_bank_holidays_json_is_the_package_table_per_year(tmp_path):
    from importlib import metadata

    import holidays

    out = run("reminders", "bank-holidays", "--nation", "scotland", "--years", "2026", "2027",
              "--json", data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    answer = json.loads(out.stdout)
    assert answer["holidays_version"] == metadata.version("holidays")
    assert answer["nation"] == "scotland"
    assert sorted(answer["years"]) == ["2026", "2027"]
    for year in (2026, 2027):
        table = holidays.country_holidays("GB", subdiv="SCT", years=year)
        assert answer["years"][str(year)] == {d.isoformat(): str(n) for d, n in table.items()}
    assert answer["years"]["2026"]["2026-11-30"] == "Saint Andrew's Day"
    assert not (tmp_path / "config").exists(), "it reads no settings and writes nothing"


def test_bank_holidays_as_text_one_line_a_day(tmp_path):
    out = run("reminders", "bank-holidays", "--nation", "england", "--years", "2026",
              data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "Thu 2026-01-01  New Year's Day"
    assert "Fri 2026-12-25  Christmas Day" in lines
    assert len(lines) == 9


def test_bank_holidays_is_in_the_help(tmp_path):
    out = run("reminders", "--help", data_dir=tmp_path)
    assert out.returncode == 0
    assert "bank-holidays" in out.stdout
    out = run("reminders", "bank-holidays", "--help", data_dir=tmp_path)
    assert out.returncode == 0
    assert "--nation NATION" in out.stdout and "--json" in out.stdout


def test_bank_holidays_bad_input_is_one_line_naming_the_option(tmp_path):
    cases = {
        ("--nation", "cornwall", "--years", "2026"):
            "--nation: expected one of england, scotland, wales, northern-ireland, "
            "got 'cornwall'",
        ("--years", "2026"):
            "--nation: expected one of england, scotland, wales, northern-ireland, got nothing",
        ("--nation", "wales"): "--years: expected one or more years from 1950 to 2200, "
                               "got nothing",
        ("--nation", "wales", "--years", "2026", "twenty"):
            "--years: expected a year from 1950 to 2200, got 'twenty'",
        ("--nation", "wales", "--years", "1066"):
            "--years: expected a year from 1950 to 2200, got '1066'",
    }
    for args, message in cases.items():
        out = run("reminders", "bank-holidays", *args, "--json", data_dir=tmp_path)
        assert out.returncode == 2, args
        assert out.stdout == ""
        assert out.stderr.splitlines() == [
            f"compassion-companion: reminders bank-holidays: {message}"], args
