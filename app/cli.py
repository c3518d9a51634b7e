"""The command line: parse arguments, set up paths and logging, run a command or the GUI.

Exit codes: 0 ok, 1 failure, 2 bad usage or bad input. Every error is one line on stderr.
Qt is imported only when a command needs it, so `practices list` stays instant.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app import APP_NAME, APP_SLUG, HOME_ENV_VAR, __version__
from app.platform.paths import AppPaths, resolve_paths
from app.platform.resources import Resources, ResourcesMissing

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2

log = logging.getLogger(__name__)


def _options_parser(*, add_help: bool) -> argparse.ArgumentParser:
    """The options that come before any command."""
    parser = argparse.ArgumentParser(
        prog=APP_SLUG, add_help=add_help,
        description=f"{APP_NAME}: compassion practices, protected breaks and a private journal. "
        "With no command, the app opens.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR",
        help=f"keep settings, journal and logs under DIR (also: ${HOME_ENV_VAR})",
    )
    parser.add_argument("--self-test", action="store_true",
                        help="check Qt, the practices and the bundled files; exit 0 if all pass")
    parser.add_argument("--verbose", action="store_true", help="log debug detail")
    parser.add_argument("--tray", action="store_true",
                        help="start in the tray without opening the window (as at login); "
                        "where the desktop has no tray, the window opens")
    # For the start-up benchmark and screenshots: quit once the window has been shown.
    parser.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    # For the tray session test: restart lean this many seconds after closing to the tray.
    parser.add_argument("--idle-restart-after", type=float, metavar="SECONDS",
                        help=argparse.SUPPRESS)
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse argv; a plain launch (options only) skips building every command's parser.

    Building the journal and reminder commands' parsers costs milliseconds the window's
    start-up should not pay; neither does `start PRACTICE_ID` (the desktop file's action).
    Anything else the options alone do not explain (another command, a typo, --help) goes
    through the whole parser, so its errors and help are the same.
    """
    if not any(arg in ("-h", "--help") for arg in argv):
        args, rest = _options_parser(add_help=False).parse_known_args(argv)
        if not rest:
            args.command = None
            return args
        # Last in argv: the whole parser refuses options after the command ("start x -v").
        if (len(rest) == 2 and rest[0] == "start" and not rest[1].startswith("-")
                and list(argv[-2:]) == rest):
            args.command, args.practice_id = rest
            return args
    return build_parser().parse_args(argv)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, so --help documents every command."""
    parser = _options_parser(add_help=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    start = commands.add_parser("start", help="open the app on a practice")
    start.add_argument("practice_id", metavar="PRACTICE_ID", help="for example me-space")

    practices = commands.add_parser("practices", help="list or check practice files")
    practice_commands = practices.add_subparsers(dest="practices_command", metavar="ACTION",
                                                 required=True)
    practice_commands.add_parser("list", help="list the bundled practices")
    validate = practice_commands.add_parser(
        "validate", help="check practice files (the bundled ones when no PATH is given)"
    )
    validate.add_argument("paths", nargs="*", metavar="PATH", type=Path)
    from app.cli_reminders import add_reminder_commands  # light: the core loads on use

    add_reminder_commands(commands)
    from app.cli_journal import add_journal_commands  # light: storage loads on use

    add_journal_commands(commands)
    return parser


def run(argv: Sequence[str]) -> int:
    """Parse argv and run; never lets a traceback be the only output."""
    args = parse_args(argv)
    try:
        paths = resolve_paths(args.data_dir, os.environ)
        if args.self_test:
            from app.selftest import run_self_test

            return run_self_test(print)
        if args.command == "practices":
            return _practices(args)
        if args.command == "reminders":
            from app.cli_reminders import run_reminders

            return run_reminders(args, paths)
        if args.command == "journal":
            from app.cli_journal import run_journal

            return run_journal(args, paths)
        return _gui(args, paths)
    except ResourcesMissing as exc:
        print(f"{APP_SLUG}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"{APP_SLUG}:{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILURE


def _practices(args: argparse.Namespace) -> int:
    from app.core.practice_loader import load_library  # not on the GUI's start-up path

    if args.practices_command == "list":
        result = load_library(Resources.locate().practices_dir)
        for practice in result.practices:
            who = ", ".join(w.value for w in practice.who)
            print(f"{practice.id:<24} {practice.minutes:>3} min  {who:<22} {practice.title}")
        for error in result.skipped:
            print(f"skipped {error.problems[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT if result.skipped else EXIT_OK
    return _validate(args.paths)


def _validate(paths: list[Path]) -> int:
    from app.core.practice_loader import PracticeFileError, load_practice_file

    if not paths:
        folder = Resources.locate().practices_dir
        paths = sorted(folder.glob("*.toml"))
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    bad = 0
    for path in files:
        try:
            practice = load_practice_file(path)
        except PracticeFileError as exc:
            bad += 1
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        print(f"ok  {path} ({practice.id}, {practice.minutes} min, {len(practice.steps)} steps)")
    if not files:
        print("practices validate: expected at least one .toml file, got none", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_BAD_INPUT if bad else EXIT_OK


def _relaunch_options(args: argparse.Namespace) -> list[str]:
    """The options a copy of this app needs to be the same app (its data, its logging)."""
    options = ["--data-dir", str(Path(args.data_dir).resolve())] if args.data_dir else []
    if args.verbose:
        options.append("--verbose")
    if args.idle_restart_after is not None:
        options += ["--idle-restart-after", str(args.idle_restart_after)]
    return options


def _gui(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.platform import startup_checks as checks
    from app.platform.logs import hold_logging

    try:  # no display, a read-only data folder, Qt's libraries missing: one line, exit 1
        problem = checks.display_problem(os.environ)
        if problem:
            raise checks.StartupProblem(problem)
        checks.prepare_data_folders(paths)
        try:
            from app.platform.pyside_source_scan import install_lean_source_scan

            install_lean_source_scan()  # before the app's modules: none of their text is kept
            from app.ui.application import run_gui
        except ImportError as exc:
            raise checks.StartupProblem(checks.qt_import_problem(exc)) from None
    except checks.StartupProblem as exc:
        print(f"{APP_SLUG}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    checks.install_fatal_handler()
    held = hold_logging(paths.log_file, verbose=args.verbose)  # the file opens after paint
    log.info("%s %s starting; data in %s", APP_NAME, __version__, paths.data_dir)

    practice_id = args.practice_id if args.command == "start" else None
    try:
        return run_gui(paths, Resources.locate(), open_practice=practice_id,
                       exit_when_shown=args.exit_when_shown, open_log=held.open_log,
                       in_tray=args.tray, relaunch_options=_relaunch_options(args),
                       idle_restart_seconds=args.idle_restart_after)
    finally:
        held.open_log()  # a run that ended before its first paint still leaves its log
