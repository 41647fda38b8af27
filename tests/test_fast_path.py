"""The orjson fast path changes nothing but speed: every codec verb gives the same value, the same
exception or the same violations, and the same bytes, with it and without it, on the same inputs.

Each property runs the verb twice in one process, with ``codec.body.use_orjson(True)`` and
``use_orjson(False)``, and compares the outcomes.  Inputs are the adversarial strategies of
``cognito_spec.strategies``, written to bodies with the perturbations where orjson behaves
differently from the stdlib (repeated keys, integers beyond 64 bits, ``1e400``, NaN, escaped and raw
lone surrogates, a BOM, white space, deep nesting, ``\\u`` escapes), and raw bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from conftest import DEEP
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import cognito_spec as cs
from cognito_spec import STRUCTURES, strategies
from cognito_spec.codec import body as codec_body
from cognito_spec.codec.compile import function_for
from cognito_spec.errors import CognitoSpecError, DecodeError

orjson = pytest.importorskip("orjson")

CLASSES = [STRUCTURES[n] for n in sorted(STRUCTURES)]
#: Examples of the costlier body properties (whole instances of any of the 465 classes).
BODY_EXAMPLES = 5000 if DEEP else 50


def _plain(value: Any) -> Any:
    """A comparable, complete picture of a result (attrs objects as tuples; repr keeps NaN equal)."""
    if attrs.has(type(value)):
        return (type(value).__name__, repr(attrs.astuple(value, recurse=True)))
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return repr(value)


def outcome(fn: Callable[[], Any]) -> Any:
    try:
        return ("value", _plain(fn()))
    except CognitoSpecError as exc:
        violations = getattr(exc, "violations", None)
        return (
            "error",
            type(exc).__name__,
            str(exc),
            None if violations is None else _plain(list(violations)),
        )


def both(fn: Callable[[], Any]) -> tuple[Any, Any]:
    """The outcome of ``fn`` with the fast path on, then off (the setting is restored after)."""
    previous = codec_body.use_orjson(True)
    try:
        assert codec_body.orjson_enabled()
        fast = outcome(fn)
        codec_body.use_orjson(False)
        slow = outcome(fn)
    finally:
        codec_body.use_orjson(previous)
    return fast, slow


def assert_same_everywhere(data: bytes | str, cls: type) -> None:
    """Every public verb that reads a body, on ``data`` and ``cls``, with and without orjson."""
    verbs: list[Callable[[], Any]] = [
        lambda: cs.loads(data, cls, strict=True),
        lambda: cs.loads(data, cls),
        lambda: cs.validate(data, cls),
        lambda: cs.validate(data, cls, mode="tolerant"),
        lambda: cs.validate(data, cls, reveal=True),
    ]
    for verb in verbs:
        fast, slow = both(verb)
        assert fast == slow
    # And both equal the body policy applied step by step, without the shortcuts (the parser's
    # bracket count left out for classes of bounded depth, the duplicate-key proof by counting).
    assert both(verbs[0])[1] == outcome(lambda: reference_strict_loads(data, cls))
    assert both(verbs[1])[1] == outcome(lambda: reference_tolerant_loads(data, cls))
    for mode in ("strict", "tolerant"):
        revealed = both(lambda: cs.validate(data, cls, mode=mode, reveal=True))  # noqa: B023
        assert revealed[0] == revealed[1] == outcome(lambda: reference_validate(data, cls, mode == "strict"))  # noqa: B023


def reference_strict_loads(data: bytes | str, cls: type) -> Any:
    """Strict ``loads`` as codec.converter's docstring defines it, step by step: the whole body
    policy, every constraint, then the exact duplicate-key scan."""
    text = codec_body.body_text(data)
    value = codec_body.decode_text(text)
    out: list[Any] = []
    result = function_for(cls, "strict")(value, (), out, True, [0, 0])
    out.extend(codec_body.find_duplicates(codec_body.decode_text(text, pairs=True)))
    if out:
        raise DecodeError(cls.__name__, out)
    return result


def reference_tolerant_loads(data: bytes | str, cls: type) -> Any:
    return cs.from_wire(codec_body.decode_text(codec_body.body_text(data)), cls)


def reference_validate(data: bytes | str, cls: type, strict: bool) -> Any:
    """``validate(..., reveal=True)`` step by step: body problems are the one answer, else every
    violation of the checker, then the repeated keys."""
    try:
        text = codec_body.body_text(data)
        value = codec_body.decode_text(text)
        dups = codec_body.find_duplicates(codec_body.decode_text(text, pairs=True))
    except DecodeError as exc:
        return list(exc.violations)
    out: list[Any] = []
    function_for(cls, "check")(value, (), out, strict, [0, 0])
    out.extend(dups if strict else [attrs.evolve(v, severity="warning") for v in dups])
    return out


# --------------------------------------------------------------------------------------------------
# Bodies that probe where orjson differs from the stdlib.

EDGE_NUMBERS = [
    "0",
    "-0",
    "-0.0",
    "1e400",
    "-1e400",
    "NaN",
    "Infinity",
    "-Infinity",
    str(2**63 - 1),
    str(2**63),
    str(2**64 - 1),
    str(2**64),
    str(2**64 + 1),
    str(-(2**63)),
    str(-(2**63) - 1),
    str(10**30),
    "1" + "0" * 4400,
    "1.682955829578E9",
    "4294967295.9999999",
    "-4294967296.0",
    "253402300799.999",
    "253402300800",
    "1E-400",
    "0.1e1",
]


def _edge_values() -> st.SearchStrategy[str]:
    """JSON texts of single values: edge numbers, strings with escapes, surrogates, controls."""
    strings = st.text().map(lambda s: json.dumps(s, ensure_ascii=False))
    escaped = st.text().map(lambda s: json.dumps(s, ensure_ascii=True))
    surrogates = st.sampled_from(['"\\ud800"', '"\\udfff"', '"\\ud83d\\ude00"', '"a\\u0000/"', '"\\/"'])
    return st.one_of(
        st.sampled_from(EDGE_NUMBERS),
        st.integers().map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        strings,
        escaped,
        surrogates,
        st.sampled_from(["null", "true", "false", "[]", "{}", '[null,"x",1]', '{"a":null,"a":1}']),
    )


def _write(value: Any, raw: dict[str, str], dup: list[tuple[str, str]], ascii_: bool) -> str:
    """JSON text of a wire value; ``raw`` members are written as given texts, ``dup`` appended as
    repeated members at the top level."""
    text = json.dumps(value, ensure_ascii=ascii_, separators=(",", ":"))
    extra = [f"{json.dumps(k)}:{v}" for k, v in [*raw.items(), *dup]]
    if not extra or not text.startswith("{"):
        return text
    inner = text[1:-1]
    return "{" + ",".join([inner, *extra] if inner else extra) + "}"


@st.composite
def perturbed_bodies(draw: st.DrawFn) -> tuple[bytes | str, type]:
    cls = draw(st.sampled_from(CLASSES))
    wire = draw(strategies.wire(cls, adversarial=True))
    raw: dict[str, str] = {}
    dup: list[tuple[str, str]] = []
    keys: list[str] = list(wire)
    if draw(st.booleans()):  # a member, known or unknown, holding an edge value
        name = draw(st.sampled_from([*keys, "Unknown", "x"])) if keys else "Unknown"
        wire = {k: v for k, v in wire.items() if k != name}
        raw[name] = draw(_edge_values())
    keys = list(wire)
    repeat: bool = draw(st.booleans())
    if keys and repeat:  # a repeated key (the last value wins in both parsers)
        name = draw(st.sampled_from(keys))
        dup.append((name, draw(st.one_of(st.just(json.dumps(wire[name])), _edge_values()))))
    text = _write(wire, raw, dup, draw(st.booleans()))
    shape = draw(st.sampled_from(["bytes", "str", "bom", "space", "deep"]))
    if shape == "bom":
        return ("\ufeff" + text).encode("utf-8", "surrogatepass"), cls
    if shape == "space":
        return (" \n" + text + "\t\r ").encode("utf-8", "surrogatepass"), cls
    if shape == "deep":  # nesting around the bound, in an unknown member or in place of a known one
        depth = draw(st.sampled_from([255, 256, 257, 300, 1100]))
        if not text.endswith("}"):
            return text, cls
        deep = "[" * depth + "]" * depth
        if keys and draw(st.booleans()):
            value = {k: v for k, v in wire.items() if k != keys[0]}
            return _write(value, {**raw, keys[0]: deep}, dup, True), cls
        return text[:-1] + ',"Deep":' + deep + "}", cls
    if shape == "str":
        return text, cls
    return text.encode("utf-8", "surrogatepass"), cls


@given(perturbed_bodies())
@settings(max_examples=BODY_EXAMPLES)
def test_every_verb_answers_the_same_on_perturbed_bodies(case: tuple[bytes | str, type]) -> None:
    data, cls = case
    assert_same_everywhere(data, cls)


@given(st.sampled_from(CLASSES), st.binary(max_size=300))
def test_every_verb_answers_the_same_on_raw_bytes(cls: type, data: bytes) -> None:
    assert_same_everywhere(data, cls)


@given(st.sampled_from(CLASSES), st.text(max_size=100))
def test_every_verb_answers_the_same_on_raw_text(cls: type, data: str) -> None:
    assert_same_everywhere(data, cls)


@given(st.sampled_from(CLASSES), st.data())
@settings(max_examples=BODY_EXAMPLES)
def test_valid_bodies_take_the_fast_path_and_agree(cls: type, data: st.DataObject) -> None:
    obj = data.draw(strategies.from_class(cls, adversarial=True))
    body = cs.dumps(obj)
    assert_same_everywhere(body, cls)
    # And the fast path really answers for them (no fallback hides in the comparison above).
    codec_body.use_orjson(True)
    assert codec_body.fast_value(body) is not codec_body.MISS or "\\ud" in body.decode()


def object_starts(text: str) -> list[int]:
    """Where the objects with members start in a JSON text: a ``{"`` outside every string."""
    starts, in_string, escaped = [], False, False
    for i, c in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "{" and text.startswith('{"', i):
            starts.append(i)
    return starts


def test_object_starts_skip_braces_inside_strings() -> None:
    # The falsifying body: DeleteResourceServerRequest(user_pool_id='A_A', identifier='{').
    assert object_starts('{"UserPoolId":"A_A","Identifier":"{"}') == [0]
    assert object_starts('{"k":"\\\\","v":{"w":"{\\"x"}}') == [0, 14]
    assert object_starts('{"a":{"b":[{"c":1}]}}') == [0, 5, 11]


@given(st.sampled_from(CLASSES), st.data())
@settings(max_examples=BODY_EXAMPLES)
def test_valid_bodies_with_a_repeated_member_agree(cls: type, data: st.DataObject) -> None:
    # The duplicate-key proof is what stands between the fast path and a wrong "valid": a body
    # that is valid but for one repeated member, at the top or inside a nested object.
    obj = data.draw(strategies.from_class(cls, adversarial=True))
    text = cs.dumps(obj).decode()
    wire = json.loads(text)
    objects = object_starts(text)
    assume(objects)
    at = data.draw(st.sampled_from(objects))
    inner = json.JSONDecoder().raw_decode(text, at)[0]
    key = data.draw(st.sampled_from(sorted(inner)))
    repeat = json.dumps({key: inner[key]}, ensure_ascii=False)[1:-1]
    body = text[: at + 1] + repeat + "," + text[at + 1 :]
    assert json.loads(body) == wire
    assert_same_everywhere(body.encode("utf-8", "surrogatepass"), cls)
    assert_same_everywhere(body, cls)


@given(st.sampled_from(CLASSES), st.data())
def test_dumps_writes_the_same_bytes_with_and_without_orjson(cls: type, data: st.DataObject) -> None:
    obj = data.draw(strategies.from_class(cls, adversarial=True))
    fast, slow = both(lambda: cs.dumps(obj))
    assert fast == slow
    assert both(lambda: cs.to_wire(obj))[0] == both(lambda: cs.to_wire(obj))[1]


@given(st.sampled_from(CLASSES), st.data())
@settings(max_examples=BODY_EXAMPLES)
def test_from_wire_answers_the_same(cls: type, data: st.DataObject) -> None:
    wire = data.draw(strategies.wire(cls, adversarial=True))
    fast, slow = both(lambda: cs.from_wire(wire, cls))
    assert fast == slow
    fast, slow = both(lambda: cs.from_wire(wire, cls, strict=True))
    assert fast == slow


# --------------------------------------------------------------------------------------------------
# The facts about orjson the fast path relies on (codec/body.py's docstring), checked directly.


@given(st.text())
def test_orjson_writes_strings_as_the_body_policy_does(s: str) -> None:
    try:
        fast = orjson.dumps({"k": [s]})
    except TypeError:  # lone surrogates: refused, and encode_body escapes them
        assert any("\ud800" <= c <= "\udfff" for c in s)
        return
    assert fast == codec_body.encode_body({"k": [s]})


@given(st.integers(min_value=-(2**63), max_value=2**64 - 1))
def test_orjson_writes_integers_within_64_bits_as_the_stdlib(n: int) -> None:
    assert orjson.dumps(n) == codec_body.encode_body(n)


@given(st.integers(min_value=-62135596800000, max_value=253402300799999))
def test_orjson_writes_every_millisecond_timestamp_as_the_stdlib(ms: int) -> None:
    value = ms // 1000 if ms % 1000 == 0 else ms / 1000
    assert orjson.dumps(value) == codec_body.encode_body(value)


@given(st.one_of(st.integers(min_value=2**63, max_value=2**70), st.integers(max_value=-(2**63) - 1)))
def test_orjson_reads_integers_beyond_64_bits_as_the_correctly_rounded_float(n: int) -> None:
    parsed = orjson.loads(str(n))
    if -(2**63) <= n < 2**64:
        assert parsed == n
    else:
        assert type(parsed) is float and parsed == float(n)


@given(st.from_regex(r"-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,25})?([eE][-+]?[0-9]{1,3})?", fullmatch=True))
def test_orjson_reads_numbers_as_the_stdlib_or_refuses(text: str) -> None:
    slow = json.loads(text)
    try:
        fast = orjson.loads(text)
    except orjson.JSONDecodeError:  # only what the stdlib reads as an infinity
        assert slow in (float("inf"), float("-inf"))
        return
    if type(slow) is int and not -(2**63) <= slow < 2**64:
        assert type(fast) is float and fast == float(slow)
    else:
        assert type(fast) is type(slow) and repr(fast) == repr(slow)


def test_the_switch_reports_and_restores_its_setting() -> None:
    previous = codec_body.use_orjson(False)
    assert not codec_body.orjson_enabled()
    assert codec_body.fast_value(b"{}") is codec_body.MISS
    assert codec_body.use_orjson(True) is False
    assert codec_body.orjson_enabled()
    assert codec_body.fast_value(b"{}") == {}
    codec_body.use_orjson(previous)


def test_no_shape_carries_a_float_range_beyond_64_bit_integers() -> None:
    # A float member's range check would see float(n) instead of n for an integer beyond 64 bits
    # read by orjson; the two agree on every bound inside +-2**63 (codec/body.py's docstring).
    from cognito_spec.model import members_of

    shapes = [m.shape for cls in CLASSES for _, m in members_of(cls)]
    while shapes:
        shape = shapes.pop()
        shapes.extend(s for s in (shape.member, shape.key, shape.value) if s is not None)
        for bound in (shape.range_min, shape.range_max):
            assert bound is None or abs(bound) < 2**63


def refused_as_too_deep(body: bytes, cls: type, orjson_on: bool) -> None:
    """Every verb answers ``body`` with the one violation of the nesting policy."""
    previous = codec_body.use_orjson(orjson_on)
    try:
        for verb in (lambda: cs.loads(body, cls, strict=True), lambda: cs.loads(body, cls)):
            with pytest.raises(DecodeError) as info:
                verb()
            assert [(v.kind, v.detail) for v in info.value.violations] == [
                ("malformed_json", "nesting too deep")
            ]
        for mode in ("strict", "tolerant"):
            found = cs.validate(body, cls, mode=mode)  # type: ignore[arg-type]
            assert [(v.kind, v.detail) for v in found] == [("malformed_json", "nesting too deep")]
    finally:
        codec_body.use_orjson(previous)


@pytest.mark.parametrize("orjson_on", [True, False])
@pytest.mark.parametrize(
    ("cls", "where"),
    [
        (cs.AdminGetUserResponse, "UserStatus"),
        (cs.AdminGetUserResponse, "Unknown"),
        (cs.AdminGetUserResponse, "UserAttributes"),
        # An error's envelope member is a known key the checker does not look into (found by the
        # property above: the bracket count was left out for error classes too).
        (cs.error_class("AccessDeniedException"), "__type"),
    ],
)
def test_nesting_beyond_the_bound_is_refused_wherever_it_hides(
    orjson_on: bool, cls: type, where: str
) -> None:
    # Strict decoding and validation leave the bracket count out for classes of bounded depth; a
    # body nested deeper than the bound still gets the policy's one answer, in a known member or not.
    deep = "[" * 300 + "]" * 300
    others = '"Username":"alice","UserAttributes":[],' if cls is cs.AdminGetUserResponse else ""
    body = ("{" + others + '"' + where + '":' + deep + "}").encode()
    refused_as_too_deep(body, cls, orjson_on)


@pytest.mark.parametrize("orjson_on", [True, False])
@pytest.mark.parametrize("kinds", ["[", "{", "[{"])
def test_nesting_of_either_kind_or_both_beyond_the_bound_is_refused(orjson_on: bool, kinds: str) -> None:
    # The fast paths count each kind of bracket only up to one past the bound: alternating, neither
    # kind comes near it (130 of each), only their sum passes it.
    inner = "0"
    for i in range(codec_body.MAX_DEPTH + 4):
        inner = f"[{inner}]" if kinds[i % len(kinds)] == "[" else f'{{"a":{inner}}}'
    body = ('{"Username":"alice","Unknown":' + inner + "}").encode()
    refused_as_too_deep(body, cs.AdminGetUserResponse, orjson_on)


@given(
    st.one_of(
        st.binary(max_size=400),
        st.lists(st.sampled_from([b"[", b"{", b"]", b"a", b"\xc3\xa9", b'"']), max_size=700).map(b"".join),
    ),
    st.integers(0, 300),
)
def test_the_bracket_count_is_exact_up_to_its_bound_and_past_it_says_so(raw: bytes, most: int) -> None:
    opening = raw.count(b"[") + raw.count(b"{")
    got = codec_body.count_opening(raw, most)
    assert (got > most) == (opening > most)
    if opening <= most:
        assert got == opening


@given(
    st.recursive(
        st.one_of(st.none(), st.integers(), st.text(st.sampled_from('a"\\:\t\n\r é'), max_size=4)),
        lambda inner: st.dictionaries(st.text(st.sampled_from('k"\\: é'), max_size=3), inner, max_size=3),
        max_leaves=8,
    ),
    st.sampled_from([None, 0, 2, "\t", "\r\n"]),
    st.sampled_from([(",", ":"), (", ", ": "), (",", " :"), (",\n", "\t:"), (",", "\r\n:"), (",", "\n :")]),
    st.integers(0, 12),
    st.integers(0, 12),
)
def test_the_duplicate_key_proof_reads_bytes_as_it_reads_their_text(
    value: Any, indent: int | str | None, separators: tuple[str, str], keys: int, strings: int
) -> None:
    text = json.dumps(value, indent=indent, separators=separators, ensure_ascii=False)
    data = text.encode()
    assert codec_body.keys_unique(data, keys, strings) == codec_body.keys_unique(text, keys, strings)


@pytest.mark.parametrize("orjson_on", [True, False])
def test_nesting_in_a_repeated_key_the_parse_dropped_is_still_refused(orjson_on: bool) -> None:
    # The parse keeps the last of a repeated key, so a value passing every check says nothing about
    # the depth of the text it dropped (a builder-side proof once missed it; found by the property).
    cls = cs.DescribeUserPoolDomainRequest
    body = ('{"Domain":' + "[" * 300 + "]" * 300 + ',"Domain":"a"}').encode()
    refused_as_too_deep(body, cls, orjson_on)


def reference_quick_body(data: Any) -> Any:
    """codec.body.quick_body by its definition: quick_value of the body's text, for bytes only."""
    if type(data) is not bytes:
        return codec_body.MISS
    try:
        text = codec_body.body_text(data)
    except DecodeError:
        return codec_body.MISS
    return codec_body.quick_value(text)


def _quick_outcome(value: Any) -> Any:
    return "MISS" if value is codec_body.MISS else ("value", json.dumps(value, sort_keys=True))


@given(
    st.one_of(
        perturbed_bodies().map(lambda case: case[0]),
        st.binary(max_size=300),
        st.text(max_size=100),
        st.integers(min_value=200, max_value=300).map(lambda n: ("[" * n + "]" * n).encode()),
        st.integers(min_value=200, max_value=300).map(lambda n: ('{"a":' * n + "1" + "}" * n).encode()),
    )
)
@settings(max_examples=BODY_EXAMPLES)
def test_quick_body_is_quick_value_of_the_body_text(data: bytes | str) -> None:
    assert _quick_outcome(codec_body.quick_body(data)) == _quick_outcome(reference_quick_body(data))


def _members_once(text: str) -> bool:
    seen: list[list[str]] = []
    json.loads(text, object_pairs_hook=lambda pairs: seen.append([k for k, _ in pairs]) or dict(pairs))
    return all(len(keys) == len(set(keys)) for keys in seen)


_KEY_TEXT = st.sampled_from(['"AccessToken"', '"\\u0041ccessToken"', '"Other"', '""'])
_VALUE_TEXT = st.one_of(
    st.text(st.sampled_from("aZ09-_=."), max_size=6).map(json.dumps),
    st.sampled_from(['"a\\"b"', '"\\/x"', '"\\u00e9"', '"é"', "1", "null", "[]", '{"a":"b"}']),
)


@given(
    members=st.lists(st.tuples(_KEY_TEXT, _VALUE_TEXT), min_size=1, max_size=3),
    colon=st.sampled_from([":", " :", ": "]),
    op=st.sampled_from(["GetUser", "AdminGetUser"]),
    orjson_on=st.booleans(),
)
def test_a_clean_body_is_one_whose_members_are_written_once(
    members: list[tuple[str, str]], colon: str, op: str, orjson_on: bool
) -> None:
    # traffic.fast._clean_body takes a body only when its parse kept every member written (a
    # one-member body by its length, any other by the quote count, keys_unique deciding) and its
    # checker passes it.  The oracle: the members of every object, as written, and the checker.
    from cognito_spec.traffic.fast import _UNCLEAN, _clean_body

    text = "{" + ",".join(k + colon + v for k, v in members) + "}"
    check = function_for(cs.OPERATIONS[op].input, "check")
    previous = codec_body.use_orjson(orjson_on)
    try:
        got = _clean_body(text, check, True, True)
    finally:
        codec_body.use_orjson(previous)
    out: list[Any] = []
    cnt = [0, 0]
    check(json.loads(text), (), out, True, cnt)
    if got is not _UNCLEAN:
        assert got == json.loads(text) and not out and _members_once(text)
    elif not out and _members_once(text) and "\\" not in text and " " not in text:
        raise AssertionError("a clean body without escapes or white space must be taken")


@given(token=st.text(st.sampled_from('Az09-_=.+/ é!"\n\u212a'), min_size=0, max_size=12))
def test_the_models_token_checker_passes_only_token_chars(token: str) -> None:
    # What read_token(checked=True) rests on: every token-authorised operation's input names its
    # token with a pattern of TOKEN_CHARS (as read from the model), and a token its checker passes
    # holds TOKEN_CHARS only.
    from cognito_spec.traffic.fast import _token_checked
    from cognito_spec.traffic.tokens import TOKEN_CHARS, TOKEN_MEMBER

    ops = [op for op in cs.OPERATIONS.values() if op.auth == "access_token"]
    assert ops and all(_token_checked(op.input) for op in ops)
    out: list[Any] = []
    function_for(ops[0].input, "check")({TOKEN_MEMBER: token}, (), out, True, [0, 0])
    if not any(v.pointer == "/" + TOKEN_MEMBER for v in out):
        assert token and set(token) <= TOKEN_CHARS
