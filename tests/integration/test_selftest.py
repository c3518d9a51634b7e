"""--self-test names what is broken: audio missing or undecodable, no audio declared.

Runs the checks on a copy of the bundled content in a temporary folder, with a WAV file
written here (pygame decodes it as it would the Ogg narration).
"""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

from app import selftest
from app.core.practice_loader import load_library
from app.platform.resources import Resources

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def content(tmp_path) -> Resources:
    shutil.copytree(REPO / "practices", tmp_path / "practices")
    shutil.copytree(REPO / "resources", tmp_path / "resources",
                    ignore=shutil.ignore_patterns("screenshots"))
    me_space = tmp_path / "practices" / "me-space.toml"
    text = me_space.read_text()
    if "[audio]" not in text:  # until the narration lands, declare a test one
        text = text.replace("\n[[steps]]",
                            '\n[audio]\nfile = "audio/test.wav"\ncaptions = "audio/test.vtt"\n'
                            "\n[[steps]]", 1)
        me_space.write_text(text)
    resources = Resources(tmp_path)
    for practice in load_library(resources.practices_dir).practices:
        if practice.audio:
            write_wav(resources.resource(practice.audio.file), seconds=1.5)
            caption = resources.resource(practice.audio.captions)
            caption.parent.mkdir(parents=True, exist_ok=True)
            if not caption.exists():
                caption.write_text("WEBVTT\n")
    return resources


def write_wav(path: Path, seconds: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with wave.open(str(path.with_suffix(".wav")), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22_050)
        out.writeframes(b"\x00\x10" * int(22_050 * seconds))
    if path.suffix != ".wav":
        path.with_suffix(".wav").rename(path)  # pygame sniffs the content, not the name


def me_space_audio(resources: Resources) -> Path:
    practices = load_library(resources.practices_dir).practices
    audio = next(p.audio for p in practices if p.id == "me-space")
    assert audio is not None
    return resources.resource(audio.file)


def test_audio_decodes(content):
    detail = selftest.check_audio(content)
    assert detail.startswith("decoded ") and "me-space" in detail


def test_missing_audio_file_is_named(content):
    audio = me_space_audio(content)
    audio.unlink()
    with pytest.raises(selftest.CheckFailed, match=r"me-space: .* declared but missing"):
        selftest.check_audio(content)


def test_undecodable_audio_is_named(content):
    audio = me_space_audio(content)
    audio.write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot really")
    with pytest.raises(selftest.CheckFailed, match=r"me-space: .*: does not decode"):
        selftest.check_audio(content)


def test_no_audio_declared_fails(content):
    me_space = content.practices_dir / "me-space.toml"
    text = me_space.read_text()
    start = text.index("[audio]")
    end = text.index("\n[", start + 1)
    me_space.write_text(text[:start] + text[end + 1:])
    with pytest.raises(selftest.CheckFailed, match="no guided audio declared"):
        selftest.check_audio(content)


def test_journal_and_reminders_pass(content):
    assert "decrypted" in selftest.check_journal(content)
    assert selftest.check_reminders(content).startswith("next protected break ")


def test_summary_counts_failures(content):
    me_space_audio(content).unlink()
    lines: list[str] = []
    assert selftest.run_self_test(lines.append, content) == 1
    assert any(line.startswith("FAIL audio: me-space: ") for line in lines)
    assert lines[-1] == f"self-test: {len(selftest.CHECKS) - 1} passed, 1 failed"
