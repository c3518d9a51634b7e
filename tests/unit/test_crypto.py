"""Key derivation, wrapping, sealing and the recovery key."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.core import crypto
from tests.fakes import FakeClock
from tests.journal_support import FAST_KDF as FAST

# Light parameters keep the suite fast; test_default_parameters pins the real ones.
ID_A = "a" * 32
ID_B = "b" * 32


@pytest.fixture
def journal():
    keyring, data_key, recovery = crypto.create_keyring("correct horse", FAST)
    return keyring, data_key, recovery


def test_default_parameters_meet_the_design_minimum():
    params = crypto.DEFAULT_KDF
    assert params.memory_kib >= 65536
    assert params.time_cost >= 3
    assert params.parallelism == 4
    assert params.hash_len == 32
    assert params.algorithm == "argon2id"
    assert crypto.SALT_BYTES == 16


def test_default_keyring_uses_default_parameters_and_unlocks():
    keyring, data_key, _ = crypto.create_keyring("pass phrase")
    assert keyring.kdf == crypto.DEFAULT_KDF
    assert len(keyring.salt) == 16
    assert crypto.unlock(keyring, "pass phrase") == data_key


def test_kdf_params_round_trip_through_json():
    assert crypto.KdfParams.from_json(FAST.to_json()) == FAST
    assert json.loads(crypto.DEFAULT_KDF.to_json())["memory_kib"] == 65536


def test_kdf_params_reject_nonsense():
    with pytest.raises(ValueError):
        crypto.KdfParams(memory_kib=4, time_cost=1, parallelism=1)
    with pytest.raises(ValueError):
        crypto.KdfParams(algorithm="argon2i")


def test_seal_round_trip(journal):
    _, key, _ = journal
    payload = {"title": "Ward round", "body": "Thé — ünïcode ✓", "tags": ["a"], "mood": 3}
    blob = crypto.seal_json(key, "entry", ID_A, payload)
    assert crypto.open_json(key, "entry", ID_A, blob) == payload
    assert b"Ward round" not in blob


def test_each_seal_uses_a_fresh_nonce(journal):
    _, key, _ = journal
    one = crypto.seal(key, "entry", ID_A, b"same")
    two = crypto.seal(key, "entry", ID_A, b"same")
    assert one != two
    assert one[1:13] != two[1:13]


def test_unlock_returns_the_same_data_key(journal):
    keyring, key, _ = journal
    assert crypto.unlock(keyring, "correct horse") == key


def test_wrong_passphrase_raises_clear_error(journal):
    keyring, _, _ = journal
    with pytest.raises(crypto.WrongPassphrase, match="passphrase does not unlock"):
        crypto.unlock(keyring, "wrong horse")
    with pytest.raises(crypto.WrongPassphrase):
        crypto.unlock(keyring, None)


def test_empty_passphrase_is_refused_at_set_up():
    with pytest.raises(ValueError, match="no passphrase"):
        crypto.create_keyring("", FAST)


def test_tampered_ciphertext_is_detected(journal):
    _, key, _ = journal
    blob = bytearray(crypto.seal(key, "entry", ID_A, b"private words"))
    blob[-20] ^= 0x01
    with pytest.raises(crypto.DecryptionFailed, match="integrity"):
        crypto.open_sealed(key, "entry", ID_A, bytes(blob))


def test_truncated_or_unknown_format_is_detected(journal):
    _, key, _ = journal
    blob = crypto.seal(key, "entry", ID_A, b"private words")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(key, "entry", ID_A, blob[:10])
    with pytest.raises(crypto.DecryptionFailed, match="known format"):
        crypto.open_sealed(key, "entry", ID_A, b"\x09" + blob[1:])


def test_ciphertext_cannot_move_to_another_entry(journal):
    _, key, _ = journal
    blob = crypto.seal(key, "entry", ID_A, b"belongs to A")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(key, "entry", ID_B, blob)


def test_ciphertext_cannot_move_to_another_purpose(journal):
    _, key, _ = journal
    blob = crypto.seal(key, "draft", ID_A, b"a draft")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(key, "entry", ID_A, blob)


def test_other_key_cannot_open(journal):
    _, key, _ = journal
    blob = crypto.seal(key, "entry", ID_A, b"x")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(crypto.new_data_key(), "entry", ID_A, blob)


def test_recovery_key_format_is_printable_groups(journal):
    _, _, recovery = journal
    groups = recovery.split("-")
    assert len(groups) == 14
    assert all(len(g) == 4 for g in groups)
    assert set(recovery.replace("-", "")) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_recovery_key_unwraps_the_data_key(journal):
    keyring, key, recovery = journal
    assert crypto.unlock_with_recovery(keyring, recovery) == key


def test_recovery_key_tolerates_case_spaces_and_lookalikes(journal):
    keyring, key, recovery = journal
    sloppy = recovery.lower().replace("-", " ").replace("o", "0")
    assert crypto.unlock_with_recovery(keyring, f"  {sloppy}\n") == key


def test_typo_in_recovery_key_gives_a_clear_error(journal):
    keyring, _, recovery = journal
    position = 7
    wrong = "A" if recovery[position] != "A" else "B"
    typo = recovery[:position] + wrong + recovery[position + 1 :]
    with pytest.raises(crypto.InvalidRecoveryKey, match="typo"):
        crypto.unlock_with_recovery(keyring, typo)


def test_recovery_key_with_wrong_length_or_character(journal):
    keyring, _, recovery = journal
    with pytest.raises(crypto.InvalidRecoveryKey, match="56 characters"):
        crypto.unlock_with_recovery(keyring, recovery[:-5])
    with pytest.raises(crypto.InvalidRecoveryKey, match="cannot contain '9'"):
        crypto.unlock_with_recovery(keyring, "9" + recovery[1:])


def test_recovery_key_from_another_journal_is_named_as_such(journal):
    keyring, _, _ = journal
    _, _, other_recovery = crypto.create_keyring("x", FAST)
    with pytest.raises(crypto.WrongRecoveryKey, match="does not belong"):
        crypto.unlock_with_recovery(keyring, other_recovery)


def test_change_passphrase_rewraps_only_and_keeps_entries_readable(journal):
    keyring, key, recovery = journal
    blob = crypto.seal(key, "entry", ID_A, b"written before the change")
    changed = crypto.change_passphrase(keyring, "correct horse", "new staple")
    assert changed.wrapped_by_recovery == keyring.wrapped_by_recovery
    assert changed.salt != keyring.salt
    with pytest.raises(crypto.WrongPassphrase):
        crypto.unlock(changed, "correct horse")
    new_key = crypto.unlock(changed, "new staple")
    assert crypto.open_sealed(new_key, "entry", ID_A, blob) == b"written before the change"
    assert crypto.unlock_with_recovery(changed, recovery) == key


def test_change_passphrase_with_wrong_old_changes_nothing(journal):
    keyring, _, _ = journal
    with pytest.raises(crypto.WrongPassphrase):
        crypto.change_passphrase(keyring, "not it", "new")


def test_change_passphrase_can_raise_parameters(journal):
    keyring, key, _ = journal
    stronger = crypto.KdfParams(memory_kib=128, time_cost=2, parallelism=1)
    changed = crypto.change_passphrase(keyring, "correct horse", "new", stronger)
    assert changed.kdf == stronger
    assert crypto.unlock(changed, "new") == key


def test_no_passphrase_mode_is_flagged_and_opens_without_one():
    keyring, key, recovery = crypto.create_keyring(None, FAST)
    assert keyring.no_passphrase is True
    assert crypto.unlock(keyring, None) == key
    assert crypto.unlock_with_recovery(keyring, recovery) == key
    protected = crypto.change_passphrase(keyring, None, "now protected")
    assert protected.no_passphrase is False
    with pytest.raises(crypto.WrongPassphrase):
        crypto.unlock(protected, None)
    assert crypto.unlock(protected, "now protected") == key


def test_passphrase_mode_is_not_flagged(journal):
    keyring, _, _ = journal
    assert keyring.no_passphrase is False


def test_wipe_zeroes_key_material():
    key = crypto.new_data_key()
    crypto.wipe(key)
    assert key == bytearray(32)


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0), (1, 0), (2, 0), (3, 0), (4, 2), (5, 4), (6, 8), (8, 32), (9, 60), (50, 60)],
)
def test_failure_delay_grows_to_a_cap(failures, delay):
    assert crypto.failure_delay(failures) == delay


def test_unlock_throttle_counts_down_with_the_clock():
    clock = FakeClock(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))
    throttle = crypto.UnlockThrottle()
    for _ in range(3):
        throttle = throttle.failed(clock)
        assert throttle.wait_seconds(clock) == 0
    throttle = throttle.failed(clock)
    assert throttle.wait_seconds(clock) == 2
    clock.tick(1.5)
    assert throttle.wait_seconds(clock) == pytest.approx(0.5)
    clock.tick(1)
    assert throttle.wait_seconds(clock) == 0
    clock.jump_wall(-3600)  # a wall-clock change does not extend or shorten the wait
    assert throttle.wait_seconds(clock) == 0
    assert throttle.succeeded() == crypto.UnlockThrottle()
