"""SIGTERM (a logout) and SIGINT quit the Qt event loop cleanly, even while it sleeps."""

from __future__ import annotations

import os
import signal

import pytest

from app.platform.quit_signals import QuitOnSignal


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_reaches_quit_through_the_event_loop(qtbot, sig):
    before = signal.getsignal(sig)
    asked: list[bool] = []
    watcher = QuitOnSignal(lambda: asked.append(True))
    try:
        os.kill(os.getpid(), sig)
        qtbot.waitUntil(lambda: asked == [True], timeout=5000)
    finally:
        watcher.close()
    assert signal.getsignal(sig) is before  # handed back as it was
    assert signal.set_wakeup_fd(-1) == -1  # and no wake-up socket left behind
