"""Strict decoding reports what the checker reports: the same violations, in the same order.

The strict decoder is written by the same walker as the checker but builds objects as it goes, and
takes shortcuts of its own: a list item's index is the number of items built before it, an inlined
object finds where its violations begin only when it has unknown members
(``runtime.unknown_members_below``), and given the parsed body's length it skips the length bounds
above it.  The checker (the validation path) does neither, so it is the
oracle here.  Faults of every kind (wrong JSON type, null item, missing required member, unknown
member, length, pattern, enum, timestamp, range, list length) are planted, several at once, anywhere
in a complete valid body of any class: at the top, in nested objects and in list items.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from conftest import DEEP
from hypothesis import given, settings
from hypothesis import strategies as st

import cognito_spec as cs
from cognito_spec import STRUCTURES
from cognito_spec import fixtures as fx
from cognito_spec.codec import body as codec_body
from cognito_spec.codec.compile import function_for
from cognito_spec.codec.violations import Violation
from cognito_spec.fixtures import mutations
from cognito_spec.model import members_of

CLASSES = [STRUCTURES[n] for n in sorted(STRUCTURES)]
EXAMPLES = 3000 if DEEP else 300


def planted(seed: int, cls: type, picks: list[int]) -> dict[str, Any]:
    """A complete valid wire dict of ``cls`` with the mutations at ``picks`` (indices into every way
    to break it, taken modulo their number) applied one after the other.  A mutation that no longer
    applies (its place was removed by an earlier one) is left out."""
    g = fx.Generator(fx.RandomSource(seed))
    base, muts = mutations.mutations(g, cls)
    wire = copy.deepcopy(base)
    if not muts:
        return wire
    breaker = g.evolve(complete=False, unknown_enums=False)
    for pick in picks:
        try:
            muts[pick % len(muts)].apply(breaker, wire)
        except (KeyError, IndexError, TypeError, AttributeError):
            continue
    return wire


def checked(data: Any, cls: type) -> list[Violation]:
    out: list[Violation] = []
    function_for(cls, "check")(data, (), out, True, [0, 0])
    return out


def decoded(data: Any, cls: type, *size: int) -> list[Violation]:
    out: list[Violation] = []
    function_for(cls, "strict")(data, (), out, True, [0, 0], *size)
    return out


def utf8_body(wire: Any) -> bytes:
    """The shortest body of ``wire`` this writer makes: compact, non-ASCII text as UTF-8."""
    try:
        return json.dumps(wire, separators=(",", ":"), ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate: escaped
        return json.dumps(wire, separators=(",", ":")).encode()


def loads_violations(body: bytes, cls: type) -> list[Violation]:
    try:
        cs.loads(body, cls, strict=True)
    except cs.DecodeError as exc:
        return list(exc.violations)
    return []


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    cls=st.sampled_from(CLASSES),
    seed=st.integers(0, 2**32 - 1),
    picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=6),
)
def test_strict_decoding_finds_the_checkers_violations_in_its_order(
    cls: type, seed: int, picks: list[int]
) -> None:
    wire = planted(seed, cls, picks)
    data = json.loads(json.dumps(wire))
    expected = checked(data, cls)
    assert decoded(data, cls) == expected
    body = utf8_body(wire)
    # Given the body's length, the decoder skips the length bounds no value of it can break.
    assert decoded(json.loads(body), cls, len(body)) == expected
    previous = codec_body.use_orjson(True)
    try:
        for fast in (True, False):
            codec_body.use_orjson(fast)
            assert loads_violations(body, cls) == expected
    finally:
        codec_body.use_orjson(previous)


@pytest.mark.parametrize(
    "cls", [cs.AdminGetUserResponse, cs.AdminCreateUserRequest, cs.CreateUserPoolRequest]
)
@settings(max_examples=EXAMPLES // 3, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), data=st.data())
def test_unknown_members_of_list_items_go_before_the_items_other_violations(
    cls: type, seed: int, data: st.DataObject
) -> None:
    # Unknown members planted in every item of every list of objects, beside other faults: each
    # item's unknown members come first among its own violations, after its earlier siblings'.
    picks = data.draw(st.lists(st.integers(0, 10**6), max_size=4))
    wire = planted(seed, cls, picks)
    for _, m in members_of(cls):
        items = wire.get(m.wire)
        if type(items) is list:
            for n, item in enumerate(items):
                if type(item) is dict:
                    item[data.draw(st.sampled_from(["Zz", "__x", "Extra"]))] = n
    value = json.loads(json.dumps(wire))
    expected = checked(value, cls)
    assert decoded(value, cls) == expected


def test_the_index_of_a_list_item_counts_null_and_wrong_items_before_it() -> None:
    body = (
        b'{"Username":"u","UserAttributes":[null,7,{"Name":"a","X":1},{"Name":""},{"Name":"b","Value":3}],'
        b'"MFAOptions":[{"AttributeName":"p","Y":2,"DeliveryMedium":"NOPE"}],"UserMFASettingList":["a",1,"b",null]}'
    )
    found = [(v.pointer, v.kind) for v in loads_violations(body, cs.AdminGetUserResponse)]
    assert found == [
        ("/UserAttributes/0", "type"),
        ("/UserAttributes/1", "type"),
        ("/UserAttributes/2/X", "unknown_member"),
        ("/UserAttributes/3/Name", "length_min"),
        ("/UserAttributes/3/Name", "pattern"),
        ("/UserAttributes/4/Value", "type"),
        ("/MFAOptions/0/Y", "unknown_member"),
        ("/MFAOptions/0/DeliveryMedium", "enum"),
        ("/UserMFASettingList/1", "type"),
        ("/UserMFASettingList/3", "type"),
    ]
    assert found == [(v.pointer, v.kind) for v in checked(json.loads(body), cs.AdminGetUserResponse)]


def test_planted_faults_cover_every_kind() -> None:
    """The planted faults of the property reach every kind of violation the model allows."""
    kinds: set[str] = set()
    in_items: set[str] = set()  # kinds found below a list item
    for n, cls in enumerate(CLASSES):
        for pick in range(8):
            found = checked(planted(n, cls, [pick * 7919]), cls)
            kinds.update(v.kind for v in found)
            in_items.update(v.kind for v in found if any(type(p) is int for p in v.path[:-1]))
    assert in_items >= {"type", "required", "unknown_member", "length_min", "pattern", "enum"}
    assert {
        "type",
        "required",
        "unknown_member",
        "length_min",
        "length_max",
        "pattern",
        "enum",
    } <= kinds


@given(
    st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20)
)
def test_no_string_or_collection_of_a_body_is_longer_than_the_body(value: Any) -> None:
    # What the size argument relies on: a UTF-8 character takes one byte at least, an item or an
    # entry one at least too.
    body = utf8_body(value)
    stack = [json.loads(body)]
    while stack:
        item = stack.pop()
        assert len(item) <= len(body)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


@pytest.mark.parametrize("length", [2047, 2048, 2049])
def test_a_length_bound_is_kept_whatever_the_body_length(length: int) -> None:
    wire = {"Username": "u", "UserAttributes": [{"Name": "a", "Value": "\u00e9" * length}]}
    body = utf8_body(wire)
    found = [(v.pointer, v.kind) for v in loads_violations(body, cs.AdminGetUserResponse)]
    assert found == ([("/UserAttributes/0/Value", "length_max")] if length > 2048 else [])
    value = json.loads(body)
    for size in (-1, len(body)):
        assert decoded(value, cs.AdminGetUserResponse, size) == checked(value, cs.AdminGetUserResponse)


def test_a_null_item_tested_before_its_checks_keeps_the_indexes_of_the_items_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A list item that is a called (not inlined) structure, or a document, is tested for null
    # before its own checks, and the item itself (None) is appended after them; no list of the
    # model is deep enough to hold such structures, so the writer is told to inline nothing.  The
    # null counts as an item: the next one is still /1.
    from cognito_spec.codec import source
    from cognito_spec.codec.compile import compile_function

    cls = cs.OPERATIONS["AdminGetUser"].output
    monkeypatch.setattr(source.SourceWriter, "MAX_INLINE_DEPTH", 0)
    strict_fn, check_fn = compile_function(cls, "strict"), compile_function(cls, "check")
    for items in ([None, {"Name": 1}], [None, None, {"Name": "a", "Value": 2}], [{"Name": 1}, None]):
        data = {"Username": "u", "UserAttributes": items}
        got: list[Violation] = []
        want: list[Violation] = []
        strict_fn(data, (), got, True, [0, 0])
        check_fn(data, (), want, True, [0, 0])
        assert got == want and len(got) == len(items)
