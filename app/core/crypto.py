"""Key derivation, data-key wrapping and authenticated encryption for the journal.

One random 256-bit data key encrypts every record (AES-256-GCM). The data key itself is
stored only wrapped: once by a key derived from the passphrase with Argon2id, and once by a
key derived from the printable recovery key with HKDF-SHA256 (the recovery key already holds
256 random bits, so a slow KDF would add nothing). Changing the passphrase rewraps the data
key only; no entry is re-encrypted.

Key material is kept in `bytearray` where the libraries allow, so `wipe` can zero it; Python
cannot promise no other copy exists, so this is hygiene, not a guarantee. Nothing here logs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core.clock import Clock

KEY_BYTES: Final = 32
NONCE_BYTES: Final = 12
SALT_BYTES: Final = 16
# First byte of every sealed blob; also bound into the associated data, so a future format
# can be told apart and an old blob cannot be passed off as a new one.
FORMAT_VERSION: Final = 1

_WRAP_AAD_PREFIX: Final = b"compassion-companion/keywrap/v1/"
_SEAL_AAD_PREFIX: Final = b"compassion-companion/seal/v1/"
_RECOVERY_INFO: Final = b"compassion-companion/recovery-key/v1"
# "No passphrase" mode wraps the data key with this published constant: the file format stays
# the same, but anyone with the file can read the journal. The keyring row carries a flag.
_NO_PASSPHRASE_KEY: Final = hashlib.sha256(b"compassion-companion/no-passphrase/v1").digest()

_RECOVERY_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32
_RECOVERY_CHECK_BYTES: Final = 3  # 32 + 3 bytes = 280 bits = exactly 56 base32 characters
_RECOVERY_CHARS: Final = 56
_RECOVERY_GROUP: Final = 4
# Characters people type by mistake for similar-looking base32 ones.
_RECOVERY_LOOKALIKES: Final = {"0": "O", "1": "I", "8": "B"}


class CryptoError(Exception):
    """Base of every error this module raises."""


class WrongPassphrase(CryptoError):
    """The passphrase does not unlock this journal; nothing was changed."""

    def __init__(self, message: str = "That passphrase does not unlock this journal.") -> None:
        super().__init__(message)


class InvalidRecoveryKey(CryptoError, ValueError):
    """The recovery key is mistyped (bad length, character or checksum)."""


class WrongRecoveryKey(CryptoError):
    """A well-formed recovery key that belongs to a different journal."""

    def __init__(
        self, message: str = "That recovery key is valid but does not belong to this journal."
    ) -> None:
        super().__init__(message)


class DecryptionFailed(CryptoError):
    """A sealed record was altered, truncated, moved to another id, or the key is wrong."""


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id parameters, stored with the keyring so later versions can raise them."""

    memory_kib: int = 65536  # 64 MiB
    time_cost: int = 3
    parallelism: int = 4
    hash_len: int = KEY_BYTES
    algorithm: str = "argon2id"
    version: int = 19  # Argon2 v1.3

    def __post_init__(self) -> None:
        if self.algorithm != "argon2id":
            raise ValueError(f"unsupported KDF {self.algorithm!r}")
        if self.hash_len != KEY_BYTES:
            raise ValueError(f"KDF output must be {KEY_BYTES} bytes")
        if self.time_cost < 1 or self.parallelism < 1 or self.memory_kib < 8 * self.parallelism:
            raise ValueError("Argon2 parameters out of range")

    def to_json(self) -> str:
        """Serialise for the keyring table."""
        return json.dumps(
            {
                "algorithm": self.algorithm,
                "version": self.version,
                "memory_kib": self.memory_kib,
                "time_cost": self.time_cost,
                "parallelism": self.parallelism,
                "hash_len": self.hash_len,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> KdfParams:
        """Parse what `to_json` wrote."""
        raw = json.loads(text)
        return cls(
            memory_kib=int(raw["memory_kib"]),
            time_cost=int(raw["time_cost"]),
            parallelism=int(raw["parallelism"]),
            hash_len=int(raw["hash_len"]),
            algorithm=str(raw["algorithm"]),
            version=int(raw["version"]),
        )


DEFAULT_KDF: Final = KdfParams()


@dataclass(frozen=True, slots=True)
class Keyring:
    """Everything stored on disk to recover the data key; holds no secret in clear.

    `no_passphrase` marks the explicit "no passphrase" choice: the data key is then wrapped by
    a constant and the journal is protected only by file permissions.
    """

    kdf: KdfParams
    salt: bytes
    wrapped_by_passphrase: bytes
    recovery_salt: bytes
    wrapped_by_recovery: bytes
    no_passphrase: bool


def wipe(buffer: bytearray) -> None:
    """Overwrite key material in place once it is no longer needed."""
    for i in range(len(buffer)):
        buffer[i] = 0


def new_data_key() -> bytearray:
    """Return a fresh random 256-bit key."""
    return bytearray(os.urandom(KEY_BYTES))


def derive_passphrase_key(passphrase: str, salt: bytes, params: KdfParams) -> bytearray:
    """Argon2id over the UTF-8 passphrase; slow on purpose, to resist guessing."""
    secret = bytearray(passphrase.encode("utf-8"))
    try:
        raw = hash_secret_raw(
            secret=bytes(secret),
            salt=salt,
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
            hash_len=params.hash_len,
            type=Type.ID,
            version=params.version,
        )
    finally:
        wipe(secret)
    return bytearray(raw)


def _recovery_kek(recovery_raw: bytes | bytearray, salt: bytes) -> bytearray:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=_RECOVERY_INFO)
    return bytearray(hkdf.derive(bytes(recovery_raw)))


def _wrap(kek: bytearray, data_key: bytearray, purpose: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, bytes(data_key), _WRAP_AAD_PREFIX + purpose)


def _unwrap(kek: bytearray, wrapped: bytes, purpose: bytes) -> bytearray | None:
    nonce, body = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
    try:
        return bytearray(AESGCM(kek).decrypt(nonce, body, _WRAP_AAD_PREFIX + purpose))
    except InvalidTag:
        return None


def _wrap_for_passphrase(
    data_key: bytearray, passphrase: str | None, params: KdfParams
) -> tuple[bytes, bytes]:
    """Return (salt, wrapped); passphrase None means the explicit no-passphrase mode."""
    salt = os.urandom(SALT_BYTES)
    if passphrase is None:
        return salt, _wrap(bytearray(_NO_PASSPHRASE_KEY), data_key, b"none")
    kek = derive_passphrase_key(passphrase, salt, params)
    try:
        return salt, _wrap(kek, data_key, b"passphrase")
    finally:
        wipe(kek)


def _check_passphrase(passphrase: str | None) -> None:
    if passphrase is not None and passphrase == "":
        raise ValueError("An empty passphrase is not allowed; choose 'no passphrase' explicitly.")


def create_keyring(
    passphrase: str | None, params: KdfParams = DEFAULT_KDF
) -> tuple[Keyring, bytearray, str]:
    """Make a new data key; return (keyring to store, data key, recovery key to show once).

    Pass `None` only when the person explicitly chose to have no passphrase.
    """
    _check_passphrase(passphrase)
    data_key = new_data_key()
    salt, wrapped = _wrap_for_passphrase(data_key, passphrase, params)
    recovery_raw = bytearray(os.urandom(KEY_BYTES))
    recovery_salt = os.urandom(SALT_BYTES)
    kek = _recovery_kek(recovery_raw, recovery_salt)
    try:
        wrapped_recovery = _wrap(kek, data_key, b"recovery")
        recovery_text = format_recovery_key(recovery_raw)
    finally:
        wipe(kek)
        wipe(recovery_raw)
    keyring = Keyring(
        kdf=params,
        salt=salt,
        wrapped_by_passphrase=wrapped,
        recovery_salt=recovery_salt,
        wrapped_by_recovery=wrapped_recovery,
        no_passphrase=passphrase is None,
    )
    return keyring, data_key, recovery_text


def unlock(keyring: Keyring, passphrase: str | None) -> bytearray:
    """Return the data key, or raise WrongPassphrase.

    In no-passphrase mode any passphrase (or None) unlocks: there is nothing to check.
    """
    if keyring.no_passphrase:
        key = _unwrap(bytearray(_NO_PASSPHRASE_KEY), keyring.wrapped_by_passphrase, b"none")
        if key is None:
            raise DecryptionFailed("The journal keyring is damaged.")
        return key
    if not passphrase:
        raise WrongPassphrase("This journal needs its passphrase.")
    kek = derive_passphrase_key(passphrase, keyring.salt, keyring.kdf)
    try:
        key = _unwrap(kek, keyring.wrapped_by_passphrase, b"passphrase")
    finally:
        wipe(kek)
    if key is None:
        raise WrongPassphrase()
    return key


def unlock_with_recovery(keyring: Keyring, recovery_key: str) -> bytearray:
    """Return the data key from the printed recovery key.

    Raises InvalidRecoveryKey for a typo (caught by the checksum before any decryption) and
    WrongRecoveryKey for a well-formed key from another journal.
    """
    raw = parse_recovery_key(recovery_key)
    kek = _recovery_kek(raw, keyring.recovery_salt)
    try:
        key = _unwrap(kek, keyring.wrapped_by_recovery, b"recovery")
    finally:
        wipe(kek)
        wipe(raw)
    if key is None:
        raise WrongRecoveryKey()
    return key


def set_passphrase(
    keyring: Keyring, data_key: bytearray, new_passphrase: str | None, params: KdfParams
) -> Keyring:
    """Rewrap an already unlocked data key (after recovery, or to raise KDF parameters)."""
    _check_passphrase(new_passphrase)
    salt, wrapped = _wrap_for_passphrase(data_key, new_passphrase, params)
    return replace(
        keyring,
        kdf=params,
        salt=salt,
        wrapped_by_passphrase=wrapped,
        no_passphrase=new_passphrase is None,
    )


def change_passphrase(
    keyring: Keyring,
    old_passphrase: str | None,
    new_passphrase: str | None,
    params: KdfParams | None = None,
) -> Keyring:
    """Check the old passphrase, then rewrap the data key only; entries are untouched.

    `params` defaults to the keyring's own; pass DEFAULT_KDF to upgrade older parameters.
    The recovery key keeps working.
    """
    data_key = unlock(keyring, old_passphrase)
    try:
        return set_passphrase(keyring, data_key, new_passphrase, params or keyring.kdf)
    finally:
        wipe(data_key)


# --- Recovery key text ---------------------------------------------------------------------


def _recovery_checksum(raw: bytes | bytearray) -> bytes:
    return hashlib.sha256(b"cc-recovery-check" + bytes(raw)).digest()[:_RECOVERY_CHECK_BYTES]


def format_recovery_key(raw: bytes | bytearray) -> str:
    """Render 32 key bytes as 14 groups of 4 base32 characters (the last 6 are a checksum)."""
    if len(raw) != KEY_BYTES:
        raise ValueError("a recovery key is 32 bytes")
    text = base64.b32encode(bytes(raw) + _recovery_checksum(raw)).decode("ascii")
    groups = [text[i : i + _RECOVERY_GROUP] for i in range(0, len(text), _RECOVERY_GROUP)]
    return "-".join(groups)


def parse_recovery_key(text: str) -> bytearray:
    """Return the 32 key bytes, or raise InvalidRecoveryKey with a message a person can act on.

    Spaces, hyphens and case are ignored, and 0/1/8 are read as O/I/B.
    """
    cleaned = "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-_")
    cleaned = "".join(_RECOVERY_LOOKALIKES.get(ch, ch) for ch in cleaned)
    for position, ch in enumerate(cleaned, start=1):
        if ch not in _RECOVERY_ALPHABET:
            raise InvalidRecoveryKey(
                f"The recovery key cannot contain {ch!r} (character {position}); "
                "it uses only the letters A-Z and the digits 2-7."
            )
    if len(cleaned) != _RECOVERY_CHARS:
        raise InvalidRecoveryKey(
            f"The recovery key has {_RECOVERY_CHARS} characters (14 groups of 4); "
            f"{len(cleaned)} were entered."
        )
    decoded = bytearray(base64.b32decode(cleaned))
    raw, check = decoded[:KEY_BYTES], bytes(decoded[KEY_BYTES:])
    wipe(decoded)
    if not hmac.compare_digest(check, _recovery_checksum(raw)):
        wipe(raw)
        raise InvalidRecoveryKey(
            "The recovery key has a typo: its checksum does not match. "
            "Check each group against the printed copy."
        )
    return raw


# --- Sealing records -----------------------------------------------------------------------


def _seal_aad(purpose: str, record_id: str) -> bytes:
    if "\x00" in purpose:
        raise ValueError("purpose must not contain NUL")
    return (
        _SEAL_AAD_PREFIX
        + bytes([FORMAT_VERSION])
        + purpose.encode("utf-8")
        + b"\x00"
        + record_id.encode("utf-8")
    )


def seal(data_key: bytearray, purpose: str, record_id: str, plaintext: bytes) -> bytes:
    """Encrypt with a fresh nonce; the purpose and id are bound as associated data.

    Blob layout: version byte, 12-byte nonce, ciphertext with 16-byte tag. Binding the id
    means a ciphertext copied onto another row (or from a draft to an entry) fails to open.
    """
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(data_key).encrypt(nonce, plaintext, _seal_aad(purpose, record_id))
    return bytes([FORMAT_VERSION]) + nonce + body


def open_sealed(data_key: bytearray, purpose: str, record_id: str, blob: bytes) -> bytes:
    """Decrypt what `seal` made, or raise DecryptionFailed."""
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[0] != FORMAT_VERSION:
        raise DecryptionFailed(f"{purpose} {record_id}: not a sealed record of a known format")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(data_key).decrypt(nonce, body, _seal_aad(purpose, record_id))
    except InvalidTag:
        raise DecryptionFailed(
            f"{purpose} {record_id}: failed its integrity check (altered or misplaced)"
        ) from None


def seal_json(
    data_key: bytearray, purpose: str, record_id: str, payload: Mapping[str, Any]
) -> bytes:
    """Seal a JSON object (an entry's title, body, tags, mood, template...)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return seal(data_key, purpose, record_id, text.encode("utf-8"))


def open_json(data_key: bytearray, purpose: str, record_id: str, blob: bytes) -> dict[str, Any]:
    """Open what `seal_json` made."""
    value = json.loads(open_sealed(data_key, purpose, record_id, blob).decode("utf-8"))
    if not isinstance(value, dict):
        raise DecryptionFailed(f"{purpose} {record_id}: payload is not an object")
    return value


# --- Throttling repeated failures ----------------------------------------------------------

FREE_ATTEMPTS: Final = 3
MAX_DELAY_SECONDS: Final = 60.0


def failure_delay(failures: int) -> float:
    """Seconds to wait after `failures` consecutive wrong passphrases.

    0 for the first three (typos happen), then 2, 4, 8... capped at a minute. Argon2 is the
    real defence against offline guessing; this only slows someone at the keyboard.
    """
    if failures <= FREE_ATTEMPTS:
        return 0.0
    return float(min(MAX_DELAY_SECONDS, 2.0 ** (failures - FREE_ATTEMPTS)))


@dataclass(frozen=True, slots=True)
class UnlockThrottle:
    """Immutable record of failed attempts; each method returns a new value.

    Uses the monotonic clock, so changing the wall clock does not shorten the wait.
    """

    failures: int = 0
    last_failure: float | None = None

    def failed(self, clock: Clock) -> UnlockThrottle:
        """Record one more wrong passphrase."""
        return UnlockThrottle(self.failures + 1, clock.monotonic())

    def succeeded(self) -> UnlockThrottle:
        """Forget past failures."""
        return UnlockThrottle()

    def wait_seconds(self, clock: Clock) -> float:
        """How long until the next attempt is allowed (0 = now)."""
        if self.last_failure is None:
            return 0.0
        remaining = failure_delay(self.failures) - (clock.monotonic() - self.last_failure)
        return max(0.0, remaining)
