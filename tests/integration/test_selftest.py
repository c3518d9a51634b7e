"""--self-test names what is broken: audio missing or undecodable, no audio declared.

Runs the checks on a copy of the bundled content in a temporary folder, each recording
replaced by a short WAV written here (pygame decodes it as it would the Ogg narration).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app import selftest
from app.core.practice_loader import load_library
from app.platform.resources import Resources
from tests.audio.sound_files import write_wav


@pytest.fixture
def content(resources_copy: Resources) -> Resources:
    for practice in load_library(resources_copy.practices_dir).practices:
        if practice.audio:  # pygame sniffs the content, not the name
            write_wav(resources_copy.resource(practice.audio.file), [(1.5, 0.5)])
    return resources_copy


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
