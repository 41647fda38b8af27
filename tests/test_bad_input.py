"""Hostile and broken input: each case is a typed violation or error, never a stray exception.

The documented outcomes: ``validate`` returns violations and raises nothing for any data;
``wire.loads`` raises only :class:`DecodeError`; ``parse_error`` always returns a
:class:`ServiceError`.  The fixed list comes from issue 3; hypothesis then tries arbitrary bytes and
arbitrary JSON.  Each case runs under every operation's input and output class.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from _wire_examples import example, json_values, positions, set_at, shaped_values
from conftest import each
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cognito_spec import (
    OPERATIONS,
    STRUCTURES,
    AdminGetUserRequest,
    AdminGetUserResponse,
    GetUserRequest,
    GetUserResponse,
    validate_exchange,
)
from cognito_spec.codec import converter as wire
from cognito_spec.codec.body import MAX_DEPTH, nesting_depth, parse_json
from cognito_spec.errors import DecodeError, ServiceError
from cognito_spec.model import Shape, members_of
from cognito_spec.protocol.envelope import parse_error
from cognito_spec.traffic.record import Exchange
from cognito_spec.traffic.redact import redact_exchange
from cognito_spec.validation.answers import service_error
from cognito_spec.validation.validate import validate

IO_CLASSES = sorted(
    {cls for op in OPERATIONS.values() for cls in (op.input, op.output) if cls is not None},
    key=lambda c: c.__name__,
)

DEEP = 100_000

# Bodies that are broken before any member is looked at: (id, body, kind of the one root violation).
BROKEN_BODIES = [
    ("malformed", b'{"AccessToken": ', "malformed_json"),
    ("trailing-garbage", b"{} {}", "malformed_json"),
    ("empty", b"", "malformed_json"),
    ("array", b"[]", "type"),
    ("array-of-object", b'[{"AccessToken":"a"}]', "type"),
    ("string", b'"AccessToken"', "type"),
    ("number", b"42", "type"),
    ("null", b"null", "type"),
    ("true", b"true", "type"),
    ("deep-arrays", b"[" * DEEP + b"]" * DEEP, "malformed_json"),
    ("deep-objects", b'{"a":' * DEEP + b"1" + b"}" * DEEP, "malformed_json"),
    ("invalid-utf8", b'{"AccessToken":"\xff\xfe"}', "invalid_utf8"),
    ("utf8-encoded-surrogate", b'{"AccessToken":"\xed\xa0\x80"}', "invalid_utf8"),
    ("truncated-utf8", b'{"AccessToken":"\xe2\x82"}', "invalid_utf8"),
    ("nan", b'{"UserCreateDate":NaN}', "malformed_json"),
    ("infinity", b'{"UserCreateDate":Infinity}', "malformed_json"),
    ("minus-infinity", b'{"UserCreateDate":-Infinity}', "malformed_json"),
    ("bom", b'\xef\xbb\xbf{"AccessToken":"a"}', "malformed_json"),
    ("huge-integer", b'{"UserCreateDate":' + b"9" * 5000 + b"}", "malformed_json"),
]


@each(IO_CLASSES, lambda c: c.__name__)
@pytest.mark.parametrize(("body", "kind"), [pytest.param(b, k, id=i) for i, b, k in BROKEN_BODIES])
@settings(max_examples=4)  # a root-level break does not depend on the class; a few suffice
@given(data=st.data())
def test_broken_bodies_are_one_root_violation(
    pick: tuple[type, ...], body: bytes, kind: str, data: st.DataObject
) -> None:
    cls = data.draw(st.sampled_from(pick), label="class")
    for mode in ("strict", "tolerant"):
        out = validate(body, cls, mode=mode)
        assert [(v.kind, v.path, v.severity) for v in out] == [(kind, (), "error")]
        assert "AccessToken" not in out[0].message or kind == "type"
    for strict in (True, False):
        with pytest.raises(DecodeError) as info:
            wire.loads(body, cls, strict=strict)
        assert [v.kind for v in info.value.violations] == [kind]


def test_a_byte_order_mark_is_named() -> None:
    (v,) = validate(b'\xef\xbb\xbf{"AccessToken":"a"}', GetUserRequest)
    assert v.detail == "byte-order mark before the JSON text"
    (v,) = validate('\ufeff{"AccessToken":"a"}', GetUserRequest)
    assert v.kind == "malformed_json"


def test_broken_bodies_are_serialization_exceptions_for_an_emulator() -> None:
    for _, body, _ in BROKEN_BODIES:
        exc = service_error(validate(body, GetUserRequest))
        assert exc is not None
        assert exc.code == "SerializationException"


def _bounded_strings() -> list[tuple[type, Any]]:
    return [
        (cls, path)
        for cls in IO_CLASSES
        for path, shape, _sens, _req in positions(cls)
        if shape.type == "string" and shape.length_max is not None and not shape.enum
    ]


BIG = "a" * 10_000_000


# Ten megabytes per example: a few examples, drawn from every bounded string member of the API.
@settings(max_examples=6)
@given(case=st.sampled_from(_bounded_strings()))
def test_ten_megabyte_string_is_a_length_violation(case: tuple[type, Any]) -> None:
    cls, path = case
    data = example(cls)
    set_at(data, path, BIG)
    body = json.dumps(data).encode()
    out = validate(body, cls)
    assert ("length_max", path) in [(v.kind, v.path) for v in out]
    assert all(len(v.message) < 500 for v in out)  # the value is never quoted whole
    with pytest.raises(DecodeError):
        wire.loads(body, cls, strict=True)


def test_ten_megabyte_token_without_a_length_limit_is_valid() -> None:
    # TokenModelType has a pattern and no length limit in the model: the size alone breaks nothing.
    body = b'{"AccessToken":"' + b"a" * 10_000_000 + b'"}'
    assert validate(body, GetUserRequest) == []


def test_lone_surrogates_fail_the_pattern_but_never_crash() -> None:
    out = validate(b'{"AccessToken":"\\ud800"}', GetUserRequest)
    assert [v.kind for v in out] == ["pattern"]
    out = validate(
        {"Username": "\udfff", "UserAttributes": [{"Name": "a", "Value": "\ud83d"}]}, AdminGetUserResponse
    )
    assert [(v.kind, v.pointer) for v in out] == [("pattern", "/Username")]
    assert wire.loads(
        b'{"Username":"u","UserAttributes":[{"Name":"a","Value":"\\ud800"}]}', AdminGetUserResponse
    )


@pytest.mark.parametrize(
    ("stamp", "kind"),
    [
        (b"1e300", "timestamp_range"),
        (b"-1e300", "timestamp_range"),
        (b"1e20", "timestamp_range"),
        (b"-1e20", "timestamp_range"),
        (b"253402300800", "timestamp_range"),
        (b"true", "type"),
        (b"false", "type"),
        (b'"1682955829"', "type"),
        (b"[1682955829]", "type"),
    ],
)
def test_timestamps_no_datetime_holds_and_booleans_are_violations(stamp: bytes, kind: str) -> None:
    body = b'{"Username":"u","UserCreateDate":' + stamp + b"}"
    assert [(v.kind, v.pointer) for v in validate(body, AdminGetUserResponse)] == [(kind, "/UserCreateDate")]
    for strict in (True, False):
        with pytest.raises(DecodeError):
            wire.loads(body, AdminGetUserResponse, strict=strict)


@pytest.mark.parametrize(
    "stamp", [b"-1", b"-1.5", b"-62135596800", b"0", b"1.682955829578E9", b"253402300799.999"]
)
def test_negative_and_edge_timestamps_inside_the_datetime_range_are_valid(stamp: bytes) -> None:
    body = b'{"Username":"u","UserCreateDate":' + stamp + b"}"
    assert validate(body, AdminGetUserResponse) == []
    assert wire.loads(body, AdminGetUserResponse, strict=True).user_create_date is not None


@each(IO_CLASSES, lambda c: c.__name__)
@given(data=st.data())
def test_booleans_where_numbers_or_strings_belong_are_type_violations(
    pick: tuple[type, ...], data: st.DataObject
) -> None:
    cls = data.draw(st.sampled_from(pick), label="class")
    places = [path for path, shape, _sens, _req in positions(cls) if shape.type != "boolean"]
    assume(places)
    path = data.draw(st.sampled_from(places), label="member")
    value = example(cls)
    set_at(value, path, True)
    assert [(v.kind, v.path) for v in validate(value, cls)] == [("type", path)]


def test_deeply_nested_parsed_value_in_a_member_is_one_type_violation() -> None:
    deep: Any = []
    for _ in range(DEEP):
        deep = [deep]
    out = validate({"AccessToken": deep}, GetUserRequest)
    assert [(v.kind, v.pointer) for v in out] == [("type", "/AccessToken")]
    out = validate({"AccessToken": "a", "Unknown": deep}, GetUserRequest)
    assert [(v.kind, v.pointer) for v in out] == [("unknown_member", "/Unknown")]


# --------------------------------------------------------------------------------------------------
# Nesting: one bound, refused before any parser or walker recurses (codec.body.MAX_DEPTH)


def _nested(depth: int, inner: bytes = b'"s3cret"') -> list[bytes]:
    """Bodies whose arrays and objects nest ``depth`` levels (the outer object counts as one)."""
    arrays = b"[" * (depth - 1) + inner + b"]" * (depth - 1)
    return [
        b'{"Unknown":' + arrays + b"}",
        b"[" * depth + b"]" * depth,
        b'{"a":' * depth + inner + b"}" * depth,
        b'{"AccessToken":"a","Unknown":'
        + b'[{"a":' * ((depth - 1) // 2)
        + b"1"
        + b"}]" * ((depth - 1) // 2)
        + b"}",
    ]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, 10_000, 100_000])
def test_nesting_beyond_the_bound_is_one_malformed_json_violation(depth: int) -> None:
    for body in _nested(depth + (depth % 2 == 0)):  # the last body nests in pairs of levels
        for cls in (GetUserRequest, AdminGetUserResponse):
            for mode in ("strict", "tolerant"):
                out = validate(body, cls, mode=mode)
                assert [(v.kind, v.path, v.detail) for v in out] == [
                    ("malformed_json", (), "nesting too deep")
                ]
            for strict in (True, False):
                with pytest.raises(DecodeError) as info:
                    wire.loads(body, cls, strict=strict)
                assert [v.detail for v in info.value.violations] == ["nesting too deep"]
        with pytest.raises(DecodeError):
            parse_json(body)


def test_nesting_at_the_bound_is_parsed() -> None:
    for body in _nested(MAX_DEPTH - (MAX_DEPTH % 2 == 0)):
        assert parse_json(body) is not None
    out = validate(_nested(MAX_DEPTH)[0], GetUserRequest)
    assert [v.kind for v in out] == ["unknown_member", "required"]


def test_brackets_inside_strings_are_not_nesting() -> None:
    token = "[{" * 50_000 + '\\"' + "}]" * 50_000
    out = validate(('{"AccessToken":"' + token + '"}').encode(), GetUserRequest)
    assert [(v.kind, v.pointer) for v in out] == [("pattern", "/AccessToken")]
    assert nesting_depth('{"a":"[[[","b":["\\"]"]}') == 2


def test_redacting_a_deep_body_of_an_operation_the_model_lacks() -> None:
    # Issue: a 900-deep body of an uncovered operation crashed `cognito-spec redact` (RecursionError).
    body = _nested(900)[0]
    headers = [("X-Amz-Target", "AWSCognitoIdentityProviderService.DeleteUser")]
    ex = Exchange(request_headers=headers, request_body=body, status=200, response_body=body)
    copy = redact_exchange(ex)
    for masked in (copy.request_body, copy.response_body):
        assert masked is not None
        assert b"s3cret" not in masked


# --------------------------------------------------------------------------------------------------
# No undocumented exception escapes


def _assert_contained(body: bytes | str, cls: type) -> None:
    for mode in ("strict", "tolerant"):
        out = validate(body, cls, mode=mode)
        assert isinstance(out, list)
        for v in out:
            v.message  # noqa: B018 - describing never fails
            v.constraint  # noqa: B018
        service_error(out)
    for strict in (True, False):
        try:
            wire.loads(body, cls, strict=strict)
        except DecodeError as exc:
            str(exc)
            repr(exc)


@each(IO_CLASSES, lambda c: c.__name__)
@given(data=st.data(), body=st.binary(max_size=200))
def test_arbitrary_bytes(pick: tuple[type, ...], data: st.DataObject, body: bytes) -> None:
    cls = data.draw(st.sampled_from(pick), label="class")
    _assert_contained(body, cls)


@each(IO_CLASSES, lambda c: c.__name__)
@given(data=st.data(), value=json_values)
def test_arbitrary_json(pick: tuple[type, ...], data: st.DataObject, value: Any) -> None:
    cls = data.draw(st.sampled_from(pick), label="class")
    _assert_contained(json.dumps(value), cls)
    out = validate(value, cls)
    assert isinstance(out, list)


@each(IO_CLASSES, lambda c: c.__name__)
@given(data=st.data(), value=shaped_values)
def test_arbitrary_json_with_member_names(pick: tuple[type, ...], data: st.DataObject, value: Any) -> None:
    cls = data.draw(st.sampled_from(pick), label="class")
    _assert_contained(json.dumps(value).encode(), cls)


@given(
    status=st.integers(min_value=-1, max_value=1000),
    headers=st.lists(
        st.tuples(
            st.sampled_from(["X-Amzn-ErrorType", "x-amzn-errormessage", "x"]) | st.text(max_size=10),
            st.text(max_size=30),
        )
    ),
    body=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()),
)
def test_parse_error_always_returns_a_service_error(
    status: int, headers: list[tuple[str, str]], body: bytes
) -> None:
    exc = parse_error(status, headers, body)
    assert isinstance(exc, ServiceError)
    assert exc.response is not None
    assert exc.response.body == body
    assert exc.response.status == status
    str(exc)
    repr(exc)


@given(
    data=st.dictionaries(
        st.sampled_from(["__type", "code", "message", "Message", "reasonCode"]) | st.text(max_size=5),
        json_values,
        max_size=5,
    )
)
def test_parse_error_with_arbitrary_error_bodies(data: dict[str, Any]) -> None:
    exc = parse_error(400, [], json.dumps(data))
    assert isinstance(exc, ServiceError)
    message = data.get("message") if isinstance(data.get("message"), str) else data.get("Message")
    assert exc.message == (message if isinstance(message, str) else None)


# --------------------------------------------------------------------------------------------------
# Secrets inside wrong-typed values: a value whose shape reaches a sensitive member is never quoted

SECRET = "alice-s3cret@example.com"
TARGET = "AWSCognitoIdentityProviderService."

# (class, wire value) where a value holding a secret arrives with the wrong shape.
WRONG_SHAPED = [
    (AdminGetUserResponse, {"Username": "u", "UserAttributes": {"Name": "email", "Value": SECRET}}),
    (AdminGetUserResponse, {"Username": "u", "UserAttributes": SECRET}),
    (AdminGetUserResponse, {"Username": "u", "UserAttributes": [["Name", "email"], ["Value", SECRET]]}),
    (AdminGetUserResponse, {"Username": "u", "UserAttributes": [[{"Name": "email", "Value": SECRET}]]}),
    (GetUserRequest, [{"AccessToken": SECRET}]),
    (GetUserRequest, SECRET),
    (GetUserResponse, SECRET),
    (GetUserResponse, [SECRET]),
    (GetUserResponse, {"Username": "u", "UserAttributes": {"0": {"Name": "email", "Value": SECRET}}}),
]


@pytest.mark.parametrize(("cls", "value"), WRONG_SHAPED)
def test_wrong_typed_values_holding_secrets_are_never_quoted(cls: type, value: Any) -> None:
    body = json.dumps(value).encode()
    for data in (body, value):
        for mode in ("strict", "tolerant"):
            out = validate(data, cls, mode=mode)
            assert out
            assert all(SECRET not in v.message and SECRET not in repr(v) for v in out)
    for strict in (True, False):
        with pytest.raises(DecodeError) as info:
            wire.loads(body, cls, strict=strict)
        assert SECRET not in str(info.value)
        assert SECRET not in repr(info.value)


def _exchange_findings(cls: type, value: Any) -> list[str]:
    op = next(op for op in OPERATIONS.values() if cls in (op.input, op.output))
    other = example(op.output if cls is op.input else op.input)
    request, response = (value, other) if cls is op.input else (other, value)
    findings = validate_exchange(
        request_headers={"X-Amz-Target": TARGET + op.name, "Content-Type": "application/x-amz-json-1.1"},
        request_body=json.dumps(request).encode(),
        status=200,
        response_headers={"Content-Type": "application/x-amz-json-1.1"},
        response_body=json.dumps(response).encode(),
    )
    return [f.message for f in findings]


@pytest.mark.parametrize(("cls", "value"), WRONG_SHAPED)
def test_exchange_findings_never_quote_secrets_of_wrong_typed_values(cls: type, value: Any) -> None:
    messages = _exchange_findings(cls, value)
    assert any("expected" in m or "length" in m for m in messages)
    assert all(SECRET not in m for m in messages)


def test_non_sensitive_values_are_still_quoted() -> None:
    (v,) = validate(b'{"UserPoolId":" x_1","Username":"bob"}', AdminGetUserRequest)
    assert v.message.endswith(": ' x_1'")
    (v,) = validate(b'{"Username":"u","UserStatus":5}', AdminGetUserResponse)
    assert v.message == "expected string, got number: 5"
    # MFAOptionType holds no sensitive member: its values may be quoted.
    (v,) = validate(
        b'{"Username":"u","UserAttributes":[],"MFAOptions":{"AttributeName":"x"}}', GetUserResponse
    )
    assert v.message == "expected array, got object: {'AttributeName': 'x'}"


# --------------------------------------------------------------------------------------------------
# Duplicate keys are found whatever the other members hold (row 3: nulls cancelled a dropped pair)

_LITERALS = st.sampled_from([None, True, False, 0, 7, -1.5, 1e300, "x", "", [], {}])


def _structures(value: Any, cls: type, path: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, type]]:
    """``(path, class)`` of every structure object in a valid wire value of ``cls``."""
    yield path, cls
    for _, m in members_of(cls):
        if m.wire in value:
            yield from _shaped(value[m.wire], m.shape, (*path, m.wire))


def _shaped(value: Any, shape: Shape, path: tuple[str | int, ...]) -> Iterator[tuple[Any, type]]:
    if value is None:
        return
    if shape.type == "structure":
        yield from _structures(value, STRUCTURES[shape.target or shape.name], path)
    elif shape.type == "list" and shape.member is not None:
        for i, item in enumerate(value):
            yield from _shaped(item, shape.member, (*path, i))
    elif shape.type == "map" and shape.value is not None:
        for k, item in value.items():
            yield from _shaped(item, shape.value, (*path, k))


def _key(key: str, escape: bool) -> str:
    # "\u0041ccessToken" is the key AccessToken, written with a backslash (the colon rule then decides).
    return '"' + (f"\\u{ord(key[0]):04x}" + key[1:] if escape and key else key) + '"'


def _write(
    value: Any, extra: dict[Any, list[tuple[str, Any]]], sep: tuple[str, str], escape: bool, path: Any = ()
) -> str:
    """JSON text of ``value`` with the pairs of ``extra[path]`` written first in the object at ``path``."""
    if isinstance(value, dict):
        pairs = [*extra.get(path, []), *value.items()]
        inner = sep[0].join(
            _key(k, escape) + sep[1] + _write(v, extra, sep, escape, (*path, k)) for k, v in pairs
        )
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + sep[0].join(_write(v, extra, sep, escape, (*path, i)) for i, v in enumerate(value)) + "]"
    return json.dumps(value)


@given(data=st.data())
def test_a_repeated_key_is_always_reported_even_beside_nulls_and_other_literals(data: st.DataObject) -> None:
    # Built, not searched for: an unguided property never wrote a repeated key next to nulls.
    # Classes with members (an output with none, AddCustomAttributesResponse, has no key to repeat).
    cls = data.draw(st.sampled_from([c for c in IO_CLASSES if members_of(c)]), label="class")
    value = example(cls)
    places = list(_structures(value, cls))
    # Nulls: optional members written as null (a null reads as absent, so nothing else breaks).
    for p, c in places:  # in pre-order: an object under a member made null is gone
        obj = value_at(value, p)
        if obj is None:
            continue
        for _, m in members_of(c):
            if not m.required and m.wire in obj and data.draw(st.booleans(), label=f"null {m.wire}"):
                obj[m.wire] = None
    places = [(p, c) for p, c in _structures(value, cls) if members_of(c)]
    # The repeated key: one or two earlier pairs holding any JSON literal (nulls most often).
    path, where = data.draw(st.sampled_from(places), label="object")
    key = data.draw(st.sampled_from([m.wire for _, m in members_of(where)]), label="key")
    present = key in value_at(value, path)
    firsts = data.draw(
        st.lists(st.none() | _LITERALS, min_size=1 if present else 2, max_size=2), label="firsts"
    )
    extra = {path: [(key, v) for v in firsts]}
    sep = data.draw(
        st.sampled_from([(",", ":"), (", ", ": "), (",", " :"), ("\n,", "\t:")]), label="separators"
    )
    text = _write(value, extra, sep, data.draw(st.booleans(), label="escape"))
    expected = ("duplicate_key", (*path, key))
    for mode, severity in (("strict", "error"), ("tolerant", "warning")):
        found = [(v.kind, v.path, v.severity) for v in validate(text, cls, mode=mode)]
        assert (*expected, severity) in found, text
    with pytest.raises(DecodeError) as info:
        wire.loads(text, cls, strict=True)
    assert expected in [(v.kind, v.path) for v in info.value.violations]


def value_at(value: Any, path: tuple[str | int, ...]) -> Any:
    """The value at ``path``, or None where the path goes through a null."""
    for p in path:
        if value is None:
            return None
        value = value[p]
    return value


def test_row_3_a_null_beside_a_dropped_pair() -> None:
    # The parse keeps {"Name": "n", "Value": null}: two keys and, counting every member of a string-only
    # structure as a string, two strings, as many quotes as the text has; yet "Value" was repeated.
    body = b'{"Username":"u","UserAttributes":[{"Name":"n","Value":null,"Value":null}]}'
    assert [(v.kind, v.pointer) for v in validate(body, GetUserResponse)] == [
        ("duplicate_key", "/UserAttributes/0/Value")
    ]
    with pytest.raises(DecodeError):
        wire.loads(body, GetUserResponse, strict=True)
    findings = validate_exchange(
        request_headers={"X-Amz-Target": TARGET + "GetUser", "Content-Type": "application/x-amz-json-1.1"},
        request_body=b'{"AccessToken":"t"}',
        status=200,
        response_headers={
            "Content-Type": "application/x-amz-json-1.1",
            "x-amzn-RequestId": "1b7c9f6e-3c1a-4a53-9d7e-2f0c1e6b8a90",
        },
        response_body=body,
    )
    # (and the success for a token that is no JWT, which the service refuses)
    assert [(f.kind, f.pointer) for f in findings] == [
        ("duplicate_key", "/UserAttributes/0/Value"),
        ("token_invalid_accepted", ""),
    ]
