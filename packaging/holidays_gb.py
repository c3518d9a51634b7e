"""The holidays package as the app uses it: United Kingdom bank holidays only.

app/core/reminders.py asks `holidays.country_holidays("GB", subdiv=...)` and nothing else.
holidays finds a country through its registry, which imports holidays.countries.<module>;
but importing that package runs holidays/countries/__init__.py, which imports all ~250
countries (1 MB of compressed bytecode in the bundle, and a slow first bank-holiday check).
The bundle therefore gets a holidays.countries/__init__.py made from the real one with only
the KEEP modules' import lines, and leaves the other country modules and holidays.financial
(stock-exchange calendars, loaded only when asked for by name) out. holidays.calendars and
holidays.groups stay whole: the UK module builds on them.
"""

from __future__ import annotations

import re
from pathlib import Path

KEEP = ("united_kingdom",)  # GB and its subdivisions (England, Wales, Scotland, N. Ireland)
COUNTRIES = "holidays.countries"
_IMPORT = re.compile(rf"from {re.escape(COUNTRIES)}\.(\w+) import ")


def dropped(module: str) -> bool:
    """True for the holidays modules the bundle leaves out."""
    if module == "holidays.financial" or module.startswith("holidays.financial."):
        return True
    parts = module.split(".")
    return module.startswith(f"{COUNTRIES}.") and parts[2] not in KEEP


def countries_init(real_init: Path, workdir: Path) -> Path:
    """Write workdir/holidays/countries/__init__.py importing the KEEP countries only."""
    lines = [line for line in real_init.read_text(encoding="utf-8").splitlines()
             if (match := _IMPORT.match(line)) and match.group(1) in KEEP]
    if len(lines) != len(KEEP):
        raise ValueError(f"{real_init}: expected one import line for each of {KEEP}, "
                         f"found {lines}")
    out = workdir / "holidays" / "countries" / "__init__.py"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        '"""Bundle-only holidays.countries: the countries the app asks for (see '
        'packaging/holidays_gb.py)."""\n\n' + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return out
