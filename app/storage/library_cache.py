"""A cache of the parsed practice library, so the window appears without parsing TOML.

Parsing and validating the practice files (and importing the TOML parser and the schema
checks) is a large part of start-up. The cache holds the validated practices, keyed by the
app version and each file's name, size and modification time; any change, or any problem
reading the cache, means the files are parsed again. Only a library without skipped files
is cached, so a broken file is always reported afresh.

The cache is JSON, rebuilt field by field into the practice model: a damaged file can at
worst fail to load (and the files are parsed again), never run code. JSON rather than
pickle also keeps the pickle module, about 2 ms, out of every start-up (json is loaded for
the settings anyway).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Final

from app.core.practices import (
    Credit,
    GroupSize,
    GuidedAudio,
    LibraryLoad,
    Practice,
    Role,
    Step,
    StepKind,
    Who,
)

log = logging.getLogger(__name__)
#: 3: JSON (1 and 2 were pickles).
CACHE_FORMAT: Final = 3


def library_key(folder: Path, version: str) -> list[object]:
    """What the cache is valid for: the app version and every practice file's stat."""
    files: list[object] = []
    for path in sorted(folder.glob("*.toml")):
        stat = path.stat()
        files.append([path.name, stat.st_size, stat.st_mtime_ns])
    return [CACHE_FORMAT, version, str(folder.resolve()), files]


def practice_to_json(practice: Practice) -> dict[str, Any]:
    """A practice as JSON values (enums are strings already; paths become strings)."""
    data = practice._asdict()
    data["group_size"] = practice.group_size._asdict()
    data["steps"] = [step._asdict() for step in practice.steps]
    data["credit"] = practice.credit._asdict()
    data["roles"] = [role._asdict() for role in practice.roles]
    data["audio"] = practice.audio._asdict() if practice.audio is not None else None
    data["source_path"] = str(practice.source_path) if practice.source_path else None
    return data


def practice_from_json(data: dict[str, Any]) -> Practice:
    """The practice again; any missing, extra or wrong field raises (TypeError, ValueError...)."""
    audio = data["audio"]
    path = data["source_path"]
    fields = {
        **data,
        "who": tuple(Who(w) for w in data["who"]),
        "group_size": GroupSize(**data["group_size"]),
        "steps": tuple(Step(**{**s, "kind": StepKind(s["kind"])}) for s in data["steps"]),
        "credit": Credit(**data["credit"]),
        "roles": tuple(Role(**r) for r in data["roles"]),
        "before_you_start": tuple(data["before_you_start"]),
        "ground_rules": tuple(data["ground_rules"]),
        "tags": tuple(data["tags"]),
        "audio": GuidedAudio(**audio) if audio is not None else None,
        "source_path": Path(path) if path is not None else None,
    }
    return Practice(**fields)


def read_cache(cache_file: Path, key: list[object]) -> tuple[Practice, ...] | None:
    """The cached practices when the key still matches; None (and a debug line) otherwise."""
    try:
        data = cache_file.read_bytes()
    except OSError:
        return None
    try:
        stored = json.loads(data)
        if stored["key"] != key:
            return None
        return tuple(practice_from_json(p) for p in stored["practices"])
    except Exception as exc:  # any damage means: parse the files again
        log.info("library cache %s not used: %s", cache_file, exc)
        return None


def write_cache(cache_file: Path, key: list[object], practices: tuple[Practice, ...]) -> None:
    """Store the parsed library; a failure only costs the next start-up some time."""
    from app.storage.atomic_file import write_atomic  # tempfile is not needed on a cache hit

    text = json.dumps({"key": key, "practices": [practice_to_json(p) for p in practices]},
                      ensure_ascii=False)
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(cache_file, text.encode("utf-8"))
    except OSError as exc:
        log.info("library cache %s not written: %s", cache_file, exc)


def load_library_cached(folder: Path, cache_file: Path, version: str) -> LibraryLoad:
    """The library from the cache when it is fresh, else parsed (and cached if all loaded)."""
    key = library_key(folder, version)
    cached = read_cache(cache_file, key)
    if cached is not None:
        return LibraryLoad(cached)
    from app.core.practice_loader import load_library  # only when the cache cannot serve

    loaded = load_library(folder)
    if not loaded.skipped:
        write_cache(cache_file, key, loaded.practices)
    return loaded
