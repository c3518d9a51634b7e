"""Shared constants for journal tests: fast key derivation and a fixed start time."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core import crypto

# Real Argon2id, but light enough for unit tests; the defaults are asserted in test_crypto.
FAST_KDF = crypto.KdfParams(memory_kib=64, time_cost=1, parallelism=1)
T0 = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
