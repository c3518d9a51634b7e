"""UK bank holidays kept in a small JSON file, so the GUI never imports the holidays package.

`import holidays` loads every country's calendar (~460 modules; ~24 MiB of resident memory
in a Qt process, never given back) to answer a question that has about ten dates a year.
`CachedBankHolidays` answers it from cache_dir/bank-holidays.json instead. On a miss it runs
the app itself as a short child process (`reminders bank-holidays ... --json`, ~0.2 s from
source) for the missing year and the two after it, keeps the answer and writes the file
atomically; the child's memory goes when it exits.

The file is keyed by the holidays package's version, read from its dist-info metadata
without importing the package (importlib.metadata would cost 70 modules and 5 MiB), so a
newer package, with a bank holiday added since, refills it. PyInstaller bundles that
metadata because holidays reads its own version from it.

Reminders are never wrong for want of a cache: if the child fails (missing, slow, bad
output), one line goes to the log and the package is imported here after all. A cache file
that cannot be read is derived data: one line in the log, and it is written afresh.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from app.core.reminders import NATIONS, BankHolidaySource, HolidaysPackage, check_nation
from app.storage.atomic_file import write_atomic

log = logging.getLogger(__name__)

CACHE_FORMAT: Final = 1
#: Years fetched on a miss: the missing one and the ones after it, so misses are rare.
YEARS_PER_FILL: Final = 3
CHILD_TIMEOUT_SECONDS: Final = 5.0  # it takes about 0.2 s; the app waits on it
PACKAGE: Final = "holidays"

_Table = Mapping[date, str]


def installed_version(package: str = PACKAGE) -> str | None:
    """The installed version of `package`, from its dist-info METADATA; None if not found.

    Found beside the package that `import package` would load (find_spec does not import
    a top-level package), the way importlib.metadata finds it, for a fraction of the cost.
    """
    spec = importlib.util.find_spec(package)
    if spec is None:
        return None
    folders = [Path(p).parent for p in spec.submodule_search_locations or ()]
    if spec.origin:
        folders.append(Path(spec.origin).parent.parent)
    prefix = f"{package.lower()}-"
    for folder in dict.fromkeys(folders):
        try:
            names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".dist-info"))
        except OSError:
            continue
        for name in names:
            if not name.lower().startswith(prefix):
                continue
            version = _metadata_version(folder / name / "METADATA")
            if version is not None:
                return version
    return _version_the_slow_way(package)


def _version_the_slow_way(package: str) -> str | None:
    """importlib.metadata, for layouts without a dist-info folder beside the package."""
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _metadata_version(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    break  # the headers end at the first blank line
                key, _, value = line.partition(":")
                if key.strip().lower() == "version" and value.strip():
                    return value.strip()
    except (OSError, UnicodeDecodeError):
        return None
    return None


class CacheUnreadable(ValueError):
    """The cache file or the child's answer is not what was expected; one line."""


def _tables(data: object, where: str) -> dict[int, dict[date, str]]:
    """{"YYYY": {"YYYY-MM-DD": name}} -> {year: {date: name}}, every date in its year."""
    if not isinstance(data, dict):
        raise CacheUnreadable(f"{where}: expected a table of years")
    out: dict[int, dict[date, str]] = {}
    for year_text, days in data.items():
        if not (isinstance(year_text, str) and year_text.isascii() and year_text.isdigit()):
            raise CacheUnreadable(f"{where}: expected a year, got {year_text!r}")
        if not isinstance(days, dict):
            raise CacheUnreadable(f"{where}.{year_text}: expected a table of dates")
        table: dict[date, str] = {}
        for day_text, name in days.items():
            try:
                day = date.fromisoformat(day_text)
            except (TypeError, ValueError):
                day = None
            if day is None or not isinstance(name, str):
                raise CacheUnreadable(
                    f"{where}.{year_text}: expected a date and a name, got {day_text!r}")
            table[day] = name
        out[int(year_text)] = table
    return out


class CachedBankHolidays:
    """A BankHolidaySource that keeps what the holidays package said in a JSON file.

    `command`: how to start the app (default: this one, frozen or from source, as
    app.platform.autostart decides). `fallback`: the in-process source used when the child
    fails. `version`: the holidays package's version (default: read from its metadata).
    `runs` counts the child processes started, for the tests and the log. `run` starts the
    child (subprocess.run; a test hands in one that times out without waiting).
    """

    def __init__(
        self,
        path: Path,
        *,
        command: Sequence[str] | None = None,
        fallback: BankHolidaySource | None = None,
        version: str | None = None,
        timeout: float = CHILD_TIMEOUT_SECONDS,
        run: Callable[..., Any] | None = None,
    ) -> None:
        self.path = path
        self._run = run
        self._command = tuple(command) if command is not None else None
        self._fallback = fallback
        self._version = version
        self._timeout = timeout
        self._known: dict[tuple[str, int], _Table] | None = None
        self._child_failed = False
        self.runs = 0

    def dates(self, nation: str, year: int) -> Mapping[date, str]:
        """The bank holidays of `nation` in `year`, from the file or, once, from a child."""
        check_nation(nation)
        known = self._load()
        found = known.get((nation, year))
        if found is None:
            self._fill(nation, year)
            found = known[(nation, year)]
        return found

    # -- the file -----------------------------------------------------------------------

    def _load(self) -> dict[tuple[str, int], _Table]:
        if self._known is not None:
            return self._known
        if self._version is None:
            self._version = installed_version() or ""
        self._known = {}
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return self._known
        except OSError as exc:
            log.warning("%s: could not read the bank-holiday cache (%s); making it afresh",
                        self.path, exc.strerror or exc)
            return self._known
        try:
            self._known.update(self._parse(raw))
        except CacheUnreadable as exc:
            log.warning("%s: bank-holiday cache unreadable (%s); making it afresh",
                        self.path, exc)
        return self._known

    def _parse(self, raw: bytes) -> dict[tuple[str, int], _Table]:
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CacheUnreadable(f"expected JSON: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            raise CacheUnreadable(f"expected an object with format {CACHE_FORMAT}")
        if data.get("holidays_version") != self._version or not self._version:
            return {}  # another holidays package made it: its dates may be out of date
        nations = data.get("nations")
        if not isinstance(nations, dict) or not set(nations) <= set(NATIONS):
            raise CacheUnreadable(f"nations: expected a table keyed by {', '.join(NATIONS)}")
        return {
            (nation, year): MappingProxyType(table)
            for nation, years in nations.items()
            for year, table in _tables(years, f"nations.{nation}").items()
        }

    def _save(self) -> None:
        if not self._version or self._known is None:
            return
        nations: dict[str, dict[str, dict[str, str]]] = {}
        for (nation, year), table in sorted(self._known.items()):
            nations.setdefault(nation, {})[str(year)] = {
                day.isoformat(): name for day, name in sorted(table.items())}
        data = {"format": CACHE_FORMAT, "holidays_version": self._version, "nations": nations}
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        try:
            write_atomic(self.path, text.encode("utf-8"))
        except OSError as exc:
            log.warning("%s: could not save the bank-holiday cache: %s", self.path,
                        exc.strerror or exc)

    # -- filling it ---------------------------------------------------------------------

    def _fill(self, nation: str, year: int) -> None:
        assert self._known is not None
        years = list(range(year, year + YEARS_PER_FILL))
        tables: dict[int, dict[date, str]] | None = None
        if not self._child_failed:
            try:
                tables = self._ask_child(nation, years)
            except CacheUnreadable as exc:
                self._child_failed = True  # once is enough: the next miss goes straight on
                log.warning("bank holidays: %s; reading them in this process instead", exc)
        if tables is None:
            fallback = self._fallback if self._fallback is not None else HolidaysPackage()
            tables = {y: dict(fallback.dates(nation, y)) for y in years}
        for y, table in tables.items():
            self._known[(nation, y)] = MappingProxyType(table)
        self._save()

    def _launch(self) -> tuple[str, ...]:
        if self._command is not None:
            return self._command
        from app.platform.autostart import current_launch_command

        return current_launch_command()

    def _ask_child(self, nation: str, years: list[int]) -> dict[int, dict[date, str]]:
        """Run `reminders bank-holidays` in a child of the app; raise CacheUnreadable."""
        import subprocess

        command = [*self._launch(), "reminders", "bank-holidays", "--nation", nation,
                   "--years", *map(str, years), "--json"]
        self.runs += 1
        try:
            run = self._run if self._run is not None else subprocess.run
            done = run(command, capture_output=True, timeout=self._timeout,
                       stdin=subprocess.DEVNULL, check=False,
                       # Windows: no console window flashes up from a tray app
                       creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        except subprocess.TimeoutExpired as exc:
            raise CacheUnreadable(f"the child took over {self._timeout:g} s") from exc
        except OSError as exc:
            raise CacheUnreadable(f"could not start {command[0]}: {exc.strerror or exc}") from exc
        if done.returncode != 0:
            last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise CacheUnreadable(f"the child exited with {done.returncode}"
                                  + (f": {last[0]}" if last else ""))
        try:
            answer: Any = json.loads(done.stdout.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CacheUnreadable(f"the child's answer is not JSON: {exc}") from exc
        if not isinstance(answer, dict) or answer.get("nation") != nation:
            raise CacheUnreadable(f"the child's answer is not about {nation}")
        tables = _tables(answer.get("years"), "years")
        if sorted(tables) != years or any(
                day.year != y for y, table in tables.items() for day in table):
            raise CacheUnreadable(f"the child's answer does not cover exactly {years}")
        theirs = answer.get("holidays_version")
        if theirs != self._version:
            # Its dates are right for this process, but a file keyed by one version and
            # filled by another would be refilled at every start: keep them in memory only.
            log.warning("bank holidays: the child used holidays %s, this process expects %s; "
                        "not kept in %s", theirs, self._version or "(unknown)", self.path.name)
            self._version = ""
        log.info("bank holidays for %s %d-%d read by a child process", nation, years[0],
                 years[-1])
        return tables
