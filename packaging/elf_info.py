"""Read what the bundle trimming needs from a Linux shared library, without binutils.

The soname, the DT_NEEDED names, the dynamic symbols (defined or imported) and the bytes
of one defined data symbol. Only 64-bit little-endian ELF (x86-64, aarch64): the Linux
bundle is built for the machine it is built on.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

_SHT_DYNAMIC = 6
_SHT_DYNSYM = 11
_DT_NEEDED = 1
_DT_SONAME = 14


@dataclass(frozen=True)
class Symbol:
    """One .dynsym entry; `section` 0 means imported (undefined here)."""

    name: str
    value: int
    size: int
    section: int
    kind: int  # STT_*: 1 object, 2 function

    @property
    def defined(self) -> bool:
        return self.section != 0


@dataclass(frozen=True)
class _Section:
    kind: int
    address: int
    offset: int
    size: int
    link: int


class ElfLibrary:
    """One shared library read into memory (they are a few MiB at most here).

    Each table is parsed on first use and kept: the trimming asks for them repeatedly.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data = path.read_bytes()
        data = self._data
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        self._sections = []
        for index in range(shnum):
            fields = struct.unpack_from("<IIQQQQIIQQ", data, shoff + index * shentsize)
            self._sections.append(_Section(kind=fields[1], address=fields[3], offset=fields[4],
                                           size=fields[5], link=fields[6]))

    def _string(self, table: _Section, index: int) -> str:
        start = table.offset + index
        return self._data[start:self._data.index(b"\0", start)].decode()

    @cached_property
    def _dynamic(self) -> list[tuple[int, str]]:
        """(tag, string) for the string-valued .dynamic entries we use."""
        entries = []
        for section in self._sections:
            if section.kind != _SHT_DYNAMIC:
                continue
            strings = self._sections[section.link]
            for offset in range(section.offset, section.offset + section.size, 16):
                tag, value = struct.unpack_from("<qQ", self._data, offset)
                if tag in (_DT_NEEDED, _DT_SONAME):
                    entries.append((tag, self._string(strings, value)))
        return entries

    @cached_property
    def needed(self) -> list[str]:
        """The DT_NEEDED sonames, in link order."""
        return [name for tag, name in self._dynamic if tag == _DT_NEEDED]

    @cached_property
    def soname(self) -> str:
        """DT_SONAME, or the file name when the library sets none."""
        names = [name for tag, name in self._dynamic if tag == _DT_SONAME]
        return names[0] if names else self.path.name

    @cached_property
    def symbols(self) -> list[Symbol]:
        """Every named .dynsym entry."""
        found = []
        for section in self._sections:
            if section.kind != _SHT_DYNSYM:
                continue
            strings = self._sections[section.link]
            for offset in range(section.offset + 24, section.offset + section.size, 24):
                name, info, _other, shndx, value, size = struct.unpack_from(
                    "<IBBHQQ", self._data, offset)
                if name:
                    found.append(Symbol(self._string(strings, name), value, size, shndx,
                                        info & 0xF))
        return found

    def symbol_bytes(self, name: str) -> bytes:
        """The contents of a defined data symbol (such as ICU's icudt73_dat)."""
        for symbol in self.symbols:
            if symbol.name == name and symbol.defined:
                section = self._sections[symbol.section]
                start = symbol.value - section.address + section.offset
                return self._data[start:start + symbol.size]
        raise KeyError(f"{self.path}: no defined symbol {name}")
