"""The quick parse of a plain launch must mean exactly what the whole parser means."""

from __future__ import annotations

import pytest

import app.cli
from app.cli import build_parser, parse_args


@pytest.mark.parametrize("argv", [
    [],
    ["--verbose"],
    ["--data-dir", "/tmp/somewhere", "--exit-when-shown"],
    ["--data-dir=/tmp/x"],
    ["--self-test"],
])
def test_options_only_parse_like_the_whole_parser(argv):
    quick = parse_args(argv)
    whole = build_parser().parse_args(argv)
    assert vars(quick) == vars(whole)


@pytest.mark.parametrize(("argv", "command"), [
    (["start", "me-space"], "start"),
    (["--data-dir", "/tmp/d", "reminders", "next"], "reminders"),
    (["journal", "backup"], "journal"),
])
def test_a_command_goes_through_the_whole_parser(argv, command):
    args = parse_args(argv)
    assert args.command == command
    assert vars(args) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [
    ["start", "me-space"],
    ["--tray", "start", "me-space"],
    ["--data-dir", "/tmp/d", "--verbose", "start", "kind-breath"],
    ["--data-dir=start", "start", "me-space"],
])
def test_start_a_practice_skips_the_whole_parser_and_means_the_same(argv, monkeypatch):
    whole = build_parser().parse_args(argv)

    def not_wanted():
        raise AssertionError("the desktop file's start action built every command's parser")

    monkeypatch.setattr(app.cli, "build_parser", not_wanted)
    assert vars(parse_args(argv)) == vars(whole)


@pytest.mark.parametrize("argv", [
    ["--no-such-option"], ["start"], ["--help"], ["start", "me-space", "--verbose"],
    ["start", "--tray", "me-space"], ["start", "-x"], ["start", "a", "b"], ["--", "start", "a"],
])
def test_mistakes_and_help_get_the_whole_parsers_answer(argv, capsys):
    with pytest.raises(SystemExit) as quick:
        parse_args(argv)
    quick_out = capsys.readouterr()
    with pytest.raises(SystemExit) as whole:
        build_parser().parse_args(argv)
    assert quick.value.code == whole.value.code
    assert quick_out == capsys.readouterr()
