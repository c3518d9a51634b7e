"""Rebuild Qt's libicudata with only the ICU data Qt reaches in this app (30 MiB to ~1.5).

PySide6's Qt links ICU 73, whose libicudata.so.73 is nothing but one 30 MiB symbol,
icudt73_dat: a package of ~3,900 data items for every language, script and legacy codec.
What libQt6Core imports from ICU (`nm -D --undefined-only libQt6Core.so.6 | grep _73`) says
what Qt can ever ask for: collation (ucol_*, QCollator and localeAwareCompare), converters
(ucnv_*, QStringConverter for codecs Qt does not implement itself), case mapping
(u_strToUpper/Lower, whose tables are code in libicuuc, not data) and time-zone names
(ucal_*, QTimeZone::displayName). Break iterators, transliteration, number spell-out,
units, currencies, language and region names are never reached: Qt has its own text
boundaries and its own CLDR locale data.

So the package is re-made with the items KEEP names (each with its reason) and linked back
into a library with the same soname and symbol, so libicuuc loads it unchanged. It needs a
C compiler driver (cc, for its assembler and linker), which `make dist` already needs for
packaging/stub_library.py. `python packaging/icu_data.py LIB` prints what stays and goes.
"""

from __future__ import annotations

import argparse
import re
import struct
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from elf_info import ElfLibrary

# Languages the app is or will be offered in (English, Welsh, German, Spanish, French,
# Polish; pyinstaller_hooks/qt_trim.py names the same for Qt's translations): their
# collation, base locale and time-zone names stay, with every regional variant (en_GB,
# de_AT, ...). Any other locale gets the root collation and English zone names.
LANGUAGES = "en|cy|de|es|fr|pl"

KEEP = (
    # Locale machinery every lookup goes through: the root bundle and index, the shared key
    # pool, locale parents and likely subtags, aliases and keyword types (@collation=...).
    r"(root|res_index|pool)\.res",
    r"(supplementalData|likelySubtags|metadata|keyTypeData|icuver|icustd)\.res",
    r"numberingSystems\.res",  # digits for the short "GMT+1" zone names
    rf"({LANGUAGES})(_\w+)?\.res",  # base locale data (calendar and week data for ucal)
    # Converters: the alias table (ucnv_open looks every name up there, UTF-8 included);
    # UTF-*, Latin-1 and ASCII are code, not data. Two Western European tables stay for a
    # QStringDecoder("windows-1252") or ("ISO-8859-15"); no CJK or EBCDIC codec (~5 MiB).
    r"cnvalias\.icu",
    r"(ibm-5348_P100-1997|ibm-923_P100-1998)\.cnv",
    # Collation (QCollator, QString::localeAwareCompare, sorting in file dialogs): the root
    # order (ucadata.icu) and the tailorings of the app's languages.
    r"coll/(root|res_index|ucadata)\.(res|icu)",
    rf"coll/({LANGUAGES})(_\w+)?\.res",
    # Time zones (QTimeZone::displayName asks ICU through ucal_*): rules, canonical ids,
    # metazones, and the names in the app's languages.
    r"(zoneinfo64|timezoneTypes|metaZones)\.res",
    r"zone/(root|res_index|pool|tzdbNames)\.res",
    rf"zone/({LANGUAGES})(_\w+)?\.res",
)
_KEEP = re.compile("|".join(f"(?:{pattern})" for pattern in KEEP))
_ALIGN = 16  # ICU data items are read in place; udata wants them 16-byte aligned


def kept(item: str) -> bool:
    """True when a package item ("icudt73l/coll/root.res") is one Qt can reach here."""
    return _KEEP.fullmatch(item.split("/", 1)[1]) is not None


def read_package(blob: bytes) -> tuple[bytes, dict[str, bytes]]:
    """Split an ICU common data package ("CmnD", offset TOC) into header and named items."""
    header_size, = struct.unpack_from("<H", blob, 0)
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise ValueError("not a little-endian ICU common data package")
    toc = blob[header_size:]
    count, = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * index) for index in range(count)]
    items = {}
    for index, (name_at, data_at) in enumerate(entries):
        name = toc[name_at:toc.index(b"\0", name_at)].decode("ascii")
        end = entries[index + 1][1] if index + 1 < count else len(toc)
        items[name] = toc[data_at:end]
    return blob[:header_size], items


def write_package(header: bytes, items: dict[str, bytes]) -> bytes:
    """The inverse of read_package; names stay sorted (ICU looks them up by bisection)."""
    names = sorted(items)
    table_size = 4 + 8 * len(names)
    name_bytes = b"".join(name.encode("ascii") + b"\0" for name in names)
    data_at = _aligned(table_size + len(name_bytes))
    table = [struct.pack("<I", len(names))]
    body = []
    name_at = table_size
    for name in names:
        table.append(struct.pack("<II", name_at, data_at))
        name_at += len(name) + 1
        item = items[name] + b"\0" * (_aligned(len(items[name])) - len(items[name]))
        body.append(item)
        data_at += len(item)
    toc = b"".join(table) + name_bytes
    toc += b"\0" * (_aligned(len(toc)) - len(toc))
    return header + toc + b"".join(body)


def _aligned(size: int) -> int:
    return (size + _ALIGN - 1) // _ALIGN * _ALIGN


def data_symbol(library: ElfLibrary) -> str:
    """The package's symbol, icudt<version>_dat."""
    names = [s.name for s in library.symbols if s.defined and re.fullmatch(r"icudt\d+_dat", s.name)]
    if len(names) != 1:
        raise ValueError(f"{library.path}: expected one icudt*_dat symbol, found {names}")
    return names[0]


def trimmed_library(original: Path, workdir: Path) -> Path:
    """Build workdir/<same file name>: the same soname and symbol with the KEEP items only."""
    library = ElfLibrary(original)
    symbol = data_symbol(library)
    header, items = read_package(library.symbol_bytes(symbol))
    package = write_package(header, {name: data for name, data in items.items() if kept(name)})
    workdir.mkdir(parents=True, exist_ok=True)
    dat = workdir / f"{symbol}.dat"
    dat.write_bytes(package)
    source = workdir / f"{symbol}.S"
    source.write_text(
        f"    .section .rodata\n    .balign {_ALIGN}\n    .globl {symbol}\n"
        f"    .type {symbol}, @object\n    .size {symbol}, {len(package)}\n"
        f"{symbol}:\n    .incbin \"{dat.name}\"\n"
        "    .section .note.GNU-stack,\"\",@progbits\n",
        encoding="ascii",
    )
    out = workdir / original.name
    subprocess.run(
        ["cc", "-shared", "-nostdlib", f"-Wl,-soname,{library.soname}", "-Wl,--build-id=none",
         "-o", str(out), source.name],
        check=True, cwd=workdir,
    )
    rebuilt = ElfLibrary(out)
    if rebuilt.soname != library.soname or rebuilt.symbol_bytes(symbol) != package:
        raise RuntimeError(f"{out}: rebuilt ICU data library does not read back")
    return out


def main(argv: list[str]) -> int:
    """Print what the trim keeps and drops, by folder; with --out, build the library."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path, help="libicudata.so.NN from PySide6/Qt/lib")
    parser.add_argument("--out", type=Path, help="build the trimmed library in this folder")
    args = parser.parse_args(argv)
    library = ElfLibrary(args.library)
    _, items = read_package(library.symbol_bytes(data_symbol(library)))
    sizes: dict[tuple[bool, str], list[int]] = {}
    for name, data in items.items():
        rest = name.split("/", 1)[1]
        folder = rest.split("/")[0] if "/" in rest else f"*{Path(rest).suffix}"
        sizes.setdefault((kept(name), folder), []).append(len(data))
    for (keep, folder), lengths in sorted(sizes.items(), key=lambda kv: -sum(kv[1])):
        print(f"{'keep' if keep else 'drop'} {folder:10} {len(lengths):5} items "
              f"{sum(lengths) / 1024:9.1f} KiB")
    if args.out:
        out = trimmed_library(args.library, args.out)
        print(f"{out}: {out.stat().st_size / 1024:.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
