"""pygame.mixer behind the AudioPlayer protocol: streamed narration, bells on their own channel.

pygame is imported and the mixer opened on first use, never at import time, so the app
starts fast and a machine without sound still runs every practice. Any pygame.error after
that (a driver failing) switches this player over to a NullAudioPlayer at the current
position and leaves a one-line `notice`: the session and its captions carry on in silence
instead of stopping.

An output that goes away (a headset unplugged, the sound server stopped) raises nothing in
pygame: SDL marks its device disconnected and the mixer plays on into nothing, its position
still counting. So each poll (position, state, notice) also asks SDL, with one call, whether
the mixer's device still works, and treats a lost one like a pygame.error; the mixer is then
closed, so the next session opens whatever output there is by then.

SDL_mixer streams the narration from its file, so a file cut short or rewritten in place
while it plays (oggenc writing over it, say) makes the mixer stop early by itself, exactly
as if it had reached the end. A stop well before the known end is treated like a lost
device: silence from where it broke off, and a notice, never a jump to the end.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from app.audio.audio_length import audio_length
from app.audio.audio_player import AudioUnavailable, NullAudioPlayer, PlayState, clamp
from app.audio.sdl_library import AudioDeviceStatus, SdlNotFound, load_sdl_library
from app.core.clock import Clock
from app.core.time_text import position_text

log = logging.getLogger(__name__)

FREQUENCY = 44_100
SAMPLE_SIZE = -16  # signed 16-bit
CHANNELS = 2
BUFFER = 1024  # frames: about 23 ms at 44.1 kHz, small enough for prompt bells
BELL_CHANNEL = 0  # reserved, so narration never takes the bell's channel
EARLY_END = 1.0  # seconds short of the end beyond which a stop by itself means a broken file
# How far get_pos may trail the place already shown (the sound server's buffer, after a
# resume); a larger step back is a real jump (a seek) and is shown.
BUFFER_LAG_SECONDS = 2.0
OUTPUT_LOST = (
    "The sound output went away (unplugged, switched off or its sound server stopped); "
    "the practice carries on in silence."
)


class PygameAudioPlayer:
    """The real player; see the module docstring for how it degrades."""

    def __init__(
        self,
        clock: Clock,
        *,
        frequency: int = FREQUENCY,
        channels: int = CHANNELS,
        buffer: int = BUFFER,
    ) -> None:
        self._clock = clock
        self._format = (frequency, SAMPLE_SIZE, channels, buffer)
        self._pg: ModuleType | None = None
        self._errors: tuple[type[BaseException], ...] = (ImportError,)
        self._fallback: NullAudioPlayer | None = None
        self._notice: str | None = None
        self._loaded = False
        self._duration: float | None = None
        self._state = PlayState.STOPPED
        self._offset = 0.0  # where the current music.play() started; get_pos counts from it
        self._frozen = 0.0  # the position while stopped
        self._last = (0.0, 0.0)  # (position, clock.monotonic()) at the last good reading
        self._volume = 1.0
        self._fading = False  # a stop by itself is then the fade ending, not a broken file
        self._bells: dict[Path, Any] = {}
        self._output: tuple[AudioDeviceStatus, int] | None = None  # SDL's status, mixer's id

    # ----- set-up -----
    def _pygame(self) -> ModuleType:
        """Import pygame and open the mixer the first time sound is needed."""
        if self._pg is not None:
            return self._pg
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame
        import pygame.mixer

        self._errors = (pygame.error, ImportError)
        status = _device_status()
        working_before: frozenset[int] = frozenset()
        if pygame.mixer.get_init() is None:
            working_before = status.working_devices() if status else frozenset()
            frequency, size, channels, buffer = self._format
            pygame.mixer.init(frequency=frequency, size=size, channels=channels, buffer=buffer)
        pygame.mixer.set_reserved(BELL_CHANNEL + 1)
        self._pg = pygame
        self._output = _mixer_output(status, working_before)
        return pygame

    def _check_output(self) -> bool:
        """Go silent with a notice if SDL found the mixer's output gone; True if it did."""
        if self._output is None or self._fallback is not None or self._pg is None:
            return False
        status, device = self._output
        if status.is_working(device) or self._pg.mixer.get_init() is None:
            return False  # (a mixer closed under us is a pygame.error at the next call)
        self._go_silent("playing through the sound output", AudioUnavailable(
            f"SDL audio device {device} was disconnected"), notice=OUTPUT_LOST)
        self._release_mixer()  # let go of the dead device
        return True

    def _release_mixer(self) -> None:
        """Close the mixer this player opened; one already gone has nothing left to release."""
        pygame, self._pg, self._output = self._pg, None, None
        self._bells.clear()
        if pygame is not None:
            try:
                pygame.mixer.quit()
            except pygame.error as exc:
                log.info("closing the sound device: %s", exc)

    def mixer_format(self) -> tuple[int, int, int] | None:
        """(frequency, size, channels) the device was opened with; None when silent."""
        if self._fallback is not None or self._pg is None:
            return None
        found: tuple[int, int, int] | None = self._pg.mixer.get_init()
        return found

    @property
    def is_silent(self) -> bool:
        """True once this player has fallen back to keeping time without sound."""
        return self._fallback is not None

    def _silent(self) -> NullAudioPlayer:
        """The fallback, once `_go_silent` has made it (a method, so mypy does not narrow)."""
        if self._fallback is None:  # pragma: no cover - callers check is_silent first
            raise RuntimeError("the audio player has not gone silent")
        return self._fallback

    def _guard(self, what: str, action: Callable[[ModuleType], object]) -> bool:
        """Run a pygame call; on pygame.error switch to silence and return False."""
        try:
            action(self._pygame())
        except self._errors as exc:
            self._go_silent(what, exc)
            return False
        return True

    def _go_silent(self, what: str, exc: BaseException, notice: str | None = None) -> None:
        """Carry on from the current position on the null player, and say so once."""
        was = self._state
        position = self._estimate()
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self._notice = notice or (
            f"Sound stopped working ({what}: {detail}); the practice carries on in silence."
        )
        log.warning("audio: %s failed, continuing without sound: %s", what, detail)
        fallback = NullAudioPlayer(self._clock, self._duration)
        if was is not PlayState.STOPPED:
            fallback.play(position)
            if was is PlayState.PAUSED:
                fallback.pause()
        else:
            fallback.seek(position)
        self._fallback = fallback
        self._quietly_stop()

    def _quietly_stop(self) -> None:
        if self._pg is None:
            return
        with contextlib.suppress(*self._errors):  # the device may already be gone
            self._pg.mixer.music.stop()

    def _stream_stopped(self) -> None:
        """The mixer stopped by itself: the end, the fade's end, or a file that broke off."""
        at = self._estimate()
        end = self._duration
        if not self._fading and end is not None and at < end - EARLY_END:
            self._go_silent("reading the recording", AudioUnavailable(
                f"stopped by itself at {at:.1f} s of {end:.1f} s"), notice=(
                f"The recording could not be read past {position_text(at)} (its file changed or is "
                "damaged); the practice carries on in silence."))
            return
        self._frozen = at if self._fading or end is None else end
        self._state = PlayState.STOPPED

    def _estimate(self) -> float:
        """Where the narration must be now, from the last good reading and the clock."""
        if self._state is PlayState.STOPPED:
            return self._frozen
        position, at = self._last
        if self._state is PlayState.PLAYING:
            position += self._clock.monotonic() - at
        return clamp(position, self._duration)

    # ----- the protocol -----
    def load(self, path: Path) -> None:
        """Open the narration for streaming; a bad file raises, a missing device goes silent."""
        if self._fallback is not None:
            self._fallback.load(path)
            return
        if not path.is_file():
            raise AudioUnavailable(f"{path.name}: audio file not found")
        self.stop()
        try:
            pg = self._pygame()
        except self._errors as exc:
            self._go_silent("opening the sound device", exc)
            self._notice = (
                f"No sound device could be opened ({_first_line(exc)}); "
                "the practice carries on in silence."
            )
            self._silent().load(path)
            return
        try:
            pg.mixer.music.load(str(path))
        except self._errors as exc:
            raise AudioUnavailable(
                f"{path.name}: could not be played ({_first_line(exc)})"
            ) from None
        self._loaded = True
        self._duration = audio_length(path)
        self._frozen = 0.0
        self._last = (0.0, self._clock.monotonic())

    def play(self, start: float = 0.0) -> None:
        """Play from `start`; get_pos then counts from zero, so remember the offset."""
        if self._fallback is not None:
            self._fallback.play(start)
            return
        if not self._loaded:
            return
        start = clamp(start, self._duration)
        self._start_at(start, paused=False)

    def _start_at(self, start: float, *, paused: bool) -> None:
        def begin(pg: ModuleType) -> None:
            pg.mixer.music.set_volume(self._volume)
            pg.mixer.music.play(start=start)
            if paused:
                pg.mixer.music.pause()

        self._offset = start
        self._last = (start, self._clock.monotonic())
        self._state = PlayState.PAUSED if paused else PlayState.PLAYING
        self._fading = False
        self._guard("playing", begin)

    def pause(self) -> None:
        """Hold the music (get_pos stops counting while paused)."""
        if self._fallback is not None:
            self._fallback.pause()
            return
        if self.state is PlayState.PLAYING:
            self._last = (self.position(), self._clock.monotonic())
        if self.is_silent:  # the device went while we looked
            self._silent().pause()
            return
        if self._state is not PlayState.PLAYING:
            return
        if self._guard("pausing", lambda pg: pg.mixer.music.pause()):
            self._state = PlayState.PAUSED
        else:
            self._silent().pause()

    def resume(self) -> None:
        """Carry on from the pause."""
        if self._fallback is not None:
            self._fallback.resume()
            return
        if self._state is not PlayState.PAUSED:
            return
        self._last = (self._last[0], self._clock.monotonic())
        if self._guard("resuming", lambda pg: pg.mixer.music.unpause()):
            self._state = PlayState.PLAYING
        else:
            self._silent().resume()

    def stop(self) -> None:
        """Stop now; the position stays where it stopped."""
        if self._fallback is not None:
            self._fallback.stop()
            return
        if self._state is PlayState.STOPPED:
            return
        self._frozen = self.position()
        self._state = PlayState.STOPPED
        self._guard("stopping", lambda pg: pg.mixer.music.stop())

    def close(self) -> None:
        """Stop and close the mixer this player opened, so the device is free for others."""
        self.stop()
        self._release_mixer()

    def seek(self, seconds: float) -> None:
        """Restart the stream at `seconds` (play(start=) works for Ogg and WAV alike)."""
        if self._fallback is not None:
            self._fallback.seek(seconds)
            return
        target = clamp(seconds, self._duration)
        state = self.state
        if state is PlayState.STOPPED:
            self._frozen = target
            return
        self._start_at(target, paused=state is PlayState.PAUSED)

    def position(self) -> float:
        """The offset of the last play() plus what the mixer has played since."""
        if self._fallback is not None:
            return self._fallback.position()
        if self._state is PlayState.STOPPED:
            return self._frozen
        if self._check_output():
            return self.position()
        if self._state is PlayState.PAUSED:
            # Paused, get_pos counts only what was mixed (it can lag the sound heard by a
            # buffer, a second with PulseAudio): the place is the one taken at pause or seek.
            return self._last[0]
        played: list[int] = []
        if not self._guard("reading the position", lambda pg: played.append(
                pg.mixer.music.get_pos())):
            return self.position()
        if played[0] < 0:  # the stream ended, faded out or broke off by itself
            self._stream_stopped()
            return self.position()
        now = clamp(self._offset + played[0] / 1000, self._duration)
        if self._last[0] - BUFFER_LAG_SECONDS < now < self._last[0]:
            now = self._last[0]  # just resumed and still a buffer behind: never backwards
        self._last = (now, self._clock.monotonic())
        return now

    @property
    def duration(self) -> float | None:
        """From the file's header; None for a format whose header we cannot read."""
        if self._fallback is not None:
            return self._fallback.duration
        return self._duration

    @property
    def state(self) -> PlayState:
        """Playing, paused or stopped; notices the stream ending by itself."""
        if self._fallback is not None:
            return self._fallback.state
        if self._state is not PlayState.STOPPED and self._check_output():
            return self.state
        if self._state is PlayState.PLAYING:
            busy: list[bool] = []
            if not self._guard("checking playback", lambda pg: busy.append(
                    pg.mixer.music.get_busy())):
                return self.state
            if not busy[0]:
                self._stream_stopped()
                return self.state
        return self._state

    @property
    def is_playing(self) -> bool:
        """Audibly playing."""
        return self.state is PlayState.PLAYING

    def set_volume(self, volume: float) -> None:
        """Narration volume 0..1; kept for the next play() too."""
        self._volume = min(1.0, max(0.0, volume))
        if self._fallback is not None:
            self._fallback.set_volume(volume)
            return
        if self._pg is not None:
            self._guard("setting the volume", lambda pg: pg.mixer.music.set_volume(self._volume))

    def fade_out(self, milliseconds: int) -> None:
        """Fade to silence and stop; SDL_mixer fades in its own thread, so this returns at once."""
        if self._fallback is not None:
            self._fallback.fade_out(milliseconds)
            return
        if self.state is PlayState.STOPPED:
            return
        if self._state is PlayState.PAUSED:
            self.stop()  # nothing audible to fade
            return
        self._fading = True
        self._guard("fading out", lambda pg: pg.mixer.music.fadeout(max(1, milliseconds)))

    def play_bell(self, path: Path, volume: float) -> None:
        """Ring a bell on its reserved channel, over the narration."""
        if self._fallback is not None:
            self._fallback.play_bell(path, volume)
            return
        sound = self._bells.get(path)
        if sound is None:
            if not path.is_file():
                raise AudioUnavailable(f"{path.name}: bell sound not found")
            try:
                sound = self._pygame().mixer.Sound(str(path))
            except self._errors as exc:
                if self._pg is None:  # the device itself failed to open
                    self._go_silent("opening the sound device", exc)
                    return
                raise AudioUnavailable(
                    f"{path.name}: bell could not be played ({_first_line(exc)})"
                ) from None
            self._bells[path] = sound

        def ring(pg: ModuleType) -> None:
            sound.set_volume(min(1.0, max(0.0, volume)))
            pg.mixer.Channel(BELL_CHANNEL).play(sound)

        self._guard("ringing the bell", ring)

    @property
    def notice(self) -> str | None:
        """The latest problem worth one line on screen, or None; a lost output shows here."""
        self._check_output()
        return self._notice


def _device_status() -> AudioDeviceStatus | None:
    """SDL's device status calls, or None (a lost output then goes unnoticed, as before)."""
    try:
        return AudioDeviceStatus(load_sdl_library())
    except SdlNotFound as exc:
        log.info("audio: a lost sound output will not be noticed: %s", exc)
        return None


def _mixer_output(
    status: AudioDeviceStatus | None, working_before: frozenset[int]
) -> tuple[AudioDeviceStatus, int] | None:
    """The SDL device the mixer plays through, as (status calls, device id), or None.

    SDL_mixer does not give its device's id: it is the one device that opening the mixer
    added; for a mixer opened elsewhere, the only working device if there is just one.
    """
    if status is None:
        return None
    opened = status.working_devices() - working_before
    if len(opened) != 1:
        log.info("audio: cannot tell which of SDL's devices %s the mixer uses; a lost "
                 "sound output will not be noticed", sorted(opened))
        return None
    return status, next(iter(opened))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
