"""`journal export | import | backup | restore | verify`: the journal from a shell.

The passphrase is read only from the terminal (getpass), or, with --passphrase-stdin, as
one line of standard input; never from an argument or an environment variable, where other
users and shell history could see it. A journal set up without a passphrase needs none.
One attempt per run: Argon2id's cost is what slows guessing here, so the in-app
UnlockThrottle (which only delays someone at the keyboard) has nothing to add.

Exit codes: 0 ok, 1 failure (wrong passphrase, damaged entries, no backup), 2 bad usage or
bad input. Every error is one line on stderr; nothing here logs entry content.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

from app import APP_SLUG

if TYPE_CHECKING:
    from app.core.clock import Clock
    from app.core.journal import Entry
    from app.platform.paths import AppPaths
    from app.storage.journal_repo import JournalRepository

EXIT_OK: Final = 0
EXIT_FAILURE: Final = 1
EXIT_BAD_INPUT: Final = 2
EXPORT_FORMATS: Final = ("md", "json", "pdf")
IMPORT_FORMATS: Final = ("jrnl-json", "dayone-json", "markdown", "json")

log = logging.getLogger(__name__)


class CommandFailed(Exception):
    """A one-line message for stderr and the exit code to return."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2025-03-04, got {text!r}") from None


def add_journal_commands(commands: Any) -> None:
    """Add `journal ...` to the top-level subparsers (argparse's private action type)."""
    journal = commands.add_parser("journal", help="export, import, back up, restore or check "
                                  "the private journal")
    actions = journal.add_subparsers(dest="journal_command", metavar="ACTION", required=True)
    secret = argparse.ArgumentParser(add_help=False)
    secret.add_argument("--passphrase-stdin", action="store_true",
                        help="read the passphrase as one line of standard input instead of "
                        "asking at the terminal")

    export = actions.add_parser("export", parents=[secret],
                                help="write entries out as Markdown, JSON or PDF (not encrypted)")
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS,
                        help="md: one file per entry (a folder, or a .zip when PATH ends .zip); "
                        "json: one file import can read back; pdf: printable")
    export.add_argument("--out", required=True, type=Path, metavar="PATH",
                        help="a new file or folder; nothing existing is overwritten")
    export.add_argument("--from", dest="since", type=_day, metavar="DATE",
                        help="first day to include (YYYY-MM-DD, local time)")
    export.add_argument("--to", dest="until", type=_day, metavar="DATE",
                        help="last day to include (YYYY-MM-DD, local time)")
    export.add_argument("--entry", action="append", default=[], metavar="ID",
                        help="only this entry (repeat for more)")

    importer = actions.add_parser("import", parents=[secret],
                                  help="add entries from another journal app or an export")
    importer.add_argument("--format", required=True, choices=IMPORT_FORMATS,
                          help="jrnl-json: `jrnl --export json`; dayone-json: Day One's JSON "
                          "export; markdown: a folder or .zip of .md files; json: this app's "
                          "own export")
    importer.add_argument("path", type=Path, metavar="PATH")

    actions.add_parser("backup", help="copy the (still encrypted) journal to the backups "
                       "folder now")
    restore = actions.add_parser("restore", help="put a backup in place of the journal; the "
                                 "current file is kept aside, never deleted")
    restore.add_argument("backup", nargs="?", metavar="BACKUP",
                         help="a backup file or its name in the backups folder (default: the "
                         "newest one that checks out)")
    actions.add_parser("verify", parents=[secret],
                       help="check the file's integrity and that every entry decrypts")


def backup_folder(paths: AppPaths) -> Path:
    """Where backups live: beside the journal file, as the app keeps them."""
    return paths.journal_db.parent / "backups"


def run_journal(args: argparse.Namespace, paths: AppPaths, *, stdin: TextIO | None = None,
                clock: Clock | None = None) -> int:
    """Run one journal action; errors become one line on stderr and an exit code."""
    from app.core.clock import SystemClock
    from app.platform.logs import setup_logging

    paths.ensure()
    handler = setup_logging(paths.log_file, verbose=getattr(args, "verbose", False))
    try:
        action = {
            "export": _export,
            "import": _import,
            "backup": _backup,
            "restore": _restore,
            "verify": _verify,
        }[args.journal_command]
        return action(args, paths, stdin or sys.stdin, clock or SystemClock())
    except CommandFailed as exc:
        print(f"{APP_SLUG} journal {args.journal_command}: {exc}", file=sys.stderr)
        return exc.code
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


# --- opening and unlocking -----------------------------------------------------------


def _open(paths: AppPaths, clock: Clock) -> JournalRepository:
    import sqlite3

    from app.storage.db import DatabaseError
    from app.storage.journal_repo import open_journal
    from app.storage.migrations import MigrationError

    db = paths.journal_db
    if not db.is_file():
        raise CommandFailed(f"there is no journal in {db.parent} yet; open the app to set one "
                            "up")
    try:
        repo = open_journal(db, clock, backup_dir=backup_folder(paths))
    except (DatabaseError, MigrationError, sqlite3.Error) as exc:
        raise CommandFailed(str(exc)) from None
    if not repo.has_keyring():
        repo.connection.close()
        raise CommandFailed(f"the journal in {db.parent} has not been set up yet; open the app "
                            "to set it up")
    return repo


def _read_passphrase(args: argparse.Namespace, stdin: TextIO) -> str:
    if args.passphrase_stdin:
        line = stdin.readline()
        if not line:
            raise CommandFailed("expected the passphrase as one line on standard input, got "
                                "nothing", EXIT_BAD_INPUT)
        return line.rstrip("\r\n")
    if not stdin.isatty():
        raise CommandFailed("no terminal to ask for the passphrase; add --passphrase-stdin and "
                            "send it on standard input", EXIT_BAD_INPUT)
    import getpass

    return getpass.getpass("Journal passphrase: ")


def _unlocked(args: argparse.Namespace, paths: AppPaths, stdin: TextIO,
              clock: Clock) -> JournalRepository:
    from app.core import crypto

    repo = _open(paths, clock)
    try:
        if repo.is_passphrase_free():
            repo.unlock(None)
        else:
            repo.unlock(_read_passphrase(args, stdin))
    except crypto.WrongPassphrase as exc:
        repo.connection.close()
        log.info("journal: wrong passphrase on the command line")
        raise CommandFailed(f"{exc} Nothing was changed.") from None
    except crypto.CryptoError as exc:
        repo.connection.close()
        raise CommandFailed(str(exc)) from None
    except BaseException:
        repo.connection.close()
        raise
    return repo


def _local_zone(clock: Clock) -> tzinfo:
    zone = clock.now().tzinfo
    assert zone is not None  # Clock.now() is aware by contract
    return zone


# --- export ----------------------------------------------------------------------------


def _select(entries: Sequence[Entry], args: argparse.Namespace, zone: tzinfo) -> list[Entry]:
    if args.since and args.until and args.since > args.until:
        raise CommandFailed(f"--from {args.since} is after --to {args.until}; expected an "
                            "earlier or equal --from", EXIT_BAD_INPUT)
    from app.core.journal_export import select_entries

    wanted = {i.lower() for i in args.entry}
    chosen = select_entries(entries, zone, ids=wanted or None, since=args.since,
                            until=args.until)
    missing = wanted - {e.id for e in chosen}
    if missing:
        raise CommandFailed(f"no entry with id {sorted(missing)[0]} in the range asked for",
                            EXIT_BAD_INPUT)
    return chosen


def _export(args: argparse.Namespace, paths: AppPaths, stdin: TextIO, clock: Clock) -> int:
    from app.core.journal_export import ExportError, export_json, export_markdown
    from app.storage.journal_repo import CorruptEntry

    out: Path = args.out.expanduser()
    if out.exists() and not (args.format == "md" and out.is_dir() and not any(out.iterdir())):
        raise CommandFailed(f"{out} already exists; choose a new name (nothing is overwritten)",
                            EXIT_BAD_INPUT)
    if not out.parent.is_dir():
        raise CommandFailed(f"{out.parent}: expected an existing folder for the export",
                            EXIT_BAD_INPUT)
    repo = _unlocked(args, paths, stdin, clock)
    try:
        try:
            entries = _select(repo.list_entries(), args, _local_zone(clock))
        except CorruptEntry as exc:
            raise CommandFailed(f"{exc} Run `journal verify` to list every damaged entry; "
                                "nothing was exported.") from None
    finally:
        repo.lock()
        repo.connection.close()
    if not entries:
        raise CommandFailed("no entries to export in the range asked for; nothing was written")
    try:
        if args.format == "json":
            export_json(entries, out, clock.now())
        elif args.format == "md":
            export_markdown(entries, out)
        else:
            _export_pdf(entries, out)
    except ExportError as exc:
        raise CommandFailed(str(exc), EXIT_BAD_INPUT) from None
    except OSError as exc:
        raise CommandFailed(f"could not write {out}: {exc.strerror or exc}") from None
    log.info("journal: exported %d entries as %s", len(entries), args.format)
    print(f"Exported {len(entries)} {'entry' if len(entries) == 1 else 'entries'} to {out}")
    print(f"Warning: {out} is not encrypted; anyone who can open it can read these entries. "
          "It was made readable by you only; keep it somewhere private and delete it when "
          "done.", file=sys.stderr)
    return EXIT_OK


def _export_pdf(entries: Sequence[Entry], out: Path) -> None:
    from PySide6.QtGui import QGuiApplication

    from app.ui.journal_pdf import export_journal_pdf

    app = QGuiApplication.instance() or QGuiApplication([APP_SLUG, "-platform", "offscreen"])
    export_journal_pdf(entries, out)
    del app


# --- import ----------------------------------------------------------------------------


def _import(args: argparse.Namespace, paths: AppPaths, stdin: TextIO, clock: Clock) -> int:
    from app.core.journal_import import ImportSettings, JournalImportError, read_entries
    from app.storage.journal_repo import EntryExists, RepositoryError

    source: Path = args.path.expanduser()
    if not source.exists():
        raise CommandFailed(f"{source}: expected a file or folder to import, got nothing there",
                            EXIT_BAD_INPUT)
    repo = _unlocked(args, paths, stdin, clock)
    try:
        try:
            entries = read_entries(args.format, source, ImportSettings(zone=_local_zone(clock)))
        except JournalImportError as exc:
            raise CommandFailed(f"{exc}; nothing was imported", EXIT_BAD_INPUT) from None
        except OSError as exc:
            raise CommandFailed(f"{source}: {exc.strerror or exc}; nothing was imported",
                                EXIT_BAD_INPUT) from None
        if not entries:
            raise CommandFailed(f"{source}: expected at least one entry, found none",
                                EXIT_BAD_INPUT)
        for number, entry in enumerate(entries, start=1):
            if repo.has_entry(entry.id):
                raise CommandFailed(
                    f"{source}: entry {number}: its id {entry.id} is already in this journal "
                    "(imported before?); nothing was imported", EXIT_BAD_INPUT)
        before = repo.entry_count()
        try:
            repo.create_entries(entries)
        except EntryExists as exc:
            raise CommandFailed(f"{source}: {exc}; nothing was imported", EXIT_BAD_INPUT) from None
        except RepositoryError as exc:
            raise CommandFailed(str(exc)) from None
        added = repo.entry_count() - before
    finally:
        repo.lock()
        repo.connection.close()
    log.info("journal: imported %d entries (%s)", added, args.format)
    print(f"Imported {added} {'entry' if added == 1 else 'entries'} from {source}")
    return EXIT_OK


# --- backup, restore, verify ---------------------------------------------------------


def _backup(args: argparse.Namespace, paths: AppPaths, stdin: TextIO, clock: Clock) -> int:
    from app.storage.backups import BackupError, backup_now

    repo = _open(paths, clock)
    try:
        made = backup_now(repo.connection, backup_folder(paths), clock)
    except BackupError as exc:
        raise CommandFailed(str(exc)) from None
    finally:
        repo.connection.close()
    log.info("journal: backup made: %s", made.name)
    print(f"Backup made: {made}")
    return EXIT_OK


def _is_journal_file(path: Path) -> bool:
    import sqlite3

    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'keyring'"
        ).fetchone()
        return row is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _restore(args: argparse.Namespace, paths: AppPaths, stdin: TextIO, clock: Clock) -> int:
    from app.storage.backups import BackupError, newest_good_backup, restore

    folder = backup_folder(paths)
    chosen: Path | None
    if args.backup:
        chosen = Path(args.backup).expanduser()
        if not chosen.is_file() and (folder / args.backup).is_file():
            chosen = folder / args.backup
        if not chosen.is_file():
            raise CommandFailed(f"{args.backup}: expected a backup file (or the name of one in "
                                f"{folder})", EXIT_BAD_INPUT)
    else:
        chosen = newest_good_backup(folder)
        if chosen is None:
            raise CommandFailed(f"no backup that checks out in {folder}; nothing was changed")
    if not _is_journal_file(chosen):
        raise CommandFailed(f"{chosen}: expected a Compassion Companion journal backup; "
                            "nothing was changed", EXIT_BAD_INPUT)
    try:
        kept = restore(chosen, paths.journal_db, clock)
    except BackupError as exc:
        raise CommandFailed(str(exc)) from None
    log.info("journal: restored from %s", chosen.name)
    print(f"Restored the journal from {chosen}")
    if kept is not None:
        print(f"The journal it replaced was kept as {kept}")
    return EXIT_OK


def _verify(args: argparse.Namespace, paths: AppPaths, stdin: TextIO, clock: Clock) -> int:
    repo = _unlocked(args, paths, stdin, clock)
    try:
        report = repo.verify()
    finally:
        repo.lock()
        repo.connection.close()
    problems = {f"entry {i} does not decrypt" for i in report.bad_entries}
    problems |= {f"draft {i} does not decrypt" for i in report.bad_drafts}
    problems |= {f"session {i} does not decrypt" for i in report.bad_sessions}
    problems |= {f"database: {p}" for p in report.integrity_problems}
    for line in report.lines():
        print(line, file=sys.stderr if line in problems else sys.stdout)
    log.info("journal: verify checked %d entries, %s", report.entries_checked,
             "ok" if report.ok else "problems found")
    return EXIT_OK if report.ok else EXIT_FAILURE
