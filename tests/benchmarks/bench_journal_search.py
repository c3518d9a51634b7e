"""Journal search over 10,000 realistic entries (issue 4 target: under 50 ms per search).

Moved out of the test run: timings belong in benchmarks, never in asserts. Partial: the
unlock-and-index and save-one-entry figures of issue 4 are still to be added.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.core.journal import Entry, SearchIndex

VOCAB = ["handover", "ward", "kindness", "night", "pressure", "staff", "team", "patient",
         "family", "listening", "break", "lunch", "tired", "proud", "learning", "mentor",
         "safety", "incident", "compassion", "support", "breathing", "pause"]


def main() -> int:
    rng = random.Random(7)
    vocab = VOCAB + [f"word{i}" for i in range(3000)]
    base = datetime(2025, 1, 1, tzinfo=UTC)
    entries = [
        Entry(id=f"{i:032x}", title=" ".join(rng.choices(vocab, k=5)),
              body=" ".join(rng.choices(vocab, k=150)), created_at=base + timedelta(days=i % 700),
              updated_at=base + timedelta(days=i % 700),
              tags=tuple(rng.sample(["ward", "team", "nights", "self", "cpd"], 2)))
        for i in range(10_000)
    ]
    start = time.perf_counter()
    index = SearchIndex(entries)
    print(f"index 10,000 entries: {(time.perf_counter() - start) * 1000:.0f} ms")
    for query in ["kindness", "team handover", "ward pressure staff", "pa", "word12 night"]:
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            index.search(query)
            runs.append(time.perf_counter() - t)
        print(f"search {query!r}: median {statistics.median(runs) * 1000:.1f} ms "
              f"(target under 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
