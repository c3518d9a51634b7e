"""A cache of the parsed practice library, so the window appears without parsing TOML.

Parsing and validating the practice files (and importing the TOML parser and the schema
checks) is a large part of start-up. The cache holds the validated Practice objects, keyed
by the app version and each file's name, size and modification time; any change, or any
problem reading the cache, means the files are parsed again. Only a library without skipped
files is cached, so a broken file is always reported afresh.

The cache is a pickle, read with an unpickler that can build only the practice model's own
classes: a tampered cache file can at worst be rejected, never run code.
"""

from __future__ import annotations

import io
import logging
import pickle
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any, Final

from app.core import practices as model

log = logging.getLogger(__name__)
CACHE_FORMAT: Final = 2  # 2: the model became NamedTuples
_ALLOWED_MODEL: Final = frozenset({
    "Practice", "Step", "StepKind", "Who", "Role", "Credit", "GroupSize", "GuidedAudio",
})
_ALLOWED_PATH: Final = frozenset({"PosixPath", "WindowsPath", "Path", "PurePosixPath",
                                  "PureWindowsPath", "PurePath"})
_PATH_CLASSES: Final = {c.__name__: c for c in (Path, PurePath, PurePosixPath, PureWindowsPath)}


class _ModelUnpickler(pickle.Unpickler):
    """Rebuilds practices and paths; refuses every other class."""

    def find_class(self, module: str, name: str) -> Any:
        if module == model.__name__ and name in _ALLOWED_MODEL:
            return getattr(model, name)
        if module in ("pathlib", "pathlib._local") and name in _ALLOWED_PATH:
            return type(Path()) if name in ("PosixPath", "WindowsPath") else _PATH_CLASSES[name]
        if module == "builtins" and name in ("frozenset", "tuple"):
            return frozenset if name == "frozenset" else tuple
        raise pickle.UnpicklingError(f"library cache: class {module}.{name} is not allowed")


def library_key(folder: Path, version: str) -> tuple[object, ...]:
    """What the cache is valid for: the app version and every practice file's stat."""
    files = []
    for path in sorted(folder.glob("*.toml")):
        stat = path.stat()
        files.append((path.name, stat.st_size, stat.st_mtime_ns))
    return (CACHE_FORMAT, version, str(folder.resolve()), tuple(files))


def read_cache(cache_file: Path, key: tuple[object, ...]) -> tuple[model.Practice, ...] | None:
    """The cached practices when the key still matches; None (and a debug line) otherwise."""
    try:
        data = cache_file.read_bytes()
    except OSError:
        return None
    try:
        stored_key, practices = _ModelUnpickler(io.BytesIO(data)).load()
    except Exception as exc:  # any damage means: parse the files again
        log.info("library cache %s not used: %s", cache_file, exc)
        return None
    if stored_key != key or not isinstance(practices, tuple) or not all(
        isinstance(p, model.Practice) for p in practices
    ):
        return None
    return practices


def write_cache(cache_file: Path, key: tuple[object, ...],
                practices: tuple[model.Practice, ...]) -> None:
    """Store the parsed library; a failure only costs the next start-up some time."""
    from app.storage.atomic_file import write_atomic  # tempfile is not needed on a cache hit

    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(cache_file, pickle.dumps((key, practices), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as exc:
        log.info("library cache %s not written: %s", cache_file, exc)


def load_library_cached(folder: Path, cache_file: Path, version: str) -> model.LibraryLoad:
    """The library from the cache when it is fresh, else parsed (and cached if all loaded)."""
    key = library_key(folder, version)
    cached = read_cache(cache_file, key)
    if cached is not None:
        return model.LibraryLoad(cached)
    from app.core.practice_loader import load_library  # only when the cache cannot serve

    loaded = load_library(folder)
    if not loaded.skipped:
        write_cache(cache_file, key, loaded.practices)
    return loaded
