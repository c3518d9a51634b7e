"""Property tests: whatever a file holds, the loader raises only its own validation error."""

from __future__ import annotations

import tomllib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.practice_loader import PracticeFileError, load_practice_text, parse_practice
from tests.unit.practice_texts import VALID

VALID_DATA: dict[str, Any] = tomllib.loads(VALID)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=20), st.dates(), st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def _loads_or_own_error(text: str) -> None:
    try:
        practice = load_practice_text(text, "fuzz.toml")
    except PracticeFileError as exc:
        assert exc.problems, "a validation error always carries at least one problem"
        assert all(str(p).startswith("fuzz.toml: ") for p in exc.problems)
    else:
        assert practice.total_seconds == practice.minutes * 60


@given(st.text(max_size=300))
def test_random_text_never_raises_anything_else(text: str) -> None:
    _loads_or_own_error(text)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_valid_file_never_raises_anything_else(data: st.DataObject) -> None:
    lines = VALID.splitlines()
    ops = data.draw(st.lists(st.sampled_from(["drop", "dup", "swap", "insert", "cut"]),
                             min_size=1, max_size=4))
    for op in ops:
        i = data.draw(st.integers(0, len(lines) - 1))
        if op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, data.draw(st.text(max_size=30)))
        elif op == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
    _loads_or_own_error("\n".join(lines))


@given(st.data())
def test_mutated_valid_data_never_raises_anything_else(data: st.DataObject) -> None:
    mutated: dict[str, Any] = {k: v for k, v in VALID_DATA.items()}
    steps = [dict(s) for s in mutated["steps"]]
    mutated["steps"] = steps
    target = data.draw(st.sampled_from(["top", "step", "delete"]))
    if target == "top":
        key = data.draw(st.sampled_from([*sorted(mutated), "extra"]))
        mutated[key] = data.draw(values)
    elif target == "step":
        step = data.draw(st.sampled_from(steps))
        key = data.draw(st.sampled_from([*sorted(step), "speaker_seconds"]))
        step[key] = data.draw(values)
    else:
        del mutated[data.draw(st.sampled_from(sorted(mutated)))]
    try:
        parse_practice(mutated, "fuzz.toml")
    except PracticeFileError as exc:
        assert exc.problems


def test_deeply_nested_input_is_a_validation_error() -> None:
    _loads_or_own_error("x = " + "[" * 5000 + "]" * 5000)
