"""The wire codec: exact round trips over the whole input space, and the protocol's rules.

Parametrised over every generated class, so a new operation is covered without new test code.
"""

from __future__ import annotations

import inspect
import json
import re
import traceback
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import cattrs
import pytest
from conftest import each
from hypothesis import given
from hypothesis import strategies as st

import cognito_spec as cs
from cognito_spec import STRUCTURES, strategies
from cognito_spec.codec.compile import compile_function, function_for
from cognito_spec.codec.converter import decode_timestamp, encode_timestamp
from cognito_spec.codec.source import write_source
from cognito_spec.codec.timestamps import TIMESTAMP_MAX, TIMESTAMP_MIN, format_ms
from cognito_spec.model import struct_info

CLASSES = [STRUCTURES[n] for n in sorted(STRUCTURES)]
IDS = [c.__name__ for c in CLASSES]


def without_envelope(wire: dict[str, Any], cls: type) -> dict[str, Any]:
    info = struct_info(cls)
    assert info is not None
    return {k: v for k, v in wire.items() if not (info.role == "error" and k == "__type")}


# --------------------------------------------------------------------------------------------------
# Round trips.


@each(CLASSES, lambda c: c.__name__)
@given(data=st.data())
def test_object_to_bytes_to_object_is_the_identity(pick: tuple[type, ...], data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(pick), label="class")
    obj = data.draw(strategies.from_class(cls, adversarial=True))
    body = cs.dumps(obj)
    assert isinstance(body, bytes)
    assert cs.loads(body, cls) == obj


@each(CLASSES, lambda c: c.__name__)
@given(data=st.data())
def test_valid_objects_also_survive_strict_decoding(pick: tuple[type, ...], data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(pick), label="class")
    obj = data.draw(strategies.from_class(cls, adversarial=True, unknown_enums=False))
    assert cs.loads(cs.dumps(obj), cls, strict=True) == obj


@each(CLASSES, lambda c: c.__name__)
@given(data=st.data())
def test_valid_wire_to_object_to_wire_is_the_identity(pick: tuple[type, ...], data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(pick), label="class")
    wire = data.draw(strategies.wire(cls, adversarial=True))
    expected = without_envelope(wire, cls)
    assert cs.to_wire(cs.from_wire(wire, cls)) == expected
    # And the exact JSON text, not only equal values: numbers keep their form.
    assert json.dumps(cs.to_wire(cs.from_wire(wire, cls)), sort_keys=True) == json.dumps(
        expected, sort_keys=True
    )


def _objects(value: Any) -> list[Any]:
    """Every attrs object in a decoded value, depth first."""
    if attrs.has(type(value)):
        return [value, *(o for f in attrs.fields(type(value)) for o in _objects(getattr(value, f.name)))]
    if isinstance(value, tuple | list):
        return [o for v in value for o in _objects(v)]
    if isinstance(value, dict):
        return [o for v in value.values() for o in _objects(v)]
    return []


@given(st.sampled_from(CLASSES), st.data())
def test_decoders_make_objects_of_the_classes_themselves(cls: type, data: st.DataObject) -> None:
    """The builders fill a blank twin of a class and then make it the class itself
    (codec.builders.blank_class): no twin is left anywhere in a decoded value."""
    obj = data.draw(strategies.from_class(cls, adversarial=True, unknown_enums=False))
    body = cs.dumps(obj)
    for decoded in (
        cs.loads(body, cls),
        cs.loads(body, cls, strict=True),
        cs.from_wire(json.loads(body), cls),
    ):
        assert decoded == obj
        for o in _objects(decoded):
            assert type(o) is STRUCTURES[type(o).__name__]


def test_bodies_are_compact_utf8_json_with_exact_member_names() -> None:
    obj = cs.AdminGetUserResponse(
        username="jürgen",
        user_attributes=[cs.AttributeType(name="email", value="j@example.com")],
        enabled=False,
        user_mfa_setting_list=["SOFTWARE_TOKEN_MFA"],
    )
    assert (
        cs.dumps(obj)
        == (
            '{"Username":"jürgen","UserAttributes":[{"Name":"email","Value":"j@example.com"}],'
            '"Enabled":false,"UserMFASettingList":["SOFTWARE_TOKEN_MFA"]}'
        ).encode()
    )


def test_lone_surrogates_travel_as_escapes_and_joined_pairs_are_refused() -> None:
    lone = cs.AttributeType(name="x", value="a\udc00b\ud800")
    body = cs.dumps(lone)
    assert body == b'{"Name":"x","Value":"a\\udc00b\\ud800"}'
    assert cs.loads(body, cs.AttributeType) == lone
    pair = cs.AttributeType(name="x", value="\ud83d\ude00")  # two code points; JSON would read one
    with pytest.raises(cs.EncodeError, match="/Value"):
        cs.dumps(pair)


def test_none_is_omitted_and_false_is_kept() -> None:
    assert cs.to_wire(cs.AdminGetUserResponse(username="a", enabled=False)) == {
        "Username": "a",
        "Enabled": False,
    }
    assert "null" not in cs.dumps(cs.GetUserResponse(username="a", user_attributes=[])).decode()


def test_a_received_null_reads_as_absent() -> None:
    body = b'{"Username":"a","UserAttributes":[],"MFAOptions":null,"PreferredMfaSetting":null}'
    for strict in (False, True):
        r = cs.loads(body, cs.GetUserResponse, strict=strict)
        assert r.mfa_options is None
        assert r.preferred_mfa_setting is None
    assert cs.dumps(cs.loads(body, cs.GetUserResponse)) == b'{"Username":"a","UserAttributes":[]}'


# --------------------------------------------------------------------------------------------------
# Timestamps.

aware = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.one_of(
        st.just(UTC), st.builds(lambda m: timezone(timedelta(minutes=m)), st.integers(-1439, 1439))
    ),
)


def truncate_ms(dt: datetime) -> datetime:
    return dt.replace(microsecond=dt.microsecond // 1000 * 1000)


@given(aware)
def test_timestamps_round_trip_exactly_at_millisecond_precision(dt: datetime) -> None:
    dt = truncate_ms(dt)
    number = encode_timestamp(dt)
    text = json.dumps(number)
    assert re.fullmatch(r"-?[0-9]+(\.[0-9]{1,3})?", text), text  # never 1e-05, never ...0.1369999
    ms = (dt - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    assert text == format_ms(ms)  # the decimal built by integer arithmetic alone
    back = decode_timestamp(json.loads(text))
    assert back == dt
    assert back.tzinfo is UTC


@given(
    st.integers(TIMESTAMP_MIN * 1000, TIMESTAMP_MAX * 1000 - 1),
    st.sampled_from(["plain", "E", "e+", "int-E-3"]),
)
def test_every_written_form_of_a_millisecond_instant_decodes_exactly(ms: int, form: str) -> None:
    exact = Decimal(ms).scaleb(-3)
    if form == "plain":
        text = format_ms(ms)
    elif form == "E":  # the service's form: 1.682955829578E9
        text = f"{exact.normalize():E}".replace("E+", "E")
    elif form == "e+":
        text = f"{exact.normalize():e}"
    else:
        text = f"{ms}E-3"
    assert Decimal(text) == exact
    expected = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    assert decode_timestamp(json.loads(text)) == expected, text


def test_the_services_exponent_form() -> None:
    body = b'{"Username":"a","UserCreateDate":1.682955829578E9,"UserLastModifiedDate":1682955829}'
    r = cs.loads(body, cs.AdminGetUserResponse, strict=True)
    assert r.user_create_date == datetime(2023, 5, 1, 15, 43, 49, 578000, tzinfo=UTC)
    assert r.user_last_modified_date == datetime(2023, 5, 1, 15, 43, 49, tzinfo=UTC)
    assert (
        cs.dumps(r) == b'{"Username":"a","UserCreateDate":1682955829.578,"UserLastModifiedDate":1682955829}'
    )


def test_microseconds_on_the_wire_are_kept_and_sub_milliseconds_are_truncated_on_output() -> None:
    r = cs.loads(b'{"Username":"a","UserCreateDate":1682955829.578999}', cs.AdminGetUserResponse)
    assert r.user_create_date is not None
    assert r.user_create_date.microsecond == 578999
    assert cs.dumps(r) == b'{"Username":"a","UserCreateDate":1682955829.578}'
    assert encode_timestamp(datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)) == -0.001


def test_far_timestamps_are_exact_too() -> None:
    last = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
    first = datetime(1, 1, 1, tzinfo=UTC)
    for dt in (last, first):
        assert decode_timestamp(json.loads(json.dumps(encode_timestamp(dt)))) == dt


def test_naive_datetimes_are_refused_with_a_clear_error() -> None:
    obj = cs.AdminGetUserResponse(username="a", user_create_date=datetime(2024, 1, 1))
    with pytest.raises(cs.EncodeError, match="naive datetime"):
        cs.dumps(obj)


@pytest.mark.parametrize("value", [1e300, -1e300, 253402300800, True, "1682955829", None])
def test_timestamps_a_datetime_cannot_hold_are_decode_errors(value: Any) -> None:
    body = json.dumps({"Username": "a", "UserCreateDate": value}).encode()
    if value is None:
        assert cs.loads(body, cs.AdminGetUserResponse).user_create_date is None
        return
    for strict in (False, True):
        with pytest.raises(cs.DecodeError) as info:
            cs.loads(body, cs.AdminGetUserResponse, strict=strict)
        assert [v.pointer for v in info.value.violations] == ["/UserCreateDate"]


# --------------------------------------------------------------------------------------------------
# Enums, types, required members.


def test_enums_are_open() -> None:
    body = b'{"Username":"a","UserStatus":"SOME_FUTURE_STATUS","UserMFASettingList":["SOFTWARE_TOKEN"]}'
    r = cs.loads(body, cs.AdminGetUserResponse)
    assert r.user_status == "SOME_FUTURE_STATUS"
    assert type(r.user_status) is str
    assert cs.dumps(r) == body
    known = cs.loads(b'{"Username":"a","UserStatus":"CONFIRMED"}', cs.AdminGetUserResponse)
    assert known.user_status is cs.UserStatusType.CONFIRMED


def test_unknown_enum_values_fail_strict_decoding() -> None:
    with pytest.raises(cs.DecodeError) as info:
        cs.loads(
            b'{"ConfiguredUserAuthFactors":["PASSKEY_OF_2030"],"Username":"a"}',
            cs.GetUserAuthFactorsResponse,
            strict=True,
        )
    (v,) = info.value.violations
    assert (v.pointer, v.kind) == ("/ConfiguredUserAuthFactors/0", "enum")


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (b'{"Username":"a","Enabled":"false"}', "/Enabled"),
        (b'{"Username":5}', "/Username"),
        (b'{"Username":"a","UserAttributes":{"Name":"x"}}', "/UserAttributes"),
        (b'{"Username":"a","UserAttributes":[{"Name":"x","Value":true}]}', "/UserAttributes/0/Value"),
        (b'{"Username":"a","UserAttributes":[null]}', "/UserAttributes/0"),
        (b'{"Username":"a","UserCreateDate":"2024-01-01"}', "/UserCreateDate"),
        (b'{"Username":"a","UserMFASettingList":"SMS_MFA"}', "/UserMFASettingList"),
    ],
)
def test_no_coercion_in_either_mode(body: bytes, pointer: str) -> None:
    for strict in (False, True):
        with pytest.raises(cs.DecodeError) as info:
            cs.loads(body, cs.AdminGetUserResponse, strict=strict)
        assert pointer in [v.pointer for v in info.value.violations]


def test_tolerant_decoding_is_a_good_sdk() -> None:
    body = b'{"UserAttributes":[{"Name":"email","Value":"a@b.c","NewField":1}],"Brand":"new"}'
    r = cs.loads(body, cs.GetUserResponse)
    assert r.username is None  # required by the model, absent on the wire: no crash
    assert r.user_attributes == (cs.AttributeType(name="email", value="a@b.c"),)


def test_a_missing_mandatory_request_member_is_a_typed_error_even_when_tolerant() -> None:
    with pytest.raises(cs.DecodeError) as info:
        cs.loads(b"{}", cs.AdminGetUserRequest)
    assert sorted(v.pointer for v in info.value.violations) == ["/UserPoolId", "/Username"]


def test_strict_decoding_lists_every_violation_with_its_path() -> None:
    body = (
        b'{"Username":"al ice","UserAttributes":[{"Name":"","Value":"x"},{"Name":"a","Extra":1}],'
        b'"UserStatus":"NOPE","Unknown":true}'
    )
    with pytest.raises(cs.DecodeError) as info:
        cs.loads(body, cs.AdminGetUserResponse, strict=True)
    found = sorted((v.pointer, v.kind) for v in info.value.violations)
    assert found == [
        ("/Unknown", "unknown_member"),
        ("/UserAttributes/0/Name", "length_min"),
        ("/UserAttributes/0/Name", "pattern"),
        ("/UserAttributes/1/Extra", "unknown_member"),
        ("/UserStatus", "enum"),
        ("/Username", "pattern"),
    ]
    message = str(info.value)
    assert "6 violations decoding AdminGetUserResponse" in message
    assert "al ice" not in message  # the username is sensitive


def test_violations_are_listed_as_the_checker_meets_them() -> None:
    # A structure's unknown members first, then its members in model order, depth first (the
    # checker looks for unknown members after the known ones and puts them back in front).
    body = (
        b'{"Username":"al ice","UserAttributes":[{"Name":"","Value":"x"},{"Name":"a","Extra":1,"Value":5}],'
        b'"UserStatus":"NOPE","Unknown":true,"MFAOptions":[{"X":1,"AttributeName":""}]}'
    )
    with pytest.raises(cs.DecodeError) as info:
        cs.loads(body, cs.AdminGetUserResponse, strict=True)
    assert [(v.pointer, v.kind) for v in info.value.violations] == [
        ("/Unknown", "unknown_member"),
        ("/Username", "pattern"),
        ("/UserAttributes/0/Name", "length_min"),
        ("/UserAttributes/0/Name", "pattern"),
        ("/UserAttributes/1/Extra", "unknown_member"),
        ("/UserAttributes/1/Value", "type"),
        ("/UserStatus", "enum"),
        ("/MFAOptions/0/X", "unknown_member"),
        ("/MFAOptions/0/AttributeName", "length_min"),
        ("/MFAOptions/0/AttributeName", "pattern"),
    ]
    assert [(v.pointer, v.kind) for v in cs.validate(body, cs.AdminGetUserResponse)] == [
        (v.pointer, v.kind) for v in info.value.violations
    ]


def test_decode_errors_never_show_sensitive_values() -> None:
    token = "eyJraWQiOiJzZWNyZXQifQ.e30.c2ln ="
    with pytest.raises(cs.DecodeError) as info:
        cs.loads(json.dumps({"AccessToken": token}).encode(), cs.GetUserRequest, strict=True)
    assert token not in str(info.value)
    assert token not in repr(info.value)
    assert "AccessToken" in str(info.value)


def test_sensitive_members_are_redacted_in_repr() -> None:
    token = "eyJraWQiOiJzZWNyZXQtdG9rZW4tdmFsdWUifQ.e30.c2ln"
    req = cs.GetUserRequest(access_token=token)
    assert token not in repr(req)
    assert "access_token=<redacted>" in repr(req)
    resp = cs.AdminGetUserResponse(
        username="bob", user_attributes=[cs.AttributeType(name="email", value="b@x.y")]
    )
    assert "bob" not in repr(resp)
    assert "b@x.y" not in repr(resp)
    assert "email" in repr(resp)  # attribute names are not sensitive


def test_classes_are_frozen_slotted_and_keyword_only() -> None:
    req = cs.AdminGetUserRequest(user_pool_id="us-east-1_abc", username="a")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        req.username = "b"  # type: ignore[misc]
    assert not hasattr(req, "__dict__")
    with pytest.raises(TypeError):
        cs.AdminGetUserRequest("us-east-1_abc", "a")  # type: ignore[misc]
    assert hash(req) == hash(cs.AdminGetUserRequest(user_pool_id="us-east-1_abc", username="a"))


def test_encoding_refuses_wrong_python_types() -> None:
    with pytest.raises(cs.EncodeError, match="Username"):
        cs.dumps(cs.AdminGetUserResponse(username=5))  # type: ignore[arg-type]


def test_errors_pickle_with_their_fields() -> None:
    import pickle

    err = cs.InvalidParameterException(message="m", reason_code="r")
    back = pickle.loads(pickle.dumps(err))
    assert back == err
    assert (back.message, back.reason_code) == ("m", "r")


# --------------------------------------------------------------------------------------------------
# Bring-your-own converter.


def test_a_users_converter_can_adopt_the_hooks() -> None:
    conv = cattrs.Converter()
    cs.configure_converter(conv)
    data = {"Username": "a", "UserAttributes": [{"Name": "email", "Value": "x"}]}
    obj = conv.structure(data, cs.GetUserResponse)
    assert obj == cs.from_wire(data, cs.GetUserResponse)
    assert conv.unstructure(obj) == data
    # and it composes with cattrs' own handling of containers
    assert conv.structure([data], list[cs.GetUserResponse]) == [obj]


def _converters() -> list[cattrs.BaseConverter]:
    plain = cattrs.Converter(detailed_validation=False)
    cs.configure_converter(plain)
    base = cattrs.BaseConverter()
    cs.configure_converter(base)
    return [cs.make_converter(), plain, base]


@pytest.mark.parametrize(
    ("data", "cls", "pointer"),
    [
        ({"Username": 5}, cs.AdminGetUserResponse, "/Username"),
        ({"Username": "u", "UserCreateDate": "1682955829"}, cs.AdminGetUserResponse, "/UserCreateDate"),
        ({"Username": "u", "UserCreateDate": 1e300}, cs.AdminGetUserResponse, "/UserCreateDate"),
        (
            {"Username": "u", "UserAttributes": [{"Name": 5}]},
            cs.AdminGetUserResponse,
            "/UserAttributes/0/Name",
        ),
        ({"Username": "u", "UserAttributes": [None]}, cs.AdminGetUserResponse, "/UserAttributes/0"),
        ({"Username": "u"}, cs.AdminGetUserRequest, "/UserPoolId"),
        ([{"AccessToken": "t"}], cs.GetUserRequest, "/"),
        ("t", cs.GetUserRequest, "/"),
    ],
)
def test_a_users_converter_raises_library_errors_with_paths(data: Any, cls: type, pointer: str) -> None:
    for conv in _converters():
        with pytest.raises(cs.CognitoSpecError) as info:
            conv.structure(data, cls)
        assert type(info.value) is cs.WireTypeError
        assert f"\n  {pointer}: " in str(info.value)
        assert isinstance(info.value.__cause__, cs.DecodeError)
        assert [v.pointer or "/" for v in info.value.__cause__.violations] == [pointer]


def test_cattrs_wraps_library_errors_of_containers_in_its_exception_group() -> None:
    # cattrs' own container hooks collect what our hooks raise (detailed validation): inside the
    # group every error is ours, and cattrs.transform_error renders the paths.
    conv = cs.make_converter()
    with pytest.raises(cattrs.BaseValidationError) as info:
        conv.structure([{"AccessToken": "a"}, {"AccessToken": 5}], list[cs.GetUserRequest])
    (inner,) = info.value.exceptions
    assert isinstance(inner, cs.WireTypeError)
    assert "/AccessToken: expected string, got number" in str(inner)


def test_a_users_converter_never_quotes_a_secret() -> None:
    secret = "alice-secret@example.com"
    for data in (
        {"Username": "u", "UserAttributes": {"Name": "email", "Value": secret}},
        {"Username": "u", "UserAttributes": [{"Name": 5, "Value": secret}]},
        {"Username": "u", "UserAttributes": [[["Name", "email"], ["Value", secret]]]},
        {"Username": [secret]},
    ):
        for conv in _converters():
            with pytest.raises(cs.CognitoSpecError) as info:
                conv.structure(data, cs.AdminGetUserResponse)
            assert secret not in str(info.value)
            assert secret not in repr(info.value)


def test_the_global_converter_is_untouched() -> None:
    assert cattrs.global_converter.unstructure(cs.AttributeType(name="n", value="v")) == {
        "name": "n",
        "value": "v",
    }
    conv = cs.make_converter()
    assert conv.unstructure(cs.AttributeType(name="n", value="v")) == {"Name": "n", "Value": "v"}


# --------------------------------------------------------------------------------------------------
# Compiled functions are debuggable: their source is registered with linecache.


def test_a_traceback_through_a_compiled_function_shows_its_generated_lines() -> None:
    build = function_for(cs.AdminGetUserResponse, "build")
    with pytest.raises(cs.WireTypeError) as info:
        build({"Username": "u", "UserAttributes": [{"Name": 5}]})
    here = [f for f in traceback.extract_tb(info.tb) if f.filename == build.__code__.co_filename]
    assert len(here) == 1
    source = inspect.getsource(build)
    assert here[0].line and here[0].line in source
    assert "_plain_str(" in here[0].line
    assert here[0].line in "".join(traceback.format_exception(info.value))


def test_every_compiled_function_has_a_file_name_of_its_own() -> None:
    first = compile_function(cs.GetUserRequest, "check")
    second = compile_function(cs.GetUserRequest, "check")
    assert first.__code__.co_filename != second.__code__.co_filename
    assert inspect.getsource(first) == inspect.getsource(second)
    assert inspect.getsource(first).startswith("def check(data, path, out, strict, cnt")


_DEFAULT = re.compile(r", (_\w+)=\1\b")


@each(CLASSES, lambda c: c.__name__)
@given(data=st.data())
def test_a_compiled_function_takes_as_defaults_only_names_its_fast_path_reads(
    pick: tuple[type, ...], data: st.DataObject
) -> None:
    # Every call copies each default into its frame and releases it: a name that only a violation
    # reads (a shape ref, an enum's list, a map key's path item) or a slow path (a pattern behind a
    # fast test) is a global.
    cls = data.draw(st.sampled_from(pick), label="class")
    mode = data.draw(st.sampled_from(["check", "strict", "build"]), label="mode")
    head, *body = write_source(cls, mode).text.splitlines()
    fast = [line for line in body if "out.append(_W(" not in line]
    for name in _DEFAULT.findall(head):
        assert not name.startswith(("_SH", "_EL", "_KK", "_Q")), name
        assert any(re.search(rf"\b{name}\b", line) for line in fast), name


# --------------------------------------------------------------------------------------------------
# Documents (Smithy document type: a WebAuthn credential, managed login branding settings).

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(value=_JSON)
def test_any_json_value_is_a_document_and_round_trips_exactly(value: Any) -> None:
    if value is None:
        value = {}  # null reads as absent, as for every member
    body = cs.dumps(
        cs.CreateManagedLoginBrandingRequest(user_pool_id="us-east-1_AbC", client_id="a" * 26, settings=value)
    )
    obj = cs.loads(body, cs.CreateManagedLoginBrandingRequest, strict=True)
    assert json.dumps(obj.settings) == json.dumps(value)
    assert cs.dumps(obj) == body
    assert cs.validate(body, cs.CreateManagedLoginBrandingRequest) == []


def test_a_document_holding_what_json_cannot_write_is_an_encode_error() -> None:
    for bad in ({"a": {1, 2}}, {1: "x"}, [float("nan")], {"deep": [[[object()]]]}):
        with pytest.raises(cs.EncodeError, match="Settings"):
            cs.dumps(
                cs.CreateManagedLoginBrandingRequest(
                    user_pool_id="us-east-1_AbC", client_id="a" * 26, settings=bad
                )
            )
