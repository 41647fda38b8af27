"""Wire values built from the field metadata, for tests that cover every class without naming it.

``example(cls)`` is a valid wire dict of a class (every member filled, or only the required ones),
found from the constraints in the metadata: nothing here restates a constraint of the model.
``json_values`` and ``shaped_values(cls)`` are hypothesis strategies of arbitrary JSON, the second
biased towards the member names of ``cls`` so that the fuzzing reaches nested members.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

from cognito_spec import STRUCTURES, patterns
from cognito_spec.model import Shape, members_of, struct_info
from cognito_spec.patterns import synth

# Candidate strings for members with a pattern; the first one that fits pattern and length wins.
_CANDIDATES = (
    "a",
    "Ab1",
    "us-east-1_AbC123",
    "eyJraWQiOiJ0ZXN0In0.eyJzdWIiOiJ4In0.c2ln",
    "user@example.com",
    "SMS",
)


def string_example(shape: Shape, seed: str = "") -> str:
    """A string that satisfies every constraint of ``shape`` (``seed`` is tried first)."""
    if shape.enum:
        return shape.enum[0]
    lo = shape.length_min or 0
    hi = shape.length_max
    compiled = patterns.compile(shape.pattern) if shape.pattern is not None else None
    tries: Iterator[str] = itertools.chain(
        [seed] if seed else [], _CANDIDATES, (chr(c) for c in range(0x21, 0x7F))
    )
    for cand in tries:
        text = cand * max(1, -(-lo // max(1, len(cand)))) if len(cand) < lo else cand
        if hi is not None:
            text = text[:hi]
        if len(text) < lo:
            continue
        if compiled is None or compiled.fullmatch(text):
            return text
    # No candidate fits: the library's own string synthesis (seeded, so examples are stable).
    plan = synth.plan(shape.pattern, max(lo, min(hi if hi is not None else 64, 64)))
    rng = random.Random(shape.name)
    for n in range(max(lo, 1) if hi is None or hi > 0 else 0, (hi if hi is not None else lo + 64) + 1):
        if plan.can(n):
            return plan.make(synth.RandomSource(rng), n, adversarial=False)
    raise AssertionError(f"no example string for {shape.name}")  # pragma: no cover


def value_example(shape: Shape, *, full: bool = True, seed: str = "") -> Any:
    """A valid wire value of ``shape``."""
    t = shape.type
    if t == "string":
        return string_example(shape, seed)
    if t == "boolean":
        return True
    if t in ("integer", "long"):
        return int(shape.range_min or 0) if shape.range_min is not None else 1
    if t in ("float", "double"):
        return float(shape.range_min) if shape.range_min is not None else 1.5
    if t == "timestamp":
        return 1.682955829578e9
    if t == "blob":
        return "AAEC"
    if t == "list":
        assert shape.member is not None
        n = max(1, shape.length_min or 0)
        return [value_example(shape.member, full=full, seed=seed) for _ in range(n)]
    if t == "map":
        assert shape.key is not None and shape.value is not None
        return {string_example(shape.key): value_example(shape.value, full=full, seed=seed)}
    if t == "document":
        return {"setting": "v", "nested": [1, {"flag": True}]}
    assert t == "structure"
    return example(STRUCTURES[shape.target or shape.name], full=full, seed=seed)


def example(cls: type, *, full: bool = True, seed: str = "") -> dict[str, Any]:
    """A valid wire dict of ``cls``: every member (``full``) or only the required ones."""
    return {
        m.wire: value_example(m.shape, full=full, seed=seed) for _, m in members_of(cls) if full or m.required
    }


def shape_classes() -> list[type]:
    return [cls for cls in STRUCTURES.values() if struct_info(cls) is not None]


def wire_names() -> list[str]:
    """Every member name of the model (keys the fuzzers draw from)."""
    return sorted({m.wire for cls in shape_classes() for _, m in members_of(cls)})


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)

#: Arbitrary JSON values (no NaN: JSON has none).
json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)

_keys = st.sampled_from(wire_names()) | st.text(max_size=6)

#: JSON objects whose keys are mostly member names of the model, nested: they reach deep members.
shaped_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=6),
    max_leaves=30,
)


def positions(
    cls: type, prefix: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Shape, bool, bool]]:
    """``(path, shape, sensitive, required)`` of every member of ``cls`` at any depth.

    Paths go through the first item of lists and the first key of maps, as in :func:`example`.
    Document members (any JSON value) have no constraint to break and are left out.
    """
    for _, m in members_of(cls):
        yield from _positions(m.shape, (*prefix, m.wire), m.sensitive, m.required)


def _positions(
    shape: Shape, path: tuple[str | int, ...], sensitive: bool, required: bool
) -> Iterator[tuple[tuple[str | int, ...], Shape, bool, bool]]:
    sensitive = sensitive or shape.sensitive
    if shape.type == "document":
        return  # any JSON value: no constraint to place a breaking value against
    yield path, shape, sensitive, required
    if shape.type == "list" and shape.member is not None:
        yield from _positions(shape.member, (*path, 0), sensitive, False)
    elif shape.type == "structure":
        for sub_path, sub, sens, req in positions(STRUCTURES[shape.target or shape.name], path):
            yield sub_path, sub, sens or sensitive, req


def set_at(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    """Set (or, with ``value`` DELETE, remove) the value at ``path`` of a nested wire value."""
    *head, last = path
    for p in head:
        data = data[p]
    if value is DELETE:
        del data[last]
    else:
        data[last] = value


DELETE = object()


def breaking_strings(shape: Shape) -> list[tuple[str, str]]:
    """``(kind, value)`` for every constraint of a string shape: a value that breaks only that one.

    The values are found from the metadata; a constraint no value can break alone is skipped.
    """
    out: list[tuple[str, str]] = []
    ok = string_example(shape)
    compiled = patterns.compile(shape.pattern) if shape.pattern is not None else None
    if shape.enum:
        out.append(("enum", "NOT_A_KNOWN_VALUE"))
    if shape.length_min:
        short = ok[: shape.length_min - 1]
        if compiled is None or compiled.fullmatch(short) or shape.length_min > 1:
            out.append(("length_min", short))
    if shape.length_max is not None:
        out.append(("length_max", (ok * (shape.length_max + 1))[: shape.length_max + 1]))
    if compiled is not None:
        for bad in (" ", "\x00", "a b", "\u0378", "\ud800", "\n"):
            text = bad * max(1, shape.length_min or 1)
            fits = shape.length_max is None or len(text) <= shape.length_max
            if fits and not compiled.fullmatch(text):
                out.append(("pattern", text))
                break
    return out
