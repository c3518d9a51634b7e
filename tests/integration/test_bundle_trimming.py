"""The bundle's trims keep what the app reaches: checked on the real libraries they cut.

Each trim in packaging/compassion-companion.spec is exercised here without building the
bundle: the trimmed ICU data under Qt, the FluidSynth stub under pygame's SDL2_mixer, the
dependency pass on pygame's real libraries, and the GB-only holidays package.
The built bundle itself is checked by .ci/run (--self-test and a start under Xvfb).
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "packaging"))  # build-time modules, not a package
holidays_gb = importlib.import_module("holidays_gb")
icu_data = importlib.import_module("icu_data")
linked_libs = importlib.import_module("linked_libs")
stub_library = importlib.import_module("stub_library")
ElfLibrary = importlib.import_module("elf_info").ElfLibrary

SITE = Path(pytest.importorskip("PySide6").__file__).parents[1]
ICU_DATA = next((SITE / "PySide6" / "Qt" / "lib").glob("libicudata.so.*"))
PYGAME_LIBS = SITE / "pygame.libs"
MIXER = next(PYGAME_LIBS.glob("libSDL2_mixer-*"))
FLUIDSYNTH = next(PYGAME_LIBS.glob("libfluidsynth-*"))


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter (a preloaded library must come before any import)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
        timeout=120, check=False, env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
    )


def test_icu_package_survives_a_round_trip():
    library = ElfLibrary(ICU_DATA)
    header, items = icu_data.read_package(library.symbol_bytes(icu_data.data_symbol(library)))
    again_header, again = icu_data.read_package(icu_data.write_package(header, items))
    assert again_header == header
    assert again.keys() == items.keys() and len(items) > 3000
    assert all(again[name].startswith(data) for name, data in items.items())


@pytest.mark.parametrize(("item", "keep"), [
    ("icudt73l/coll/ucadata.icu", True),
    ("icudt73l/coll/root.res", True),
    ("icudt73l/coll/de.res", True),
    ("icudt73l/coll/cy.res", True),
    ("icudt73l/zone/en_GB.res", True),
    ("icudt73l/cnvalias.icu", True),
    ("icudt73l/ibm-5348_P100-1997.cnv", True),
    ("icudt73l/coll/ja.res", False),
    ("icudt73l/brkitr/cjdict.dict", False),
    ("icudt73l/translit/root.res", False),
    ("icudt73l/gb18030.cnv", False),
    ("icudt73l/unit/en.res", False),
])
def test_icu_items_kept(item, keep):
    assert icu_data.kept(item) is keep


def test_trimmed_icu_serves_what_qt_asks(tmp_path):
    trimmed = icu_data.trimmed_library(ICU_DATA, tmp_path)
    assert trimmed.stat().st_size < ICU_DATA.stat().st_size / 8
    out = run_python(f"""
        import ctypes
        ctypes.CDLL({str(trimmed)!r})  # libQt6Core's libicudata.so.73 is now this one
        from PySide6.QtCore import (QCollator, QCoreApplication, QDate, QDateTime, QLocale,
                                    QStringDecoder, QTime, QTimeZone, qInstallMessageHandler)
        messages = []
        qInstallMessageHandler(lambda kind, context, text: messages.append(text))
        app = QCoreApplication([])
        maps = [line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line]
        assert set(maps) == {{{str(trimmed)!r}}}, maps
        words = ["Zebra", "äpfel", "Apfel", "Łódź", "Lodz", "ñandú", "nube"]
        de = QCollator(QLocale("de_DE"))
        print(sorted(words, key=de.sortKey))
        print(QCollator(QLocale("pl_PL")).compare("Łódź", "Lodz") > 0)
        summer = QDateTime(QDate(2026, 7, 1), QTime(12, 0))
        berlin = QTimeZone(b"Europe/Berlin")
        print(berlin.displayName(summer, QTimeZone.NameType.LongName, QLocale("de_DE")))
        print(berlin.displayName(summer, QTimeZone.NameType.ShortName, QLocale("en_GB")))
        print([QStringDecoder(name).isValid() for name in ("windows-1252", "Shift_JIS")])
        print(messages)
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "['Apfel', 'äpfel', 'Lodz', 'Łódź', 'ñandú', 'nube', 'Zebra']",
        "True",
        "Mitteleuropäische Sommerzeit",
        "CEST",
        "[True, False]",
        "[]",
    ]


def test_fluidsynth_stub_defines_what_the_mixer_imports(tmp_path):
    names = stub_library.stubbed_symbols(FLUIDSYNTH, [MIXER])
    assert "new_fluid_settings" in names and "fluid_synth_sfload" in names
    stub = stub_library.stub_library(FLUIDSYNTH, [MIXER], tmp_path)
    assert ElfLibrary(stub).soname == ElfLibrary(FLUIDSYNTH).soname
    assert ElfLibrary(stub).needed == []
    assert {s.name for s in ElfLibrary(stub).symbols if s.defined} >= set(names)


def test_mixer_plays_ogg_and_refuses_midi_with_the_stub(tmp_path):
    stub = stub_library.stub_library(FLUIDSYNTH, [MIXER], tmp_path)
    soundfont = tmp_path / "empty.sf2"  # lets SDL2_mixer open its FluidSynth back-end
    soundfont.write_bytes(b"RIFF\0\0\0\0sfbk")
    midi = tmp_path / "tune.mid"
    midi.write_bytes(b"MThd\0\0\0\x06\0\0\0\x01\0\x60MTrk\0\0\0\x04\0\xff\x2f\0")
    out = run_python(f"""
        import ctypes
        ctypes.CDLL({str(stub)!r})
        import os, pygame, pygame.mixer
        pygame.mixer.init()
        maps = {{line.split()[-1] for line in open("/proc/self/maps") if "fluidsynth" in line}}
        assert maps == {{{str(stub)!r}}}, maps
        sound = pygame.mixer.Sound({str(REPO / "resources" / "sounds" / "bell-soft.ogg")!r})
        print(round(sound.get_length(), 1) > 0)
        try:
            pygame.mixer.music.load({str(midi)!r})
        except pygame.error as error:
            print("refused")
    """, SDL_AUDIODRIVER="dummy", SDL_SOUNDFONTS=str(soundfont),
        PYGAME_HIDE_SUPPORT_PROMPT="1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["True", "refused"]


def test_only_fluidsynths_own_dependencies_become_unlinked(tmp_path):
    entries = [(f"pygame.libs/{p.name}", str(p), "BINARY") for p in PYGAME_LIBS.iterdir()]
    mixer_ext = next((SITE / "pygame").glob("mixer.cpython-*.so"))
    entries.append(("pygame/mixer.so", str(mixer_ext), "EXTENSION"))
    candidate = lambda dest: dest.startswith("pygame.libs/")  # noqa: E731
    before = linked_libs.unlinked(entries, candidate)
    stub = stub_library.stub_library(FLUIDSYNTH, [MIXER], tmp_path)
    stubbed = [(d, str(stub) if s == str(FLUIDSYNTH) else s, k) for d, s, k in entries]
    newly = {Path(d).name.split("-")[0] for d in linked_libs.unlinked(stubbed, candidate) - before}
    assert {"libpulse", "libasound", "libsndfile", "libsystemd"} <= newly
    assert not newly & {"libSDL2", "libSDL2_mixer", "libvorbis", "libvorbisfile", "libogg",
                        "libfluidsynth", "libFLAC", "libmpg123", "libopus", "libopusfile"}


@pytest.mark.parametrize(("module", "left_out"), [
    ("holidays.countries.united_kingdom", False),
    ("holidays.countries", False),
    ("holidays.groups.christian", False),
    ("holidays.calendars.gregorian", False),
    ("holidays.countries.france", True),
    ("holidays.financial", True),
    ("holidays.financial.ny_stock_exchange", True),
])
def test_holidays_modules_left_out(module, left_out):
    assert holidays_gb.dropped(module) is left_out


def test_gb_only_holidays_still_know_every_uk_nation(tmp_path):
    real = Path(pytest.importorskip("holidays").__file__).parent
    copy = tmp_path / "site" / "holidays"
    shutil.copytree(real, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    for module in (copy / "countries").glob("*.py"):
        if holidays_gb.dropped(f"holidays.countries.{module.stem}"):
            module.unlink()
    shutil.rmtree(copy / "financial")
    holidays_gb.countries_init(real / "countries" / "__init__.py", tmp_path / "gen")
    shutil.copy(tmp_path / "gen" / "holidays" / "countries" / "__init__.py",
                copy / "countries" / "__init__.py")
    out = run_python(f"""
        import sys
        sys.path.insert(0, {str(tmp_path / "site")!r})
        import holidays
        assert holidays.__file__.startswith({str(copy)!r}), holidays.__file__
        from datetime import date
        for nation, day in [("ENG", date(2026, 12, 28)), ("SCT", date(2026, 11, 30)),
                            ("WLS", date(2026, 8, 31)), ("NIR", date(2026, 3, 17))]:
            table = holidays.country_holidays("GB", subdiv=nation, years=2026)
            print(nation, day in table)
        print("FR" in dir(holidays), sorted(m for m in sys.modules if ".countries." in m))
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "ENG True", "SCT True", "WLS True", "NIR True",
        "True ['holidays.countries.united_kingdom']",
    ]
