"""Wait for SDL's disk audio driver by the kernel's file events, not by sleeping.

The disk driver writes each mixed buffer to SDL_DISKAUDIOFILE and reads each captured
buffer from SDL_DISKAUDIOFILEIN, in real time. inotify reports every such write (IN_MODIFY)
and read (IN_ACCESS), so a probe blocks in select() until the driver has done something,
then checks its condition again; the timeout is only a deadline for a stalled driver.
Linux only (as the disk-driver tests are).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import time
from collections.abc import Callable
from pathlib import Path

IN_ACCESS = 0x001  # the file was read (the driver took a captured buffer)
IN_MODIFY = 0x002  # the file was written (the driver wrote a mixed buffer)
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000


class FileEvents:
    """An inotify watch on one file; `wait_until` re-checks a condition after each event."""

    def __init__(self, path: Path, mask: int) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self._fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        if libc.inotify_add_watch(self._fd, os.fsencode(path), mask) < 0:
            error = ctypes.get_errno()
            os.close(self._fd)
            raise OSError(error, f"cannot watch {path}")

    def wait_until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        """Return once `condition()` holds; SystemExit naming `what` if the deadline passes."""
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                raise SystemExit(f"{what}: nothing happened within {timeout:.0f} s")
            ready, _, _ = select.select([self._fd], [], [], left)
            if ready:
                self._drain()

    def _drain(self) -> None:
        try:
            while os.read(self._fd, 4096):
                pass
        except BlockingIOError:
            pass

    def close(self) -> None:
        """Stop watching."""
        os.close(self._fd)
