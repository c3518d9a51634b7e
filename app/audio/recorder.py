"""Record one spoken line from the microphone through SDL, and play a take back.

pygame (and the SDL it ships) is loaded only when a recording or playback starts, so the
app starts as fast without a microphone as with one. The device runs in SDL's queue mode
(see _Sdl for why not pygame's callback device): samples are taken from SDL's queue when
asked for, so no Python code runs on SDL's audio thread. Each take is written as a 16-bit
mono WAV, atomically, so re-recording a line keeps the old take until the new one is safely
on disk.
"""

from __future__ import annotations

import ctypes
import io
import wave
from pathlib import Path
from typing import Any, Protocol

from app.audio.sdl_library import SdlNotFound, load_sdl_library
from app.storage.atomic_file import write_atomic

SAMPLE_RATE = 22050  # plenty for speech, and half the size of CD rate for 5 minutes of audio
SAMPLE_WIDTH = 2  # bytes: 16-bit
CHUNK_SAMPLES = 1024  # about 46 ms per SDL buffer at 22050 Hz
MAX_LINE_SECONDS = 120.0  # a take stops growing here: one sentence never needs more
SDL_INIT_AUDIO = 0x00000010
AUDIO_S16LSB = 0x8010  # signed 16-bit little-endian, as WAV stores it


class RecorderError(RuntimeError):
    """Recording or playback cannot happen; the message is one line for the person."""


class LineRecorder(Protocol):
    """What the recording dialog needs: record a take, stop, play it back."""

    @property
    def is_recording(self) -> bool:
        """True between start() and stop()."""
        ...

    @property
    def recorded_seconds(self) -> float:
        """Length of the take so far."""
        ...

    @property
    def is_playing(self) -> bool:
        """True while a take is being played back."""
        ...

    def start(self, path: Path) -> None:
        """Open the microphone and start a take that stop() will write to `path`."""
        ...

    def stop(self) -> float:
        """End the take, write it, and return its length in seconds."""
        ...

    def play(self, path: Path) -> float:
        """Start playing a take; returns its length in seconds."""
        ...

    def stop_playback(self) -> None:
        """Stop playing now (harmless when nothing plays)."""
        ...

    def close(self) -> None:
        """Release any open device."""
        ...


class _AudioSpec(ctypes.Structure):
    """SDL_AudioSpec from SDL 2's SDL_audio.h."""

    _fields_ = (
        ("freq", ctypes.c_int),
        ("format", ctypes.c_uint16),
        ("channels", ctypes.c_uint8),
        ("silence", ctypes.c_uint8),
        ("samples", ctypes.c_uint16),
        ("padding", ctypes.c_uint16),
        ("size", ctypes.c_uint32),
        ("callback", ctypes.c_void_p),
        ("userdata", ctypes.c_void_p),
    )


class _Sdl:
    """The few SDL 2 audio calls used here, through ctypes, which releases the GIL.

    pygame's own AudioDevice runs a Python callback on SDL's thread and pauses or closes
    the device while holding the GIL; the two can wait on each other for ever (seen here
    with pygame 2.6.1 / SDL 2.28). SDL's queue API needs no callback, so nothing on SDL's
    thread ever waits for Python.
    """

    def __init__(self, lib: ctypes.CDLL) -> None:
        u32, c_int, ptr = ctypes.c_uint32, ctypes.c_int, ctypes.c_void_p
        spec = ctypes.POINTER(_AudioSpec)
        self._lib = lib
        self._declare("SDL_InitSubSystem", [u32], c_int)
        self._declare("SDL_GetError", [], ctypes.c_char_p)
        self._declare("SDL_GetNumAudioDevices", [c_int], c_int)
        self._declare("SDL_GetAudioDeviceName", [c_int, c_int], ctypes.c_char_p)
        self._declare("SDL_OpenAudioDevice", [ctypes.c_char_p, c_int, spec, spec, c_int], u32)
        self._declare("SDL_PauseAudioDevice", [u32, c_int], None)
        self._declare("SDL_CloseAudioDevice", [u32], None)
        self._declare("SDL_QueueAudio", [u32, ptr, u32], c_int)
        self._declare("SDL_DequeueAudio", [u32, ptr, u32], u32)
        self._declare("SDL_GetQueuedAudioSize", [u32], u32)
        if lib.SDL_InitSubSystem(SDL_INIT_AUDIO) != 0:
            raise RecorderError(f"Could not start the computer's sound system: {self.error()}")

    def _declare(self, name: str, args: list[Any], result: Any) -> None:
        function = getattr(self._lib, name)
        function.argtypes = args
        function.restype = result

    def error(self) -> str:
        """SDL's last error message."""
        message: bytes | None = self._lib.SDL_GetError()
        return (message or b"").decode("utf-8", "replace") or "unknown error"

    def device_names(self, capture: bool) -> list[str]:
        """Names of the capture (or output) devices SDL can see."""
        count = self._lib.SDL_GetNumAudioDevices(int(capture))
        names = (self._lib.SDL_GetAudioDeviceName(i, int(capture)) for i in range(max(0, count)))
        return [name.decode("utf-8", "replace") for name in names if name]

    def open(self, name: str | None, capture: bool, rate: int) -> int:
        """Open a 16-bit mono device at `rate` (SDL converts) with no callback: queue mode."""
        want = _AudioSpec(rate, AUDIO_S16LSB, 1, 0, CHUNK_SAMPLES, 0, 0, None, None)
        have = _AudioSpec()
        encoded = name.encode("utf-8") if name else None
        device: int = self._lib.SDL_OpenAudioDevice(
            encoded, int(capture), ctypes.byref(want), ctypes.byref(have), 0
        )
        if device == 0:
            what = "microphone" if capture else "sound output"
            raise RecorderError(f"Could not open the {what} '{name or 'default'}': {self.error()}")
        return device

    def pause(self, device: int, paused: bool) -> None:
        """Start (False) or hold (True) the device."""
        self._lib.SDL_PauseAudioDevice(device, int(paused))

    def close(self, device: int) -> None:
        """Close the device; queued data is dropped."""
        self._lib.SDL_CloseAudioDevice(device)

    def queued(self, device: int) -> int:
        """Bytes waiting: captured and not yet taken, or queued and not yet played."""
        size: int = self._lib.SDL_GetQueuedAudioSize(device)
        return size

    def dequeue(self, device: int, limit: int) -> bytes:
        """Take up to `limit` captured bytes."""
        buffer = ctypes.create_string_buffer(limit)
        got: int = self._lib.SDL_DequeueAudio(device, buffer, limit)
        return buffer.raw[:got]

    def enqueue(self, device: int, data: bytes) -> None:
        """Queue bytes for playback."""
        if self._lib.SDL_QueueAudio(device, data, len(data)) != 0:
            raise RecorderError(f"Could not play the take: {self.error()}")


def _load_sdl() -> _Sdl:
    """The SDL pygame ships, bound, with its audio subsystem started (SDL counts starts)."""
    try:
        return _Sdl(load_sdl_library())
    except SdlNotFound as exc:
        raise RecorderError(f"Recording is not possible: {exc}") from None
    except AttributeError as exc:  # an SDL 2 too old for the queue API
        raise RecorderError(f"Recording is not possible with this SDL 2: {exc}") from None


def wav_bytes(samples: bytes, sample_rate: int) -> bytes:
    """A complete 16-bit mono WAV file around raw little-endian samples."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(sample_rate)
        out.writeframes(samples)
    return buffer.getvalue()


def read_wav(path: Path) -> tuple[bytes, int]:
    """Samples and rate of a 16-bit mono WAV; anything else is a one-line RecorderError."""
    try:
        with wave.open(str(path), "rb") as source:
            if source.getnchannels() != 1 or source.getsampwidth() != SAMPLE_WIDTH:
                raise RecorderError(
                    f"{path.name}: expected a 16-bit mono WAV recording, got "
                    f"{source.getnchannels()} channel(s) of {8 * source.getsampwidth()}-bit"
                )
            frames = source.readframes(source.getnframes())
            rate = source.getframerate()
    except (OSError, EOFError, wave.Error) as exc:
        raise RecorderError(f"{path.name}: expected a readable WAV recording ({exc})") from None
    return frames, rate


class SdlRecorder:
    """Microphone capture and take playback through SDL's audio queue."""

    def __init__(
        self,
        sample_rate: int = SAMPLE_RATE,
        *,
        max_seconds: float = MAX_LINE_SECONDS,
        device_name: str | None = None,
    ) -> None:
        self._rate = sample_rate
        self._max_bytes = int(max_seconds * sample_rate) * SAMPLE_WIDTH
        self._device_name = device_name  # None: the system's default microphone
        self._sdl: _Sdl | None = None
        self._capture = 0
        self._target: Path | None = None
        self._chunks: list[bytes] = []
        self._captured = 0  # bytes taken from SDL for this take
        self._output = 0

    def _audio(self) -> _Sdl:
        if self._sdl is None:
            self._sdl = _load_sdl()
        return self._sdl

    # ----- recording -----
    @property
    def is_recording(self) -> bool:
        """True between start() and stop()."""
        return self._capture != 0

    @property
    def recorded_seconds(self) -> float:
        """Length of the take so far, from the samples actually captured."""
        self._drain()
        return self._captured / SAMPLE_WIDTH / self._rate

    def start(self, path: Path) -> None:
        """Open the microphone and start a take that stop() will write to `path`."""
        if self._capture:
            raise RecorderError("Already recording: stop the current take first")
        self.stop_playback()
        sdl = self._audio()
        names = sdl.device_names(capture=True)
        if not names:
            raise RecorderError(
                "No microphone found: connect one or allow this app to use it, then try again"
            )
        name = self._device_name if self._device_name in names else None
        self._capture = sdl.open(name, capture=True, rate=self._rate)
        self._target = path
        self._chunks = []
        self._captured = 0
        sdl.pause(self._capture, False)

    def stop(self) -> float:
        """Close the microphone and write the take; returns its length in seconds."""
        path = self._target
        if not self._capture or path is None:
            raise RecorderError("Not recording: press Record first")
        sdl = self._audio()
        sdl.pause(self._capture, True)
        self._drain()
        sdl.close(self._capture)
        self._capture = 0
        self._target = None
        samples, self._chunks = b"".join(self._chunks), []
        if not samples:
            raise RecorderError("Nothing was recorded: keep recording a moment longer")
        write_atomic(path, wav_bytes(samples, self._rate))
        return len(samples) / SAMPLE_WIDTH / self._rate

    def _drain(self) -> None:
        """Move captured samples out of SDL's queue, up to the length limit."""
        if not self._capture or self._sdl is None:
            return
        waiting = self._sdl.queued(self._capture)
        room = self._max_bytes - self._captured
        if waiting and room > 0:
            chunk = self._sdl.dequeue(self._capture, min(waiting, room))
            self._chunks.append(chunk)
            self._captured += len(chunk)
        if self._captured >= self._max_bytes:
            self._sdl.pause(self._capture, True)  # the limit: keep what we have

    # ----- playback -----
    @property
    def is_playing(self) -> bool:
        """True until SDL has played every queued sample; then the device is closed."""
        if not self._output or self._sdl is None:
            return False
        if self._sdl.queued(self._output) > 0:
            return True
        self.stop_playback()
        return False

    def play(self, path: Path) -> float:
        """Play a take through the default output; returns its length in seconds."""
        if self._capture:
            raise RecorderError("Stop recording before playing a take back")
        self.stop_playback()
        samples, rate = read_wav(path)
        if not samples:
            raise RecorderError(f"{path.name}: expected a recording, found no sound in it")
        sdl = self._audio()
        self._output = sdl.open(None, capture=False, rate=rate)
        try:
            sdl.enqueue(self._output, samples)
        except RecorderError:
            self.stop_playback()
            raise
        sdl.pause(self._output, False)
        return len(samples) / SAMPLE_WIDTH / rate

    def stop_playback(self) -> None:
        """Stop playing now (harmless when nothing plays)."""
        device, self._output = self._output, 0
        if device and self._sdl is not None:
            self._sdl.close(device)

    def close(self) -> None:
        """Release both devices; an unfinished take is dropped."""
        self.stop_playback()
        device, self._capture = self._capture, 0
        self._target = None
        self._chunks = []
        if device and self._sdl is not None:
            self._sdl.close(device)
