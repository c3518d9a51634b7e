"""The AudioPlayer protocol, its error, and the null player used when there is no sound.

The player view talks only to this protocol. The null player keeps a position on the
injected clock, so captions and the end-of-audio fade run exactly as with real sound on a
machine without a sound device (or after the device went away mid-session).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Protocol

from app.audio.audio_length import audio_length
from app.core.clock import Clock

END_FADE_MS = 2500  # the narration fades over this long when it or the session ends


class AudioUnavailable(Exception):
    """Sound cannot be played (no device, missing or undecodable file); one-line message."""


class PlayState(StrEnum):
    """Where a narration is: STOPPED also covers 'reached its end' and 'faded out'."""

    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


class AudioPlayer(Protocol):
    """One narration plus short bells; every method is safe to call in any state."""

    def load(self, path: Path) -> None:
        """Prepare `path` for `play`; raises AudioUnavailable if it cannot be played."""
        ...

    def play(self, start: float = 0.0) -> None:
        """Play the loaded narration from `start` seconds."""
        ...

    def pause(self) -> None:
        """Hold the narration where it is; only while playing."""
        ...

    def resume(self) -> None:
        """Carry on after `pause`; only while paused."""
        ...

    def stop(self) -> None:
        """Stop at once (leaving the player, say); the position stays where it stopped."""
        ...

    def seek(self, seconds: float) -> None:
        """Move to `seconds` (clamped to the narration), keeping playing or paused as it was."""
        ...

    def position(self) -> float:
        """Seconds into the narration now."""
        ...

    @property
    def duration(self) -> float | None:
        """Length of the loaded narration in seconds, None if unknown."""
        ...

    @property
    def state(self) -> PlayState:
        """Playing, paused or stopped (a narration that reached its end is stopped)."""
        ...

    @property
    def is_playing(self) -> bool:
        """True while the narration is audibly playing (not paused, stopped or ended)."""
        ...

    def set_volume(self, volume: float) -> None:
        """Narration volume from 0 to 1 (clamped)."""
        ...

    def fade_out(self, milliseconds: int) -> None:
        """Fade the narration to silence over `milliseconds`, then stop."""
        ...

    def play_bell(self, path: Path, volume: float) -> None:
        """Ring a short sound over the narration; AudioUnavailable if the file is bad."""
        ...

    @property
    def notice(self) -> str | None:
        """The latest one-line problem worth telling the person (e.g. sound device lost).

        The player view reads it on every refresh, so a player may check its device here:
        that is how a lost output is noticed even with no narration playing.
        """
        ...

    def close(self) -> None:
        """Stop and let go of the sound device (the player closed; the app may idle for hours)."""
        ...


def end_fade_due(position: float, duration: float | None, fade_ms: int = END_FADE_MS) -> bool:
    """True once the narration is within its closing fade, so the fade can begin."""
    return duration is not None and duration > 0 and position >= duration - fade_ms / 1000


def clamp(seconds: float, duration: float | None) -> float:
    """A position inside the narration: not before 0, not past its end when it is known."""
    seconds = max(0.0, seconds)
    return seconds if duration is None else min(seconds, duration)


class NullAudioPlayer:
    """Plays nothing, but keeps time like a real player, on the injected clock.

    `duration` may be given (e.g. the captions' end) for a narration whose file could not
    be opened; otherwise `load` reads the length from the file's header when it can.
    """

    def __init__(self, clock: Clock, duration: float | None = None) -> None:
        self._clock = clock
        self._duration = duration
        self._state = PlayState.STOPPED
        self._banked = 0.0  # position when the current stretch of playing began
        self._since: float | None = None  # clock.monotonic() when that stretch began
        self._bells_rung: list[tuple[Path, float]] = []

    def load(self, path: Path) -> None:
        """Note the length; a missing file is an error here as with real sound."""
        if not path.is_file():
            raise AudioUnavailable(f"{path.name}: audio file not found")
        self.stop()
        self._banked = 0.0
        self._duration = audio_length(path)

    def play(self, start: float = 0.0) -> None:
        """Start keeping time from `start`."""
        self._banked = clamp(start, self._duration)
        self._since = self._clock.monotonic()
        self._state = PlayState.PLAYING

    def pause(self) -> None:
        """Freeze the position."""
        if self.state is PlayState.PLAYING:
            self._banked = self.position()
            self._since = None
            self._state = PlayState.PAUSED

    def resume(self) -> None:
        """Keep time again from where it was paused."""
        if self._state is PlayState.PAUSED:
            self._since = self._clock.monotonic()
            self._state = PlayState.PLAYING

    def stop(self) -> None:
        """Freeze the position and stop."""
        self._banked = self.position()
        self._since = None
        self._state = PlayState.STOPPED

    def close(self) -> None:
        """Stop; there is no device to let go of."""
        self.stop()

    def seek(self, seconds: float) -> None:
        """Jump; playing stays playing, paused or stopped stays so."""
        self._banked = clamp(seconds, self._duration)
        if self._since is not None:
            self._since = self._clock.monotonic()

    def position(self) -> float:
        """Banked position plus the time played since, never past the end."""
        if self._since is None:
            return self._banked
        return clamp(self._banked + self._clock.monotonic() - self._since, self._duration)

    @property
    def duration(self) -> float | None:
        """From the file header or the constructor; None if neither knew."""
        return self._duration

    @property
    def state(self) -> PlayState:
        """Reaching the end counts as stopped, as with real sound."""
        if (
            self._state is PlayState.PLAYING
            and self._duration is not None
            and self.position() >= self._duration
        ):
            self.stop()
        return self._state

    @property
    def is_playing(self) -> bool:
        """Whether time is being kept."""
        return self.state is PlayState.PLAYING

    def set_volume(self, volume: float) -> None:
        """Nothing to turn up or down."""

    def fade_out(self, milliseconds: int) -> None:
        """Silence fades at once: stop where we are."""
        self.stop()

    def play_bell(self, path: Path, volume: float) -> None:
        """Remember the bell (the tests read `bells_rung`); there is nothing to hear."""
        self._bells_rung.append((path, volume))

    @property
    def bells_rung(self) -> tuple[tuple[Path, float], ...]:
        """Every bell asked for, in order: what a real device would have rung."""
        return tuple(self._bells_rung)

    @property
    def notice(self) -> str | None:
        """The null player has nothing to report by itself."""
        return None
