"""Find the collected shared libraries that nothing kept in the bundle links any more.

PyInstaller collects a library because something linked it (DT_NEEDED). When the spec
then leaves a library to the system (libcups, libgssapi_krb5) or replaces it with a stub
(FluidSynth), what that library alone linked (GnuTLS, Kerberos, PulseAudio, ...) is still
collected. This walks DT_NEEDED from every kept file that is not a candidate and returns
the candidates it never reaches. Only libraries collected as dependencies may be
candidates: a library loaded with dlopen (libpython, Qt plugins) has no linker to reach it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from elf_info import ElfLibrary

Entry = tuple[str, str, str]  # PyInstaller TOC entry: (destination, source, type code)


def _is_elf(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(4) == b"\x7fELF"


def unlinked(entries: Iterable[Entry], candidate: Callable[[str], bool]) -> set[str]:
    """Destinations of candidate libraries that no non-candidate file reaches."""
    libraries = {dest: ElfLibrary(Path(src)) for dest, src, _kind in entries
                 if Path(src).is_file() and _is_elf(Path(src))}
    by_name: dict[str, str] = {}
    for dest, library in libraries.items():
        if candidate(dest):
            by_name[library.soname] = dest
            by_name[Path(dest).name] = dest
    reached: set[str] = set()
    todo = [dest for dest in libraries if not candidate(dest)]
    while todo:
        for name in libraries[todo.pop()].needed:
            found = by_name.get(name)
            if found is not None and found not in reached:
                reached.add(found)
                todo.append(found)
    return {dest for dest in libraries if candidate(dest) and dest not in reached}
