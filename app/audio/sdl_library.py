"""pygame's own SDL 2 library through ctypes, for the audio calls pygame does not offer.

The recorder opens SDL devices in queue mode; the player asks whether the device its mixer
plays through is still there (SDL marks an unplugged output disconnected, and pygame never
says so). Both must bind to the very SDL pygame loaded: a second copy would know nothing of
pygame's devices.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import cache
from pathlib import Path

SDL_AUDIO_STOPPED = 0  # SDL_AudioStatus of a device that is closed or was disconnected
MAX_AUDIO_DEVICES = 16  # SDL 2 keeps at most 16 open audio devices, with ids 1 to 16


class SdlNotFound(Exception):
    """pygame's SDL 2 library could not be found or loaded; the message is one line."""


@cache
def sdl_library_path() -> str | None:
    """The SDL 2 library pygame itself uses, so both share one SDL.

    Found once per process (the library does not move once loaded): reading
    /proc/self/maps again for every player and recorder would cost each of them.
    """
    from pygame import _sdl2  # noqa: F401  (loads pygame's SDL into this process)

    maps = Path("/proc/self/maps")
    if maps.exists():  # Linux: the exact file already loaded
        for line in maps.read_text(encoding="utf-8", errors="replace").splitlines():
            path = line.split(maxsplit=5)[-1] if line.count(" ") >= 5 else ""
            if Path(path).name.startswith("libSDL2-2"):
                return path
    import pygame

    here = Path(pygame.__file__).parent
    for pattern in ("SDL2.dll", ".dylibs/libSDL2*.dylib", "../pygame.libs/libSDL2-2*"):
        found = sorted(here.glob(pattern))
        if found:
            return str(found[0])
    return ctypes.util.find_library("SDL2")


def load_sdl_library() -> ctypes.CDLL:
    """Bind to pygame's SDL 2 (already in the process once pygame is imported)."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        path = sdl_library_path()
    except ImportError as exc:
        raise SdlNotFound(f"pygame 2 (with SDL 2) is needed: {exc}") from None
    if path is None:
        raise SdlNotFound("the SDL 2 library was not found")
    try:
        return ctypes.CDLL(path)
    except OSError as exc:
        raise SdlNotFound(f"the SDL 2 library at {path} could not be loaded: {exc}") from None


class AudioDeviceStatus:
    """Which SDL audio devices are open and working; each question is one atomic read in SDL.

    A device that SDL found disconnected (unplugged, its sound server gone) reads as stopped
    while it is still open, exactly like a closed one.
    """

    def __init__(self, lib: ctypes.CDLL) -> None:
        try:
            self._status = lib.SDL_GetAudioDeviceStatus
        except AttributeError as exc:
            raise SdlNotFound(f"the SDL 2 library lacks SDL_GetAudioDeviceStatus: {exc}") from None
        self._status.argtypes = [ctypes.c_uint32]
        self._status.restype = ctypes.c_int

    def is_working(self, device: int) -> bool:
        """True while `device` is open and not disconnected (playing or paused)."""
        return int(self._status(device)) != SDL_AUDIO_STOPPED

    def working_devices(self) -> frozenset[int]:
        """The ids of every open, connected audio device."""
        ids = range(1, MAX_AUDIO_DEVICES + 1)
        return frozenset(device for device in ids if self.is_working(device))
