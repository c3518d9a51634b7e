"""Journal speed over 10,000 realistic entries, with the real Argon2id parameters (issue 4).

Targets: unlock (64 MiB, t=3) + decrypt every entry + build the search index under 1 s;
a search under 50 ms; saving one entry under 20 ms. Each figure is printed with its ratio
to the target (below 1.00 is met). Entries are 200-600 words drawn with Zipf-like weights
from a care-work vocabulary plus rarer made-up words, with tags, moods and a mix of the
templates, stored through the real repository in a real SQLite file (WAL, synchronous=FULL).
Run with `make bench` or `.venv/bin/python tests/benchmarks/bench_journal.py`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.core import crypto
from app.core.clock import SystemClock
from app.core.journal import TEMPLATES, Entry, Mood, SearchIndex, edit_entry, render_template
from app.storage.journal_repo import open_journal

ENTRIES = int(os.environ.get("BENCH_ENTRIES", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
UNLOCK_TARGET_S = 1.0
SEARCH_TARGET_S = 0.050
SAVE_TARGET_S = 0.020
PASSPHRASE = "benchmark passphrase, long enough"

COMMON_TEXT = (
    "the a and to of i it was in that we my for on with but had at this they so felt as "
    "be not me were all what about when there one her his after before because then just "
    "from how out up again time day shift ward team patient family nurse colleague "
    "handover night morning break lunch tired busy proud kind kindness listen listened "
    "listening support pressure staff safety incident learning mentor student manager "
    "meeting rota sickness call bell medication round discharge admission relatives "
    "visiting quiet calm anxious worried grateful thanks coffee minute pause breathe "
    "breathing compassion care caring reflect reflection practice feedback change "
    "improve better harder easier moment stayed left home late early week fortnight "
    "month hospital community clinic bay bed notes plan"
)
COMMON = COMMON_TEXT.split()


def make_vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Real words first (frequent), then made-up rarer ones: a Zipf-shaped vocabulary."""
    syllables = ["ca", "re", "mo", "sen", "ta", "lo", "ve", "ni", "dra", "pel", "gor", "un",
                 "ith", "esh", "ba", "ful", "ward", "ment", "ing", "tion"]
    rare = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(8000)})
    words = [*COMMON, *rare]
    return words, [1.0 / (rank + 1) ** 0.9 for rank in range(len(words))]


def make_text(rng: random.Random, words: list[str], weights: list[float], count: int) -> str:
    """Sentences of 6-20 words, paragraphs of 3-6 sentences."""
    drawn = rng.choices(words, weights, k=count)
    paragraphs: list[str] = []
    sentences: list[str] = []
    i = 0
    while i < count:
        n = rng.randint(6, 20)
        chunk = drawn[i : i + n]
        i += n
        sentences.append(" ".join(chunk).capitalize() + rng.choice([".", ".", ".", "?", "!"]))
        if len(sentences) >= rng.randint(3, 6):
            paragraphs.append(" ".join(sentences))
            sentences = []
    if sentences:
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def make_entries(n: int) -> list[Entry]:
    rng = random.Random(4)
    words, weights = make_vocabulary(rng)
    tags = ["ward", "nights", "team", "cpd", "revalidation", "self", "feedback", "leadership"]
    start = datetime(2019, 1, 1, 8, 0, tzinfo=UTC)
    entries: list[Entry] = []
    for i in range(n):
        template = rng.choice([None, None, *TEMPLATES])
        length = rng.randint(200, 600)  # words in the whole body, template prompts included
        if template is None:
            body = make_text(rng, words, weights, length)
        else:
            prompts = render_template(template)
            per_section = max(10, (length - len(prompts.split())) // len(template.sections))
            body = prompts + "\n" + "\n\n".join(
                f"## {s.heading}\n\n{make_text(rng, words, weights, per_section)}"
                for s in template.sections
            )
        when = start + timedelta(hours=6 * i, minutes=rng.randint(0, 300))
        entries.append(Entry(
            id=f"{rng.getrandbits(128):032x}",
            title=" ".join(rng.choices(words, weights, k=rng.randint(2, 7))).capitalize(),
            body=body,
            created_at=when,
            updated_at=when + timedelta(minutes=rng.randint(0, 90)),
            tags=tuple(rng.sample(tags, rng.randint(0, 3))),
            mood=rng.choice([None, *Mood]),
            template_id=None if template is None else template.id,
        ))
    return entries


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def report(name: str, seconds: float, target: float, detail: str = "") -> None:
    ratio = seconds / target
    verdict = "met" if ratio < 1 else "NOT met"
    extra = f" ({detail})" if detail else ""
    print(f"{name}: {seconds * 1000:.1f} ms{extra}; target {target * 1000:.0f} ms, "
          f"ratio {ratio:.2f}: {verdict}")


def main() -> int:
    clock = SystemClock()
    print(f"{ENTRIES} entries, Argon2id {crypto.DEFAULT_KDF.memory_kib // 1024} MiB, "
          f"t={crypto.DEFAULT_KDF.time_cost}, p={crypto.DEFAULT_KDF.parallelism}; "
          f"{os.cpu_count()} CPUs")
    entries = make_entries(ENTRIES)
    words = sum(len(e.body.split()) for e in entries)
    print(f"generated {words / len(entries):.0f} words per entry on average, "
          f"{sum(len(e.body) for e in entries) / 1e6:.1f} MB of text")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "journal.sqlite3"
        repo = open_journal(db, clock, backup_dir=None)
        repo.create_keyring(PASSPHRASE)
        setup = timed(lambda: repo.create_entries(entries))
        print(f"set-up: stored {len(entries)} entries in one transaction in {setup:.2f} s "
              f"({db.stat().st_size / 1e6:.0f} MB file)")
        repo.connection.close()

        phases: dict[str, list[float]] = {"open": [], "unlock": [], "decrypt": [], "index": []}
        totals: list[float] = []
        index = SearchIndex()
        for _ in range(RUNS):
            start = time.perf_counter()
            repo = open_journal(db, clock, backup_dir=None)
            t_open = time.perf_counter()
            repo.unlock(PASSPHRASE)
            t_unlock = time.perf_counter()
            loaded = repo.list_entries()
            t_list = time.perf_counter()
            index = SearchIndex(loaded)
            t_index = time.perf_counter()
            phases["open"].append(t_open - start)
            phases["unlock"].append(t_unlock - t_open)
            phases["decrypt"].append(t_list - t_unlock)
            phases["index"].append(t_index - t_list)
            totals.append(t_index - start)
            if len(loaded) != len(entries):
                raise SystemExit(f"loaded {len(loaded)} entries, expected {len(entries)}")
            repo.connection.close()
        detail = ", ".join(f"{k} {statistics.median(v) * 1000:.0f}" for k, v in phases.items())
        report(f"open + unlock + decrypt all + index (median of {RUNS})",
               statistics.median(totals), UNLOCK_TARGET_S, detail)

        queries = ["kindness", "handover night", "ward pressure staff", "pa", "c",
                   "medication round discharge", "reflection feedback change", "zzz",
                   entries[123].title.split()[-1]]
        worst = 0.0
        for query in queries:
            runs = [timed(partial(index.search, query)) for _ in range(7)]
            hits = len(index.search(query))
            median = statistics.median(runs)
            worst = max(worst, median)
            print(f"  search {query!r}: {median * 1000:.1f} ms, {hits} hits")
        filtered = statistics.median(
            timed(lambda: index.search("team", tag="nights", template_id="rolfe"))
            for _ in range(7)
        )
        print(f"  search 'team' with tag and template filters: {filtered * 1000:.1f} ms")
        report("search (slowest query median)", max(worst, filtered), SEARCH_TARGET_S)

        repo = open_journal(db, clock, backup_dir=None)
        repo.unlock(PASSPHRASE)
        target = entries[len(entries) // 2]
        saves = []
        for n in range(15):
            edited = edit_entry(target, clock, body=target.body + f"\n\nAdded line {n}.")
            saves.append(timed(partial(repo.update_entry, edited)))
            index.add(edited)
        report("save one entry (update, median of 15)", statistics.median(saves), SAVE_TARGET_S,
               f"max {max(saves) * 1000:.1f} ms")
        repo.connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
