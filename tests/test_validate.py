"""validate(): every constraint of the metadata, as violations with paths, in strict and tolerant mode.

Parametrised over the registry: a new operation or structure is covered without new test code.  The
breaking values are found from the metadata (``_wire_examples``); no constraint is restated here.
"""

from __future__ import annotations

import base64
import copy
import json
from functools import cache
from typing import Any

import pytest
from _wire_examples import (
    DELETE,
    breaking_strings,
    example,
    positions,
    set_at,
    shape_classes,
    shaped_values,
)
from hypothesis import given
from hypothesis import strategies as st

from cognito_spec import (
    OPERATIONS,
    AdminGetUserResponse,
    CreateUserPoolRequest,
    GetUserRequest,
    InitiateAuthRequest,
    SetUICustomizationRequest,
    patterns,
)
from cognito_spec.codec import converter as wire
from cognito_spec.codec.violations import MapEntry, MapKey, Violation, json_pointer, member_path
from cognito_spec.errors import DecodeError
from cognito_spec.model import struct_info
from cognito_spec.validation.validate import validate

CLASSES = shape_classes()


@cache
def _example_text(cls: type, full: bool) -> str:
    return json.dumps(example(cls, full=full))


def fresh_example(cls: type, *, full: bool = True) -> Any:
    """``example(cls)``, made once per class (the search for valid strings is slow), copied per use."""
    return json.loads(_example_text(cls, full))


IO_CLASSES = sorted(
    {cls for op in OPERATIONS.values() for cls in (op.input, op.output) if cls is not None},
    key=lambda c: c.__name__,
)


def _body(data: Any) -> bytes:
    return json.dumps(data).encode()


def _kinds(out: list[Violation]) -> list[tuple[str, str, str]]:
    return [(v.kind, v.pointer, v.severity) for v in out]


# --------------------------------------------------------------------------------------------------
# Valid data


@given(cls=st.sampled_from(CLASSES), full=st.booleans())
def test_valid_example_has_no_violation_in_either_mode(cls: type, full: bool) -> None:
    data = fresh_example(cls, full=full)
    for mode in ("strict", "tolerant"):
        assert validate(data, cls, mode=mode) == []
        assert validate(_body(data), cls, mode=mode) == []
        assert validate(json.dumps(data), cls, mode=mode) == []


@given(cls=st.sampled_from(IO_CLASSES))
def test_bytes_str_and_parsed_input_give_the_same_violations(cls: type) -> None:
    data = fresh_example(cls)
    data["NotInTheModel"] = 1
    for path, shape, _sens, _req in positions(cls):
        if shape.type == "string":
            set_at(data, path, 5)
            break
    expected = validate(data, cls)
    assert expected
    assert validate(_body(data), cls) == expected
    assert validate(json.dumps(data), cls) == expected
    assert validate(bytearray(_body(data)), cls) == expected
    assert validate(memoryview(_body(data)), cls) == expected


# --------------------------------------------------------------------------------------------------
# Every constraint of every member, read from the metadata


def _required_cases() -> list[Any]:
    return [(cls, path) for cls in CLASSES for path, _shape, _sens, required in positions(cls) if required]


@given(case=st.sampled_from(_required_cases()))
def test_missing_or_null_required_member_is_a_required_violation(case: tuple[type, tuple[Any, ...]]) -> None:
    cls, path = case
    for replacement in (DELETE, None):
        data = fresh_example(cls)
        set_at(data, path, replacement)
        out = validate(data, cls)
        assert [(v.kind, v.path) for v in out] == [("required", path)]
        assert out[0].constraint == "Member must not be null"


def _string_cases() -> list[Any]:
    cases = []
    for cls in CLASSES:
        for path, shape, sens, _req in positions(cls):
            if shape.type != "string":
                continue
            for kind, bad in breaking_strings(shape):
                cases.append((cls, path, kind, bad, sens))
    return cases


@given(case=st.sampled_from(_string_cases()))
def test_each_string_constraint_is_reported_with_its_limit_from_the_metadata(case: Any) -> None:
    cls, path, kind, bad, sensitive = case
    data = fresh_example(cls)
    set_at(data, path, bad)
    out = validate(data, cls, reveal=True)
    found = [v for v in out if v.kind == kind]
    assert len(found) == 1, _kinds(out)
    v = found[0]
    assert v.path == path
    assert v.pointer == json_pointer(path)
    assert v.member_path == member_path(path)
    assert v.severity == "error"
    assert v.sensitive is sensitive
    assert v.value == bad
    shape = next(s for p, s, _, _ in positions(cls) if p == path)
    expected_limit = {
        "length_min": shape.length_min,
        "length_max": shape.length_max,
        "pattern": shape.pattern,
        "enum": shape.enum,
    }[kind]
    assert v.limit == expected_limit
    assert v.constraint is not None
    assert v.message


def _typed_cases() -> list[Any]:
    wrong = {
        "string": 5,
        "boolean": "true",
        "integer": 1.5,
        "long": "1",
        "float": "1.5",
        "double": [],
        "timestamp": "2024-01-01",
        "blob": 5,
        "list": {},
        "map": [],
        "structure": "x",
    }
    return [(cls, path, wrong[shape.type]) for cls in CLASSES for path, shape, _sens, _req in positions(cls)]


@given(case=st.sampled_from(_typed_cases()))
def test_wrong_json_type_at_every_level_is_a_type_violation(case: tuple[type, tuple[Any, ...], Any]) -> None:
    cls, path, bad = case
    data = fresh_example(cls)
    set_at(data, path, bad)
    for mode in ("strict", "tolerant"):
        out = validate(_body(data), cls, mode=mode)
        assert [(v.kind, v.path, v.severity) for v in out] == [("type", path, "error")]
        assert out[0].constraint is None  # SerializationException territory, not InvalidParameter


# --------------------------------------------------------------------------------------------------
# Strict versus tolerant


@given(cls=st.sampled_from(CLASSES))
def test_unknown_member_is_an_error_when_strict_and_a_warning_when_tolerant(cls: type) -> None:
    data = fresh_example(cls)
    data["SurelyNotAMember"] = {"x": 1}
    assert _kinds(validate(data, cls)) == [("unknown_member", "/SurelyNotAMember", "error")]
    assert _kinds(validate(data, cls, mode="tolerant")) == [
        ("unknown_member", "/SurelyNotAMember", "warning")
    ]


def _enum_cases() -> list[Any]:
    return [(cls, path) for cls in CLASSES for path, shape, _sens, _req in positions(cls) if shape.enum]


@given(case=st.sampled_from(_enum_cases()))
def test_unknown_enum_value_is_an_error_when_strict_and_a_warning_when_tolerant(
    case: tuple[type, tuple[Any, ...]],
) -> None:
    cls, path = case
    data = fresh_example(cls)
    set_at(data, path, "ADDED_IN_A_LATER_MODEL")
    assert _kinds(validate(data, cls)) == [("enum", json_pointer(path), "error")]
    assert _kinds(validate(data, cls, mode="tolerant")) == [("enum", json_pointer(path), "warning")]


def test_duplicate_key_is_an_error_when_strict_and_a_warning_when_tolerant() -> None:
    body = b'{"AccessToken":"a","AccessToken":"b"}'
    assert _kinds(validate(body, GetUserRequest)) == [("duplicate_key", "/AccessToken", "error")]
    assert _kinds(validate(body, GetUserRequest, mode="tolerant")) == [
        ("duplicate_key", "/AccessToken", "warning")
    ]


def test_duplicate_key_nested_in_a_list_item_is_found() -> None:
    body = b'{"Username":"u","UserAttributes":[{"Name":"a","Name":"b"}]}'
    assert _kinds(validate(body, AdminGetUserResponse)) == [
        ("duplicate_key", "/UserAttributes/0/Name", "error")
    ]


def test_parsed_input_cannot_show_duplicates() -> None:
    # json.loads already kept the last value: only a body can show a repeated key.
    assert validate(json.loads('{"AccessToken":"a","AccessToken":"b"}'), GetUserRequest) == []


def test_bad_mode_and_non_shape_class_are_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        validate({}, GetUserRequest, mode="lenient")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        validate({}, dict)


# --------------------------------------------------------------------------------------------------
# Agreement with the strict and tolerant decoders (the same machinery)


@given(cls=st.sampled_from(IO_CLASSES), data=st.data())
def test_strict_validate_agrees_with_strict_loads(cls: type, data: st.DataObject) -> None:
    value = data.draw(st.one_of(shaped_values, st.builds(lambda: fresh_example(cls))))
    body = _body(value)
    out = validate(body, cls, reveal=True)
    found: list[Violation] = []
    try:
        wire.loads(body, cls, strict=True)
    except DecodeError as exc:
        found = list(exc.violations)
    assert out == found


@given(cls=st.sampled_from(IO_CLASSES), value=shaped_values)
def test_no_tolerant_error_means_tolerant_loads_succeeds(cls: type, value: Any) -> None:
    out = validate(_body(value), cls, mode="tolerant")
    errors = [v for v in out if v.severity == "error"]
    fatal = [v for v in errors if v.kind in ("type", "timestamp_range", "required")]
    if not fatal:
        wire.loads(_body(value), cls)


# --------------------------------------------------------------------------------------------------
# Secrets


_SECRET = "s3cr3t value with spaces "


def _secret_for(shape: Any) -> str | None:
    """The secret text, long enough to break the shape's maximum; None when it breaks nothing."""
    if shape.length_max is not None:
        return _SECRET * (shape.length_max // len(_SECRET) + 1)
    if shape.enum or (shape.pattern is not None and not patterns.compile(shape.pattern).fullmatch(_SECRET)):
        return _SECRET
    return None


def _sensitive_cases() -> list[Any]:
    return [
        (cls, path, secret)
        for cls in CLASSES
        for path, shape, sens, _req in positions(cls)
        if sens and shape.type == "string" and (secret := _secret_for(shape)) is not None
    ]


@given(case=st.sampled_from(_sensitive_cases()))
def test_sensitive_values_are_concealed_unless_revealed(case: tuple[type, tuple[Any, ...], str]) -> None:
    # Members of sensitive structures included (UserContextData's IpAddress).
    cls, path, secret = case
    data = fresh_example(cls)
    set_at(data, path, secret)
    hidden = validate(data, cls)
    assert hidden, "the secret should break a constraint"
    for v in hidden:
        assert v.sensitive
        assert "s3cr3t" not in repr(v)
        assert "s3cr3t" not in v.message
        assert "s3cr3t" not in v.describe()
        assert "s3cr3t" not in repr(v.value)
        assert v.whole is None
    shown = validate(data, cls, reveal=True)
    assert [v.value for v in shown] == [secret] * len(shown)
    assert all("s3cr3t" in v.describe(reveal=True) for v in shown)
    assert all("s3cr3t" not in v.describe() for v in shown)


def test_members_of_a_sensitive_structure_are_sensitive() -> None:
    body = {"ClientId": "c", "AuthFlow": "USER_AUTH", "UserContextData": {"IpAddress": "1" * 131073}}
    (v,) = validate(body, InitiateAuthRequest)
    assert (v.path, v.kind, v.sensitive, v.value) == (
        ("UserContextData", "IpAddress"),
        "length_max",
        True,
        "",
    )


def test_map_keys_in_paths_are_marked_and_equal_to_the_keys() -> None:
    body = {"PoolName": "p", "UserPoolTags": {"": "v", "team": "x" * 257}}
    key, value = sorted(validate(body, CreateUserPoolRequest), key=lambda v: v.pointer)
    assert key.path == ("UserPoolTags", "") and type(key.path[-1]) is MapKey
    assert value.path == ("UserPoolTags", "team") and type(value.path[-1]) is MapEntry
    assert (key.within, key.whole) == (value.within, body["UserPoolTags"])
    assert member_path(value.path) == "userPoolTags.team.member"


def test_blob_lengths_count_the_decoded_bytes() -> None:
    for n, kinds in ((131072, []), (131073, ["length_max"]), (0, [])):
        image = base64.b64encode(b"\1" * n).decode()
        out = validate({"UserPoolId": "us-east-1_abc", "ImageFile": image}, SetUICustomizationRequest)
        assert [v.kind for v in out] == kinds, n


def test_a_concealed_wrong_type_still_names_the_type() -> None:
    (v,) = validate(b'{"AccessToken":12345}', GetUserRequest)
    assert v.kind == "type"
    assert v.message == "expected string, got number"
    assert "12345" not in repr(v) + v.message


def test_violation_carries_pointer_service_path_kind_limit_severity_and_message() -> None:
    body = b'{"Username":"u","UserAttributes":[{"Name":"ok"},{"Name":""}]}'
    v, pattern = validate(body, AdminGetUserResponse)
    assert pattern.kind == "pattern"
    assert v.pointer == "/UserAttributes/1/Name"
    assert v.member_path == "userAttributes.2.member.name"
    assert (v.kind, v.limit, v.severity) == ("length_min", 1, "error")
    assert v.message == "length must be at least 1: ''"


def test_validate_does_not_modify_parsed_input() -> None:
    data = fresh_example(AdminGetUserResponse)
    data["UserAttributes"][0]["Value"] = "x" * 5000
    before = copy.deepcopy(data)
    validate(data, AdminGetUserResponse)
    assert data == before


def test_only_generated_error_classes_accept_the_type_envelope_member() -> None:
    for cls in CLASSES:
        info = struct_info(cls)
        assert info is not None
        out = validate({**fresh_example(cls), "__type": "X"}, cls)
        assert (out == []) is (info.role == "error"), cls.__name__
